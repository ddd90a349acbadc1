//! The catalog of features (opciones disponibles): what fits a vehicle, and at what price.

pub mod admin;
pub mod admin_graphql;
pub mod firmware;
pub mod graphql;
pub mod maintenance;
pub mod service;
