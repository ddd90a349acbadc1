//! Talking to the server: typed GraphQL over HTTP with the session's tokens (refreshed when they
//! expire), the last answer of every query cached for offline use, live subscriptions over
//! WebSocket, and the queue of purchases made offline.

pub mod activation;
#[cfg(feature = "more")]
pub mod assistant;
#[cfg(feature = "staff")]
pub mod campaigns;
pub mod checkout;
pub mod client;
pub mod dashboard;
pub mod events;
pub mod expediente;
pub mod hooks;
pub mod json;
pub mod lists;
pub mod ops;
pub mod orders;
pub mod persisted;
#[cfg(feature = "more")]
pub mod preferences;
#[cfg(feature = "more")]
pub mod privacy;
#[cfg(feature = "more")]
pub mod push;
pub mod queue;
pub mod remote;
pub mod storage;
#[cfg(feature = "more")]
pub mod telemetry;
pub mod workshop;
pub mod ws;

pub use client::{Api, ApiError};
pub use hooks::{QueryState, use_query, use_query_as, use_reload};
