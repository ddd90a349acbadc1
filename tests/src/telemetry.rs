//! Cars' telemetry in tests: readings signed with each car's key (derived from the demo telemetry
//! secret, as the carmaker provisions the cars) sent over HTTP, and the seeded cars' VINs.

use std::collections::BTreeMap;

use caas::config::DEMO_TELEMETRY_SECRET;
use caas::integrations::telemetry::{CarKeys, OutgoingReading, signed_message};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::{PASSWORD, TestApp};

/// `Vehicle.TraveledDistance` (km).
pub const ODOMETER: &str = "Vehicle.TraveledDistance";
/// `Vehicle.Powertrain.TractionBattery.StateOfCharge.Current` (%).
pub const STATE_OF_CHARGE: &str = "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current";
/// `Vehicle.OBD.DTCList` (a list of fault codes).
pub const DTC_LIST: &str = "Vehicle.OBD.DTCList";

/// The message car `vin` sends with sequence `seq`, measured `at`, carrying `signals` (an object
/// of VSS name → value), signed with the car's key.
pub fn message(vin: &str, seq: i64, at: DateTime<Utc>, signals: Value) -> Vec<u8> {
    let signals: BTreeMap<String, Value> = serde_json::from_value(signals).expect("an object of signals");
    signed_message(&CarKeys::new(DEMO_TELEMETRY_SECRET.as_bytes()), vin, &OutgoingReading { seq, ts: at, signals })
}

/// POSTs `body` to the IoT endpoint of car `vin`: the status and the JSON answer.
pub async fn post(app: &TestApp, vin: &str, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/iot/v1/vehicles/{vin}/telemetry", app.api.address))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the IoT endpoint answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Sends one signed reading of car `vin` over HTTP: the status (202 stored, 200 already stored)
/// and the answer (`{"outcome": …}`).
pub async fn send(app: &TestApp, vin: &str, seq: i64, at: DateTime<Utc>, signals: Value) -> (u16, Value) {
    post(app, vin, message(vin, seq, at, signals)).await
}

/// How many readings `/metrics` counts under `outcome` (`stored`, `duplicate`, `bad_signature`, …).
pub async fn counted(app: &TestApp, outcome: &str) -> f64 {
    let text = reqwest::get(format!("{}/metrics", app.api.address)).await.expect("metrics").text().await.expect("text");
    let label = format!("caas_telemetry_readings_total{{outcome=\"{outcome}\"}}");
    text.lines().find_map(|line| line.strip_prefix(&label)?.trim().parse().ok()).unwrap_or(0.0)
}

/// The VIN of the first car `email` owns whose model code is `model` (e.g. Lucía's `CIRRUS`).
pub async fn vin_of(app: &TestApp, email: &str, model: &str) -> String {
    let token = app.token_for(email, PASSWORD).await;
    let cars = app.graphql_as(&token, "{ myVehicles { nodes { vin model { code } } } }", json!({})).await;
    cars.data()["myVehicles"]["nodes"]
        .as_array()
        .expect("cars")
        .iter()
        .find(|car| car["model"]["code"] == model)
        .and_then(|car| car["vin"].as_str())
        .expect("the car")
        .to_owned()
}

/// An open health alert for fault code `code` on car `vin`, as the health rules leave it when the
/// car reports the code (those rules have their own tests; here the alert is the starting point).
pub async fn open_fault_alert(app: &TestApp, vin: &str, code: &str) {
    use caas::platform::clock::Clock as _;
    use entity::{HealthAlertKind, health_alerts, vehicles};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

    let car = vehicles::Entity::find().filter(vehicles::Column::Vin.eq(vin)).one(&app.app.db).await.expect("db");
    health_alerts::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        vehicle_id: Set(car.expect("the car").id),
        kind: Set(HealthAlertKind::FaultCode),
        fault_code: Set(Some(code.to_owned())),
        episode: Set(code.to_owned()),
        value: Set(None),
        opened_at: Set(app.clock.now()),
        closed_at: Set(None),
        suggests_workshop: Set(true),
        booking_id: Set(None),
        diagnostic_session_id: Set(None),
    }
    .insert(&app.app.db)
    .await
    .expect("alert");
}
