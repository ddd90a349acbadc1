//! The GraphQL layer: schema assembly, request context, loaders, connections and the extension that
//! gives every error its code. It does not depend on axum: the HTTP layer hands requests to it.

pub mod connection;
pub mod context;
pub mod extension;
pub mod loaders;
pub mod schema;

pub use schema::{CaasSchema, build_schema, sdl};
