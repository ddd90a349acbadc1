//! The catalog and the expediente as customers see them: prices with their region's VAT, texts in
//! their language, trials, and the history of their car.

use caas_tests::{TestApp, spawn_app, spawn_app_for_time_travel};
use serde_json::{Value, json};

const CATALOG: &str = r#"query($vin: String!) {
  catalog(vin: $vin, first: 50) { edges { node {
    feature { code name requiresMaintenance }
    trialAvailable
    currentActivation { status durationKind }
    offers { durationKind durationDays net { amountMinor currency } vat { amountMinor } gross { amountMinor amount currency } vatRateBasisPoints }
  } } }
}"#;

fn entry<'a>(catalog: &'a Value, code: &str) -> &'a Value {
    catalog["catalog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| &edge["node"])
        .find(|node| node["feature"]["code"] == code)
        .unwrap_or_else(|| panic!("{code} not in the catalog"))
}

#[tokio::test]
async fn prices_are_gross_in_the_owners_currency_and_texts_in_their_language() {
    let app = spawn_app().await;
    // Anna: Germany, EUR, 19 %, German.
    let anna = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let response = app.graphql_as(&anna, CATALOG, json!({ "vin": vin })).await;
    let seats = entry(response.data(), "HEATED_SEATS");
    assert_eq!(seats["feature"]["name"], "Sitzheizung vorn");
    for offer in seats["offers"].as_array().expect("offers") {
        let net = offer["net"]["amountMinor"].as_i64().expect("net");
        let vat = offer["vat"]["amountMinor"].as_i64().expect("vat");
        assert_eq!(offer["gross"]["amountMinor"].as_i64(), Some(net + vat));
        assert_eq!(vat, (net * 1900 + 5000) / 10000);
        assert_eq!(offer["gross"]["currency"], "EUR");
    }
    let kinds: Vec<&str> =
        seats["offers"].as_array().expect("offers").iter().map(|o| o["durationKind"].as_str().expect("kind")).collect();
    for kind in ["PERMANENT", "MONTHLY", "ANNUAL", "FIXED_DAYS", "TRIAL"] {
        assert!(kinds.contains(&kind), "{kind} offer missing");
    }
    assert_eq!(kinds.last(), Some(&"TRIAL"));
    // Bought permanently: on, and no trial any more. The expired trial of cruise control is used up.
    assert_eq!(seats["currentActivation"]["status"], "ACTIVE");
    assert_eq!(seats["trialAvailable"], false);
    assert_eq!(entry(response.data(), "ADAPTIVE_CRUISE")["trialAvailable"], false);
    assert_eq!(entry(response.data(), "LANE_KEEPING")["trialAvailable"], true);

    // Lucía: Spain, 21 %, Spanish.
    let lucia = app.token("customer2@demo.caas").await;
    let vin = app.vins_of("customer2@demo.caas").await.remove(0);
    let response = app.graphql_as(&lucia, CATALOG, json!({ "vin": vin })).await;
    let seats = entry(response.data(), "HEATED_SEATS");
    assert_eq!(seats["feature"]["name"], "Asientos delanteros calefactados");
    assert_eq!(seats["offers"][0]["vatRateBasisPoints"], 2100);
}

#[tokio::test]
async fn the_catalog_only_lists_what_fits_the_model_and_firmware() {
    let app = spawn_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let vin = app.vins_of("customer2@demo.caas").await.remove(0); // a Cirrus on firmware 3.0.0
    let response = app.graphql_as(&lucia, CATALOG, json!({ "vin": vin })).await;
    let codes: Vec<&str> = response.data()["catalog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["node"]["feature"]["code"].as_str().expect("code"))
        .collect();
    assert!(codes.contains(&"LANE_KEEPING")); // 3.0.0, every model
    assert!(!codes.contains(&"REMOTE_CLIMATE"), "needs firmware 3.1.0"); // 3.1.0
    assert!(!codes.contains(&"TOWING_MODE"), "Borealis only");
    assert!(!codes.contains(&"TRACK_MODE"), "Aurora only");
}

#[tokio::test]
async fn the_expediente_gathers_the_cars_history() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let query = r#"query($vin: String!) { expediente(vin: $vin) {
        vehicle { vin plate status model { name } }
        owner { email }
        orders { edges { node { number status timeline { stage } } } }
        activations { edges { node { status feature { code } } } }
        maintenance { edges { node { kind workshop { name } } } }
        invoices { edges { node { number issuedAt gross { amountMinor } net { amountMinor } vat { amountMinor } lines { description gross { amountMinor } } } } }
        manuals { locale url }
    } }"#;
    let response = app.graphql_as(&anna, query, json!({ "vin": vin })).await;
    let expediente = &response.data()["expediente"];
    assert_eq!(expediente["vehicle"]["plate"], "B-CA 1001");
    assert_eq!(expediente["owner"]["email"], "customer@demo.caas");
    let order = &expediente["orders"]["edges"][0]["node"];
    assert_eq!(order["status"], "DELIVERED");
    assert_eq!(order["timeline"].as_array().expect("timeline").len(), 7);
    assert_eq!(order["timeline"][0]["stage"], "ORDERED");
    assert_eq!(expediente["activations"]["edges"].as_array().expect("activations").len(), 3);
    assert_eq!(expediente["maintenance"]["edges"][0]["node"]["workshop"]["name"], "Werkstatt München Süd");
    let invoice = &expediente["invoices"]["edges"][0]["node"];
    let year = &invoice["issuedAt"].as_str().expect("issuedAt")[..4];
    assert_eq!(invoice["number"], format!("DE-{year}-000001"));
    let (net, vat, gross) = (
        invoice["net"]["amountMinor"].as_i64(),
        invoice["vat"]["amountMinor"].as_i64(),
        invoice["gross"]["amountMinor"].as_i64(),
    );
    assert_eq!(gross, Some(net.expect("net") + vat.expect("vat")));
    assert_eq!(invoice["lines"][0]["gross"]["amountMinor"].as_i64(), gross);
    assert_eq!(expediente["manuals"].as_array().expect("manuals").len(), 3);
}

#[tokio::test]
async fn lists_page_with_cursors() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let page = "query($after: String) { features(first: 5, after: $after) { edges { cursor node { code } } pageInfo { hasNextPage hasPreviousPage } } }";
    let mut codes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let response = app.graphql_as(&token, page, json!({ "after": after })).await;
        let features = &response.data()["features"];
        for edge in features["edges"].as_array().expect("edges") {
            codes.push(edge["node"]["code"].as_str().expect("code").to_owned());
            after = Some(edge["cursor"].as_str().expect("cursor").to_owned());
        }
        if features["pageInfo"]["hasNextPage"] != true {
            break;
        }
    }
    assert_eq!(codes.len(), 13);
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
}

#[tokio::test]
async fn a_change_of_language_applies_to_the_next_request_without_signing_in_again() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let before = app.graphql_as(&anna, CATALOG, json!({ "vin": vin })).await;
    assert_eq!(entry(before.data(), "HEATED_SEATS")["feature"]["name"], "Sitzheizung vorn");

    let changed = app.graphql_as(&anna, "mutation { updateProfile(locale: ES) { locale } }", json!({})).await;
    assert_eq!(changed.data()["updateProfile"]["locale"], "ES");
    // The same token, issued while the profile said German: the server reads the profile.
    let after = app.graphql_as(&anna, CATALOG, json!({ "vin": vin })).await;
    assert_eq!(entry(after.data(), "HEATED_SEATS")["feature"]["name"], "Asientos delanteros calefactados");
}

#[tokio::test]
async fn anonymous_callers_get_texts_in_their_browser_language() {
    let app = spawn_app().await;
    let response = app
        .request(
            "{ features(first: 1) { edges { node { code name } } } }",
            json!({}),
            &[("x-api-key", caas::seed::DEMO_PARTNER_API_KEY), ("accept-language", "es-ES,es;q=0.9")],
        )
        .await;
    assert_eq!(response.data()["features"]["edges"][0]["node"]["name"], "Control de crucero adaptativo");
}

#[tokio::test]
async fn the_models_on_sale_and_the_prices_of_a_region_are_listed() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let models = app.graphql_as(&dealer, "{ models { code name modelYear } }", json!({})).await;
    let codes: Vec<&str> =
        models.data()["models"].as_array().expect("models").iter().filter_map(|m| m["code"].as_str()).collect();
    assert_eq!(codes, ["AURORA", "BOREALIS", "CIRRUS"]);

    let admin = app.token("admin@demo.caas").await;
    const PRICES: &str = "query($r: String!) { features(first: 1) { nodes { code prices(regionCode: $r) { durationKind durationDays net { amountMinor currency } gross { amountMinor } } } } }";
    let de = app.graphql_as(&admin, PRICES, json!({ "r": "de" })).await;
    let prices = de.data()["features"]["nodes"][0]["prices"].as_array().expect("prices").clone();
    let kinds: Vec<&str> = prices.iter().filter_map(|p| p["durationKind"].as_str()).collect();
    assert_eq!(kinds, ["PERMANENT", "ANNUAL", "MONTHLY", "FIXED_DAYS", "TRIAL"], "for good first, the trial last");
    let permanent = &prices[0];
    assert_eq!(permanent["net"]["currency"], "EUR");
    let (net, gross) = (
        permanent["net"]["amountMinor"].as_i64().expect("net"),
        permanent["gross"]["amountMinor"].as_i64().expect("gross"),
    );
    assert_eq!(gross, net + (net * 19 + 50) / 100, "19 % VAT in Germany");

    let gb = app.graphql_as(&admin, PRICES, json!({ "r": "GB" })).await;
    assert_eq!(gb.data()["features"]["nodes"][0]["prices"][0]["net"]["currency"], "GBP");
    app.graphql_as(&admin, PRICES, json!({ "r": "XX" })).await.expect_error("NOT_FOUND");
}

/// Why the catalog says sport power cannot be bought on `vin` now.
async fn gate(app: &TestApp, token: &str, vin: &str) -> Value {
    let query =
        "query($v: String!) { catalog(vin: $v, first: 50) { edges { node { feature { code } unavailableCode } } } }";
    let answer = app.graphql_as(token, query, json!({ "v": vin })).await;
    entry(answer.data(), "SPORT_POWER")["unavailableCode"].clone()
}

#[tokio::test]
async fn the_catalog_shows_the_vss_answer_of_a_moment_ago_and_a_purchase_asks_afresh() {
    let app = spawn_app_for_time_travel().await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await.remove(0); // its oil service is overdue
    assert_eq!(gate(&app, &lucia, &cirrus).await, "MAINTENANCE_OVERDUE");
    let vss = app.simulators.vss.as_ref().expect("the VSS simulator");
    vss.set_down(true);
    // The VSS's answer of a moment ago is still shown …
    assert_eq!(gate(&app, &lucia, &cirrus).await, "MAINTENANCE_OVERDUE");
    // … but a purchase is decided on a fresh one.
    let purchase = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";
    let input = json!({ "input": { "vin": cirrus, "featureCode": "SPORT_POWER", "duration": { "kind": "PERMANENT" }, "idempotencyKey": "fresh-vss" } });
    app.graphql_as(&lucia, purchase, input).await.expect_error("UNAVAILABLE");
    // A minute on, the catalog asks again and says it cannot tell.
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(gate(&app, &lucia, &cirrus).await, "MAINTENANCE_UNKNOWN");
    vss.set_down(false);
    assert_eq!(gate(&app, &lucia, &cirrus).await, "MAINTENANCE_OVERDUE", "an unanswered call is not kept");
}
