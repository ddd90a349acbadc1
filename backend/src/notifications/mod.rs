//! Notifications to users: stored, listed, marked read, pushed live to subscribers, and e-mailed in
//! their language by a dispatcher that retries and records failures.

pub mod dispatcher;
pub mod graphql;
pub mod service;
pub mod templates;
