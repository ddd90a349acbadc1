use caas_tests::browser::{Browser, BrowserOptions};
use caas_tests::{PASSWORD, TestApp};
use serde_json::json;

use super::spawn_web_app;

/// An amount in euro cents as the app writes it in Spanish, e.g. `1.234,56 €`.
fn euros_in_spanish(minor: i64) -> String {
    let units = (minor / 100).to_string();
    let mut grouped = String::new();
    for (at, digit) in units.chars().enumerate() {
        if at > 0 && (units.len() - at).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    format!("{grouped},{:02} €", minor % 100)
}

/// A feature the car can buy for good that it does not have: its code, name and price in cents.
async fn feature_to_buy(app: &TestApp, token: &str, vin: &str) -> (String, String, i64) {
    let catalog = app
        .graphql_as(
            token,
            "query($v: String!) { catalog(vin: $v, first: 100) { nodes { feature { code name } purchasable \
             currentActivation { id } offers { durationKind gross { amountMinor currency } } } } }",
            json!({ "v": vin }),
        )
        .await;
    catalog.data()["catalog"]["nodes"]
        .as_array()
        .expect("catalog")
        .iter()
        .filter(|node| node["purchasable"] == true && node["currentActivation"].is_null())
        .find_map(|node| {
            let offer = node["offers"].as_array()?.iter().find(|offer| offer["durationKind"] == "PERMANENT")?;
            assert_eq!(offer["gross"]["currency"], "EUR");
            Some((
                node["feature"]["code"].as_str()?.to_owned(),
                node["feature"]["name"].as_str()?.to_owned(),
                offer["gross"]["amountMinor"].as_i64()?,
            ))
        })
        .expect("a feature to buy for good")
}

#[tokio::test]
async fn a_spanish_customer_pays_a_feature_with_a_voucher_on_a_phone_and_keeps_the_rest_as_credit() {
    let app = spawn_web_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    let (code, name, price) = feature_to_buy(&app, &lucia, &cirrus).await;
    // An admin makes a Spanish voucher worth 25 € more than the price.
    let admin = app.token("admin@demo.caas").await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let batch = app
        .graphql_as(
            &admin,
            "mutation($i: VoucherBatchInput!) { createVoucherBatch(input: $i) { codes } }",
            json!({ "i": { "regionCode": "ES", "valueMinor": price + 2_500, "quantity": 1, "expiresAt": expires, "label": "browser test" } }),
        )
        .await;
    let voucher = batch.data()["createVoucherBatch"]["codes"][0].as_str().expect("a code").to_owned();

    // Lucía, on a 360 px phone in Spanish, opens the feature and chooses the offer.
    let phone = BrowserOptions { width: 360, height: 780, language: "es-ES".into() };
    let browser = Browser::open_with(&app.address, phone).await;
    let started = std::time::Instant::now();
    browser.sign_in("customer2@demo.caas", PASSWORD).await;
    browser.wait_text("#vehicles", &cirrus).await;
    browser.click(&format!("li.vehicle[data-vin='{cirrus}'] a.button")).await;
    let feature = format!("li.feature[data-code='{code}']");
    browser.click(&format!("{feature} button.offer[data-kind='PERMANENT']")).await;
    let summary = format!("{feature} .order-summary");
    // The checkout offers the methods of her region, and only those, in Spanish.
    let shown = browser.wait_text(&summary, "Adeudo directo SEPA").await;
    for method in ["Tarjeta", "Transferencia bancaria", "Saldo o cupón", "Comprar con obligación de pago"] {
        assert!(shown.contains(method), "{method:?} in the checkout: {shown}");
    }
    let methods = browser
        .js(&format!("return [...document.querySelectorAll(\"{summary} input[type=radio]\")].map(r => r.value);"))
        .await;
    assert_eq!(methods, json!(["CARD", "SEPA_DEBIT", "BANK_TRANSFER", "CREDIT"]));
    // Paying with credit: her balance (none yet) and a field for the voucher's code.
    browser.click(&format!("{summary} input[value='CREDIT']")).await;
    browser.wait_text(&format!("{summary} .credit"), &format!("Tu saldo: {}", euros_in_spanish(0))).await;
    browser.fill(&format!("{summary} input.voucher"), &voucher).await;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";
    assert_eq!(browser.js(fits).await, json!(true), "the checkout fits a 360 px screen");
    browser
        .js("document.querySelector('.order-summary .methods').scrollIntoView({ block: 'start' }); return true;")
        .await;
    browser.screenshot("checkout-voucher-es").await;
    browser.click(&format!("{summary} button.order")).await;

    // The feature switches on, paid from the voucher's credit.
    browser.wait_text("#activation-status", "Activa").await;
    browser.wait_text("#progress", "Activa en tu coche").await;
    let page = browser.wait_text("main", &euros_in_spanish(price)).await;
    assert!(page.contains(&name), "{name} on the activation's page: {page}");
    assert!(!browser.has("#transfer").await, "no transfer to make");
    browser.screenshot("checkout-voucher-active-es").await;

    // Her credit keeps what the voucher had left.
    browser.goto("/profile").await;
    let left = euros_in_spanish(2_500);
    browser.wait_text("#credit", &left).await;
    // The same code again adds nothing; a mistyped one is explained in Spanish.
    browser.fill("#voucher-code", &voucher).await;
    browser.click("#payment button[type=submit]").await;
    browser.wait_text("#payment .done", "Ya canjeado").await;
    browser.fill("#voucher-code", "ABCD-EFGH").await;
    browser.click("#payment button[type=submit]").await;
    browser.wait_text("#payment .error", "no es un código de cupón").await;
    let credit = browser.find("#credit").await.text().await.expect("credit");
    assert_eq!(credit, left, "nothing added twice");
    assert_eq!(browser.js(fits).await, json!(true), "the profile fits a 360 px screen");
    browser.screenshot("checkout-credit-es").await;
    eprintln!("voucher checkout in the browser: {:?}", started.elapsed());

    // The server agrees: the feature is on, once, and 25 € of credit are left.
    let activations = app
        .graphql_as(
            &lucia,
            "query($v: String!) { activations(vin: $v, first: 50) { nodes { status durationKind feature { code } } } }",
            json!({ "v": cirrus }),
        )
        .await;
    let bought: Vec<_> = activations.data()["activations"]["nodes"]
        .as_array()
        .expect("activations")
        .iter()
        .filter(|node| node["feature"]["code"] == code.as_str())
        .cloned()
        .collect();
    assert_eq!(bought.len(), 1, "{bought:?}");
    assert_eq!(bought[0]["status"], "ACTIVE");
    let credit = app.graphql_as(&lucia, "{ myCredit { balances { amountMinor currency } } }", json!({})).await;
    assert_eq!(credit.data()["myCredit"]["balances"], json!([{ "amountMinor": 2_500, "currency": "EUR" }]));
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

#[tokio::test]
async fn a_spanish_customer_gives_a_sepa_mandate_and_orders_by_bank_transfer_on_a_phone() {
    let app = spawn_web_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    let (code, _, price) = feature_to_buy(&app, &lucia, &cirrus).await;
    let phone = BrowserOptions { width: 360, height: 780, language: "es-ES".into() };
    let browser = Browser::open_with(&app.address, phone).await;
    browser.sign_in("customer2@demo.caas", PASSWORD).await;
    browser.goto(&format!("/vehicles/{cirrus}/features")).await;
    let summary = format!("li.feature[data-code='{code}'] .order-summary");
    browser.click(&format!("li.feature[data-code='{code}'] button.offer[data-kind='PERMANENT']")).await;
    browser.wait_text(&summary, "Adeudo directo SEPA").await;

    // SEPA Direct Debit without a mandate: the form, with the mandate's text in Spanish, and the
    // mandate given only once accepted; a wrong IBAN is explained.
    browser.click(&format!("{summary} input[value='SEPA_DEBIT']")).await;
    let mandate = browser.find(&format!("{summary} .mandate-text")).await.text().await.expect("mandate text");
    assert!(mandate.len() > 40, "the mandate's text: {mandate}");
    assert_eq!(browser.js("return document.querySelector('#sepa-save').disabled;").await, json!(true));
    browser.fill("#sepa-iban", "ES00 1234").await;
    browser.fill("#sepa-holder", "Lucía García").await;
    browser.click("#sepa-accept").await;
    browser.click("#sepa-save").await;
    browser.wait_text(".mandate-form .error", "IBAN").await;
    browser.fill("#sepa-iban", "ES91 2100 0418 4502 0005 1332").await;
    browser.click("#sepa-save").await;
    browser.wait_text(&format!("{summary} .mandate"), "IBAN terminado en 1332").await;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";
    assert_eq!(browser.js(fits).await, json!(true), "the checkout fits a 360 px screen");
    browser.screenshot("checkout-sepa-mandate-es").await;

    // A bank transfer: ordered now, switched on once the money arrives; the activation's page says
    // where to send how much, with the reference in groups of four.
    browser.click(&format!("{summary} input[value='BANK_TRANSFER']")).await;
    browser.wait_text(&summary, "Recibirás los datos de la transferencia").await;
    browser.click(&format!("{summary} button.order")).await;
    browser.wait_text("#activation-status", "Pendiente").await;
    let transfer = browser.wait_text("#transfer", "Pagar por transferencia").await;
    assert!(transfer.contains(&euros_in_spanish(price)), "the amount due: {transfer}");
    let reference = browser.find("#transfer .reference").await.text().await.expect("reference");
    let groups: Vec<&str> = reference.split(' ').collect();
    assert!(reference.starts_with("RF") && groups.len() >= 3, "{reference}");
    assert!(groups[..groups.len() - 1].iter().all(|group| group.len() == 4), "groups of four: {reference}");
    let iban = browser.find("#transfer .iban").await.text().await.expect("IBAN");
    assert!(iban.split(' ').all(|group| group.len() <= 4), "the IBAN in groups of four: {iban}");
    assert_eq!(browser.js(fits).await, json!(true), "the instructions fit a 360 px screen");
    browser.screenshot("checkout-transfer-es").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}
