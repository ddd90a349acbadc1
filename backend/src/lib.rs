//! CaaS, Car as a Service: the GraphQL API server.
//!
//! Organised by domain (`accounts`, `auth`, `fleet`, `catalog`, `expediente`, `orders`,
//! `activation`, `billing`, `workshops`, `notifications`), each with its service and GraphQL part;
//! `schema` merges them into one schema, `http` serves it, `server` wires everything together.

// The merged GraphQL roots nest one level per domain; the compiler's default depth is too
// shallow to lay out their resolvers.
#![recursion_limit = "256"]

pub mod accounts;
pub mod activation;
pub mod analytics;
pub mod app;
pub mod assistant;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod campaigns;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod consents;
pub mod domain;
pub mod error;
pub mod expediente;
pub mod fleet;
pub mod graphql;
pub mod http;
pub mod i18n;
pub mod idempotency;
pub mod integrations;
pub mod logging;
pub mod notifications;
pub mod orders;
pub mod pagination;
pub mod payments;
pub mod pipeline;
pub mod platform;
pub mod policy;
pub mod privacy;
pub mod remote;
pub mod schema;
pub mod seed;
pub mod server;
pub mod sessions;
pub mod settlement;
pub mod support;
pub mod telemetry;
pub mod vehicle_extensions;
pub mod workshops;
