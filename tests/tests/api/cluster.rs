//! Several `caas serve` processes on one PostgreSQL database and one NATS: live views across
//! members, one scheduler at a time with take-over, shared limits, a broker outage, and a bay booked
//! once however the requests for it are spread over the members.
//!
//! Each test returns early (and says so) unless `TEST_DATABASE_URL` is PostgreSQL and
//! `CAAS_TEST_NATS_URL` is set, as `.ci/run` sets them.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas_tests::cluster::{Cluster, ClusterOptions, NatsServer};
use caas_tests::ws::{Frame, GqlSocket};
use caas_tests::{Api, GqlResponse};
use entity::periodic_runs;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::purchase::{RECORD_PAYMENT, REGISTER_SALE, due, payment, sale_for};

const MEMBER: &str = env!("CARGO_BIN_EXE_caas-member");
/// The leases of a cluster: the scheduler, the settlement reconciler, the workshop reminders, the
/// telemetry housekeeping, the data-rights task, the campaign runner and the outbox relay.
const LEASES: f64 = 7.0;
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

/// The next `next` message of subscription `field`, within 30 s (the machine may be loaded).
async fn next_progress(socket: &mut GqlSocket, field: &str) -> Value {
    match socket.next_within(Duration::from_secs(30)).await {
        Some(Frame::Message(message)) => {
            assert_eq!(message["type"], "next", "{message}");
            message["payload"]["data"][field].clone()
        }
        Some(Frame::Closed(close)) => panic!("the socket closed ({close:?}) waiting for {field}"),
        None => panic!("no {field} within 30 s"),
    }
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
    // (Its attempt may already count the one about to be sent while it still shows QUEUED.)
    let start = ["QUEUED", "SENDING"].iter().position(|phase| *phase == steps[0].0);
    let start = start.unwrap_or_else(|| panic!("the subscription started before the car answered: {steps:?}"));
    assert_eq!(steps[1..], whole[start + 1..], "every step once, in order: {steps:?}");
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
async fn a_partner_limit_and_the_sign_in_throttle_hold_across_members() {
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

    // Sign-in failures count for the cluster too: five guesses spread over both lock the account.
    for n in 0..5 {
        let member = if n % 2 == 0 { a } else { b };
        member.login("dealer@demo.caas", "guess").await.expect_error("UNAUTHENTICATED");
    }
    for member in [a, b] {
        member.login("dealer@demo.caas", caas_tests::PASSWORD).await.expect_error("RATE_LIMITED");
    }
}

#[tokio::test]
async fn a_killed_scheduler_is_taken_over_and_no_period_runs_twice() {
    let Some(nats) = Cluster::configured("scheduler take-over") else { return };
    let options = ClusterOptions::new(MEMBER, nats).with("CAAS_SCHEDULER_INTERVAL", 1);
    let mut cluster = Cluster::start(options).await;
    let (a, b) = (cluster.member(0).api.clone(), cluster.member(1).api.clone());
    // A started first and holds the leases; B stands by.
    assert_eq!(a.metric("caas_leases_held").await, LEASES);
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
    b.eventually("B to take the leases over", || async {
        (b.metric("caas_leases_held").await == LEASES).then_some(())
    })
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
    let knobs = FleetKnobs { latency_ms: 1_000, ..FleetKnobs::default() };
    cluster.simulators.fleet.as_ref().expect("fleet").set_knobs(knobs);
    let bought = a.graphql_as(&token, PURCHASE, purchase_input(&aurora, "PARKING_ASSISTANT", "outage-1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let mut socket = socket_as(a, &token).await;
    socket.subscribe("p", ACTIVATION_PROGRESS, json!({ "id": id })).await;
    let first = next_progress(&mut socket, "activationProgress").await;

    // However many subscriptions are open, each member has one consumer per topic family.
    let mut others = Vec::new();
    for _ in 0..20 {
        let mut other = socket_as(b, &token).await;
        other.subscribe("p", ACTIVATION_PROGRESS, json!({ "id": id })).await;
        next_progress(&mut other, "activationProgress").await;
        others.push(other);
    }
    let client = async_nats::connect(&nats.url).await.expect("connect to NATS");
    let mut stream = async_nats::jetstream::new(client).get_stream("CAAS_EVENTS").await.expect("the stream");
    let consumers = stream.info().await.expect("stream info").state.consumer_count;
    let families = caas::platform::nats::FAMILIES.len();
    assert_eq!(consumers, 2 * families, "two members × {families} families, not one per subscription");
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

/// What a live subscriber last showed of an activation, following it across restarts.
async fn follow(members: Vec<Api>, token: String, id: String, first: usize) -> Option<String> {
    let mut shown: Option<String> = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(240);
    let mut member = first;
    while tokio::time::Instant::now() < deadline {
        let auth = json!({ "authorization": format!("Bearer {token}") });
        let Some(mut socket) = GqlSocket::try_connect_acked(&members[member].address, auth).await else {
            // Down: the client tries the other member, as it would behind a proxy.
            member = (member + 1) % members.len();
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        if socket.try_subscribe("p", ACTIVATION_PROGRESS, json!({ "id": id })).await {
            while let Some(Frame::Message(message)) = socket.next_within(Duration::from_secs(60)).await {
                let phase = message["payload"]["data"]["activationProgress"]["phase"].as_str().map(str::to_owned);
                shown = phase.or(shown);
                if matches!(shown.as_deref(), Some("ACTIVE" | "FAILED")) {
                    return shown;
                }
            }
        }
        member = (member + 1) % members.len();
    }
    shown
}

/// Buys `code` for `vin` with `key`, on member `first` or — while it is down, or the answer was
/// lost with it — on the others, with the same key: the activation's id.
async fn buy_somewhere(members: &[Api], token: &str, vin: &str, code: &str, key: &str, first: usize) -> String {
    for attempt in 0..200 {
        let member = &members[(first + attempt) % members.len()];
        let sent = member
            .client
            .post(format!("{}/graphql", member.address))
            .bearer_auth(token)
            .json(&json!({ "query": PURCHASE, "variables": purchase_input(vin, code, key) }))
            .send()
            .await;
        if let Ok(response) = sent
            && let Ok(body) = response.json::<Value>().await
        {
            if let Some(id) = body["data"]["purchaseFeature"]["id"].as_str() {
                return id.to_owned();
            }
            let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default();
            assert!(["UNAVAILABLE", "INTERNAL_SERVER_ERROR", ""].contains(&code), "{key}: {body}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{key} was never answered");
}

#[tokio::test]
async fn a_campaign_survives_members_killed_twice_each_and_every_invariant_holds() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use caas::integrations::payments::simulator::SimulatedPayment;
    use entity::{ActivationStatus, PaymentStatus, activations, payments};
    use futures::StreamExt;

    let Some(nats) = Cluster::configured("campaign with kills") else { return };
    const CARS: u32 = 1_000;
    const FEATURES: [&str; 2] = ["PARKING_ASSISTANT", "HEATED_SEATS"];
    const FOLLOWED: usize = 40;
    let options = ClusterOptions::new(MEMBER, nats)
        .with("CAAS_SCHEDULER_INTERVAL", 1)
        .with("CAAS_OTA_LEASE_SECONDS", 3)
        .with("CAAS_DB_MAX_CONNECTIONS", 16);
    let mut cluster = Cluster::start(options).await;
    let vins = caas::seed::fleet::add_cars(&cluster.db, "customer@demo.caas", CARS, 0).await.expect("cars");
    let fleet = cluster.simulators.fleet.clone().expect("fleet");
    let mut knobs = FleetKnobs::default();
    (knobs.transient_failure_rate, knobs.permanent_failure_rate, knobs.latency_ms) = (0.1, 0.05, 20);
    fleet.set_knobs(knobs);
    let members: Vec<Api> = cluster.members.iter().map(|member| member.api.clone()).collect();
    let token = members[0].token("customer@demo.caas").await;
    let purchases: Vec<(String, String, String)> = vins
        .iter()
        .flat_map(|vin| FEATURES.iter().map(move |code| (vin.clone(), (*code).to_owned())))
        .enumerate()
        .map(|(n, (vin, code))| (vin, code, format!("campaign-{n}")))
        .collect();

    // Purchases, sixteen at a time, alternating between the members; some followed live.
    let bought = Arc::new(AtomicUsize::new(0));
    let buying = {
        let (members, token, bought) = (members.clone(), token.clone(), bought.clone());
        let purchases = purchases.clone();
        tokio::spawn(async move {
            let each = futures::stream::iter(purchases.into_iter().enumerate()).map(|(n, (vin, code, key))| {
                let (members, token, bought) = (members.clone(), token.clone(), bought.clone());
                async move {
                    let id = buy_somewhere(&members, &token, &vin, &code, &key, n % 2).await;
                    bought.fetch_add(1, Ordering::SeqCst);
                    let follower = (n % (2 * CARS as usize / FOLLOWED) == 0)
                        .then(|| tokio::spawn(follow(members.clone(), token.clone(), id.clone(), (n + 1) % 2)));
                    (id, follower)
                }
            });
            each.buffer_unordered(16).collect::<Vec<_>>().await
        })
    };

    // Each member killed twice while the campaign runs, and started again.
    let started = std::time::Instant::now();
    let total = purchases.len();
    for (round, victim) in [0, 1, 0, 1].into_iter().enumerate() {
        let when = total * (round + 1) / 5;
        while bought.load(Ordering::SeqCst) < when {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        cluster.kill(victim).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        cluster.restart(victim).await;
    }
    let results = buying.await.expect("the purchases");
    let bought_in = started.elapsed().as_secs_f64();
    let ids: Vec<uuid::Uuid> = results.iter().map(|(id, _)| id.parse().expect("uuid")).collect();

    // Every activation ends, switched on or failed: none is lost to a kill.
    let db = cluster.db.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let ended_in;
    let settled = loop {
        let all = activations::Entity::find()
            .filter(activations::Column::Id.is_in(ids.clone()))
            .all(&db)
            .await
            .expect("activations");
        if all.iter().all(|row| matches!(row.status, ActivationStatus::Active | ActivationStatus::Failed)) {
            ended_in = started.elapsed().as_secs_f64() - bought_in;
            break all;
        }
        if tokio::time::Instant::now() > deadline {
            let open: Vec<_> = all
                .iter()
                .filter(|row| !matches!(row.status, ActivationStatus::Active | ActivationStatus::Failed))
                .collect();
            let jobs = entity::ota_jobs::Entity::find()
                .filter(entity::ota_jobs::Column::ActivationId.is_in(open.iter().map(|row| row.id).take(5)))
                .all(&db)
                .await
                .expect("jobs");
            panic!("{} activations did not end, e.g. {:#?}\njobs: {jobs:#?}", open.len(), &open[..open.len().min(3)]);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(settled.len(), total, "one activation per purchase and key");

    // No charge for a failure, never two captures; the cars have what the database says.
    let gateway: std::collections::HashMap<String, SimulatedPayment> = cluster
        .simulators
        .payments
        .as_ref()
        .expect("gateway")
        .payments()
        .into_iter()
        .map(|payment| (payment.id.clone(), payment))
        .collect();
    let charges = payments::Entity::find()
        .filter(payments::Column::ActivationId.is_in(ids.clone()))
        .all(&cluster.db)
        .await
        .expect("payments");
    let cars = fleet.vehicles();
    let vin_of: std::collections::HashMap<uuid::Uuid, String> = entity::vehicles::Entity::find()
        .all(&cluster.db)
        .await
        .expect("vehicles")
        .into_iter()
        .map(|car| (car.id, car.vin))
        .collect();
    let codes: std::collections::HashMap<uuid::Uuid, String> = entity::features::Entity::find()
        .all(&cluster.db)
        .await
        .expect("features")
        .into_iter()
        .map(|feature| (feature.id, feature.code))
        .collect();
    let (mut active, mut failed) = (0, 0);
    for activation in &settled {
        let mine: Vec<_> = charges.iter().filter(|charge| charge.activation_id == Some(activation.id)).collect();
        let captures: u32 = mine
            .iter()
            .filter_map(|charge| charge.provider_ref.as_ref().and_then(|intent| gateway.get(intent)))
            .map(|intent| intent.captures)
            .sum();
        let taken =
            mine.iter().filter(|charge| matches!(charge.status, PaymentStatus::Captured | PaymentStatus::Settled));
        let on = cars
            .iter()
            .find(|car| car.vin == vin_of[&activation.vehicle_id])
            .and_then(|car| car.features.get(&codes[&activation.feature_id]).copied())
            .unwrap_or(false);
        if activation.status == ActivationStatus::Active {
            active += 1;
            assert_eq!((captures, taken.count(), on), (1, 1, true), "{activation:?} {mine:?}");
        } else {
            failed += 1;
            assert_eq!((captures, taken.count(), on), (0, 0, false), "{activation:?} {mine:?}");
        }
    }
    assert!(gateway.values().all(|intent| intent.captures <= 1), "no payment captured twice");
    assert!(active > total / 2 && failed > 0, "{active} switched on, {failed} failed");

    // Every live subscriber's last answer is the activation's final state.
    let mut followed = 0;
    for (id, follower) in results {
        let Some(follower) = follower else { continue };
        let shown = follower.await.expect("a follower");
        let row = settled.iter().find(|row| row.id.to_string() == id).expect("followed activation");
        let expected = if row.status == ActivationStatus::Active { "ACTIVE" } else { "FAILED" };
        assert_eq!(shown.as_deref(), Some(expected), "the subscriber of {id}");
        followed += 1;
    }
    assert!(followed >= FOLLOWED, "{followed} followed");

    // One scheduler at a time: its periods form runs of one holder, changing hands at most once
    // per kill (and once when a restarted member took a lease handed back).
    let runs = periodic_runs::Entity::find()
        .filter(periodic_runs::Column::Task.eq("scheduler"))
        .order_by_asc(periodic_runs::Column::Period)
        .all(&cluster.db)
        .await
        .expect("runs");
    let holder = |run: &periodic_runs::Model| run.instance.clone();
    let hand_overs = runs.windows(2).filter(|pair| holder(&pair[0]) != holder(&pair[1])).count();
    assert!(runs.len() > 5 && hand_overs <= 4, "{hand_overs} hand-overs in {runs:?}");
    eprintln!(
        "campaign: {total} purchases in {bought_in:.1} s, all ended {ended_in:.1} s later; {active} on, {failed} failed; \
         {followed} followed live; {} scheduler periods, {hand_overs} hand-overs",
        runs.len()
    );
}

#[tokio::test]
async fn a_member_stopping_closes_its_live_views_and_they_resume_on_another_from_the_current_state() {
    let Some(nats) = Cluster::configured("graceful hand-over") else { return };
    let mut cluster = Cluster::start(ClusterOptions::new(MEMBER, nats)).await;
    let (a, b) = (cluster.member(0).api.clone(), cluster.member(1).api.clone());
    let dealer = a.token("dealer@demo.caas").await;
    let sale = a.graphql_as(&dealer, REGISTER_SALE, sale_for("ida@example.com", "Ida", ("modelCode", "AURORA"))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    let mut on_a = socket_as(&a, &dealer).await;
    on_a.subscribe("o", ORDER_PROGRESS, json!({ "id": order_id })).await;
    assert_eq!(next_progress(&mut on_a, "orderProgress").await["stage"], "AWAITING_RESERVATION");

    // SIGTERM: A tells its clients to reconnect, finishes, hands its leases back and exits cleanly.
    assert_eq!(a.metric("caas_leases_held").await, LEASES);
    assert!(cluster.terminate(0).await, "A exits with success");
    match on_a.next_within(Duration::from_secs(10)).await {
        Some(Frame::Closed(Some((code, reason)))) => {
            assert_eq!((code, reason.as_str()), (1012, "The server is restarting; connect again"))
        }
        other => panic!("expected a close with 1012, got {other:?}"),
    }
    b.eventually("B to take the handed-back leases", || async {
        (b.metric("caas_leases_held").await == LEASES).then_some(())
    })
    .await;

    // The client reconnects to B (as through the proxy) and gets the state first, then the changes.
    let reserve = payment(&order_id, "RESERVATION", 500_000, "pm_card_visa", "res-ida");
    b.graphql_as(&dealer, RECORD_PAYMENT, reserve).await.data();
    let mut on_b = socket_as(&b, &dealer).await;
    on_b.subscribe("o", ORDER_PROGRESS, json!({ "id": order_id })).await;
    let current = next_progress(&mut on_b, "orderProgress").await;
    let built = ["ORDERED", "IN_PRODUCTION", "PAINTING", "ASSEMBLY", "QUALITY_CHECK", "SHIPPED", "READY"];
    let from = built.iter().position(|stage| current["stage"] == *stage).unwrap_or_else(|| panic!("{current}"));
    let mut stages = vec![current["stage"].as_str().expect("stage").to_owned()];
    if from + 1 < built.len() {
        stages.extend(stages_until(&mut on_b, "READY").await);
    }
    assert_eq!(stages, built[from..], "from the current stage on, each once");
}

#[tokio::test]
async fn twenty_bookings_of_one_bay_over_two_members_make_one_booking() {
    let Some(nats) = Cluster::configured("bookings across members") else { return };
    let cluster = Cluster::start(ClusterOptions::new(MEMBER, nats)).await;
    let (a, b) = (cluster.member(0).api.clone(), cluster.member(1).api.clone());
    let staff = a.token("workshop@demo.caas").await;
    let me = a
        .graphql_as(
            &staff,
            "{ me { workshop { id serviceTypes { id maintenanceKind } resources { id name } } } }",
            json!({}),
        )
        .await;
    let workshop = me.data()["me"]["workshop"].clone();
    let oil =
        workshop["serviceTypes"].as_array().expect("services").iter().find(|s| s["maintenanceKind"] == "OIL_SERVICE");
    let oil = oil.expect("oil service")["id"].clone();
    let bay = workshop["resources"].as_array().expect("resources").iter().find(|r| r["name"] == "Platz 1");
    let bay = bay.expect("bay 1")["id"].clone();
    let today = chrono::Utc::now().date_naive();
    let slots = a
        .graphql_as(
            &staff,
            "query($w: ID!, $s: ID!, $f: NaiveDate!, $t: NaiveDate!) { availableSlots(workshopId: $w, serviceTypeId: $s, from: $f, to: $t) { startsAt freeResources } }",
            json!({ "w": workshop["id"], "s": oil, "f": (today + chrono::Duration::days(1)).to_string(), "t": (today + chrono::Duration::days(10)).to_string() }),
        )
        .await;
    let starts_at = slots.data()["availableSlots"].as_array().expect("slots").iter().find(|s| s["freeResources"] == 2);
    let starts_at = starts_at.expect("a slot with both bays free")["startsAt"].clone();
    let cars = {
        use sea_orm::QuerySelect;
        entity::vehicles::Entity::find()
            .filter(entity::vehicles::Column::OwnerId.is_null())
            .limit(20)
            .all(&cluster.db)
            .await
            .expect("stock")
    };
    let book = "mutation($input: BookServiceInput!) { bookService(input: $input) { id } }";
    let attempts = cars.iter().enumerate().map(|(n, car)| {
        let member = if n % 2 == 0 { &a } else { &b };
        let input = json!({ "workshopId": workshop["id"], "serviceTypeId": oil, "vin": car.vin, "startsAt": starts_at,
            "resourceId": bay, "contact": { "name": format!("Caller {n}") } });
        member.graphql_as(&staff, book, json!({ "input": input }))
    });
    let answers = futures::future::join_all(attempts).await;
    let booked = answers.iter().filter(|answer| answer.errors().is_empty()).count();
    let conflicts = answers.iter().filter(|answer| answer.error_code().as_deref() == Some("CONFLICT")).count();
    assert_eq!((booked, conflicts), (1, 19), "{:#?}", answers.iter().map(|a| &a.body).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_user_disabled_on_one_member_is_refused_on_the_other_at_once_and_its_socket_there_closes() {
    let Some(nats) = Cluster::configured("disabled accounts across members") else { return };
    let cluster = Cluster::start(ClusterOptions::new(MEMBER, nats)).await;
    let (a, b) = (cluster.member(0).api.clone(), cluster.member(1).api.clone());
    let admin = a.token("admin@demo.caas").await;
    let dealer = b.token("dealer@demo.caas").await;
    // B has the dealer's session in its cache, and a socket of theirs open.
    assert!(b.graphql_as(&dealer, "{ me { email } }", json!({})).await.error_code().is_none());
    let mut socket = socket_as(&b, &dealer).await;
    let users = a.graphql_as(&admin, "{ users(search: \"dealer@demo.caas\") { id } }", json!({})).await;
    let id = users.data()["users"][0]["id"].clone();
    a.graphql_as(&admin, "mutation($id: ID!) { disableUser(userId: $id) { disabledAt } }", json!({ "id": id }))
        .await
        .data();
    // The event reaches B through NATS: its socket closes well before the 30 s recheck…
    match socket.next_within(Duration::from_secs(5)).await {
        Some(Frame::Closed(Some((code, _)))) => assert_eq!(code, 4403),
        other => panic!("expected B to close the dealer's socket, got {other:?}"),
    }
    // …and B forgot the session it had cached for 10 s: the very next request is refused.
    let next = b.graphql_as(&dealer, "{ me { email } }", json!({})).await;
    assert_eq!(next.error_code(), Some("UNAUTHENTICATED".to_owned()));
}

#[tokio::test]
async fn an_emergency_stop_on_one_member_stops_the_campaign_on_both_and_sends_no_command_after_it() {
    use crate::campaigns::{APPROVE, CREATE, PAUSE, VIEW, campaign_input, second_admin};
    let Some(nats) = Cluster::configured("a campaign stopped across members") else { return };
    // The runner ticks every 200 ms on the member holding its lease; both members' engines work.
    let cluster = Cluster::start(ClusterOptions::new(MEMBER, nats).with("CAAS_CAMPAIGN_TICK_MS", 200)).await;
    let (a, b) = (cluster.member(0).api.clone(), cluster.member(1).api.clone());
    let fleet = cluster.simulators.fleet.as_ref().expect("fleet");
    fleet.set_knobs(FleetKnobs { latency_ms: 300, ..FleetKnobs::default() });
    let mut vins = caas::seed::fleet::add_cars(&cluster.db, "customer@demo.caas", 3000, 0).await.expect("cars");
    vins.sort();
    let admin = a.token("admin@demo.caas").await;
    let approver = second_admin(&b, cluster.simulators.mail.as_ref().expect("mail")).await;
    let created = a.graphql_as(&admin, CREATE, campaign_input(&vins, json!({ "ratePerMinute": 6000 }))).await;
    let id = created.data()["createCampaign"]["id"].as_str().expect("id").to_owned();
    // Member A watches it live.
    let mut watching = socket_as(&a, &admin).await;
    watching
        .subscribe("1", "subscription($id: ID!) { campaignProgress(id: $id) { state } }", json!({ "id": id }))
        .await;
    assert_eq!(next_progress(&mut watching, "campaignProgress").await["state"], "AWAITING_APPROVAL");
    b.graphql_as(&approver, APPROVE, json!({ "id": id })).await.data();
    let started = tokio::time::Instant::now();
    while fleet.received_commands().len() < 50 {
        assert!(started.elapsed() < Duration::from_secs(30), "the campaign sends commands");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The stop on B, while A's runner starts cars and both engines send their commands.
    let stop = b.graphql_as(&approver, PAUSE, json!({ "id": id, "reason": "stop everything" })).await;
    let stopped_at = chrono::Utc::now();
    let stop = &stop.data()["pauseCampaign"];
    assert_eq!(stop["campaign"]["state"], "PAUSED");
    let in_flight = stop["inFlight"].as_i64().expect("in flight");
    // It reaches A's live view through the bus.
    let mut states = Vec::new();
    while states.last().map(String::as_str) != Some("PAUSED") {
        let seen = next_progress(&mut watching, "campaignProgress").await;
        states.push(seen["state"].as_str().expect("state").to_owned());
    }
    // The commands in flight finish and are reported on A's runner's next rounds.
    let view = loop {
        let view = a.graphql_as(&admin, VIEW, json!({ "id": id })).await.data()["campaign"].clone();
        if view["counts"]["running"] == 0 {
            break view;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "in-flight commands reported: {view:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_secs(1)).await; // two rounds of the runner: nothing more starts
    let received = fleet.received_commands();
    let after: HashSet<&str> = received.iter().filter(|c| c.received_at > stopped_at).map(|c| c.vin.as_str()).collect();
    let commanded: HashSet<&str> = received.iter().map(|c| c.vin.as_str()).collect();
    let ended =
        view["counts"]["succeeded"].as_i64().expect("succeeded") + view["counts"]["failed"].as_i64().expect("failed");
    assert_eq!(commanded.len() as i64, ended, "every car commanded ended its turn; none withdrawn was sent: {view:#}");
    assert!(
        after.len() as i64 <= in_flight,
        "{} cars commanded after the stop, {in_flight} were in flight",
        after.len()
    );
    assert_eq!(view["state"], "PAUSED");
    assert!(view["counts"]["waiting"].as_i64().expect("waiting") > 0, "cars were left for a resume: {view:#}");
}
