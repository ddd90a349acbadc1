//! The workshop side (seed 002, flow 5): a workshop's set-up, bookings of free slots, repair
//! orders with estimates and the customer's approval, OBD-II diagnostics, invoices and the
//! maintenance records that decide a car's maintenance status — and so the catalog's maintenance
//! gate — and the reminders that go with them.

pub mod bookings;
pub mod diagnostics;
pub mod estimates;
pub mod fault_codes;
pub mod graphql;
pub mod invoicing;
pub mod jobs;
pub mod notices;
pub mod reminders;
pub mod repair_orders;
pub mod setup;
pub mod slots;
