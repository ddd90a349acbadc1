//! The GraphQL layer under the domains: request context, loaders, connections, the extension that
//! gives every error its code and the one that keeps answers in the order of their queries. The
//! schema that merges the domains is `crate::schema`, above them. It does not depend on axum.

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
