//! A car slower than `CAAS_OTA_TIMEOUT_MS`, with the engine's real backoff: each unanswered command
//! is retried after the backoff for its attempt (doubling, with jitter), never at once, and the
//! purchase ends ACTIVE, captured once, when the car answers in time.

use caas::integrations::fleet::simulator::FleetKnobs;
use caas::platform::clock::Clock;
use caas_tests::{TestApp, TestOptions, spawn_app_with};
use chrono::Duration;
use entity::{OtaJobStatus, ota_jobs};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

const BASE_MS: u64 = 60_000;

/// The job of `activation_id` once it waits for attempt `attempts + 1`.
async fn waiting_after(app: &TestApp, activation_id: uuid::Uuid, attempts: i32) -> ota_jobs::Model {
    app.eventually(&format!("the job to wait after attempt {attempts}"), || async {
        let job = ota_jobs::Entity::find()
            .filter(ota_jobs::Column::ActivationId.eq(activation_id))
            .one(&app.app.db)
            .await
            .expect("db")?;
        (job.status == OtaJobStatus::Queued && job.attempts == attempts).then_some(job)
    })
    .await
}

#[tokio::test]
async fn a_car_slower_than_the_timeout_is_retried_after_a_real_backoff_and_charged_once() {
    let app = spawn_app_with(TestOptions {
        configure: Box::new(|config| {
            config.ota_backoff_ms = BASE_MS;
            config.ota_backoff_max_ms = 10 * BASE_MS;
            config.ota_timeout_ms = 150;
            config.access_token_ttl_secs = 24 * 3600;
        }),
        ..TestOptions::default()
    })
    .await;
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    fleet.set_knobs(FleetKnobs { latency_ms: 800, ..FleetKnobs::default() });
    let token = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let input = json!({ "input": { "vin": vin, "featureCode": "PARKING_ASSISTANT", "duration": { "kind": "PERMANENT" }, "idempotencyKey": "slow-car" } });
    let bought = app.graphql_as(
        &token,
        "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }",
        input,
    );
    let id: uuid::Uuid = bought.await.data()["purchaseFeature"]["id"].as_str().expect("id").parse().expect("uuid");

    // The first command timed out: the retry waits between half and all of the base backoff.
    let first = waiting_after(&app, id, 1).await;
    let wait = first.next_attempt_at - app.clock.now();
    assert!(
        wait >= Duration::milliseconds(BASE_MS as i64 / 2) && wait <= Duration::milliseconds(BASE_MS as i64),
        "{wait}"
    );
    assert!(first.last_error.as_deref().is_some_and(|error| !error.is_empty()), "{first:?}");

    // Once it is due, the second times out too, and its retry waits about twice as long.
    app.clock.advance(Duration::milliseconds(BASE_MS as i64 + 1_000));
    let second = waiting_after(&app, id, 2).await;
    let wait = second.next_attempt_at - app.clock.now();
    assert!(
        wait >= Duration::milliseconds(BASE_MS as i64) && wait <= Duration::milliseconds(2 * BASE_MS as i64),
        "{wait}"
    );

    // The car answers in time now: ACTIVE, charged once.
    fleet.set_knobs(FleetKnobs::default());
    app.clock.advance(Duration::milliseconds(2 * BASE_MS as i64 + 1_000));
    let query = "query($id: ID!) { activation(id: $id) { status payments { status amount { amountMinor } } } }";
    let active = app
        .eventually("the activation to be ACTIVE", || async {
            let current =
                app.graphql_as(&token, query, json!({ "id": id.to_string() })).await.data()["activation"].clone();
            (current["status"] == "ACTIVE").then_some(current)
        })
        .await;
    assert!(["CAPTURED", "SETTLED"].contains(&active["payments"][0]["status"].as_str().expect("status")));
    let amount = active["payments"][0]["amount"]["amountMinor"].as_i64().expect("amount");
    let gateway = app.simulators.payments.as_ref().expect("gateway").payments();
    let captures: Vec<u32> = gateway.iter().filter(|p| p.amount == amount).map(|p| p.captures).collect();
    assert_eq!(captures, [1]);
}
