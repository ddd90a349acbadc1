//! End-to-end tests of the API: one binary, one module per concern.

mod access_callers;
mod access_matrix;
mod activation;
mod auth;
mod catalog;
mod concurrency;
mod durations;
mod field_order;
mod gateway_faults;
mod input;
mod invoice_numbers;
mod migrations;
mod n_plus_one;
mod operations;
mod passwords;
mod payment_faults;
mod purchase;
mod saved_card;
mod schema;
mod scope;
mod stuck_deactivation;
mod subscription_billing;
mod subscriptions;
mod trade_in;
mod unreachable;
mod web;
