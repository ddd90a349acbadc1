//! The workshop side: maintenance records, bookings, diagnostics.

pub mod graphql;
