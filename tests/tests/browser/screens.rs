//! What a customer, a dealer and a support agent read, in German and Spanish on a phone: failures
//! explained in words (the technical detail behind a toggle), errors next to the field they are
//! about, feedback after every action, invoices as PDFs, and support's search and refund.

use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas_tests::browser::{Browser, BrowserOptions};
use caas_tests::{PASSWORD, TestApp};
use serde_json::{Value, json};

use super::spawn_web_app;

const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";
const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { status payments { status } } }";

/// Buys `code` for `vin` and waits until the activation is `status` (charged, when it is on).
async fn bought(app: &TestApp, token: &str, vin: &str, code: &str, status: &str) -> String {
    let input = json!({ "input": { "vin": vin, "featureCode": code, "duration": { "kind": "PERMANENT" },
        "idempotencyKey": format!("screens-{code}"), "paymentMethod": "pm_card_visa" } });
    let answer = app.graphql_as(token, PURCHASE, input).await;
    let id = answer.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    app.eventually(&format!("{code} to be {status}"), || async {
        let now = app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone();
        let charged = |a: &Value| ["CAPTURED", "SETTLED"].contains(&a["payments"][0]["status"].as_str().unwrap_or(""));
        (now["status"] == status && (status != "ACTIVE" || charged(&now))).then_some(())
    })
    .await;
    id
}

fn refusing(vin: &str) -> FleetKnobs {
    let mut knobs = FleetKnobs::default();
    knobs.script.insert(vin.to_owned(), [Outcome::Permanent].into());
    knobs
}

/// The text the user sees in `css` (closed `<details>` hide theirs).
async fn visible_text(browser: &Browser, css: &str) -> String {
    let script = format!("return document.querySelector({css:?}).innerText;");
    browser.js(&script).await.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn support_finds_the_car_refunds_with_a_reason_and_reads_names_not_codes() {
    let app = spawn_web_app().await;
    let anna = app.token("customer@demo.caas").await;
    let vins = app.vins_of("customer@demo.caas").await;
    let (aurora, borealis) = (vins[0].clone(), vins[1].clone());
    bought(&app, &anna, &aurora, "AMBIENT_LIGHTING", "ACTIVE").await;
    app.simulators.fleet.as_ref().expect("fleet").set_knobs(refusing(&borealis));
    bought(&app, &anna, &borealis, "PREMIUM_AUDIO", "FAILED").await;
    let support = app.token("support@demo.caas").await;
    let german = "mutation { updateProfile(locale: DE) { locale } }";
    app.graphql_as(&support, german, json!({})).await.data();

    let browser = Browser::open(&app.address).await;
    browser.sign_in("support@demo.caas", PASSWORD).await;
    browser.goto("/staff/support").await;
    // The ticket names the feature and explains the failure; codes and the car's words are details.
    let ticket = browser.wait_text("#tickets li", "Premium").await;
    assert!(ticket.contains(&borealis), "{ticket}");
    browser.wait_text("#tickets li", "Das Auto hat die Änderung nicht angenommen").await;
    let shown = visible_text(&browser, "#tickets li").await;
    assert!(!shown.contains("PREMIUM_AUDIO") && !shown.contains("refused"), "codes are behind the toggle: {shown}");
    browser.screenshot("support-de-ticket").await;
    browser.click("#tickets li .activation details summary").await;
    let details = visible_text(&browser, "#tickets li .activation details").await;
    assert!(details.contains("PREMIUM_AUDIO") && details.contains("refused"), "{details}");
    browser.screenshot("support-de-ticket-details").await;

    // Anna calls: support finds her car by her surname and refunds the lighting with a reason.
    browser.fill("#support-search", "Becker").await;
    browser.click("#support-search-form button[type=submit]").await;
    let found = browser.wait_text("#search-results", &aurora).await;
    assert!(found.contains("Anna Becker") && found.contains("customer@demo.caas"), "{found}");
    let lighting = format!("#search-results li[data-vin='{aurora}'] [data-feature='AMBIENT_LIGHTING']");
    browser.click(&format!("{lighting} button.refund")).await;
    browser.wait_text(&format!("{lighting} .confirm-refund"), "vollständig erstatten").await;
    browser.click(&format!("{lighting} .confirm-refund-button")).await;
    browser.wait_text(&format!("{lighting} .field-error"), "Grund").await;
    browser.screenshot("support-de-refund-reason-missing").await;
    browser.fill(&format!("{lighting} .confirm-refund input"), "Kulanz nach Rückfrage").await;
    browser
        .wait_js("the error to go once the field is fixed", "!document.querySelector('.confirm-refund .field-error')")
        .await;
    browser.click(&format!("{lighting} .confirm-refund-button")).await;
    let done = browser.wait_text(&format!("{lighting} .status.done"), "Erstattet").await;
    assert!(done.contains("Gutschrift DE-"), "the credit note it produced: {done}");
    browser.screenshot("support-de-refunded").await;
    let href = browser.js(&format!("return document.querySelector(\"{lighting} .status.done a\").href;")).await;
    let pdf = app.document(href.as_str().expect("link").trim_start_matches(&app.address)).await;
    assert!(pdf.text().contains("Gutschrift"), "the credit note opens as a PDF");
    let told = app.graphql_as(&anna, "{ notifications(first: 5) { nodes { body } } }", json!({})).await;
    assert!(told.text.contains("Kulanz nach Rückfrage"), "the customer reads the reason: {}", told.text);

    // A search too short is refused next to the field's rule, in German.
    browser.js("document.getElementById('support-search').removeAttribute('minlength');").await;
    browser.fill("#support-search", "x").await;
    browser.click("#support-search-form button[type=submit]").await;
    browser.wait_text("#text-error", "2 bis 100 Zeichen").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

#[tokio::test]
async fn a_spanish_customer_reads_failures_field_errors_and_invoices_in_spanish() {
    let app = spawn_web_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await.remove(0);
    bought(&app, &lucia, &cirrus, "NAVIGATION_PRO", "ACTIVE").await;
    app.simulators.fleet.as_ref().expect("fleet").set_knobs(refusing(&cirrus));
    let failed = bought(&app, &lucia, &cirrus, "HEATED_SEATS", "FAILED").await;

    let spanish = BrowserOptions { language: "es-ES".into(), ..BrowserOptions::default() };
    let browser = Browser::open_with(&app.address, spanish).await;
    // A malformed sign-in name is explained next to its field.
    browser.goto("/login").await;
    browser.fill("#identifier", "lucia").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form button[type=submit]").await;
    browser.wait_text("#identifier-error", "Introduzca un correo electrónico o un VIN de 17 caracteres").await;
    browser.screenshot("customer-es-sign-in-field-error").await;
    browser.sign_in("customer2@demo.caas", PASSWORD).await;

    // The failed purchase says what happened to the car and to the money.
    browser.goto(&format!("/activations/{failed}")).await;
    let why = browser.wait_text("#activation-failure", "el coche no aceptó el cambio").await;
    assert!(why.contains("No se te cobra nada"), "{why}");
    browser.screenshot("customer-es-activation-failed").await;
    let title = browser.js("return document.title;").await;
    assert_eq!(title, json!("Función · CaaS"), "the tab says where she is, in Spanish");

    // Her profile names the countries in Spanish.
    browser.goto("/profile").await;
    browser.wait_text("#region", "España").await;
    browser.wait_text("#region", "Alemania").await;

    // The car's file: mileage and colour in Spanish, each invoice opens and downloads as a PDF.
    browser.goto(&format!("/vehicles/{cirrus}")).await;
    let file = browser.wait_text("main", "Facturas").await;
    assert!(regex_like_km(&file), "the mileage is grouped the Spanish way: {file}");
    let links = browser
        .js("return [...document.querySelectorAll('.document-links a')].map(a => [a.innerText, a.href, a.hasAttribute('download')]);")
        .await;
    let links = links.as_array().cloned().unwrap_or_default();
    assert!(links.len() >= 2, "open and download links: {links:?}");
    let open = links.iter().find(|l| l[0].as_str().unwrap_or("").contains("(PDF)")).expect("an invoice link");
    assert!(open[0].as_str().unwrap_or("").starts_with("Factura ES-"), "{open}");
    assert!(links.iter().any(|l| l[2] == json!(true) && l[0] == json!("Descargar")), "{links:?}");
    let pdf = app.document(open[1].as_str().expect("href").trim_start_matches(&app.address)).await;
    assert!(pdf.text().contains("Factura"), "the invoice is in Spanish");
    browser.screenshot("customer-es-expediente").await;

    // An address naming nothing is a "not found" page, not an input error.
    for path in ["/orders/not-an-order", "/activations/00000000-0000-0000-0000-000000000000", "/vehicles/NOT-A-VIN"] {
        browser.goto(path).await;
        browser.wait_text("#not-found", "Página no encontrada").await;
    }
    browser.screenshot("customer-es-not-found").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

/// Whether `text` has a distance written `12.345 km` (or under a thousand, `950 km`).
fn regex_like_km(text: &str) -> bool {
    text.split(" km").next().and_then(|before| before.rsplit(char::is_whitespace).next()).is_some_and(|number| {
        !number.is_empty() && !number.contains(',') && number.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// What a dealer types and reads in one language.
struct DealerRun {
    dealer: &'static str,
    lang: &'static str,
    customer: (&'static str, &'static str),
    bad_price: &'static str,
    price: &'static str,
    bad_amount: &'static str,
    /// The price rule, the amount rule, "payment sent".
    told: [&'static str; 3],
    /// The labels of net, VAT, gross, paid and due.
    labels: [&'static str; 5],
}

/// A sale with a wrong price, then a reservation with a wrong amount: each error next to its
/// field, gone once the field is fixed; the order's amounts labelled; the payment confirmed.
async fn dealer_form_and_payment(run: DealerRun) {
    let app = spawn_web_app().await;
    let browser = Browser::open(&app.address).await;
    browser.sign_in(run.dealer, PASSWORD).await;
    browser.goto("/staff/dealer/sale").await;
    browser.find("#model option").await;
    browser.fill("#customer-name", run.customer.0).await;
    browser.fill("#customer-email", run.customer.1).await;
    browser.fill("#price", run.bad_price).await;
    browser.click("#sale-form button[type=submit]").await;
    browser.wait_text("#priceNetMinor-error", run.told[0]).await;
    browser.screenshot(&format!("dealer-{}-sale-field-error", run.lang)).await;
    browser.fill("#price", run.price).await;
    browser.wait_js("the error to go once the field is fixed", "!document.getElementById('priceNetMinor-error')").await;
    browser.click("#sale-form button[type=submit]").await;

    // The order reads net, VAT, gross, paid and due, each labelled.
    let amounts = browser.wait_text("#order-amounts", run.labels[0]).await;
    for label in run.labels.iter().chain([&format!("{} €", run.price).as_str()]) {
        assert!(amounts.contains(label), "{label} in {amounts}");
    }
    browser.fill("#amount", run.bad_amount).await;
    browser.click("#pay-reservation").await;
    browser.wait_text("#amountMinor-error", run.told[1]).await;
    browser.fill("#amount", "3000").await;
    browser.fill("#card-token", "pm_card_visa").await;
    browser.click("#pay-reservation").await;
    browser.wait_text("#dealer-actions .status.done", run.told[2]).await;
    browser.screenshot(&format!("dealer-{}-payment-recorded", run.lang)).await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

#[tokio::test]
async fn a_dealer_is_told_what_is_wrong_next_to_the_field_and_what_each_action_did() {
    dealer_form_and_payment(DealerRun {
        dealer: "dealer@demo.caas",
        lang: "de",
        customer: ("Erika Musterfrau", "erika.musterfrau@example.com"),
        bad_price: "viel",
        price: "39.990,00",
        bad_amount: "zwei",
        told: ["Nettopreis", "Betrag", "Zahlung gesendet"],
        labels: ["Netto", "MwSt.", "Gesamt inkl. MwSt.", "Bezahlt", "Offen"],
    })
    .await;
}

#[tokio::test]
async fn a_spanish_dealer_is_told_the_same_in_spanish() {
    dealer_form_and_payment(DealerRun {
        dealer: "dealer2@demo.caas",
        lang: "es",
        customer: ("Marta López", "marta.lopez@example.com"),
        bad_price: "mucho",
        price: "31.990,00",
        bad_amount: "dos",
        told: ["precio neto", "importe", "Pago enviado"],
        labels: ["Neto", "IVA", "Total con IVA", "Pagado", "Pendiente"],
    })
    .await;
}

#[tokio::test]
async fn support_works_in_spanish_too() {
    let app = spawn_web_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await.remove(0);
    bought(&app, &lucia, &cirrus, "NAVIGATION_PRO", "ACTIVE").await;
    app.simulators.fleet.as_ref().expect("fleet").set_knobs(refusing(&cirrus));
    bought(&app, &lucia, &cirrus, "HEATED_SEATS", "FAILED").await;
    let support = app.token("support@demo.caas").await;
    app.graphql_as(&support, "mutation { updateProfile(locale: ES) { locale } }", json!({})).await.data();

    let browser = Browser::open(&app.address).await;
    browser.sign_in("support@demo.caas", PASSWORD).await;
    browser.goto("/staff/support").await;
    browser.wait_text("main h2", "Incidencias abiertas").await;
    let ticket = browser.wait_text("#tickets li", "El coche no aceptó el cambio").await;
    assert!(ticket.contains(&cirrus) && ticket.contains("Lucía García"), "{ticket}");
    let shown = visible_text(&browser, "#tickets li").await;
    assert!(!shown.contains("HEATED_SEATS"), "codes are behind the toggle: {shown}");
    browser.screenshot("support-es-ticket").await;

    browser.fill("#support-search", "garcía").await;
    browser.click("#support-search-form button[type=submit]").await;
    browser.wait_text("#search-results", &cirrus).await;
    let navigation = format!("#search-results li[data-vin='{cirrus}'] [data-feature='NAVIGATION_PRO']");
    browser.click(&format!("{navigation} button.refund")).await;
    browser.wait_text(&format!("{navigation} .confirm-refund"), "¿Reembolsar").await;
    browser.fill(&format!("{navigation} .confirm-refund input"), "Cortesía tras la consulta").await;
    browser.click(&format!("{navigation} .confirm-refund-button")).await;
    let done = browser.wait_text(&format!("{navigation} .status.done"), "Reembolsado").await;
    assert!(done.contains("Nota de crédito ES-"), "{done}");
    browser.screenshot("support-es-refunded").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}
