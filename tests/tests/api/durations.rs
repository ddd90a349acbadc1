//! The durations besides monthly and trial, driven by moving the clock: an annual subscription
//! renews up front for another year, ends at its period's end once cancelled, and a fixed number of
//! days ends by itself.

use caas::activation::scheduler;
use caas_tests::{TestApp, spawn_app_for_time_travel};
use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};

const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";
const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { status endReason endsAt cancelAtPeriodEnd \
    payments { kind status amount { amountMinor } } } }";

async fn activation(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone()
}

async fn wait_for(app: &TestApp, token: &str, id: &str, status: &str) -> Value {
    app.eventually(&format!("{id} to be {status}"), || async {
        let current = activation(app, token, id).await;
        (current["status"] == status).then_some(current)
    })
    .await
}

/// Anna buys `code` for her Borealis for `kind`; answers her token and the activation's id.
async fn buy(app: &TestApp, code: &str, kind: &str, days: Option<i32>) -> (String, String) {
    let token = app.token("customer@demo.caas").await;
    let borealis = app.vins_of("customer@demo.caas").await.remove(1);
    let input = json!({ "input": { "vin": borealis, "featureCode": code, "duration": { "kind": kind, "days": days }, "idempotencyKey": format!("{code}-{kind}") } });
    let bought = app.graphql_as(&token, PURCHASE, input).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    wait_for(app, &token, &id, "ACTIVE").await;
    (token, id)
}

#[tokio::test]
async fn an_annual_subscription_renews_up_front_and_ends_at_its_periods_end_once_cancelled() {
    let app = spawn_app_for_time_travel().await;
    app.clock.set(Utc.with_ymd_and_hms(2027, 2, 15, 9, 0, 0).single().expect("date"));
    let (mut token, id) = buy(&app, "AMBIENT_LIGHTING", "ANNUAL", None).await;
    let first = activation(&app, &token, &id).await;
    assert!(first["endsAt"].as_str().expect("end").starts_with("2028-02-15"), "{first}");
    let paid = first["payments"][0]["amount"]["amountMinor"].as_i64().expect("paid up front");

    // A day before the year is over nothing happens; after it, the next year is charged up front.
    app.clock.set(Utc.with_ymd_and_hms(2028, 2, 14, 9, 0, 0).single().expect("date"));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 0);
    app.clock.set(Utc.with_ymd_and_hms(2028, 2, 15, 9, 5, 0).single().expect("date"));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 1);
    // A year later: a new session (access tokens live a few hundred days in this test).
    token = app.token("customer@demo.caas").await;
    let renewed = activation(&app, &token, &id).await;
    assert!(renewed["endsAt"].as_str().expect("end").starts_with("2029-02-15"), "{renewed}");
    let payments = renewed["payments"].as_array().expect("payments");
    assert_eq!(payments.len(), 2);
    assert!(payments.iter().any(|p| p["kind"] == "SUBSCRIPTION_PERIOD" && p["amount"]["amountMinor"] == paid));
    // The same run again charges nothing twice.
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 0);

    // Cancelled during the second year: it runs to its end, is not renewed, then switched off.
    let cancel = "mutation($id: ID!) { cancelActivation(activationId: $id) { status cancelAtPeriodEnd } }";
    let cancelled = app.graphql_as(&token, cancel, json!({ "id": id })).await;
    assert_eq!(cancelled.data()["cancelActivation"]["cancelAtPeriodEnd"], true);
    assert_eq!(cancelled.data()["cancelActivation"]["status"], "ACTIVE");
    app.clock.set(Utc.with_ymd_and_hms(2029, 2, 15, 9, 5, 0).single().expect("date"));
    let tick = scheduler::tick(&app.app).await.expect("tick");
    assert_eq!((tick.charged, tick.ended), (0, 1));
    token = app.token("customer@demo.caas").await;
    let ended = wait_for(&app, &token, &id, "CANCELLED").await;
    assert_eq!(ended["endReason"], "CANCELLED");
    assert_eq!(ended["payments"].as_array().expect("payments").len(), 2, "no third year charged");
}

#[tokio::test]
async fn a_fixed_number_of_days_ends_by_itself_and_is_switched_off() {
    let app = spawn_app_for_time_travel().await;
    let (token, id) = buy(&app, "AMBIENT_LIGHTING", "FIXED_DAYS", None).await;
    let bought = activation(&app, &token, &id).await;
    let ends = chrono::DateTime::parse_from_rfc3339(bought["endsAt"].as_str().expect("end")).expect("date");
    assert_eq!(bought["payments"][0]["kind"], "FEATURE", "paid up front");
    let days_left = (ends.with_timezone(&Utc) - app.app.clock.now()).num_hours();
    assert!(days_left > 24, "a fixed duration of days: {days_left} h");

    app.clock.set(ends.with_timezone(&Utc) - Duration::minutes(5));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").ended, 0);
    app.clock.set(ends.with_timezone(&Utc) + Duration::minutes(1));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").ended, 1);
    let ended = wait_for(&app, &token, &id, "EXPIRED").await;
    assert_eq!(ended["endReason"], "EXPIRED");
    assert_eq!(ended["payments"].as_array().expect("payments").len(), 1, "nothing charged at its end");
    let borealis = app.vins_of("customer@demo.caas").await.remove(1);
    let car = app.simulators.fleet.as_ref().expect("fleet").vehicles().into_iter().find(|car| car.vin == borealis);
    assert_eq!(car.expect("car").features.get("AMBIENT_LIGHTING"), Some(&false));
}
