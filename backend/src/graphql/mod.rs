//! The GraphQL layer: schema assembly, request context, loaders, connections, the extension that
//! gives every error its code and the one that keeps answers in the order of their queries. It does
//! not depend on axum: the HTTP layer hands requests to it.

pub mod connection;
pub mod context;
pub mod extension;
pub mod field_order;
pub mod loaders;
pub mod schema;

pub use schema::{CaasSchema, build_schema, sdl};
