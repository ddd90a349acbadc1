//! Remote control: an owner's commands reach the car through the fleet simulator and are followed
//! live; a repeated key runs once; an offline car fails the command with a retryable reason; a
//! command is refused with a reason when the model cannot do it, and to anyone but the owner;
//! every command is audited and survives the instance that took it.

use std::time::Duration;

use caas::integrations::fleet::RemoteAction;
use caas_tests::ws::{Frame, GqlSocket};
use caas_tests::{TestApp, spawn_app};
use chrono::Utc;
use entity::{VehicleCommandKind, VehicleCommandStatus, audit_events, vehicle_commands, vehicles};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const SEND: &str = "mutation($input: VehicleCommandInput!) {
  sendVehicleCommand(input: $input) { id kind status targetCelsius durationMinutes }
}";
const PROGRESS: &str = "subscription($id: ID!) {
  vehicleCommandProgress(commandId: $id) { id status failureCode retryable }
}";
const COMMAND: &str = "query($id: ID!) {
  vehicleCommand(id: $id) { status failureCode failureMessage retryable completedAt }
}";
const STATE: &str = "query($vin: String!) {
  vehicle(vin: $vin) {
    remoteState { locked climateOn climateTargetCelsius climateUntil charging online }
    model { powertrain remoteCommands }
  }
}";

fn command(vin: &str, kind: &str, key: &str) -> Value {
    json!({ "input": { "vin": vin, "kind": kind, "idempotencyKey": key } })
}

fn climate(vin: &str, celsius: f64, minutes: i32, key: &str) -> Value {
    json!({ "input": {
        "vin": vin, "kind": "CLIMATE_ON", "targetCelsius": celsius, "durationMinutes": minutes, "idempotencyKey": key,
    } })
}

async fn send(app: &TestApp, token: &str, variables: Value) -> Value {
    app.graphql_as(token, SEND, variables).await.data()["sendVehicleCommand"].clone()
}

/// Follows a command live until the server ends the subscription; answers the statuses seen.
async fn follow(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {token}") })).await;
    socket.subscribe("c", PROGRESS, json!({ "id": id })).await;
    let mut statuses = Vec::new();
    loop {
        match socket.next().await {
            Frame::Message(message) if message["type"] == "next" => {
                let step = &message["payload"]["data"]["vehicleCommandProgress"];
                assert_eq!(step["id"], id, "{message}");
                statuses.push(step["status"].as_str().expect("status").to_owned());
            }
            Frame::Message(message) if message["type"] == "complete" => return statuses,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Asserts that `statuses` are the last steps of a command's life, ending with `last`.
fn assert_ends_with(statuses: &[String], last: &str) {
    let life = ["QUEUED", "SENDING", last];
    let seen: Vec<&str> = statuses.iter().map(String::as_str).collect();
    assert!(!seen.is_empty() && life.ends_with(&seen), "{statuses:?}");
}

async fn command_now(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, COMMAND, json!({ "id": id })).await.data()["vehicleCommand"].clone()
}

async fn ended(app: &TestApp, token: &str, id: &str) -> Value {
    app.eventually(&format!("command {id} to end"), || async {
        let now = command_now(app, token, id).await;
        (now["status"] == "SUCCEEDED" || now["status"] == "FAILED").then_some(now)
    })
    .await
}

async fn vehicle_of(app: &TestApp, vin: &str) -> vehicles::Model {
    let found = vehicles::Entity::find().filter(vehicles::Column::Vin.eq(vin)).one(&app.app.db).await.expect("read");
    found.expect("the car")
}

async fn anna(app: &TestApp) -> (String, String, String) {
    let token = app.token("customer@demo.caas").await;
    let vins = app.vins_of("customer@demo.caas").await;
    (token, vins[0].clone(), vins[1].clone()) // the Aurora (electric) and the Borealis (plug-in hybrid)
}

#[tokio::test]
async fn an_owner_unlocks_locks_and_preconditions_the_car_and_watches_each_command_live() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    fleet.set_knobs(caas::integrations::fleet::simulator::FleetKnobs { latency_ms: 200, ..Default::default() });

    let before = app.graphql_as(&token, STATE, json!({ "vin": aurora })).await;
    let before = &before.data()["vehicle"];
    assert_eq!(before["remoteState"]["locked"], true, "the demo car is parked locked: {before}");
    assert_eq!(before["model"]["powertrain"], "ELECTRIC");
    let takes = before["model"]["remoteCommands"].as_array().expect("commands").len();
    assert_eq!(takes, 7, "{before}");

    let unlock = send(&app, &token, command(&aurora, "UNLOCK", "unlock-1")).await;
    assert_eq!(unlock["status"], "QUEUED");
    let statuses = follow(&app, &token, unlock["id"].as_str().expect("id")).await;
    assert_ends_with(&statuses, "SUCCEEDED");
    assert!(!fleet.vehicle(&aurora).expect("the car").locked, "the car is unlocked");

    let lock = send(&app, &token, command(&aurora, "LOCK", "lock-1")).await;
    assert_ends_with(&follow(&app, &token, lock["id"].as_str().expect("id")).await, "SUCCEEDED");
    assert!(fleet.vehicle(&aurora).expect("the car").locked, "the car is locked again");

    let warm = send(&app, &token, climate(&aurora, 21.3, 20, "climate-1")).await;
    assert_eq!((warm["targetCelsius"].as_f64(), warm["durationMinutes"].as_i64()), (Some(21.5), Some(20)));
    assert_ends_with(&follow(&app, &token, warm["id"].as_str().expect("id")).await, "SUCCEEDED");
    let car = fleet.vehicle(&aurora).expect("the car");
    let running = car.climate.expect("the climate runs in the car");
    assert!((running.target_celsius - 21.5).abs() < f64::EPSILON);
    let minutes_left = (running.until - Utc::now()).num_minutes();
    assert!((18..=20).contains(&minutes_left), "{minutes_left}");
    assert_eq!(fleet.remote_commands(&aurora), [RemoteAction::Unlock, RemoteAction::Lock, RemoteAction::ClimateOn]);

    // What the car answered is its last known state.
    let after = app.graphql_as(&token, STATE, json!({ "vin": aurora })).await;
    let state = &after.data()["vehicle"]["remoteState"];
    assert_eq!((state["locked"].as_bool(), state["climateOn"].as_bool()), (Some(true), Some(true)), "{state}");
    assert_eq!(state["climateTargetCelsius"].as_f64(), Some(21.5));
    assert_eq!((state["charging"].as_bool(), state["online"].as_bool()), (Some(false), Some(true)));

    // Each command is in the audit trail with its owner, and its result.
    let anna_id = entity::users::Entity::find()
        .filter(entity::users::Column::Email.eq("customer@demo.caas"))
        .one(&app.app.db)
        .await
        .expect("read")
        .expect("Anna")
        .id;
    let requests = audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq("vehicle.remote_command"))
        .filter(audit_events::Column::SubjectId.eq(aurora.as_str()))
        .all(&app.app.db)
        .await
        .expect("read");
    let kinds: Vec<&str> = requests.iter().filter_map(|event| event.details["kind"].as_str()).collect();
    assert_eq!(kinds, ["UNLOCK", "LOCK", "CLIMATE_ON"]);
    assert!(requests.iter().all(|event| event.actor_user_id == Some(anna_id)));
    let results = audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq("vehicle.remote_command_ended"))
        .count(&app.app.db)
        .await
        .expect("count");
    assert_eq!(results, 3);
}

#[tokio::test]
async fn a_repeated_key_runs_once_and_another_command_under_it_is_a_conflict() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    let fleet = app.simulators.fleet.as_ref().expect("fleet");

    let (first, second) = tokio::join!(
        app.graphql_as(&token, SEND, command(&aurora, "LOCK", "tap-1")),
        app.graphql_as(&token, SEND, command(&aurora, "LOCK", "tap-1")),
    );
    let id = first.data()["sendVehicleCommand"]["id"].clone();
    assert_eq!(second.data()["sendVehicleCommand"]["id"], id, "the same key answers the same command");
    let id = id.as_str().expect("id").to_owned();
    assert_eq!(ended(&app, &token, &id).await["status"], "SUCCEEDED");
    let again = send(&app, &token, command(&aurora, "LOCK", "tap-1")).await;
    assert_eq!((again["id"].as_str(), again["status"].as_str()), (Some(id.as_str()), Some("SUCCEEDED")));
    assert_eq!(fleet.remote_commands(&aurora), [RemoteAction::Lock], "the car was sent it once");
    let stored = vehicle_commands::Entity::find().count(&app.app.db).await.expect("count");
    assert_eq!(stored, 1);

    let other = app.graphql_as(&token, SEND, command(&aurora, "UNLOCK", "tap-1")).await;
    other.expect_error("CONFLICT");
    assert!(fleet.vehicle(&aurora).expect("the car").locked, "the other command did not run");
}

#[tokio::test]
async fn an_offline_car_fails_the_command_with_a_retryable_reason_and_takes_the_next_once_back() {
    let app = spawn_app().await;
    let (token, aurora, _) = anna(&app).await;
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    fleet.take_offline(&aurora, Duration::from_secs(600));

    let flash = send(&app, &token, command(&aurora, "FLASH_LIGHTS", "flash-1")).await;
    let id = flash["id"].as_str().expect("id");
    assert_ends_with(&follow(&app, &token, id).await, "FAILED");
    let failed = command_now(&app, &token, id).await;
    assert_eq!((failed["failureCode"].as_str(), failed["retryable"].as_bool()), (Some("VEHICLE_OFFLINE"), Some(true)));
    assert!(failed["failureMessage"].as_str().expect("message").contains("try again"), "{failed}");
    assert!(failed["completedAt"].is_string());
    assert!(fleet.remote_commands(&aurora).is_empty(), "nothing reached the car");

    fleet.take_offline(&aurora, Duration::ZERO);
    let again = send(&app, &token, command(&aurora, "FLASH_LIGHTS", "flash-2")).await;
    let again = ended(&app, &token, again["id"].as_str().expect("id")).await;
    assert_eq!((again["status"].as_str(), again["retryable"].as_bool()), (Some("SUCCEEDED"), Some(false)));
    assert_eq!(fleet.remote_commands(&aurora), [RemoteAction::FlashLights]);
}

#[tokio::test]
async fn only_the_owner_controls_a_car_and_only_with_what_its_model_can_do() {
    let app = spawn_app().await;
    let (anna_token, aurora, _) = anna(&app).await;
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    let fleet = app.simulators.fleet.as_ref().expect("fleet");

    // Another customer, staff, a dealer and nobody signed in cannot open Anna's car.
    app.graphql_as(&lucia, SEND, command(&aurora, "UNLOCK", "not-mine")).await.expect_error("FORBIDDEN");
    for staff in ["support@demo.caas", "admin@demo.caas", "dealer@demo.caas", "workshop@demo.caas"] {
        let token = app.token(staff).await;
        app.graphql_as(&token, SEND, command(&aurora, "UNLOCK", "staff")).await.expect_error("FORBIDDEN");
    }
    app.graphql(SEND, command(&aurora, "UNLOCK", "anon")).await.expect_error("UNAUTHENTICATED");
    assert_eq!(vehicle_commands::Entity::find().count(&app.app.db).await.expect("count"), 0);
    assert!(fleet.remote_commands(&aurora).is_empty());

    // Nor see her commands.
    let hers = send(&app, &anna_token, command(&aurora, "LOCK", "mine")).await;
    let id = hers["id"].as_str().expect("id");
    app.graphql_as(&lucia, COMMAND, json!({ "id": id })).await.expect_error("NOT_FOUND");
    let support = app.token("support@demo.caas").await;
    let seen = app.graphql_as(&support, COMMAND, json!({ "id": id })).await;
    assert!(seen.data()["vehicleCommand"]["status"].is_string(), "support sees it");

    // Lucía's Cirrus has no remote climate: refused with the reason, before anything is sent.
    let refused = app.graphql_as(&lucia, SEND, climate(&cirrus, 21.0, 15, "warm")).await;
    refused.expect_error("CONFLICT");
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "NOT_SUPPORTED", "{:?}", refused.errors());
    let model = app.graphql_as(&lucia, STATE, json!({ "vin": cirrus })).await;
    let takes: Vec<&str> = model.data()["vehicle"]["model"]["remoteCommands"]
        .as_array()
        .expect("commands")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(takes, ["LOCK", "UNLOCK", "FLASH_LIGHTS", "CHARGE_START", "CHARGE_STOP"]);
    let charge = send(&app, &lucia, command(&cirrus, "CHARGE_START", "charge")).await;
    assert_eq!(ended(&app, &lucia, charge["id"].as_str().expect("id")).await["status"], "SUCCEEDED");
    assert!(fleet.vehicle(&cirrus).expect("the car").charging);

    // Settings outside what the climate takes, or on a command without a climate.
    let cases = [
        (climate(&aurora, 35.0, 15, "hot"), "targetCelsius"),
        (climate(&aurora, 21.0, 90, "long"), "durationMinutes"),
        (json!({ "input": { "vin": aurora, "kind": "CLIMATE_ON", "idempotencyKey": "none" } }), "targetCelsius"),
        (
            json!({ "input": { "vin": aurora, "kind": "LOCK", "targetCelsius": 20.0, "idempotencyKey": "odd" } }),
            "targetCelsius",
        ),
        (command(&aurora, "LOCK", ""), "idempotencyKey"),
        (command("NOT-A-VIN", "LOCK", "vin"), "vin"),
    ];
    for (variables, field) in cases {
        let answer = app.graphql_as(&anna_token, SEND, variables).await;
        answer.expect_error("BAD_USER_INPUT");
        assert_eq!(answer.errors()[0]["extensions"]["field"], field, "{:?}", answer.errors());
    }
}

#[tokio::test]
async fn a_command_left_by_a_stopped_instance_is_sent_once_and_a_stale_one_is_not_sent_at_all() {
    let app = spawn_app().await;
    let (token, aurora, borealis) = anna(&app).await;
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    let now = app.app.clock.now();
    let (aurora_car, borealis_car) = (vehicle_of(&app, &aurora).await, vehicle_of(&app, &borealis).await);
    let owner = aurora_car.owner_id.expect("owned");
    let stored =
        |vehicle_id: Uuid, status: VehicleCommandStatus, created_at, lease_until| vehicle_commands::ActiveModel {
            id: Set(Uuid::now_v7()),
            vehicle_id: Set(vehicle_id),
            requested_by: Set(owner),
            kind: Set(VehicleCommandKind::Unlock),
            target_decicelsius: Set(None),
            duration_minutes: Set(None),
            status: Set(status),
            failure_code: Set(None),
            failure_message: Set(None),
            attempts: Set(1),
            lease_until: Set(lease_until),
            created_at: Set(created_at),
            updated_at: Set(created_at),
            completed_at: Set(None),
        };
    // Taken by an instance that stopped while sending it: its lease has lapsed.
    let (seconds_ago, seconds_on) = (|s| now - chrono::Duration::seconds(s), |s| now + chrono::Duration::seconds(s));
    let left = stored(aurora_car.id, VehicleCommandStatus::Sending, seconds_ago(70), Some(seconds_ago(10)))
        .insert(&app.app.db)
        .await
        .expect("insert");
    // Still held by a live instance: not taken over.
    let held = stored(aurora_car.id, VehicleCommandStatus::Sending, now, Some(seconds_on(50)))
        .insert(&app.app.db)
        .await
        .expect("insert");
    // Stored three minutes ago and never sent: too late to unlock a car.
    let stale = stored(borealis_car.id, VehicleCommandStatus::Queued, seconds_ago(180), None)
        .insert(&app.app.db)
        .await
        .expect("insert");

    caas::remote::sender::send_due(&app.app).await.expect("sent");
    let left_now = ended(&app, &token, &left.id.to_string()).await;
    assert_eq!(left_now["status"], "SUCCEEDED");
    let stale_now = ended(&app, &token, &stale.id.to_string()).await;
    assert_eq!((stale_now["status"].as_str(), stale_now["failureCode"].as_str()), (Some("FAILED"), Some("EXPIRED")));
    assert_eq!(stale_now["retryable"], true);
    assert_eq!(command_now(&app, &token, &held.id.to_string()).await["status"], "SENDING");
    assert_eq!(fleet.remote_commands(&aurora), [RemoteAction::Unlock], "the left command reached the car once");
    assert!(fleet.remote_commands(&borealis).is_empty(), "the stale one never did");
}

#[tokio::test]
async fn a_backlog_of_commands_is_sent_in_one_go_not_a_round_per_wake_up() {
    let app = spawn_app().await;
    let (_, aurora, _) = anna(&app).await;
    let car = vehicle_of(&app, &aurora).await;
    let now = app.app.clock.now();
    // 100 commands stored without a wake-up call: more than one round of the sender.
    let stored: Vec<vehicle_commands::ActiveModel> = (0..100)
        .map(|_| vehicle_commands::ActiveModel {
            id: Set(Uuid::now_v7()),
            vehicle_id: Set(car.id),
            requested_by: Set(car.owner_id.expect("owned")),
            kind: Set(VehicleCommandKind::FlashLights),
            target_decicelsius: Set(None),
            duration_minutes: Set(None),
            status: Set(VehicleCommandStatus::Queued),
            failure_code: Set(None),
            failure_message: Set(None),
            attempts: Set(0),
            lease_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            completed_at: Set(None),
        })
        .collect();
    vehicle_commands::Entity::insert_many(stored).exec_without_returning(&app.app.db).await.expect("stored");

    caas::remote::sender::drain(&app.app).await.expect("sent");
    // Some may have been taken by the server's own sender meanwhile; none is left untouched.
    let untouched = vehicle_commands::Entity::find()
        .filter(vehicle_commands::Column::Attempts.eq(0))
        .count(&app.app.db)
        .await
        .expect("count");
    assert_eq!(untouched, 0, "one call sends the whole backlog, not one round of it");
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    app.eventually("every command to reach the car", || async {
        (fleet.remote_commands(&aurora).len() == 100).then_some(())
    })
    .await;
}
