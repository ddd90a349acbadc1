//! The web app in real headless Chromium against the real server: what customers, dealers, support
//! and admins do, in their language, on a phone-sized screen, with and without a connection.
//! Screenshots of every page are written to `test-artifacts/`.

mod accounts;
mod assistant;
mod bundles;
mod campaigns;
mod checkout;
mod customer;
mod dealer;
mod installed_app;
mod offline;
mod oidc;
mod operations;
mod pages;
mod persisted;
mod screens;
mod telemetry;
mod workshops;

use caas_tests::browser::web_app_dir;
use caas_tests::{TestApp, TestOptions, spawn_app_with};

/// A server with the demo data that also serves the built web app.
async fn spawn_web_app() -> TestApp {
    let dist = web_app_dir();
    spawn_app_with(TestOptions {
        configure: Box::new(move |config| config.static_dir = dist),
        ..TestOptions::default()
    })
    .await
}
