//! The SeaORM entities of CaaS: one module per table, plain data.
//!
//! Behaviour lives in the backend's domain services; GraphQL types are the backend's own structs, so
//! a column rename never changes the public API.

pub mod account_erasures;
pub mod activations;
pub mod api_keys;
pub mod audit_events;
pub mod bookings;
pub mod data_exports;
pub mod dealerships;
pub mod diagnostic_sessions;
pub mod enums;
pub mod erased_emails;
pub mod feature_models;
pub mod feature_texts;
pub mod features;
pub mod health_alerts;
pub mod idempotency_keys;
pub mod invoice_lines;
pub mod invoice_sequences;
pub mod invoices;
pub mod leases;
pub mod login_failures;
pub mod maintenance_records;
pub mod manufacturing_events;
pub mod model_manuals;
pub mod notifications;
pub mod orders;
pub mod ota_jobs;
pub mod outbox_events;
pub mod partner_vehicle_grants;
pub mod partners;
pub mod password_tokens;
pub mod payment_cards;
pub mod payments;
pub mod periodic_runs;
pub mod prices;
pub mod rate_limit_windows;
pub mod refresh_tokens;
pub mod region_vat_rates;
pub mod regions;
pub mod repair_order_events;
pub mod repair_order_lines;
pub mod repair_orders;
pub mod resource_bookings;
pub mod retained_buyers;
pub mod service_reminders;
pub mod service_type_prices;
pub mod service_types;
pub mod support_tickets;
pub mod telemetry_hourly;
pub mod telemetry_readings;
pub mod ticket_comments;
pub mod user_actions;
pub mod users;
pub mod vehicle_models;
pub mod vehicle_telemetry;
pub mod vehicles;
pub mod webhook_events;
pub mod workshop_closed_days;
pub mod workshop_hours;
pub mod workshop_resources;
pub mod workshop_sequences;
pub mod workshops;

pub use enums::*;
