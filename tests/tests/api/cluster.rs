//! Several `caas serve` processes on one PostgreSQL database and one NATS: live views across
//! members, one scheduler at a time with take-over, shared limits, and a broker outage.
//!
//! Each test returns early (and says so) unless `TEST_DATABASE_URL` is PostgreSQL and
//! `CAAS_TEST_NATS_URL` is set, as `.ci/run` sets them.

use std::collections::VecDeque;
use std::time::Duration;

use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas_tests::cluster::{Cluster, ClusterOptions, NatsServer};
use caas_tests::ws::GqlSocket;
use caas_tests::{Api, GqlResponse};
use entity::periodic_runs;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::purchase::{RECORD_PAYMENT, REGISTER_SALE, due, payment, sale_for};

const MEMBER: &str = env!("CARGO_BIN_EXE_caas-member");
const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";
const ACTIVATION_PROGRESS: &str =
    "subscription($id: ID!) { activationProgress(activationId: $id) { phase attempt activation { status } } }";
const ORDER_PROGRESS: &str = "subscription($id: ID!) { orderProgress(orderId: $id) { stage order { status } } }";

fn purchase_input(vin: &str, code: &str, key: &str) -> Value {
    json!({ "input": { "vin": vin, "featureCode": code, "duration": { "kind": "PERMANENT" }, "idempotencyKey": key } })
}

async fn socket_as(member: &Api, token: &str) -> GqlSocket {
    GqlSocket::connect_acked(&member.address, json!({ "authorization": format!("Bearer {token}") })).await
}

/// The next `next` message of subscription `field`, within 20 s.
async fn next_progress(socket: &mut GqlSocket, field: &str) -> Value {
    let message = tokio::time::timeout(Duration::from_secs(20), socket.next_message()).await;
    let message = message.unwrap_or_else(|_| panic!("no {field} within 20 s"));
    assert_eq!(message["type"], "next", "{message}");
    message["payload"]["data"][field].clone()
}

#[tokio::test]
async fn a_subscriber_on_one_member_sees_every_step_the_other_makes_in_order_once() {
    let Some(nats) = Cluster::configured("cross-member live progress") else { return };
    // A serves the subscriber and runs no OTA worker; B gets the factory's and the gateway's
    // webhooks and switches the feature on.
    let options = ClusterOptions::new(MEMBER, nats).with_member(0, "CAAS_OTA_WORKERS", 0);
    let cluster = Cluster::start(options).await;
    let (a, b) = (cluster.member(0), cluster.member(1));

    // An activation B processes, with a transient refusal first, followed on A.
    let token = a.token("customer@demo.caas").await;
    let aurora = a.vins_of("customer@demo.caas").await[0].clone();
    let fleet = cluster.simulators.fleet.as_ref().expect("fleet");
    let mut knobs = FleetKnobs::default();
    knobs.script.insert(aurora.clone(), VecDeque::from([Outcome::Transient, Outcome::Ok]));
    knobs.latency_ms = 300;
    fleet.set_knobs(knobs);
    let bought = a.graphql_as(&token, PURCHASE, purchase_input(&aurora, "PARKING_ASSISTANT", "cluster-1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let mut socket = socket_as(a, &token).await;
    socket.subscribe("p", ACTIVATION_PROGRESS, json!({ "id": id })).await;
    let mut steps = Vec::new();
    while steps.last().map(|(phase, _): &(String, i64)| phase.as_str()) != Some("ACTIVE") {
        let progress = next_progress(&mut socket, "activationProgress").await;
        steps.push((progress["phase"].as_str().expect("phase").to_owned(), progress["attempt"].as_i64().expect("n")));
    }
    // The first answer is the state when the subscription started (queued, or already sending);
    // from there every step, in order, once.
    let whole = [("QUEUED", 0), ("SENDING", 1), ("RETRY_SCHEDULED", 1), ("SENDING", 2), ("ACTIVE", 2)];
    let whole: Vec<(String, i64)> = whole.iter().map(|(phase, n)| ((*phase).to_owned(), *n)).collect();
    let start = whole.iter().position(|step| *step == steps[0]).unwrap_or_else(|| panic!("{steps:?}"));
    assert!(start <= 1, "the subscription started before the car answered: {steps:?}");
    assert_eq!(steps, whole[start..], "every step once, in order");
    // A runs no OTA worker: B switched it on, and A got its steps from NATS.
    assert!(a.metric("caas_events_received_total").await > 0.0, "A got the events from NATS");

    // A sale whose factory and gateway webhooks reach B, followed on A by the dealer.
    let dealer = a.token("dealer@demo.caas").await;
    let sale =
        a.graphql_as(&dealer, REGISTER_SALE, sale_for("nora@example.com", "Nora", ("modelCode", "AURORA"))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    let mut watching = socket_as(a, &dealer).await;
    watching.subscribe("o", ORDER_PROGRESS, json!({ "id": order_id })).await;
    let first = next_progress(&mut watching, "orderProgress").await;
    assert_eq!(first["stage"], "AWAITING_RESERVATION", "the current state first");
    let reserve = payment(&order_id, "RESERVATION", 500_000, "pm_card_visa", "res-1");
    a.graphql_as(&dealer, RECORD_PAYMENT, reserve).await.data();
    let stages = stages_until(&mut watching, "READY").await;
    let built = ["ORDERED", "IN_PRODUCTION", "PAINTING", "ASSEMBLY", "QUALITY_CHECK", "SHIPPED", "READY"];
    assert_eq!(stages, built);
    let amount = due(b, &dealer, &order_id).await;
    a.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "FINAL", amount, "pm_card_visa", "final-1")).await.data();
    assert_eq!(stages_until(&mut watching, "REGISTERED").await, ["PAID", "REGISTERED"]);
    assert!(b.metric("caas_http_requests_total").await > 0.0);
}

async fn stages_until(socket: &mut GqlSocket, last: &str) -> Vec<String> {
    let mut stages = Vec::new();
    while stages.last().map(String::as_str) != Some(last) {
        let progress = next_progress(socket, "orderProgress").await;
        stages.push(progress["stage"].as_str().expect("stage").to_owned());
    }
    stages
}

#[tokio::test]
async fn a_partner_limit_holds_across_members() {
    let Some(nats) = Cluster::configured("shared partner limit") else { return };
    const LIMIT: usize = 20;
    let options = ClusterOptions::new(MEMBER, nats).with("CAAS_PARTNER_REQUESTS_PER_MINUTE", LIMIT);
    let cluster = Cluster::start(options).await;
    let (a, b) = (cluster.member(0), cluster.member(1));
    let key = caas::seed::DEMO_PARTNER_API_KEY;

    // Twice the limit, alternating between the members, within a few seconds.
    let mut allowed = 0;
    let mut refused = 0;
    for n in 0..2 * LIMIT {
        let member = if n % 2 == 0 { a } else { b };
        let answer: GqlResponse =
            member.graphql_with_key(key, "{ features(first: 1) { edges { cursor } } }", json!({})).await;
        match answer.error_code() {
            None => allowed += 1,
            Some(code) if code == "RATE_LIMITED" => refused += 1,
            Some(code) => panic!("unexpected {code}: {answer:?}"),
        }
    }
    assert!((LIMIT..=LIMIT + 2).contains(&allowed), "{allowed} let through for a limit of {LIMIT} (not 2 × {LIMIT})");
    assert_eq!(allowed + refused, 2 * LIMIT);
}

#[tokio::test]
async fn a_killed_scheduler_is_taken_over_and_no_period_runs_twice() {
    let Some(nats) = Cluster::configured("scheduler take-over") else { return };
    let options = ClusterOptions::new(MEMBER, nats).with("CAAS_SCHEDULER_INTERVAL", 1);
    let mut cluster = Cluster::start(options).await;
    let (a, b) = (cluster.member(0).api.clone(), cluster.member(1).api.clone());
    // A started first and holds the three leases; B stands by.
    assert_eq!(a.metric("caas_leases_held").await, 3.0);
    assert_eq!(b.metric("caas_leases_held").await, 0.0);
    let db = cluster.db.clone();
    let runs_of = |instance: &'static str| {
        let db = db.clone();
        async move {
            periodic_runs::Entity::find()
                .filter(periodic_runs::Column::Task.eq("scheduler"))
                .filter(periodic_runs::Column::Instance.starts_with(instance))
                .count(&db)
                .await
                .expect("count")
        }
    };
    a.eventually("A to run the scheduler", || async { (runs_of("member-a").await > 1).then_some(()) }).await;

    cluster.kill(0).await;
    b.eventually("B to take the leases over", || async { (b.metric("caas_leases_held").await == 3.0).then_some(()) })
        .await;
    b.eventually("B to run the scheduler", || async { (runs_of("member-b").await > 1).then_some(()) }).await;

    // A comes back and stands by: B keeps the leases.
    cluster.restart(0).await;
    assert_eq!(a.metric("caas_leases_held").await, 0.0);
    let runs = periodic_runs::Entity::find()
        .filter(periodic_runs::Column::Task.eq("scheduler"))
        .order_by_asc(periodic_runs::Column::Period)
        .all(&cluster.db)
        .await
        .expect("runs");
    let handed_over = runs.iter().position(|run| run.instance.starts_with("member-b")).expect("B ran");
    assert!(runs[..handed_over].iter().all(|run| run.instance.starts_with("member-a")), "one holder at a time");
    assert!(runs[handed_over..].iter().all(|run| run.instance.starts_with("member-b")), "one holder at a time");
    let periods: Vec<i64> = runs.iter().map(|run| run.period).collect();
    let mut distinct = periods.clone();
    distinct.dedup();
    assert_eq!(periods, distinct, "no period ran twice");
    // The successor took over within the lease's term (3 s) and an interval.
    let gap = runs[handed_over].period - runs[handed_over - 1].period;
    assert!(gap <= 6, "{} periods went unrun in the take-over: {periods:?}", gap - 1);
}

#[tokio::test]
async fn while_nats_is_down_the_api_answers_and_the_events_come_once_it_is_back() {
    if Cluster::configured("NATS outage").is_none() {
        return;
    }
    let Some(mut nats) = NatsServer::start().await else {
        eprintln!("NATS outage: skipped — no nats-server binary to run a NATS of the test's own");
        return;
    };
    let options = ClusterOptions::new(MEMBER, nats.url.clone()).with_member(0, "CAAS_OTA_WORKERS", 0);
    let cluster = Cluster::start(options).await;
    let (a, b) = (cluster.member(0), cluster.member(1));
    let token = a.token("customer@demo.caas").await;
    let aurora = a.vins_of("customer@demo.caas").await[0].clone();
    let ready = |member: &Api| {
        let member = member.clone();
        async move { member.client.get(format!("{}/readyz", member.address)).send().await.expect("readyz") }
    };
    assert_eq!(ready(a).await.text().await.expect("body"), "ready: database up, broker up");

    // A subscriber on A to an activation bought before the outage and switched on by B during it.
    let mut knobs = FleetKnobs::default();
    knobs.latency_ms = 1_000;
    cluster.simulators.fleet.as_ref().expect("fleet").set_knobs(knobs);
    let bought = a.graphql_as(&token, PURCHASE, purchase_input(&aurora, "PARKING_ASSISTANT", "outage-1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let mut socket = socket_as(a, &token).await;
    socket.subscribe("p", ACTIVATION_PROGRESS, json!({ "id": id })).await;
    let first = next_progress(&mut socket, "activationProgress").await;
    nats.stop().await;
    let outage = tokio::time::Instant::now();

    // The API answers on both members, and says the broker is away.
    let query = "query($id: ID!) { activation(id: $id) { status } }";
    let active = b
        .eventually("the activation to be switched on during the outage", || async {
            let answer = b.graphql_as(&token, query, json!({ "id": id })).await;
            (answer.data()["activation"]["status"] == "ACTIVE").then_some(())
        })
        .await;
    let () = active;
    for member in [a, b] {
        member.graphql_as(&token, "{ myVehicles { edges { node { vin } } } }", json!({})).await.data();
        let answer = ready(member).await;
        assert_eq!(answer.status(), 200, "still ready: the database answers");
        assert_eq!(answer.text().await.expect("body"), "ready: database up, broker down (live events are delayed)");
    }
    tokio::time::sleep(Duration::from_secs(30).saturating_sub(outage.elapsed())).await;

    // NATS is back: the steps reach the subscriber, after what it was shown first, in order, once.
    assert!(nats.restart().await, "nats-server starts again");
    let mut steps = vec![first["phase"].as_str().expect("phase").to_owned()];
    while steps.last().map(String::as_str) != Some("ACTIVE") {
        let progress = next_progress(&mut socket, "activationProgress").await;
        steps.push(progress["phase"].as_str().expect("phase").to_owned());
    }
    let whole = ["QUEUED", "SENDING", "ACTIVE"];
    let start = whole.iter().position(|phase| *phase == steps[0]).unwrap_or_else(|| panic!("{steps:?}"));
    assert_eq!(steps, whole[start..], "none lost, none twice");
    a.eventually("A to see the broker again", || async {
        let body = ready(a).await.text().await.expect("body");
        (body == "ready: database up, broker up").then_some(())
    })
    .await;
}
