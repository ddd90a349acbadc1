//! Cross-cutting building blocks: time, events, the database and metrics.

pub mod clock;
pub mod db;
pub mod events;
pub mod inbox;
pub mod lease;
pub mod metrics;
pub mod nats;
pub mod outbox;
pub mod periodic;
pub mod rate_limit;
pub mod rounds;
