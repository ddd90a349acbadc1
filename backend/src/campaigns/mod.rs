//! Fleet campaigns: an admin's action on many cars at once — a feature switched on free of charge,
//! switched off, or offered — rolled out in groups with gates, at a rate with a ramp, with an
//! in-progress timeout and abort criteria, after a second admin's approval, through the OTA
//! engine's durable jobs; stopped at once on every instance, and rolled back.

pub mod graphql;
pub mod progress;
pub mod rate;
pub mod runner;
pub mod service;
pub mod spec;
pub mod stop;
pub mod target;
pub mod turn;
