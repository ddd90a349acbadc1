//! The expediente (purchase record): everything about one vehicle in one place — the vehicle, its
//! owner, sales with their manufacturing timeline, activations, maintenance, invoices and manuals.

pub mod graphql;
pub mod service;
