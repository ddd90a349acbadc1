use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas_tests::PASSWORD;
use caas_tests::browser::Browser;
use caas_tests::link::{LinkState, NetworkLink};
use serde_json::json;

use super::spawn_web_app;

/// What every page must do: finish loading, fit a 360 px screen, label every control, show no
/// raw error; then its screenshot is kept.
pub(super) async fn check_page(browser: &Browser, path: &str, name: &str) {
    browser.goto(path).await;
    browser.find("main h1").await;
    browser.wait_js("the page finished loading", "!document.querySelector('main p.status[role=status]')").await;
    let fits = browser.js("return document.documentElement.scrollWidth <= window.innerWidth;").await;
    assert_eq!(fits, json!(true), "{path} fits a 360 px screen");
    let unlabelled = browser
        .js("return [...document.querySelectorAll('input, select, textarea')]
                .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
                .map(e => e.id || e.name || e.outerHTML);")
        .await;
    assert_eq!(unlabelled, json!([]), "{path}: every control has a label");
    let nameless = browser
        .js("return [...document.querySelectorAll('button, a')]
                .filter(e => !(e.innerText || e.textContent || '').trim() && !e.getAttribute('aria-label'))
                .map(e => e.outerHTML);")
        .await;
    assert_eq!(nameless, json!([]), "{path}: every button and link says what it does");
    let text = browser.body_text().await;
    for raw in ["panicked", "RuntimeError", "unreachable", "not found", "internal error", "{\""] {
        assert!(!text.contains(raw), "{path} shows something raw ({raw}): {text}");
    }
    browser.screenshot(name).await;
}

#[tokio::test]
async fn every_page_of_every_role_loads_fits_a_phone_and_labels_its_controls() {
    let app = spawn_web_app().await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let token = app.token("customer@demo.caas").await;
    let activations = app
        .graphql_as(
            &token,
            "query($v: String!) { activations(vin: $v, first: 1) { nodes { id } } }",
            json!({ "v": aurora }),
        )
        .await;
    let activation = activations.data()["activations"]["nodes"][0]["id"].as_str().expect("activation").to_owned();
    let orders = app.graphql_as(&token, "{ orders(first: 1) { nodes { id } } }", json!({})).await;
    let order = orders.data()["orders"]["nodes"][0]["id"].as_str().expect("an order of Anna's").to_owned();

    // A failed activation gives support a ticket to look at.
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    let mut refusing = FleetKnobs::default();
    refusing.script.insert(aurora.clone(), [Outcome::Permanent].into());
    fleet.set_knobs(refusing);
    let purchase = app
        .graphql_as(
            &token,
            "mutation($vin: String!) { purchaseFeature(input: { vin: $vin, featureCode: \"PARKING_ASSISTANT\", duration: { kind: PERMANENT }, idempotencyKey: \"pages-1\" }) { id } }",
            json!({ "vin": aurora }),
        )
        .await;
    let failed = purchase.data()["purchaseFeature"]["id"].as_str().expect("purchase").to_owned();

    let customer = Browser::open(&app.address).await;
    customer.sign_in("customer@demo.caas", PASSWORD).await;
    for (path, name) in [
        ("/".to_owned(), "customer-dashboard"),
        (format!("/vehicles/{aurora}/features"), "customer-catalog"),
        (format!("/vehicles/{aurora}"), "customer-expediente"),
        (format!("/activations/{activation}"), "customer-activation"),
        (format!("/activations/{failed}"), "customer-activation-failed"),
        ("/orders".to_owned(), "customer-orders"),
        (format!("/orders/{order}"), "customer-order"),
        ("/notifications".to_owned(), "customer-notifications"),
        ("/profile".to_owned(), "customer-profile"),
        ("/queue".to_owned(), "customer-queue"),
    ] {
        check_page(&customer, &path, name).await;
    }
    // The failed purchase: explained, and not charged.
    customer.goto(&format!("/activations/{failed}")).await;
    customer.wait_text("#activation-failure", "Ihnen wird nichts berechnet").await;
    customer.wait_text("#activation-failure", "das Auto hat die Änderung nicht angenommen").await;
    assert!(customer.severe_logs().await.is_empty(), "{:?}", customer.severe_logs().await);
    customer.close().await;

    let dealer = Browser::open(&app.address).await;
    dealer.sign_in("dealer@demo.caas", PASSWORD).await;
    for (path, name) in [
        ("/staff/", "dealer-orders"),
        ("/staff/dealer/sale", "dealer-new-sale"),
        ("/staff/dealer/stock", "dealer-stock"),
        ("/staff/profile", "dealer-profile"),
    ] {
        check_page(&dealer, path, name).await;
    }
    dealer.close().await;

    // Support (in English) retries the failed activation from its ticket.
    let support = Browser::open(&app.address).await;
    support.sign_in("support@demo.caas", PASSWORD).await;
    check_page(&support, "/staff/", "support-desk").await;
    support.wait_text("#tickets", "Parking").await;
    support.click("#tickets li button:not(.secondary)").await;
    support.wait_text("main", "No open tickets.").await;
    let retried = app
        .eventually("the retried activation is on", || async {
            let answer = app
                .graphql_as(&token, "query($id: ID!) { activation(id: $id) { status } }", json!({ "id": failed }))
                .await;
            (answer.data()["activation"]["status"] == "ACTIVE").then_some(())
        })
        .await;
    let () = retried;
    support.close().await;

    // The admin changes a price; customers in that region see it at once.
    let admin = Browser::open(&app.address).await;
    admin.sign_in("admin@demo.caas", PASSWORD).await;
    check_page(&admin, "/staff/admin", "admin-catalog").await;
    admin.fill("#heated_seats-permanent-0", "333,00").await;
    admin.click("li:has(> #heated_seats-permanent-0) button").await;
    admin.wait_text("li[data-code='HEATED_SEATS'] .prices", "€396.27").await;
    admin.close().await;

    let workshop = Browser::open(&app.address).await;
    workshop.sign_in("workshop@demo.caas", PASSWORD).await;
    check_page(&workshop, "/staff/", "workshop-home").await;
    workshop.close().await;
}

#[tokio::test]
async fn pages_explain_loading_empty_and_error_states_in_the_users_language() {
    let app = spawn_web_app().await;
    let link = NetworkLink::to(&app.address).await;
    let browser = Browser::open(&link.address).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.find("#vehicles").await;

    // Loading: on a slow network the page says it is loading.
    link.set(LinkState::Slow(std::time::Duration::from_millis(1_500)));
    browser.click("header nav a[href='/notifications']").await;
    browser.wait_text("main p.status", "Wird geladen").await;
    browser.screenshot("state-loading").await;
    browser.find("#notifications").await;
    link.set(LinkState::Up);

    // Empty: nothing waits in the queue.
    browser.goto("/queue").await;
    browser.wait_text("main p.status.empty", "Nichts wartet").await;
    browser.screenshot("state-empty").await;

    // Addresses naming nothing — a car that is not there, an activation that does not exist —
    // are a "not found" page with a way home, never raw.
    browser.goto("/vehicles/WCAAUR1S3TB999999").await;
    let error = browser.wait_text("#not-found", "Seite nicht gefunden").await;
    assert!(!error.contains("not found"), "{error}");
    browser.screenshot("state-error").await;
    browser.goto("/activations/0190a0a0-0000-7000-8000-000000000000").await;
    browser.wait_text("#not-found", "Unter dieser Adresse gibt es nichts").await;
    browser.goto("/no/such/page").await;
    browser.wait_text("main h1", "Seite nicht gefunden").await;

    // A refused purchase (maintenance overdue on Lucía's car) is explained in Spanish.
    let lucia = Browser::open(&app.address).await;
    lucia.sign_in("customer2@demo.caas", PASSWORD).await;
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    lucia.goto(&format!("/vehicles/{cirrus}/features")).await;
    lucia.wait_text("#catalog", "Mantenimiento vencido").await;
    lucia.screenshot("state-refused-es").await;
    lucia.close().await;
    browser.close().await;
}

#[tokio::test]
async fn the_app_works_with_the_keyboard_alone_and_shows_where_the_focus_is() {
    let app = spawn_web_app().await;
    let browser = Browser::open(&app.address).await;
    browser.goto("/login").await;
    browser.find("#identifier").await;
    let tab = |browser: &Browser| {
        let client = browser.client.clone();
        async move { client.active_element().await.expect("focus").send_keys("\u{E004}").await.expect("tab") }
    };
    // The first Tab reaches the skip link, which shows itself.
    browser.js("document.activeElement.blur(); document.body.focus();").await;
    browser.client.find(fantoccini::Locator::Css("body")).await.expect("body").send_keys("\u{E004}").await.ok();
    let focused = browser.js("return document.activeElement.className;").await;
    assert_eq!(focused, json!("skip"), "the skip link comes first");
    tab(&browser).await;
    tab(&browser).await;
    let focused = browser.js("return document.activeElement.id;").await;
    assert_eq!(focused, json!("identifier"));
    let outline = browser.js("return getComputedStyle(document.activeElement).outlineStyle;").await;
    assert_ne!(outline, json!("none"), "the focused field is outlined");
    browser.screenshot("keyboard-focus").await;
    let active = browser.client.active_element().await.expect("focus");
    active.send_keys("customer@demo.caas").await.expect("typing");
    tab(&browser).await;
    let active = browser.client.active_element().await.expect("focus");
    active.send_keys(&format!("{PASSWORD}\u{E007}")).await.expect("typing and Enter");
    browser.wait_text("main h1", "Meine Fahrzeuge").await;
    browser.close().await;
}
