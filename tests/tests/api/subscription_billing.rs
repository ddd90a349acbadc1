//! Period billing under faults and changes: a month-end bill with the gateway down is retried, never
//! counted as billed, and leaves nothing PENDING; a subscription is billed in the currency and VAT
//! of the price it was bought at, whatever the customer's region is later.

use caas::activation::scheduler;
use caas::integrations::payments::simulator::PaymentKnobs;
use caas_tests::{TestApp, spawn_app_for_time_travel};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";
const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { status endsAt \
    payments { kind status amount { amountMinor currency } } } }";

async fn activation(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone()
}

/// Anna's monthly subscription of ambient lighting on her Borealis, bought on 10 March 2027.
async fn monthly_from_march(app: &TestApp) -> (String, String) {
    app.clock.set(Utc.with_ymd_and_hms(2027, 3, 10, 12, 0, 0).single().expect("date"));
    let token = app.token("customer@demo.caas").await;
    let borealis = app.vins_of("customer@demo.caas").await.remove(1);
    let input = json!({ "input": { "vin": borealis, "featureCode": "AMBIENT_LIGHTING", "duration": { "kind": "MONTHLY" }, "idempotencyKey": "monthly" } });
    let bought = app.graphql_as(&token, PURCHASE, input).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    app.eventually("the subscription to be ACTIVE", || async {
        (activation(app, &token, &id).await["status"] == "ACTIVE").then_some(())
    })
    .await;
    (token, id)
}

fn gateway_down(app: &TestApp, down: bool) {
    app.simulators
        .payments
        .as_ref()
        .expect("gateway")
        .set_knobs(PaymentKnobs { unavailable: down, ..PaymentKnobs::default() });
}

#[tokio::test]
async fn a_month_end_bill_with_the_gateway_down_is_retried_and_charged_once() {
    let app = spawn_app_for_time_travel().await;
    let (token, id) = monthly_from_march(&app).await;
    gateway_down(&app, true);
    app.clock.set(Utc.with_ymd_and_hms(2027, 4, 1, 0, 5, 0).single().expect("date"));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 0);
    let waiting = activation(&app, &token, &id).await;
    // Not rolled on to May: the month is not billed yet, and its payment waits for the gateway.
    assert!(waiting["endsAt"].as_str().expect("period end").starts_with("2027-04-01"), "{waiting}");
    assert_eq!(waiting["payments"][0]["status"], "PENDING");
    // Still down an hour later: still not billed, still one payment.
    app.clock.set(Utc.with_ymd_and_hms(2027, 4, 1, 1, 5, 0).single().expect("date"));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 0);
    assert_eq!(activation(&app, &token, &id).await["payments"].as_array().expect("payments").len(), 1);

    gateway_down(&app, false);
    app.clock.set(Utc.with_ymd_and_hms(2027, 4, 1, 2, 5, 0).single().expect("date"));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 1);
    let billed = activation(&app, &token, &id).await;
    let payments = billed["payments"].as_array().expect("payments");
    assert_eq!(payments.len(), 1, "one bill for March: {payments:?}");
    // Taken: captured, or already settled (the gateway settles within milliseconds here).
    assert!(["CAPTURED", "SETTLED"].contains(&payments[0]["status"].as_str().expect("status")), "{payments:?}");
    assert!(billed["endsAt"].as_str().expect("period end").starts_with("2027-05-01"));
    let at_gateway = app.simulators.payments.as_ref().expect("gateway").payments();
    assert_eq!(at_gateway.len(), 1, "charged once at the gateway: {at_gateway:?}");
    // The next run finds nothing more to bill.
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 0);
}

#[tokio::test]
async fn a_subscription_is_billed_in_the_currency_it_was_bought_in_after_a_move_to_another_region() {
    let app = spawn_app_for_time_travel().await;
    let (token, id) = monthly_from_march(&app).await;
    // Anna moves to the United Kingdom (pounds, 20 % VAT).
    let moved =
        app.graphql_as(&token, "mutation { updateProfile(regionCode: \"GB\") { region { code } } }", json!({})).await;
    assert_eq!(moved.data()["updateProfile"]["region"]["code"], "GB");
    app.clock.set(Utc.with_ymd_and_hms(2027, 4, 1, 0, 5, 0).single().expect("date"));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 1);
    let billed = activation(&app, &token, &id).await;
    let charge = &billed["payments"][0]["amount"];
    assert_eq!(charge["currency"], "EUR", "bought in euros, billed in euros");
    let invoices = app
        .graphql_as(&token, "{ invoices(first: 1) { edges { node { number net { amountMinor currency } vat { amountMinor } gross { amountMinor } } } } }", json!({}))
        .await;
    let invoice = &invoices.data()["invoices"]["edges"][0]["node"];
    assert!(invoice["number"].as_str().expect("number").starts_with("DE-"), "{invoice}");
    assert_eq!(invoice["net"]["currency"], "EUR");
    let net = invoice["net"]["amountMinor"].as_i64().expect("net");
    assert_eq!(invoice["vat"]["amountMinor"].as_i64(), Some((net * 1900 + 5_000) / 10_000), "German VAT");
    assert_eq!(invoice["gross"]["amountMinor"], charge["amountMinor"]);
}
