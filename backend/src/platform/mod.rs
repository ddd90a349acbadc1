//! Cross-cutting building blocks: time, events, the database and metrics.

pub mod clock;
pub mod db;
pub mod events;
pub mod inbox;
pub mod metrics;
pub mod rate_limit;
