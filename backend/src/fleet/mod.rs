//! Vehicles and vehicle models: who may see which vehicle, and how the API shows them.

pub mod capabilities;
pub mod graphql;
pub mod service;
