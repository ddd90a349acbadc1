//! Running the platform from the staff app, and a customer's data rights, on a phone: the admin
//! puts a new feature on sale in three languages and a Spanish customer finds it marked new; the
//! admin's and support's other pages load, fit and label their controls; Lucía downloads a copy of
//! her data, asks for her account to be erased, sees when, and cancels; Anna, whose car is in the
//! workshop, is told why hers cannot be erased yet; support sends a failed e-mail again, takes and
//! comments a ticket and switches a feature by hand; the admin invites, disables and enables staff
//! and downloads the figures; a customer's catalog view reaches the figures.

use caas::activation::tickets;
use caas_tests::browser::Browser;
use caas_tests::{PASSWORD, TestApp};
use entity::{NotificationChannel, NotificationStatus, notifications};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use super::pages::check_page;
use super::spawn_web_app;

const CATALOG: &str = "query($vin: String!) { catalog(vin: $vin, first: 100) {
    nodes { feature { code name isNew } offers { durationKind gross { amountMinor currency } } } } }";

/// The catalog entry of `code` for `vin`, as its owner (token `token`) sees it.
async fn catalog_entry(app: &TestApp, token: &str, vin: &str, code: &str) -> Option<Value> {
    let answer = app.graphql_as(token, CATALOG, json!({ "vin": vin })).await;
    let nodes = answer.data()["catalog"]["nodes"].as_array().cloned().unwrap_or_default();
    nodes.into_iter().find(|entry| entry["feature"]["code"] == code)
}

/// Chooses `value` in the select `css` (as a person picks an option: a change event follows).
async fn choose(browser: &Browser, css: &str, value: &str) {
    let script = format!(
        "const s = document.querySelector({css:?}); s.value = {value:?}; s.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    );
    browser.js(&script).await;
}

#[tokio::test]
async fn the_admin_puts_a_feature_on_sale_in_three_languages_and_a_customer_finds_it_marked_new() {
    let app = spawn_web_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    let model = app
        .graphql_as(&lucia, "query($v: String!) { vehicle(vin: $v) { model { code } } }", json!({ "v": cirrus }))
        .await;
    let model = model.data()["vehicle"]["model"]["code"].as_str().expect("model").to_owned();
    assert!(catalog_entry(&app, &lucia, &cirrus, "WINTER_PACK").await.is_none());

    let admin = Browser::open(&app.address).await;
    admin.sign_in("admin@demo.caas", PASSWORD).await;
    check_page(&admin, "/staff/admin", "admin-features").await;
    admin.click("#new-feature").await;
    admin.fill("#new-code", "winter_pack").await;
    admin.fill("#new-category", "COMFORT").await;
    for (lang, name, description) in [
        ("en", "Winter pack", "Heated steering wheel and washer jets, on cold mornings."),
        ("de", "Winterpaket", "Beheiztes Lenkrad und Waschdüsen für kalte Morgen."),
        ("es", "Paquete invierno", "Volante y difusores calefactados para las mañanas frías."),
    ] {
        admin.fill(&format!("#new-{lang}-name"), name).await;
        admin.fill(&format!("#new-{lang}-description"), description).await;
    }
    admin.click(&format!("#new-form input[name=model][value='{model}']")).await;
    admin.fill("#new-firmware", "1.0.0").await;
    // A parameter that is not a JSON object is refused next to its field, in the admin's language.
    admin.fill("#new-ota", "[1, 2]").await;
    admin.click("#new-form .save-feature").await;
    admin.wait_text("#new-form .field-error", "JSON").await;
    admin.fill("#new-ota", "{\"zones\": [\"wheel\", \"washers\"]}").await;
    admin.screenshot("admin-feature-form").await;
    admin.click("#new-form .save-feature").await;
    let card = "li[data-code='WINTER_PACK']";
    admin.wait_text(card, "Winter pack").await;
    admin.wait_text(&format!("{card} .badge"), "New").await;

    // A price in Spain, where Lucía lives: net, shown with Spain's VAT.
    choose(&admin, "#admin-region", "ES").await;
    admin.wait_text(&format!("{card} .feature-prices"), "No prices in this region").await;
    admin.fill("#winter_pack-new-net", "40").await;
    admin.click(&format!("{card} fieldset.inline button")).await;
    admin.wait_text(&format!("{card} .prices"), "€48.40").await;
    admin.screenshot("admin-feature-priced").await;

    // Lucía's catalog has it, in Spanish, new, at its price with VAT.
    let entry = catalog_entry(&app, &lucia, &cirrus, "WINTER_PACK").await.expect("on sale for Lucía's car");
    assert_eq!(entry["feature"]["name"], "Paquete invierno");
    assert_eq!(entry["feature"]["isNew"], true);
    assert_eq!(entry["offers"][0]["gross"]["amountMinor"], 4_840);
    let customer = Browser::open(&app.address).await;
    customer.sign_in("customer2@demo.caas", PASSWORD).await;
    customer.goto(&format!("/vehicles/{cirrus}/features")).await;
    let shown = customer.wait_text("li.feature[data-code='WINTER_PACK']", "Paquete invierno").await;
    assert!(shown.contains("Nuevo") && shown.contains("48,40 €"), "{shown}");
    customer.js("document.querySelector(\"li.feature[data-code='WINTER_PACK']\").scrollIntoView()").await;
    customer.screenshot("customer-catalog-new-feature").await;
    customer.close().await;

    // Retiring asks first; then the feature leaves her catalog and stays listed for the admin.
    admin.click(&format!("{card} button.retire")).await;
    admin.wait_text(&format!("{card} .confirm"), "Retire Winter pack?").await;
    admin.click(&format!("{card} .confirm-retire")).await;
    admin.wait_text(&format!("{card} .badge.retired"), "Retired").await;
    assert!(catalog_entry(&app, &lucia, &cirrus, "WINTER_PACK").await.is_none(), "retired: out of the catalog");

    // The admin's other pages.
    check_page(&admin, "/staff/admin/users", "admin-users").await;
    admin.wait_text("#users", "support@demo.caas").await;
    check_page(&admin, "/staff/admin/partners", "admin-partners").await;
    admin.fill("#partner-name", "Fleet Insights").await;
    admin.click("#new-partner button[type=submit]").await;
    let partner = "li[data-partner='Fleet Insights']";
    admin.fill(&format!("{partner} .new-key input[id$='-key-name']"), "Telemetry").await;
    admin.click(&format!("{partner} .new-key button[type=submit]")).await;
    let secret = admin.wait_text(&format!("{partner} .secret"), "cannot be shown again").await;
    assert!(secret.contains("caas_"), "the secret is shown once: {secret}");
    admin.wait_text(&format!("{partner} .keys"), "never used").await;
    admin.screenshot("admin-partner-key").await;
    check_page(&admin, "/staff/admin/analytics", "admin-analytics").await;
    admin.find("#chart-revenue").await;
    admin.find("#table-months button.download-csv").await;
    assert!(admin.severe_logs().await.is_empty(), "{:?}", admin.severe_logs().await);
    admin.close().await;

    // Support finds Lucía by name with one search, and opens her car's history.
    let support = Browser::open(&app.address).await;
    support.sign_in("support@demo.caas", PASSWORD).await;
    check_page(&support, "/staff/support", "support-desk-new").await;
    support.fill("#support-search", "García").await;
    support.click("#support-search-form button[type=submit]").await;
    support.wait_text("#found-people", "customer2@demo.caas").await;
    support.click(&format!("#found-cars li[data-vin='{cirrus}'] button.show-history")).await;
    support.find(&format!("#found-cars li[data-vin='{cirrus}'] .history .timeline, #found-cars li[data-vin='{cirrus}'] .history .empty")).await;
    support.screenshot("support-search-grouped").await;
    support.close().await;
}

#[tokio::test]
async fn lucia_downloads_her_data_asks_for_erasure_and_cancels_it_and_anna_is_told_why_not_yet() {
    let app = spawn_web_app().await;
    let browser = Browser::open(&app.address).await;
    browser.sign_in("customer2@demo.caas", PASSWORD).await;
    // From her profile, in Spanish.
    browser.goto("/profile").await;
    browser.click("a.privacy-link").await;
    browser.wait_text("main h1", "Tus datos y privacidad").await;
    check_page(&browser, "/privacy", "customer-privacy").await;

    // A copy of her data: put together at once, then downloadable.
    browser.click("#request-export").await;
    browser.wait_text("#exports li[data-status='READY']", "Lista").await;
    browser
        .js("window.saved = null; const make = URL.createObjectURL; URL.createObjectURL = blob => {
                blob.text().then(text => { window.saved = text; }); return make(blob); };")
        .await;
    browser.click("#exports li[data-status='READY'] button.download").await;
    browser.wait_js("the copy was saved", "window.saved").await;
    let saved = browser.js("return window.saved;").await;
    let copy: Value = serde_json::from_str(saved.as_str().expect("text")).expect("a JSON document");
    assert!(copy.to_string().contains("customer2@demo.caas"), "her own data: {copy}");
    browser.screenshot("customer-privacy-export").await;

    // Erasure: the wrong password is refused next to the field; the right one gives the date.
    browser.fill("#erase-password", "not-her-password").await;
    browser.click("#erasure-form button[type=submit]").await;
    browser.find("#erasure-form .field-error").await;
    browser.fill("#erase-password", PASSWORD).await;
    browser.click("#erasure-form button[type=submit]").await;
    browser.wait_text("#erasure-due", "Tu cuenta se eliminará el").await;
    let lucia = app.token("customer2@demo.caas").await;
    let erasure = "{ myAccountErasure { dueAt } }";
    let waiting = app.graphql_as(&lucia, erasure, json!({})).await;
    let due = waiting.data()["myAccountErasure"]["dueAt"].as_str().expect("an erasure waits").to_owned();
    let days = (chrono::DateTime::parse_from_rfc3339(&due).expect("a date").timestamp() - app.clock_now()) / 86_400;
    assert!((6..=7).contains(&days), "a week's grace: {due}");
    browser.screenshot("customer-privacy-erasure-waiting").await;

    browser.click("#cancel-erasure").await;
    browser.wait_text("#erasure", "Eliminación cancelada").await;
    browser.find("#erasure-form").await;
    assert_eq!(app.graphql_as(&lucia, erasure, json!({})).await.data()["myAccountErasure"], Value::Null);

    // She lets the demo partner read her car's telemetry, then takes it back.
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    let car = format!("#consents article[data-vin='{cirrus}']");
    browser.click(&format!("{car} input[value='TELEMETRY_READ']")).await;
    browser.click(&format!("{car} form.grant button[type=submit]")).await;
    browser.find(&format!("{car} li.consent")).await;
    browser.screenshot("customer-privacy-consent").await;
    browser.click(&format!("{car} li.consent button.revoke")).await;
    browser.wait_text(&car, "Ningún socio").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;

    // Anna's car is in the workshop: her account cannot be erased yet, and the page says why.
    let anna = Browser::open(&app.address).await;
    anna.sign_in("customer@demo.caas", PASSWORD).await;
    anna.goto("/privacy").await;
    anna.fill("#erase-password", PASSWORD).await;
    anna.click("#erasure-form button[type=submit]").await;
    anna.wait_text("#erasure [role=alert]", "Reparatur").await;
    anna.screenshot("customer-privacy-erasure-refused").await;
    anna.close().await;
}

/// Makes the app believe its page was hidden (the user switched away), as the browser tells it.
async fn hide_page(browser: &Browser) {
    browser
        .js("Object.defineProperty(document, 'hidden', { value: true, configurable: true });
             document.dispatchEvent(new Event('visibilitychange'));")
        .await;
}

#[tokio::test]
async fn staff_settle_the_days_work_and_the_figures_count_what_customers_looked_at() {
    let app = spawn_web_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    let lucia_id: Uuid = app.graphql_as(&lucia, "{ me { id } }", json!({})).await.data()["me"]["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("uuid");
    // An e-mail to Lucía that never arrived, and a ticket about her car.
    let failed = notifications::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(lucia_id),
        channel: Set(NotificationChannel::Email),
        template: Set("account.welcome".into()),
        payload: Set(json!({ "name": "Lucía García" })),
        status: Set(NotificationStatus::Failed),
        attempts: Set(5),
        last_error: Set(Some("the mail server refused".into())),
        created_at: Set(app.app.clock.now()),
        sent_at: Set(None),
        read_at: Set(None),
        next_attempt_at: Set(None),
        provider_ref: Set(None),
        delivered_at: Set(None),
    }
    .insert(&app.app.db)
    .await
    .expect("a failed e-mail");
    tickets::open_ticket(&app.app, &app.app.db, None, None, "Lucía's car does not confirm", "no answer")
        .await
        .expect("a ticket");

    // Lucía opens her car's catalog and switches to another app: the page view is sent then.
    let customer = Browser::open(&app.address).await;
    customer.sign_in("customer2@demo.caas", PASSWORD).await;
    customer.goto(&format!("/vehicles/{cirrus}/features")).await;
    customer.find("#catalog").await;
    hide_page(&customer).await;
    let admin_token = app.token("admin@demo.caas").await;
    let figures = "query($from: NaiveDate!, $to: NaiveDate!) { analytics(from: $from, to: $to, regionCode: \"ES\") { months { catalogViews } } }";
    let month = chrono::DateTime::from_timestamp(app.clock_now(), 0).expect("now").format("%Y-%m-01").to_string();
    app.eventually("Lucía's catalog view to be counted", || async {
        let answer = app.graphql_as(&admin_token, figures, json!({ "from": month, "to": month })).await;
        let views: i64 = answer.data()["analytics"]["months"]
            .as_array()
            .map(|months| months.iter().filter_map(|m| m["catalogViews"].as_i64()).sum())
            .unwrap_or_default();
        (views >= 1).then_some(())
    })
    .await;
    customer.close().await;

    // Support: the e-mail sent again, the ticket taken and commented, a feature switched on by hand.
    let support = Browser::open(&app.address).await;
    support.sign_in("support@demo.caas", PASSWORD).await;
    support.goto("/staff/support").await;
    let email = format!("#failed-emails li[data-notification='{}']", failed.id);
    support.wait_text(&email, "customer2@demo.caas").await;
    support.click(&format!("{email} button.resend")).await;
    support.wait_text("main", "Sent again.").await;
    let mail = app.email("customer2@demo.caas", "Bienvenido").await;
    assert!(mail.body.contains("Lucía"), "{}", mail.body);
    support.wait_text("#tickets", "Lucía's car does not confirm").await;
    let ticket = "#tickets li.ticket:has(h3)".to_owned();
    choose(&support, &format!("{ticket} form.assign select"), &support_id(&app).await).await;
    support.click(&format!("{ticket} form.assign button")).await;
    support.wait_text(&ticket, "Ticket assigned.").await;
    support.fill(&format!("{ticket} form.comment textarea"), "Called Lucía; the car was in a garage.").await;
    support.click(&format!("{ticket} form.comment button")).await;
    support.wait_text(&format!("{ticket} .comments"), "Called Lucía").await;
    support.screenshot("support-ticket-assigned-commented").await;
    support.fill("#support-search", &cirrus).await;
    support.click("#support-search-form button[type=submit]").await;
    let car = format!("#found-cars li[data-vin='{cirrus}']");
    support.click(&format!("{car} button.open-switch")).await;
    choose(&support, &format!("#switch-{cirrus}-feature"), "HEATED_SEATS").await;
    support.fill(&format!("#switch-{cirrus}-reason"), "Goodwill after the workshop's delay").await;
    support.click(&format!("{car} .switch-form button[type=submit]")).await;
    support.wait_text(&format!("{car} .switch-form"), "Sent to the car").await;
    support.screenshot("support-switched-by-hand").await;
    assert!(support.severe_logs().await.is_empty(), "{:?}", support.severe_logs().await);
    support.close().await;

    // The admin invites a support member, disables the account (after a confirmation) and enables
    // it again, and downloads the figures as CSV.
    let admin = Browser::open(&app.address).await;
    admin.sign_in("admin@demo.caas", PASSWORD).await;
    admin.goto("/staff/admin/users").await;
    admin.click("#invite summary").await;
    admin.fill("#invite-name", "Nora Neu").await;
    admin.fill("#invite-email", "nora.neu@demo.caas").await;
    admin.click("#invite-form button[type=submit]").await;
    admin.wait_text("#invite-form", "Invitation sent to nora.neu@demo.caas").await;
    let nora = "#users li[data-email='nora.neu@demo.caas']";
    admin.wait_text(nora, "no password set yet").await;
    admin.click(&format!("{nora} button.disable")).await;
    admin.wait_text(&format!("{nora} .confirm"), "Disable Nora Neu's account?").await;
    admin.click(&format!("{nora} .confirm-disable")).await;
    admin.wait_text(&format!("{nora} .user-state"), "Disabled since").await;
    admin.screenshot("admin-user-disabled").await;
    admin.click(&format!("{nora} button.enable")).await;
    admin.wait_text(nora, "Account enabled again.").await;
    admin.goto("/staff/admin/analytics").await;
    admin
        .js("window.saved = null; const make = URL.createObjectURL; URL.createObjectURL = blob => {
                blob.text().then(text => { window.saved = text; }); return make(blob); };")
        .await;
    admin.click("#table-months button.download-csv").await;
    admin.wait_js("the CSV was saved", "window.saved").await;
    let csv = admin.js("return window.saved;").await;
    assert!(csv.as_str().expect("text").contains("catalog_views"), "{csv}");
    admin.close().await;
}

/// The id of the support member of the demo.
async fn support_id(app: &TestApp) -> String {
    let support = app.token("support@demo.caas").await;
    app.graphql_as(&support, "{ me { id } }", json!({})).await.data()["me"]["id"].as_str().expect("id").to_owned()
}
