//! Remote control of a car by its owner: lock and unlock, flash the lights, start the climate at a
//! temperature for a while, start and stop charging. A command is stored first — durable,
//! idempotent by the owner's key, audited — then an instance claims it and sends it to the car
//! through the IoT API; each step is published for the owner's live view, and the car's answer
//! becomes its last known state (shown read-only when the phone is offline).

pub mod graphql;
pub mod sender;
pub mod service;
