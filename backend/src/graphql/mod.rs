//! The GraphQL layer under the domains: request context, loaders, connections, and the steps every
//! operation passes through around the engine (`operation`: admission, the answer's order, error
//! codes). The schema that merges the domains is `crate::schema`, above them, and
//! `crate::pipeline` runs operations against it. It does not depend on axum.

pub mod admission;
pub mod allow_list;
pub mod batch;
pub mod connection;
pub mod context;
pub mod document_size;
pub mod field_order;
pub mod loaders;
pub mod operation;
pub mod prepared;
