//! A car's health page: Lucía opens her Cirrus's on her phone, from its file — the month's charts
//! drawn from the seeded history, the last day's readings — and while she looks the car reports a
//! misfire: its values, a point on the day's charts and the alert with the way to a workshop show
//! up without a reload; the page fits a phone and labels its controls.

use caas::platform::clock::Clock;
use caas_tests::browser::{Browser, BrowserOptions};
use caas_tests::telemetry::{self, DTC_LIST, ODOMETER, STATE_OF_CHARGE};
use caas_tests::{PASSWORD, TestApp};
use serde_json::json;

use super::pages::check_page;
use super::spawn_web_app;

const LUCIA: &str = "customer2@demo.caas";

/// How many points the line of chart `id` has.
async fn points(browser: &Browser, id: &str) -> u64 {
    let script = format!(
        "const line = document.querySelector('#{id} polyline');
         return line ? line.getAttribute('points').trim().split(' ').length : 0;"
    );
    browser.js(&script).await.as_u64().expect("a count")
}

/// A screenshot with `css` scrolled to the top of the screen.
async fn shot(browser: &Browser, css: &str, name: &str) {
    browser.js(&format!("document.querySelector({css:?}).scrollIntoView({{ block: 'start' }}); return true;")).await;
    browser.screenshot(name).await;
}

/// The car's odometer as the API tells its owner.
async fn odometer(app: &TestApp, token: &str, vin: &str) -> f64 {
    let query = "query($vin: String!) { vehicle(vin: $vin) { latestTelemetry { odometerKm } } }";
    let answer = app.graphql_as(token, query, json!({ "vin": vin })).await;
    answer.data()["vehicle"]["latestTelemetry"]["odometerKm"].as_f64().expect("the seeded odometer")
}

#[tokio::test]
async fn lucia_sees_her_cirruss_history_and_a_misfire_reported_while_she_looks() {
    let app = spawn_web_app().await;
    let cirrus = telemetry::vin_of(&app, LUCIA, "CIRRUS").await;
    let token = app.token(LUCIA).await;
    let browser =
        Browser::open_with(&app.address, BrowserOptions { language: "es-ES".into(), ..Default::default() }).await;
    browser.sign_in(LUCIA, PASSWORD).await;

    // From her car's file to its health page.
    browser.goto(&format!("/vehicles/{cirrus}")).await;
    let listening = app.subscribers();
    browser.click(&format!("main a[href='/vehicles/{cirrus}/health']")).await;
    browser.wait_text("main h1", "Estado del coche").await;

    // The month: each hour's average with its band, from the seeded history.
    browser.find("#mileage-chart svg polygon.band").await;
    let month = (points(&browser, "mileage-chart").await, points(&browser, "battery-chart").await);
    assert!(month.0 > 600 && month.1 > 600, "an hour's point for about a month: {month:?}");
    let summary = browser.js("return document.querySelector('#battery-chart svg').getAttribute('aria-label');").await;
    let summary = summary.as_str().expect("a summary");
    assert!(summary.starts_with("Carga de la batería del ") && summary.contains(" %"), "{summary}");
    let latest = browser.wait_text("#latest-values", "Cuentakilómetros").await;
    assert!(
        latest.contains("Carga de la batería") && !latest.contains("Combustible"),
        "a signal the car does not report is left out: {latest}"
    );
    browser.wait_text("#alerts", "Sin alertas abiertas").await;
    shot(&browser, "#history", "telemetry-health-month").await;

    // The last day: every reading, half-hourly, without a band.
    browser.click("#period-day").await;
    browser
        .wait_js(
            "the day's charts",
            "document.getElementById('period-day').getAttribute('aria-pressed') === 'true'
             && !!document.querySelector('#mileage-chart polyline') && !document.querySelector('#mileage-chart polygon')",
        )
        .await;
    let day = points(&browser, "mileage-chart").await;
    assert!((40..=50).contains(&day), "a reading every half hour: {day}");
    shot(&browser, "#history", "telemetry-health-day").await;

    // While she looks (the page listens), the car reports its next kilometres and a misfire.
    app.wait_for_subscribers(listening + 1).await;
    let km = odometer(&app, &token, &cirrus).await + 12.0;
    let at = app.clock.now() + chrono::Duration::seconds(60);
    let signals = json!({ ODOMETER: km, STATE_OF_CHARGE: 64.0, DTC_LIST: ["P0301"] });
    let (status, answer) = telemetry::send(&app, &cirrus, at.timestamp(), at, signals).await;
    assert_eq!(status, 202, "{answer}");
    let alert = browser
        .wait_text("#alerts li.alert.open[data-kind='FAULT_CODE']", "Fallo de encendido detectado en el cilindro 1")
        .await;
    assert!(alert.contains("Código de avería") && alert.contains("P0301"), "{alert}");
    browser.find(&format!("#alerts li.alert.open a.button[href='/vehicles/{cirrus}/book']")).await;
    let latest = browser.wait_text("#latest-values", "P0301").await;
    assert!(latest.contains("64 %"), "the new charge: {latest}");
    assert_eq!(points(&browser, "mileage-chart").await, day + 1, "the reading is a new point of the day");
    assert!(!browser.body_text().await.contains("Sin alertas abiertas"), "the note that all is well is gone");
    shot(&browser, "#alerts", "telemetry-health-alert").await;

    // Opened again, the alert is there; the page fits a phone and labels its controls.
    check_page(&browser, &format!("/vehicles/{cirrus}/health"), "telemetry-health").await;
    browser.wait_text("#alerts li.alert.open", "P0301").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}
