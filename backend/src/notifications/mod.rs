//! Notifications to users: stored, listed, marked read, pushed live to subscribers, and sent in
//! their language on the channels they chose — e-mail, Web Push, text message, the car's display —
//! by a dispatcher that retries, respects quiet hours and records failures.

pub mod channels;
pub mod devices;
pub mod dispatcher;
pub mod graphql;
pub mod kinds;
pub mod preferences;
pub mod receipts;
pub mod service;
pub mod settings_graphql;
pub mod templates;
pub mod unsubscribe;
