//! The feature activation engine end to end: purchases and trials over GraphQL, the OTA engine
//! against the fleet simulator, charges against the payment simulator, the maintenance gate, and
//! the time-driven rules driven by moving the clock.

use std::collections::VecDeque;

use caas::activation::{engine, scheduler};
use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas::integrations::payments::simulator::SETTLEMENT_FAILS;
use caas_tests::ws::GqlSocket;
use caas_tests::{TestApp, spawn_app, spawn_app_for_time_travel};
use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::trade_in::{TRADE_IN, trade_in};

const PURCHASE: &str =
    "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status durationKind } }";
const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { id status failureReason endReason unpaid startsAt endsAt cancelAtPeriodEnd feature { code } payments { kind status amount { amountMinor } } } }";
const PROGRESS: &str =
    "subscription($id: ID!) { activationProgress(activationId: $id) { phase attempt charge activation { status } } }";

fn purchase_input(vin: &str, code: &str, kind: &str, key: &str) -> Value {
    json!({ "input": { "vin": vin, "featureCode": code, "duration": { "kind": kind }, "idempotencyKey": key } })
}

async fn activation(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone()
}

async fn wait_for(app: &TestApp, token: &str, id: &str, status: &str) -> Value {
    app.eventually(&format!("activation {id} to be {status}"), || async {
        let current = activation(app, token, id).await;
        (current["status"] == status).then_some(current)
    })
    .await
}

fn script(vin: &str, outcomes: &[Outcome]) -> FleetKnobs {
    let mut knobs = FleetKnobs::default();
    knobs.script.insert(vin.to_owned(), outcomes.iter().copied().collect::<VecDeque<_>>());
    knobs
}

async fn anna(app: &TestApp) -> (String, String, String) {
    let token = app.token("customer@demo.caas").await;
    let vins = app.vins_of("customer@demo.caas").await;
    (token, vins[0].clone(), vins[1].clone()) // the Aurora (3.2.1) and the Borealis (3.1.0)
}

#[tokio::test]
async fn a_purchase_is_switched_on_then_charged_and_invoiced_live() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    let mut knobs = script(&aurora, &[Outcome::Transient, Outcome::Ok]);
    knobs.latency_ms = 400;
    fleet.set_knobs(knobs);

    let bought =
        app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "PARKING_ASSISTANT", "PERMANENT", "buy-1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {token}") })).await;
    let listening = app.subscribers();
    socket.subscribe("p", PROGRESS, json!({ "id": id })).await;
    app.wait_for_subscribers(listening + 1).await;

    let mut phases = Vec::new();
    let mut last = Value::Null;
    while phases.last().map(String::as_str) != Some("ACTIVE") {
        last = socket.next_message().await["payload"]["data"]["activationProgress"].clone();
        phases.push(last["phase"].as_str().expect("phase").to_owned());
    }
    let tail: Vec<&str> = phases.iter().rev().take(3).rev().map(String::as_str).collect();
    assert_eq!(tail, ["RETRY_SCHEDULED", "SENDING", "ACTIVE"], "{phases:?}");
    assert_eq!(last["attempt"], 2);
    // Captured once the car had it on; the settlement 30 ms later may already be in the event's read.
    assert!(["CAPTURED", "SETTLED"].contains(&last["charge"].as_str().expect("charge")), "{last}");

    // The car has it on; the charge was captured once; an invoice exists; the customer was told.
    let state = fleet.vehicles().into_iter().find(|car| car.vin == aurora).expect("car");
    assert_eq!(state.features.get("PARKING_ASSISTANT"), Some(&true));
    let current = activation(&app, &token, &id).await;
    assert!(["CAPTURED", "SETTLED"].contains(&current["payments"][0]["status"].as_str().expect("status")), "{current}");
    let charged: Vec<_> = app
        .simulators
        .payments
        .as_ref()
        .expect("gateway")
        .payments()
        .into_iter()
        .filter(|p| p.status != "canceled")
        .collect();
    assert_eq!(charged.len(), 1);
    assert_eq!(charged[0].captures, 1);
    let gross = current["payments"][0]["amount"]["amountMinor"].as_i64().expect("amount");
    let invoices = app
        .graphql_as(
            &token,
            "{ invoices(first: 5) { edges { node { number issuedAt gross { amountMinor } lines { description } } } } }",
            json!({}),
        )
        .await;
    let newest = &invoices.data()["invoices"]["edges"][0]["node"];
    assert_eq!(newest["gross"]["amountMinor"].as_i64(), Some(gross));
    // Numbered in the year the invoice was issued (by the server's clock), second in Germany.
    let year = &newest["issuedAt"].as_str().expect("issuedAt")[..4];
    assert_eq!(newest["number"], format!("DE-{year}-000002"));
    app.email("customer@demo.caas", "Parkassistent").await;
    let shown = app
        .eventually("the in-car message", || async {
            (!fleet.messages(&aurora).is_empty()).then(|| fleet.messages(&aurora))
        })
        .await;
    assert!(shown[0].contains("Parkassistent"), "{shown:?}");
}

#[tokio::test]
async fn a_failed_activation_charges_nothing_opens_a_ticket_and_can_be_retried() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    fleet.set_knobs(script(&aurora, &[Outcome::Permanent]));
    let bought = app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "PREMIUM_AUDIO", "ANNUAL", "k1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let failed = wait_for(&app, &token, &id, "FAILED").await;
    assert!(failed["failureReason"].as_str().expect("reason").contains("refused"));
    let released = app.eventually("the charge to be released", || async {
        let current = activation(&app, &token, &id).await;
        (current["payments"][0]["status"] == "VOIDED").then_some(())
    });
    released.await;
    let gateway = app.simulators.payments.as_ref().expect("gateway").payments();
    assert!(gateway.iter().all(|p| p.captures == 0 && p.status == "canceled"), "{gateway:?}");
    assert_eq!(
        fleet
            .vehicles()
            .into_iter()
            .find(|car| car.vin == aurora)
            .map(|car| car.features.get("PREMIUM_AUDIO").copied()),
        Some(None)
    );

    let support = app.token("support@demo.caas").await;
    let tickets = app
        .graphql_as(
            &support,
            "{ supportTickets(status: OPEN) { edges { node { subject activation { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(tickets.data()["supportTickets"]["edges"][0]["node"]["activation"]["id"], id.as_str());
    let told = app.graphql_as(&token, "{ notifications(first: 20) { edges { node { template } } } }", json!({})).await;
    assert!(told.body.to_string().contains("activation.failed"));

    // Support retries: a new authorisation, this time the car takes it.
    app.graphql_as(&token, "mutation($id: ID!) { retryActivation(activationId: $id) { status } }", json!({ "id": id }))
        .await
        .expect_error("FORBIDDEN");
    let retried = app
        .graphql_as(
            &support,
            "mutation($id: ID!) { retryActivation(activationId: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(retried.data()["retryActivation"]["status"], "PENDING");
    let active = wait_for(&app, &token, &id, "ACTIVE").await;
    assert!(["CAPTURED", "SETTLED"].contains(&active["payments"][1]["status"].as_str().expect("status")), "{active}");
    let open = app.graphql_as(&support, "{ supportTickets(status: OPEN) { edges { node { id } } } }", json!({})).await;
    assert_eq!(open.data()["supportTickets"]["edges"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn the_last_retry_failing_releases_the_charge() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    app.simulators.fleet.as_ref().expect("fleet").set_knobs(script(&aurora, &[Outcome::Transient; 4]));
    let bought = app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "DRIVE_RECORDER", "PERMANENT", "k")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let failed = wait_for(&app, &token, &id, "FAILED").await;
    assert!(failed["failureReason"].as_str().expect("reason").contains("after 4 attempts"), "{failed}");
    app.eventually("the void", || async {
        (activation(&app, &token, &id).await["payments"][0]["status"] == "VOIDED").then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_maintenance_gate_refuses_overdue_vehicles_and_waits_for_the_vss() {
    let app = spawn_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await.remove(0); // its oil service is 35 days overdue
    let refused = app.graphql_as(&lucia, PURCHASE, purchase_input(&cirrus, "SPORT_POWER", "PERMANENT", "m1")).await;
    // In her language: she reads Spanish.
    assert!(refused.expect_error("CONFLICT").contains("mantenimiento de este coche está vencido"));
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "MAINTENANCE_OVERDUE");
    let catalog = app
        .graphql_as(&lucia, "query($v: String!) { catalog(vin: $v, first: 50) { edges { node { feature { code } purchasable unavailableReason unavailableCode } } } }", json!({ "v": cirrus }))
        .await;
    let sport = catalog.data()["catalog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["feature"]["code"] == "SPORT_POWER")
        .expect("sport power");
    assert_eq!(sport["node"]["purchasable"], false);
    assert!(sport["node"]["unavailableReason"].as_str().expect("reason").contains("overdue"));
    assert_eq!(sport["node"]["unavailableCode"], "MAINTENANCE_OVERDUE");

    // Anna's Aurora is up to date; with the VSS down the purchase is refused, retryably.
    let (token, aurora, _) = anna(&app).await;
    app.simulators.vss.as_ref().expect("vss").set_down(true);
    let down = app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "SPORT_POWER", "PERMANENT", "m2")).await;
    down.expect_error("UNAVAILABLE");
    assert_eq!(down.errors()[0]["extensions"]["retryable"], true);
    app.simulators.vss.as_ref().expect("vss").set_down(false);
    let bought = app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "SPORT_POWER", "PERMANENT", "m2")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    wait_for(&app, &token, &id, "ACTIVE").await;
}

#[tokio::test]
async fn bad_purchases_get_typed_errors_and_keys_apply_once() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    let lucia_vin = app.vins_of("customer2@demo.caas").await.remove(0);
    let cases = [
        (purchase_input(&lucia_vin, "HEATED_SEATS", "PERMANENT", "x1"), "FORBIDDEN", None),
        (purchase_input(&aurora, "NO_SUCH_FEATURE", "PERMANENT", "x2"), "NOT_FOUND", None),
        (purchase_input(&aurora, "HEATED_SEATS", "PERMANENT", "x3"), "CONFLICT", Some("ALREADY_ACTIVE")),
        (purchase_input(&aurora, "ADAPTIVE_CRUISE", "TRIAL", "x4"), "CONFLICT", Some("TRIAL_USED")),
        (purchase_input("NOT-A-VIN", "HEATED_SEATS", "PERMANENT", "x5"), "BAD_USER_INPUT", None),
        (purchase_input(&aurora, "HEATED_SEATS", "PERMANENT", ""), "BAD_USER_INPUT", None),
    ];
    for (input, code, reason) in cases {
        let response = app.graphql_as(&token, PURCHASE, input.clone()).await;
        response.expect_error(code);
        if let Some(reason) = reason {
            assert_eq!(response.errors()[0]["extensions"]["reason"], reason, "{input}");
        }
    }
    let mut odd_days = purchase_input(&aurora, "LANE_KEEPING", "FIXED_DAYS", "x6");
    odd_days["input"]["duration"]["days"] = json!(45);
    app.graphql_as(&token, PURCHASE, odd_days).await.expect_error("BAD_USER_INPUT");
    // Firmware too old: Lucía's Cirrus runs 3.0.0, remote climate needs 3.1.0.
    let lucia = app.token("customer2@demo.caas").await;
    let incompatible =
        app.graphql_as(&lucia, PURCHASE, purchase_input(&lucia_vin, "REMOTE_CLIMATE", "PERMANENT", "x7")).await;
    incompatible.expect_error("CONFLICT");
    assert_eq!(incompatible.errors()[0]["extensions"]["reason"], "INCOMPATIBLE");
    // Only customers buy.
    let dealer = app.token("dealer@demo.caas").await;
    app.graphql_as(&dealer, PURCHASE, purchase_input(&aurora, "LANE_KEEPING", "PERMANENT", "x8"))
        .await
        .expect_error("FORBIDDEN");

    // The same key twice is one activation; the same key for something else is a conflict.
    let first = app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "LANE_KEEPING", "PERMANENT", "once")).await;
    let again = app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "LANE_KEEPING", "PERMANENT", "once")).await;
    assert_eq!(first.data()["purchaseFeature"]["id"], again.data()["purchaseFeature"]["id"]);
    app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "AMBIENT_LIGHTING", "PERMANENT", "once"))
        .await
        .expect_error("CONFLICT");
}

#[tokio::test]
async fn a_trial_ends_by_itself_and_is_switched_off() {
    let app = spawn_app_for_time_travel().await;
    let (token, _, borealis) = anna(&app).await;
    let trial = app
        .graphql_as(
            &token,
            "mutation($v: String!) { startTrial(vin: $v, featureCode: \"LANE_KEEPING\") { id durationKind } }",
            json!({ "v": borealis }),
        )
        .await;
    let id = trial.data()["startTrial"]["id"].as_str().expect("id").to_owned();
    let active = wait_for(&app, &token, &id, "ACTIVE").await;
    assert!(active["payments"].as_array().expect("payments").is_empty(), "a trial is free");
    app.clock.advance(Duration::days(6));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").ended, 0);
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").ended, 1);
    let ended = wait_for(&app, &token, &id, "EXPIRED").await;
    assert_eq!(ended["endReason"], "EXPIRED");
    let car = app
        .simulators
        .fleet
        .as_ref()
        .expect("fleet")
        .vehicles()
        .into_iter()
        .find(|car| car.vin == borealis)
        .expect("car");
    assert_eq!(car.features.get("LANE_KEEPING"), Some(&false));
    // A second trial of the same feature is refused.
    let again = app.graphql_as(&token, "mutation($v: String!) { startTrial(vin: $v, featureCode: \"LANE_KEEPING\", idempotencyKey: \"again\") { id } }", json!({ "v": borealis })).await;
    assert_eq!(again.errors()[0]["extensions"]["reason"], "TRIAL_USED");
}

/// The net monthly price of a feature in the vehicle's catalog.
async fn monthly_net(app: &TestApp, token: &str, vin: &str, code: &str) -> i64 {
    let catalog = app
        .graphql_as(token, "query($v: String!) { catalog(vin: $v, first: 50) { edges { node { feature { code } offers { durationKind net { amountMinor } } } } } }", json!({ "v": vin }))
        .await;
    let entry = catalog.data()["catalog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["feature"]["code"] == code)
        .cloned()
        .expect("feature");
    entry["node"]["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .find(|o| o["durationKind"] == "MONTHLY")
        .expect("monthly")["net"]["amountMinor"]
        .as_i64()
        .expect("net")
}

#[tokio::test]
async fn a_monthly_subscription_is_billed_for_the_days_used_and_ends_at_period_end() {
    let app = spawn_app_for_time_travel().await;
    app.clock.set(Utc.with_ymd_and_hms(2027, 3, 10, 12, 0, 0).single().expect("date"));
    let (token, _, borealis) = anna(&app).await;
    let bought =
        app.graphql_as(&token, PURCHASE, purchase_input(&borealis, "AMBIENT_LIGHTING", "MONTHLY", "monthly")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let active = wait_for(&app, &token, &id, "ACTIVE").await;
    assert!(active["payments"].as_array().expect("payments").is_empty(), "billed in arrears");
    assert!(active["endsAt"].as_str().expect("period end").starts_with("2027-04-01"));

    app.clock.set(Utc.with_ymd_and_hms(2027, 4, 1, 0, 5, 0).single().expect("date"));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").charged, 1);
    let billed = activation(&app, &token, &id).await;
    let charged = billed["payments"][0]["amount"]["amountMinor"].as_i64().expect("amount");
    let monthly = monthly_net(&app, &token, &borealis, "AMBIENT_LIGHTING").await;
    // 10 March 12:00 to 1 April: 21.5 days, 22 days started, of 31; German VAT 19 %.
    let net = (monthly * 22 * 2 + 31) / 62;
    assert_eq!(charged, net + (net * 1900 + 5_000) / 10_000);
    let invoices = app
        .graphql_as(
            &token,
            "{ invoices(first: 1) { edges { node { net { amountMinor } lines { description quantity } } } } }",
            json!({}),
        )
        .await;
    let invoice = &invoices.data()["invoices"]["edges"][0]["node"];
    assert_eq!(invoice["net"]["amountMinor"].as_i64(), Some(net));
    assert!(
        invoice["lines"][0]["description"].as_str().expect("line").contains("22 von 31 Tagen"),
        "the line speaks German: {invoice}"
    );
    assert!(billed["endsAt"].as_str().expect("period end").starts_with("2027-05-01"));

    // Cancelled in April: it runs to the end of the month, is billed in full, then switched off.
    let cancelled = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { cancelActivation(activationId: $id) { status cancelAtPeriodEnd } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(cancelled.data()["cancelActivation"]["cancelAtPeriodEnd"], true);
    assert_eq!(cancelled.data()["cancelActivation"]["status"], "ACTIVE");
    app.clock.set(Utc.with_ymd_and_hms(2027, 5, 1, 0, 5, 0).single().expect("date"));
    let tick = scheduler::tick(&app.app).await.expect("tick");
    assert_eq!((tick.charged, tick.ended), (1, 1));
    let ended = wait_for(&app, &token, &id, "CANCELLED").await;
    assert_eq!(
        ended["payments"][1]["amount"]["amountMinor"].as_i64(),
        Some(monthly + (monthly * 1900 + 5_000) / 10_000)
    );
}

#[tokio::test]
async fn a_failing_settlement_is_retried_told_and_finally_switched_off() {
    let app = spawn_app_for_time_travel().await;
    let (token, aurora, _) = anna(&app).await;
    // Her saved card is one whose debits the bank refuses; the retries go to it too.
    let save = "mutation($input: SavePaymentCardInput!) { savePaymentCard(input: $input) { last4 } }";
    let card = json!({ "input": { "paymentMethod": SETTLEMENT_FAILS, "idempotencyKey": "failing-card" } });
    app.graphql_as(&token, save, card).await.data();
    let input = purchase_input(&aurora, "REMOTE_CLIMATE", "PERMANENT", "unpaid");
    let bought = app.graphql_as(&token, PURCHASE, input).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    wait_for(&app, &token, &id, "ACTIVE").await;
    app.eventually("the settlement to fail", || async {
        (activation(&app, &token, &id).await["unpaid"] == true).then_some(())
    })
    .await;
    app.email("customer@demo.caas", "nicht durchgegangen").await;

    // Three daily retries, each failing too.
    for day in 1..=3 {
        app.clock.advance(Duration::days(1) + Duration::minutes(1));
        assert_eq!(scheduler::tick(&app.app).await.expect("tick").retried, 1, "day {day}");
        app.eventually("the retry to fail", || async {
            let payments = activation(&app, &token, &id).await["payments"].as_array().cloned().unwrap_or_default();
            (payments.len() == day + 1 && payments.iter().all(|p| p["status"] == "FAILED")).then_some(())
        })
        .await;
    }
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").retried, 0, "three retries at most");
    // Past the seven days of grace it is switched off.
    app.clock.advance(Duration::days(4));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").ended, 1);
    let ended = wait_for(&app, &token, &id, "CANCELLED").await;
    assert_eq!(ended["endReason"], "PAYMENT_FAILED");
    let car = app
        .simulators
        .fleet
        .as_ref()
        .expect("fleet")
        .vehicles()
        .into_iter()
        .find(|car| car.vin == aurora)
        .expect("car");
    assert_eq!(car.features.get("REMOTE_CLIMATE"), Some(&false));
}

#[tokio::test]
async fn cancelling_a_permanent_feature_is_refused() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    let listed = app
        .graphql_as(
            &token,
            "query($v: String!) { activations(vin: $v) { edges { node { id feature { code } } } } }",
            json!({ "v": aurora }),
        )
        .await;
    let seats = listed.data()["activations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["feature"]["code"] == "HEATED_SEATS")
        .expect("seats")["node"]["id"]
        .clone();
    let refused = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { cancelActivation(activationId: $id) { status } }",
            json!({ "id": seats }),
        )
        .await;
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "PERMANENT");
    let lucia = app.token("customer2@demo.caas").await;
    app.graphql_as(
        &lucia,
        "mutation($id: ID!) { cancelActivation(activationId: $id) { status } }",
        json!({ "id": seats }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.graphql_as(&lucia, "query($v: String!) { activations(vin: $v) { edges { cursor } } }", json!({ "v": aurora }))
        .await
        .expect_error("FORBIDDEN");
    let _ = engine::run_due(&app.app).await;
}

#[tokio::test]
async fn support_refunds_with_a_credit_note_and_numbers_stay_gapless() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    let bought =
        app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "AMBIENT_LIGHTING", "PERMANENT", "refund-me")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    wait_for(&app, &token, &id, "ACTIVE").await;
    let payment_id = {
        let query = "query($id: ID!) { activation(id: $id) { payments { id amount { amountMinor } } } }";
        let answer = app.graphql_as(&token, query, json!({ "id": id })).await;
        answer.data()["activation"]["payments"][0]["id"].as_str().expect("payment").to_owned()
    };
    let support = app.token("support@demo.caas").await;
    let refund = "mutation($p: ID!, $a: Int, $k: String!, $r: String!) { \
        refundPayment(paymentId: $p, amountMinor: $a, idempotencyKey: $k, reason: $r) { status } }";
    let ask = |amount: Value, key: &str, reason: &str| json!({ "p": payment_id, "a": amount, "k": key, "r": reason });
    app.graphql_as(&token, refund, ask(json!(100), "r1", "goodwill")).await.expect_error("FORBIDDEN");
    app.graphql_as(&support, refund, ask(json!(-1), "r1", "goodwill")).await.expect_error("BAD_USER_INPUT");
    app.graphql_as(&support, refund, ask(Value::Null, "r1", " ")).await.expect_error("BAD_USER_INPUT");
    // A double click: both answers show the refund, the gateway and the books hold it once.
    let (first, second) = futures::join!(
        app.graphql_as(&support, refund, ask(Value::Null, "r1", "the feature did not work")),
        app.graphql_as(&support, refund, ask(Value::Null, "r1", "the feature did not work")),
    );
    assert_eq!(first.data()["refundPayment"]["status"], "REFUNDED");
    assert_eq!(second.data()["refundPayment"]["status"], "REFUNDED");
    let refunds: i64 = app.simulators.payments.as_ref().expect("gateway").payments().iter().map(|p| p.refunded).sum();
    let gross = app
        .graphql_as(
            &token,
            "query($id: ID!) { activation(id: $id) { payments { amount { amountMinor } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(Some(refunds), gross.data()["activation"]["payments"][0]["amount"]["amountMinor"].as_i64());
    // The same key for another refund, or another refund of a refunded payment, is a conflict.
    app.graphql_as(&support, refund, ask(json!(100), "r1", "again")).await.expect_error("CONFLICT");
    app.graphql_as(&support, refund, ask(Value::Null, "r2", "again")).await.expect_error("CONFLICT");
    // Refunded in full: the feature is switched off, and Anna is told so.
    let ended = wait_for(&app, &token, &id, "CANCELLED").await;
    assert_eq!(ended["endReason"], "REFUNDED");
    app.email("customer@demo.caas", "Erstattung").await;

    let invoices = app
        .graphql_as(
            &token,
            "{ invoices(first: 10) { edges { node { number kind gross { amountMinor } } } } }",
            json!({}),
        )
        .await;
    let edges = invoices.data()["invoices"]["edges"].as_array().expect("edges").clone();
    let (credit, invoice) = (&edges[0]["node"], &edges[1]["node"]);
    assert_eq!(credit["kind"], "CREDIT_NOTE");
    assert_eq!(invoice["kind"], "INVOICE");
    assert_eq!(credit["gross"]["amountMinor"].as_i64(), invoice["gross"]["amountMinor"].as_i64().map(|gross| -gross));
    // DE-…-000001 was seeded; the purchase took 2, the credit note 3: no gaps.
    let sequence = |node: &Value| {
        node["number"].as_str().expect("number").rsplit('-').next().expect("seq").parse::<i64>().expect("int")
    };
    assert_eq!((sequence(invoice), sequence(credit)), (2, 3));
}

#[tokio::test]
async fn a_resold_car_keeps_permanent_features_and_ends_subscriptions() {
    let app = spawn_app().await;
    let (token, _, borealis) = anna(&app).await;
    let monthly = app.graphql_as(&token, PURCHASE, purchase_input(&borealis, "NAVIGATION_PRO", "MONTHLY", "nav")).await;
    let monthly = monthly.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let permanent =
        app.graphql_as(&token, PURCHASE, purchase_input(&borealis, "HEATED_SEATS", "PERMANENT", "seats")).await;
    let permanent = permanent.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    wait_for(&app, &token, &monthly, "ACTIVE").await;
    wait_for(&app, &token, &permanent, "ACTIVE").await;

    // Anna trades the car in at the Berlin dealership: its subscriptions end there and then.
    let dealer = app.token("dealer@demo.caas").await;
    let taken = app.graphql_as(&dealer, TRADE_IN, trade_in(&borealis, "customer@demo.caas")).await;
    assert_eq!(taken.data()["registerTradeIn"]["status"], "IN_STOCK");
    let support = app.token("support@demo.caas").await;
    let ended = wait_for(&app, &support, &monthly, "CANCELLED").await;
    assert_eq!(ended["endReason"], "OWNER_CHANGED");
    assert_eq!(activation(&app, &support, &permanent).await["status"], "ACTIVE");

    // The dealer sells it to Otto.
    let sale = "mutation($input: RegisterSaleInput!) { registerSale(input: $input) { id } }";
    let input = json!({ "input": { "customer": { "email": "otto@example.com", "name": "Otto" }, "stockVin": borealis, "priceNetMinor": 3_000_000 } });
    let order =
        app.graphql_as(&dealer, sale, input).await.data()["registerSale"]["id"].as_str().expect("order").to_owned();
    let pay = "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { order { status } } }";
    let reservation = json!({ "input": { "orderId": order, "kind": "RESERVATION", "amountMinor": 100_000, "paymentMethod": "pm_card_visa", "idempotencyKey": "r" } });
    app.graphql_as(&dealer, pay, reservation).await.data();
    crate::purchase::pay_final(&app, &dealer, &order, "pm_card_visa", "f").await.data();
    app.eventually("the registration", || async {
        let answer =
            app.graphql_as(&dealer, "query($id: ID!) { order(id: $id) { status } }", json!({ "id": order })).await;
        (answer.data()["order"]["status"] == "REGISTERED").then_some(())
    })
    .await;
    // With Otto the permanent feature is still on; the subscription stays ended.
    assert_eq!(activation(&app, &support, &permanent).await["status"], "ACTIVE");
    assert_eq!(activation(&app, &support, &monthly).await["endReason"], "OWNER_CHANGED");
    let car = app
        .simulators
        .fleet
        .as_ref()
        .expect("fleet")
        .vehicles()
        .into_iter()
        .find(|car| car.vin == borealis)
        .expect("car");
    assert_eq!(car.features.get("NAVIGATION_PRO"), Some(&false));
    assert_eq!(car.features.get("HEATED_SEATS"), Some(&true));
}

#[tokio::test]
async fn support_closes_a_ticket_that_needs_nothing_more_once() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    app.simulators.fleet.as_ref().expect("fleet").set_knobs(script(&aurora, &[Outcome::Permanent]));
    let bought = app.graphql_as(&token, PURCHASE, purchase_input(&aurora, "PREMIUM_AUDIO", "ANNUAL", "r1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    wait_for(&app, &token, &id, "FAILED").await;
    let support = app.token("support@demo.caas").await;
    let open = app.graphql_as(&support, "{ supportTickets(status: OPEN) { nodes { id } } }", json!({})).await;
    let ticket = open.data()["supportTickets"]["nodes"][0]["id"].as_str().expect("ticket").to_owned();
    const RESOLVE: &str = "mutation($id: ID!) { resolveTicket(ticketId: $id) { status resolvedAt } }";

    app.graphql_as(&token, RESOLVE, json!({ "id": ticket })).await.expect_error("FORBIDDEN");
    let resolved = app.graphql_as(&support, RESOLVE, json!({ "id": ticket })).await;
    assert_eq!(resolved.data()["resolveTicket"]["status"], "RESOLVED");
    let again = app.graphql_as(&support, RESOLVE, json!({ "id": ticket })).await;
    assert_eq!(again.data()["resolveTicket"]["resolvedAt"], resolved.data()["resolveTicket"]["resolvedAt"]);
    let open = app.graphql_as(&support, "{ supportTickets(status: OPEN) { nodes { id } } }", json!({})).await;
    assert_eq!(open.data()["supportTickets"]["nodes"], json!([]));
    let missing = app.graphql_as(&support, RESOLVE, json!({ "id": "0190a0a0-0000-7000-8000-000000000000" })).await;
    missing.expect_error("NOT_FOUND");
    app.graphql_as(&support, RESOLVE, json!({ "id": "not-an-id" })).await.expect_error("BAD_USER_INPUT");
}
