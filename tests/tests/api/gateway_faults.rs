//! The payment gateway's faults, each driving a purchase or a payment to its end state: down while
//! a charge is authorised or captured, slow, holding or failing its settlements, and a settlement
//! webhook that overtakes the capture it follows. Whatever happens: no capture without ACTIVE, never
//! two captures, nothing PENDING for ever.

use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas::integrations::payments::simulator::PaymentKnobs;
use caas::payments::service as payment_service;
use caas::settlement::reconciler;
use caas_tests::{TestApp, spawn_app, spawn_app_with};
use chrono::Duration;
use entity::{PaymentStatus, ota_jobs};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::payment_faults::{authorised_charge, feature_charge, recorded_payment, status_of};

const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";
const ACTIVATION: &str =
    "query($id: ID!) { activation(id: $id) { status payments { status amount { amountMinor } } } }";

/// Anna buys `feature` for her Aurora (charged to her saved card); answers the activation's id.
async fn buy(app: &TestApp, feature: &str, key: &str) -> (String, String) {
    let token = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let input = json!({ "input": { "vin": vin, "featureCode": feature, "duration": { "kind": "PERMANENT" }, "idempotencyKey": key } });
    let bought = app.graphql_as(&token, PURCHASE, input).await;
    (token, bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned())
}

async fn activation(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone()
}

/// Waits until the activation is `status` with its charge in one of `charges`.
async fn wait_for(app: &TestApp, token: &str, id: &str, status: &str, charges: &[&str]) -> Value {
    app.eventually(&format!("activation {id} {status} with its charge {charges:?}"), || async {
        let current = activation(app, token, id).await;
        let charge = current["payments"][0]["status"].as_str().unwrap_or_default().to_owned();
        (current["status"] == status && charges.contains(&charge.as_str())).then_some(current)
    })
    .await
}

/// Money taken: captured, or already settled.
const TAKEN: &[&str] = &["CAPTURED", "SETTLED"];

/// The job's last error, once the engine ran into one.
async fn job_error(app: &TestApp, id: &str) -> String {
    let activation_id: uuid::Uuid = id.parse().expect("uuid");
    app.eventually("the job to record the gateway's failure", || async {
        let job = ota_jobs::Entity::find()
            .filter(ota_jobs::Column::ActivationId.eq(activation_id))
            .one(&app.app.db)
            .await
            .expect("db")?;
        job.last_error
    })
    .await
}

/// The gateway's view of the charges of `amount`: how many, and their captures.
fn captures_of(app: &TestApp, amount: i64) -> Vec<u32> {
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.payments().into_iter().filter(|p| p.amount == amount).map(|p| p.captures).collect()
}

/// Whether Anna's Aurora has `feature` on, as the car reports it.
async fn car_has(app: &TestApp, feature: &str) -> Option<bool> {
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    let car = fleet.vehicles().into_iter().find(|car| car.vin == vin)?;
    car.features.get(feature).copied()
}

#[tokio::test]
async fn a_gateway_down_while_authorising_holds_the_purchase_back_until_it_is_up() {
    let app = spawn_app().await;
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { unavailable: true, ..PaymentKnobs::default() });
    let (token, id) = buy(&app, "PARKING_ASSISTANT", "down-authorise").await;
    job_error(&app, &id).await;
    // Nothing was sent to the car, nothing charged; the charge waits, PENDING.
    let waiting = activation(&app, &token, &id).await;
    assert_eq!(
        (waiting["status"].as_str(), waiting["payments"][0]["status"].as_str()),
        (Some("PENDING"), Some("PENDING"))
    );
    assert_ne!(car_has(&app, "PARKING_ASSISTANT").await, Some(true));
    assert!(gateway.payments().is_empty(), "{:?}", gateway.payments());

    gateway.set_knobs(PaymentKnobs::default());
    let active = wait_for(&app, &token, &id, "ACTIVE", TAKEN).await;
    let amount = active["payments"][0]["amount"]["amountMinor"].as_i64().expect("amount");
    assert_eq!(captures_of(&app, amount), [1]);
}

#[tokio::test]
async fn a_gateway_down_while_capturing_keeps_the_feature_on_and_captures_once_when_up() {
    let app = spawn_app().await;
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    // The car takes a second to confirm: time to take the gateway down after the authorisation.
    // It takes the first command and would refuse any other: once it confirmed, the capture's
    // retry must ask the car, not send the command again.
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let mut knobs = FleetKnobs { latency_ms: 1_000, ..FleetKnobs::default() };
    knobs.script.insert(vin, [Outcome::Ok, Outcome::Permanent, Outcome::Permanent].into_iter().collect());
    fleet.set_knobs(knobs);
    let (token, id) = buy(&app, "PARKING_ASSISTANT", "down-capture").await;
    app.eventually("the authorisation", || async {
        (activation(&app, &token, &id).await["payments"][0]["status"] == "AUTHORIZED").then_some(())
    })
    .await;
    gateway.set_knobs(PaymentKnobs { unavailable: true, ..PaymentKnobs::default() });
    let switched_on = || async { (car_has(&app, "PARKING_ASSISTANT").await == Some(true)).then_some(()) };
    app.eventually("the car to have it on", switched_on).await;
    job_error(&app, &id).await;
    // On in the car, but not ACTIVE and not charged until the capture is through.
    let waiting = activation(&app, &token, &id).await;
    assert_eq!(waiting["status"], "ACTIVATING");
    assert_eq!(waiting["payments"][0]["status"], "AUTHORIZED");

    gateway.set_knobs(PaymentKnobs::default());
    let active = wait_for(&app, &token, &id, "ACTIVE", TAKEN).await;
    let amount = active["payments"][0]["amount"]["amountMinor"].as_i64().expect("amount");
    assert_eq!(captures_of(&app, amount), [1]);
}

#[tokio::test]
async fn a_slow_gateway_changes_nothing_but_time() {
    let app = spawn_app().await;
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { latency_ms: 300, ..PaymentKnobs::default() });
    let (token, id) = buy(&app, "PARKING_ASSISTANT", "slow").await;
    let active = wait_for(&app, &token, &id, "ACTIVE", TAKEN).await;
    let amount = active["payments"][0]["amount"]["amountMinor"].as_i64().expect("amount");
    assert_eq!(captures_of(&app, amount), [1]);
}

#[tokio::test]
async fn held_settlements_stay_captured_and_settle_once_released_even_without_their_webhook() {
    let app = spawn_app_with(caas_tests::TestOptions {
        configure: Box::new(|config| config.settlement_check_secs = 60),
        ..caas_tests::TestOptions::default()
    })
    .await;
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { hold_settlements: true, ..PaymentKnobs::default() });
    let (token, id) = buy(&app, "PARKING_ASSISTANT", "held").await;
    wait_for(&app, &token, &id, "ACTIVE", &["CAPTURED"]).await;
    // The gateway still processes it: a look-up moves nothing.
    app.clock.advance(Duration::minutes(2));
    assert_eq!(reconciler::reconcile(&app.app).await.expect("reconcile"), 0);
    assert_eq!(activation(&app, &token, &id).await["payments"][0]["status"], "CAPTURED");

    gateway.set_knobs(PaymentKnobs::default());
    wait_for(&app, &token, &id, "ACTIVE", &["SETTLED"]).await;
}

#[tokio::test]
async fn a_failed_settlement_is_recorded_and_the_feature_goes_unpaid() {
    let app = spawn_app().await;
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { settlement_failure_rate: 1.0, ..PaymentKnobs::default() });
    let (token, id) = buy(&app, "PARKING_ASSISTANT", "fails").await;
    wait_for(&app, &token, &id, "ACTIVE", &["FAILED"]).await;
    let unpaid = app.graphql_as(&token, "query($id: ID!) { activation(id: $id) { unpaid } }", json!({ "id": id }));
    assert_eq!(unpaid.await.data()["activation"]["unpaid"], true);
}

#[tokio::test]
async fn a_settlement_that_overtakes_its_capture_waits_for_it_and_applies_once() {
    let app = spawn_app().await;
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { hold_settlements: true, ..PaymentKnobs::default() });
    let payment = authorised_charge(&app, "overtaken").await;
    let provider_ref = payment.provider_ref.clone().expect("intent");
    // Captured at the gateway; our record of the capture is not written yet.
    app.app.integrations.payments.capture(&provider_ref, "capture-overtaken").await.expect("captured");
    let post = |(body, signature): (String, String)| {
        let request = app.client.post(format!("{}/webhooks/payments", app.address));
        async move { request.header("stripe-signature", signature).body(body).send().await.expect("post").status() }
    };
    let event = gateway.event_about("payment_intent.succeeded", &provider_ref).expect("event");
    assert_eq!(post(event.clone()).await, 409, "the gateway must retry: the capture is not recorded");
    assert_eq!(status_of(&app, &payment).await, PaymentStatus::Authorized);

    payment_service::mark_captured(&app.app.db, &payment, "", app.app.clock.now()).await.expect("recorded");
    assert_eq!(post(event.clone()).await, 200);
    assert_eq!(status_of(&app, &payment).await, PaymentStatus::Settled);
    // The same event again changes nothing.
    assert_eq!(post(event).await, 200);
    assert_eq!(status_of(&app, &payment).await, PaymentStatus::Settled);
}

#[tokio::test]
async fn a_settlement_that_overtakes_the_answer_to_its_charge_waits_for_it_and_a_foreign_one_is_acknowledged() {
    use caas::integrations::payments::{CaptureMode, PAYMENT_ID_METADATA};
    use entity::payments;
    use sea_orm::{ActiveModelTrait, Set};

    let app = spawn_app().await;
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { hold_settlements: true, ..PaymentKnobs::default() });
    // Our payment is open and its charge on its way: the gateway has captured it, but its answer
    // (the gateway's id) is not recorded yet.
    let open = recorded_payment(&app, "in-flight", PaymentStatus::Pending, None).await;
    let ours = vec![(PAYMENT_ID_METADATA.to_owned(), open.id.to_string())];
    let charged = app
        .app
        .integrations
        .payments
        .create(&feature_charge("in-flight", ours), CaptureMode::Immediate)
        .await
        .expect("charged");
    let post = |(body, signature): (String, String)| {
        let request = app.client.post(format!("{}/webhooks/payments", app.address));
        async move { request.header("stripe-signature", signature).body(body).send().await.expect("post").status() }
    };
    let event = gateway.event_about("payment_intent.succeeded", &charged.provider_ref).expect("event");
    assert_eq!(post(event.clone()).await, 409, "the gateway must retry: the charge's answer is not recorded");
    assert_eq!(status_of(&app, &open).await, PaymentStatus::Pending);

    // The answer is recorded: the same event now settles it.
    let mut answered: payments::ActiveModel = open.clone().into();
    answered.provider_ref = Set(Some(charged.provider_ref.clone()));
    answered.status = Set(PaymentStatus::Captured);
    answered.captured_at = Set(Some(app.app.clock.now()));
    answered.update(&app.app.db).await.expect("recorded");
    assert_eq!(post(event).await, 200);
    assert_eq!(status_of(&app, &open).await, PaymentStatus::Settled);

    // A payment that is none of ours (no id of ours on it) is acknowledged, and changes nothing.
    let foreign =
        app.app.integrations.payments.create(&feature_charge("foreign", Vec::new()), CaptureMode::Immediate).await;
    let foreign = foreign.expect("charged").provider_ref;
    let event = gateway.event_about("payment_intent.succeeded", &foreign).expect("event");
    assert_eq!(post(event).await, 200);
    let recorded = payments::Entity::find().filter(payments::Column::ProviderRef.eq(foreign)).one(&app.app.db).await;
    assert!(recorded.expect("db").is_none());
}

#[tokio::test]
async fn a_settlement_arriving_while_its_charges_answer_is_written_waits_for_it_and_settles_at_once() {
    use caas::integrations::payments::{CaptureMode, PAYMENT_ID_METADATA};
    use entity::payments;
    use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, Set, Statement, TransactionTrait};

    let app = spawn_app().await;
    if app.app.db.get_database_backend() != DbBackend::Postgres {
        // SQLite has one writer at a time: the settlement cannot start while the answer is written.
        eprintln!("settlement during the answer: PostgreSQL only");
        return;
    }
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { hold_settlements: true, ..PaymentKnobs::default() });
    let open = recorded_payment(&app, "in-flight", PaymentStatus::Pending, None).await;
    let ours = vec![(PAYMENT_ID_METADATA.to_owned(), open.id.to_string())];
    let request = feature_charge("in-flight", ours);
    let charged = app.app.integrations.payments.create(&request, CaptureMode::Immediate).await.expect("charged");

    // The charge's answer is being written, in a transaction not yet committed, when the
    // gateway's settlement comes.
    let writing = app.app.db.begin().await.expect("begin");
    let mut answered: payments::ActiveModel = open.clone().into();
    answered.provider_ref = Set(Some(charged.provider_ref.clone()));
    answered.status = Set(PaymentStatus::Captured);
    answered.captured_at = Set(Some(app.app.clock.now()));
    answered.update(&writing).await.expect("written");
    let (body, signature) = gateway.event_about("payment_intent.succeeded", &charged.provider_ref).expect("event");
    let request = app.client.post(format!("{}/webhooks/payments", app.address));
    let delivered = tokio::spawn(async move { request.header("stripe-signature", signature).body(body).send().await });

    // The settlement waits for the payment's row (a session of this database waits on a lock)…
    let waiting = "SELECT count(*) AS waiting FROM pg_stat_activity \
                   WHERE datname = current_database() AND wait_event_type = 'Lock'";
    app.eventually("the settlement waiting for the payment's row", || async {
        let row = app.app.db.query_one_raw(Statement::from_string(DbBackend::Postgres, waiting)).await;
        let count: i64 = row.expect("pg_stat_activity").expect("a row").try_get("", "waiting").expect("count");
        (count > 0).then_some(())
    })
    .await;
    // …and once the answer is committed, it applies to it at once, without being sent again.
    writing.commit().await.expect("commit");
    let answer = delivered.await.expect("joined").expect("delivered");
    assert_eq!(answer.status(), 200);
    assert_eq!(status_of(&app, &open).await, PaymentStatus::Settled);
}
