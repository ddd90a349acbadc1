//! Feature activations: buying a feature for a duration (or trying it), the OTA engine that switches
//! it on in the car with retries and only then captures the charge, the scheduler that ends trials
//! and bills subscriptions, and support's tools for what failed.

pub mod billing;
pub mod by_hand;
pub mod end_reason;
pub mod engine;
pub mod graphql;
pub mod job;
pub mod jobs;
pub mod live;
pub mod outcome;
pub mod periods;
pub mod purchase;
pub mod queries;
pub mod scheduler;
pub mod support;
pub mod tickets;
