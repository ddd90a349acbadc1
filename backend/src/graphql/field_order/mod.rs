//! Every answer lists its keys in the order of the query's selection set, as the GraphQL
//! specification requires. The engine resolves the fields of an object concurrently and records
//! each one as it finishes, so without this the same query can come back with its keys in a
//! different order every time; [`operation`](super::operation) puts each answer in order.

mod reorder;

pub use reorder::reorder;
