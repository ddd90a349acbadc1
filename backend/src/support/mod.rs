//! Support's desk: one search over customers, vehicles, orders and payments; a person's or a
//! car's timeline read from the audit trail; a failed e-mail sent again.

pub mod graphql;
pub mod service;
