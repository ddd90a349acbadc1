use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas_tests::PASSWORD;
use caas_tests::browser::Browser;
use serde_json::json;

use super::spawn_web_app;

/// The car answers slowly and misses the first command: the live view has steps to show.
fn slow_first_miss(vin: &str) -> FleetKnobs {
    let mut knobs = FleetKnobs { latency_ms: 1_200, ..FleetKnobs::default() };
    knobs.script.insert(vin.to_owned(), [Outcome::Transient, Outcome::Ok, Outcome::Ok, Outcome::Ok].into());
    knobs
}

#[tokio::test]
async fn a_customer_starts_a_trial_and_buys_a_feature_and_watches_it_switch_on_in_german() {
    let app = spawn_web_app().await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    fleet.set_knobs(FleetKnobs { latency_ms: 600, ..FleetKnobs::default() });
    let browser = Browser::open(&app.address).await;

    browser.goto("/").await;
    browser.find("#identifier").await;
    browser.screenshot("login").await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;

    // Anna's account is German: German text, her cars, and the features on them.
    browser.wait_text("main", "Meine Fahrzeuge").await;
    // The heading comes before the list's answer: wait for the car itself.
    browser.wait_text("#vehicles", &aurora).await;
    browser.wait_text("header nav", "Abmelden").await;
    browser.screenshot("customer-dashboard").await;

    // Opened again with the session saved, the page itself asks for the dashboard's data while the
    // app is loading, and the app takes those answers instead of asking a second time.
    browser.goto("/").await;
    browser.find(&format!("li.vehicle[data-vin='{aurora}']")).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let posts = "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/graphql')).length;";
    assert_eq!(browser.js(posts).await, json!(2), "the dashboard and the profile, each asked for once");
    let prefetched = "return window.caasPrefetch && Object.keys(window.caasPrefetch).length;";
    assert_eq!(browser.js(prefetched).await, json!(0), "the app took both prefetched answers");

    // Discovery: the catalog in euros, formatted the German way.
    browser.click(&format!("li.vehicle[data-vin='{aurora}'] a.button")).await;
    let catalog = browser.wait_text("#catalog", "Kostenlos testen").await;
    assert!(catalog.contains(" €"), "prices in euros: {catalog}");
    let price =
        browser.find("li.feature[data-code='PARKING_ASSISTANT'] button.offer[data-kind='PERMANENT'] strong").await;
    let price = price.text().await.expect("price");
    assert!(price.ends_with(" €") && price.contains(','), "German euro format: {price}");
    let monthly =
        browser.find("li.feature[data-code='PARKING_ASSISTANT'] button.offer[data-kind='MONTHLY'] strong").await;
    let monthly = monthly.text().await.expect("price");
    assert!(monthly.ends_with(" € pro Monat"), "a subscription's price says per what: {monthly}");
    browser.screenshot("customer-catalog").await;

    // A free trial, switched on live.
    browser.click("li.feature[data-code='LANE_KEEPING'] button.trial").await;
    browser.wait_text("#activation-status", "Aktiv").await;
    browser.wait_text("#progress", "In Ihrem Fahrzeug aktiv").await;
    browser.screenshot("customer-trial-active").await;

    // Ending the trial asks first and says what will happen; keeping it changes nothing.
    browser.click("#cancel-activation").await;
    let asked = browser.wait_text(".confirm-cancel", "Der Test endet sofort").await;
    assert!(asked.contains("nichts belastet") && asked.contains("Ja, Test beenden"), "{asked}");
    browser.screenshot("customer-end-trial-asked").await;
    browser.click("#keep-activation").await;
    browser.find("#cancel-activation").await;
    let status = browser.find("#activation-status").await.text().await.expect("status");
    assert_eq!(status, "Aktiv");
    browser.click("#cancel-activation").await;
    browser.click("#confirm-cancel").await;
    browser.wait_text("#activation-status", "Storniert").await;

    // A purchase: the car misses the first command; the customer sees the retry, then ACTIVE and
    // the charge taken only then.
    fleet.set_knobs(slow_first_miss(&aurora));
    browser.goto(&format!("/vehicles/{aurora}/features")).await;
    browser.click("li.feature[data-code='PARKING_ASSISTANT'] button.offer[data-kind='PERMANENT']").await;
    // Choosing an offer buys nothing yet: the order's summary says what will be paid, when and how.
    // The saved card is named once the checkout options have loaded (until then "your saved card").
    let summary =
        browser.wait_text("li.feature[data-code='PARKING_ASSISTANT'] .order-summary", "VISA mit Endziffern 4242").await;
    for shown in [
        "Ihre Bestellung prüfen",
        "Parkassistent",
        "inkl. 19 % MwSt.",
        "sobald Ihr Fahrzeug",
        "Einmalige Zahlung",
        "Zahlungspflichtig bestellen",
    ] {
        assert!(summary.contains(shown), "{shown:?} in the summary: {summary}");
    }
    assert!(summary.contains(&price), "the price of the tile: {summary}");
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";
    assert_eq!(browser.js(fits).await, json!(true), "the summary fits the screen");
    browser.js("document.querySelector('.order-summary').scrollIntoView({ block: 'start' }); return true;").await;
    browser.screenshot("customer-order-summary").await;
    browser.click("li.feature[data-code='PARKING_ASSISTANT'] .order-summary button.back").await;
    browser.wait_js("the summary closed", "!document.querySelector('.order-summary')").await;
    assert!(activations_of_feature(&app, &aurora, "PARKING_ASSISTANT").await == 0, "going back bought nothing");
    browser.click("li.feature[data-code='PARKING_ASSISTANT'] button.offer[data-kind='PERMANENT']").await;
    browser.click("li.feature[data-code='PARKING_ASSISTANT'] .order-summary button.order").await;
    let progress = browser.wait_text("#progress", "In Ihrem Fahrzeug aktiv").await;
    assert!(progress.contains("neuer Versuch"), "the retry is shown: {progress}");
    assert!(progress.contains("belastet"), "the charge is shown: {progress}");
    browser.wait_text("#activation-status", "Aktiv").await;
    browser.screenshot("customer-purchase-active").await;

    // The server agrees: one trial and one purchase, both on.
    let token = app.token("customer@demo.caas").await;
    let activations = app
        .graphql_as(
            &token,
            "query($v: String!) { activations(vin: $v, first: 50) { nodes { status durationKind feature { code } } } }",
            json!({ "v": aurora }),
        )
        .await;
    let nodes = activations.data()["activations"]["nodes"].as_array().expect("activations").clone();
    let of = |code: &str| nodes.iter().filter(|n| n["feature"]["code"] == code).cloned().collect::<Vec<_>>();
    assert_eq!(of("LANE_KEEPING").len(), 1);
    assert_eq!(of("LANE_KEEPING")[0]["durationKind"], "TRIAL");
    assert_eq!(of("PARKING_ASSISTANT").len(), 1);
    assert_eq!(of("PARKING_ASSISTANT")[0]["status"], "ACTIVE");
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

/// How many activations of `feature` the car has, as the server knows them.
async fn activations_of_feature(app: &caas_tests::TestApp, vin: &str, feature: &str) -> usize {
    let token = app.token("customer@demo.caas").await;
    let query = "query($v: String!) { activations(vin: $v, first: 50) { nodes { feature { code } } } }";
    let answer = app.graphql_as(&token, query, json!({ "v": vin })).await;
    let nodes = answer.data()["activations"]["nodes"].as_array().expect("activations").clone();
    nodes.iter().filter(|node| node["feature"]["code"] == feature).count()
}
