//! The customer app's two bundles: a page of the second opened from the first (a full page load of
//! the same address), deep links and reloads into either, and the second bundle kept by the service
//! worker.

use caas_tests::PASSWORD;
use caas_tests::browser::Browser;

use super::spawn_web_app;

/// Whether the page was started by the second bundle (its files are under `/more/`).
const SECOND: &str = "document.querySelector(\"link[href^='/more/']\") !== null";

#[tokio::test]
async fn the_rarer_pages_come_with_the_second_bundle_at_their_own_addresses() {
    let app = spawn_web_app().await;
    let vin = app.vins_of("customer@demo.caas").await[0].clone();
    let browser = Browser::open(&app.address).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.wait_text("#vehicles", &vin).await;
    assert_eq!(browser.js(&format!("return {SECOND};")).await, false, "the dashboard is the first bundle's");
    browser.wait_for_service_worker().await;

    // From the first bundle to a page of the second: the address is loaded anew.
    browser.click("header nav a[href='/profile']").await;
    browser.find("a.privacy-link").await;
    browser.wait_js("the second bundle shows the profile", SECOND).await;
    assert_eq!(browser.js("return location.pathname;").await, "/profile");
    // Inside the second bundle every page is a click away.
    browser.click("a.privacy-link").await;
    browser.find("#erasure-form, #erasure-due").await;
    assert_eq!(browser.js("return location.pathname;").await, "/privacy");

    // Deep links and reloads: each address gets its bundle's page, from the service worker too.
    browser.goto(&format!("/vehicles/{vin}/health")).await;
    browser.wait_js("the health page comes with the second bundle", SECOND).await;
    browser.goto(&format!("/vehicles/{vin}")).await;
    browser.wait_text("main", &vin).await;
    assert_eq!(browser.js(&format!("return {SECOND};")).await, false, "the car's file is the first bundle's");
    browser
        .wait_js(
            "the service worker keeps the second bundle",
            "(window.__kept || (caches.match('/more/').then((page) => { window.__kept = !!page; }), false))",
        )
        .await;
    browser.close().await;
}
