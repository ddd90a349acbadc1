//! End-to-end tests of the API: one binary, one module per concern.

mod activation;
mod auth;
mod catalog;
mod field_order;
mod input;
mod migrations;
mod n_plus_one;
mod operations;
mod purchase;
mod schema;
mod scope;
mod subscriptions;
mod web;
