//! The fleet simulator: every vehicle with its firmware, its features' true state and the messages on
//! its display. Commands can be made to fail — transiently (the car is offline or the network drops
//! the command: nothing changes) or permanently (the car refuses) — at set rates or by a per-VIN
//! script, with latency and vehicles that drop offline for a while. Owners' remote commands lock and
//! unlock a car, flash its lights, run its climate for a while and start or stop its charging, each
//! command id applied once. `GET /control/vehicles` tells the truth about every car;
//! `POST /control/vehicles/{vin}/offline` takes one off the network for a while. Usable alone:
//! `caas simulate fleet`.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::{ClimateState, FeatureAction, FeatureCommand, RemoteAction, RemoteCommand, VehicleState};
use crate::integrations::delivery;

/// The outcome a scripted command gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Applied.
    Ok,
    /// Not applied; worth retrying.
    Transient,
    /// Refused.
    Permanent,
}

/// Behaviour switches, settable at `PUT /control`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FleetKnobs {
    /// Share of commands that fail transiently.
    pub transient_failure_rate: f64,
    /// Share of commands the car refuses.
    pub permanent_failure_rate: f64,
    /// Time a car takes to confirm, in milliseconds.
    pub latency_ms: u64,
    /// Share of commands that find the car going offline for `offline_seconds`.
    pub offline_rate: f64,
    /// How long a car stays offline.
    pub offline_seconds: f64,
    /// Per VIN, the outcomes of its next commands, in order.
    pub script: HashMap<String, VecDeque<Outcome>>,
}

#[derive(Clone, Debug)]
struct SimVehicle {
    firmware_version: String,
    features: BTreeMap<String, bool>,
    messages: Vec<String>,
    offline_until: Option<Instant>,
    commands: u64,
    locked: bool,
    climate: Option<ClimateState>,
    charging: bool,
    /// The remote commands applied, in order; their ids, so that a repeat is applied once.
    remote_applied: Vec<RemoteAction>,
    remote_ids: HashSet<String>,
}

impl SimVehicle {
    fn new(firmware: &str) -> Self {
        Self {
            firmware_version: firmware.to_owned(),
            features: BTreeMap::new(),
            messages: Vec::new(),
            offline_until: None,
            commands: 0,
            locked: true,
            climate: None,
            charging: false,
            remote_applied: Vec::new(),
            remote_ids: HashSet::new(),
        }
    }

    fn is_offline(&self, now: Instant) -> bool {
        self.offline_until.is_some_and(|until| until > now)
    }

    fn report(&self, vin: &str) -> VehicleState {
        let now = chrono::Utc::now();
        VehicleState {
            vin: vin.to_owned(),
            firmware_version: self.firmware_version.clone(),
            online: !self.is_offline(Instant::now()),
            features: self.features.clone(),
            locked: self.locked,
            // The climate switches itself off when its time is up.
            climate: self.climate.clone().filter(|climate| climate.until > now),
            charging: self.charging,
        }
    }

    fn apply(&mut self, command: &RemoteCommand) {
        if !self.remote_ids.insert(command.command_id.clone()) {
            return;
        }
        match command.action {
            RemoteAction::Lock => self.locked = true,
            RemoteAction::Unlock => self.locked = false,
            RemoteAction::FlashLights => {}
            RemoteAction::ClimateOn => {
                let minutes = i64::from(command.duration_minutes.unwrap_or(15));
                self.climate = Some(ClimateState {
                    target_celsius: command.target_celsius.unwrap_or(21.0),
                    until: chrono::Utc::now() + chrono::Duration::minutes(minutes),
                });
            }
            RemoteAction::ClimateOff => self.climate = None,
            RemoteAction::ChargeStart => self.charging = true,
            RemoteAction::ChargeStop => self.charging = false,
        }
        self.remote_applied.push(command.action);
    }
}

/// A feature command as the fleet received it: its own record, to check the platform against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedCommand {
    /// When it arrived (before the car's latency).
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// The car.
    pub vin: String,
    /// The platform's command id.
    pub command_id: String,
    /// The feature.
    pub feature: String,
    /// Switch on or off.
    pub action: FeatureAction,
}

#[derive(Default)]
struct SimState {
    knobs: Mutex<FleetKnobs>,
    vehicles: Mutex<HashMap<String, SimVehicle>>,
    received: Mutex<Vec<ReceivedCommand>>,
}

/// A simulated fleet.
#[derive(Clone, Default)]
pub struct FleetSimulator {
    state: Arc<SimState>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A car everybody sees for the first time runs the current firmware.
const DEFAULT_FIRMWARE: &str = "3.2.1";

impl FleetSimulator {
    /// An empty fleet: cars appear when first addressed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves the IoT API on `address` until `stop`; returns the bound address.
    pub async fn start(&self, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
        delivery::serve(self.router(), address, stop).await
    }

    /// The HTTP API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/vehicles/{vin}", get(vehicle_state).put(provision))
            .route("/vehicles/{vin}/commands", post(command))
            .route("/vehicles/{vin}/messages", post(message))
            .route("/vehicles/{vin}/remote", post(remote))
            .route("/control", get(get_knobs).put(set_knobs))
            .route("/control/vehicles", get(all_vehicles))
            .route("/control/vehicles/{vin}/offline", post(take_offline))
            .route("/control/commands", get(received_commands))
            .with_state(self.state.clone())
    }

    /// Changes the behaviour switches.
    pub fn set_knobs(&self, knobs: FleetKnobs) {
        *lock(&self.state.knobs) = knobs;
    }

    /// The true state of every car.
    pub fn vehicles(&self) -> Vec<VehicleState> {
        lock(&self.state.vehicles).iter().map(|(vin, car)| car.report(vin)).collect()
    }

    /// The messages shown on a car's display.
    pub fn messages(&self, vin: &str) -> Vec<String> {
        lock(&self.state.vehicles).get(vin).map(|car| car.messages.clone()).unwrap_or_default()
    }

    /// The remote commands a car applied, in order (a repeated command id counts once).
    pub fn remote_commands(&self, vin: &str) -> Vec<RemoteAction> {
        lock(&self.state.vehicles).get(vin).map(|car| car.remote_applied.clone()).unwrap_or_default()
    }

    /// The true state of one car.
    pub fn vehicle(&self, vin: &str) -> Option<VehicleState> {
        lock(&self.state.vehicles).get(vin).map(|car| car.report(vin))
    }

    /// Takes a car off the network for `duration` (zero: back at once).
    pub fn take_offline(&self, vin: &str, duration: Duration) {
        offline_for(&self.state, vin.to_owned(), duration);
    }

    /// Every feature command received, in the order they arrived.
    pub fn received_commands(&self) -> Vec<ReceivedCommand> {
        lock(&self.state.received).clone()
    }
}

async fn received_commands(State(state): State<Arc<SimState>>) -> Json<Vec<ReceivedCommand>> {
    Json(lock(&state.received).clone())
}

fn outcome_for(state: &SimState, vin: &str) -> Outcome {
    let mut knobs = lock(&state.knobs);
    if let Some(scripted) = knobs.script.get_mut(vin).and_then(VecDeque::pop_front) {
        return scripted;
    }
    let mut rng = rand::rng();
    let roll: f64 = rng.random();
    if roll < knobs.permanent_failure_rate {
        Outcome::Permanent
    } else if roll < knobs.permanent_failure_rate + knobs.transient_failure_rate {
        Outcome::Transient
    } else {
        Outcome::Ok
    }
}

async fn command(
    State(state): State<Arc<SimState>>,
    Path(vin): Path<String>,
    Json(command): Json<FeatureCommand>,
) -> Response {
    lock(&state.received).push(ReceivedCommand {
        received_at: chrono::Utc::now(),
        vin: vin.clone(),
        command_id: command.command_id.clone(),
        feature: command.feature.clone(),
        action: command.action,
    });
    let (latency, offline_rate, offline_seconds) = {
        let knobs = lock(&state.knobs);
        (knobs.latency_ms, knobs.offline_rate, knobs.offline_seconds)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let outcome = outcome_for(&state, &vin);
    let mut vehicles = lock(&state.vehicles);
    let car = vehicles.entry(vin.clone()).or_insert_with(|| SimVehicle::new(DEFAULT_FIRMWARE));
    car.commands += 1;
    let now = Instant::now();
    if car.is_offline(now) {
        return (StatusCode::SERVICE_UNAVAILABLE, "the vehicle is offline").into_response();
    }
    if offline_rate > 0.0 && rand::rng().random_bool(offline_rate.clamp(0.0, 1.0)) {
        car.offline_until = Some(now + Duration::from_secs_f64(offline_seconds.max(0.0)));
        return (StatusCode::SERVICE_UNAVAILABLE, "the vehicle went offline").into_response();
    }
    match outcome {
        Outcome::Transient => (StatusCode::SERVICE_UNAVAILABLE, "the command was lost on the way").into_response(),
        Outcome::Permanent => {
            (StatusCode::UNPROCESSABLE_ENTITY, "the vehicle refused the configuration").into_response()
        }
        Outcome::Ok => {
            car.features.insert(command.feature.clone(), command.action == FeatureAction::Activate);
            Json(car.report(&vin)).into_response()
        }
    }
}

async fn remote(
    State(state): State<Arc<SimState>>,
    Path(vin): Path<String>,
    Json(command): Json<RemoteCommand>,
) -> Response {
    let latency = lock(&state.knobs).latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let outcome = outcome_for(&state, &vin);
    let mut vehicles = lock(&state.vehicles);
    let car = vehicles.entry(vin.clone()).or_insert_with(|| SimVehicle::new(DEFAULT_FIRMWARE));
    car.commands += 1;
    if car.is_offline(Instant::now()) {
        return (StatusCode::SERVICE_UNAVAILABLE, "the vehicle is offline").into_response();
    }
    match outcome {
        Outcome::Transient => (StatusCode::SERVICE_UNAVAILABLE, "the command was lost on the way").into_response(),
        Outcome::Permanent => (StatusCode::UNPROCESSABLE_ENTITY, "the vehicle refused the command").into_response(),
        Outcome::Ok => {
            car.apply(&command);
            Json(car.report(&vin)).into_response()
        }
    }
}

#[derive(Deserialize)]
struct Offline {
    seconds: f64,
}

async fn take_offline(
    State(state): State<Arc<SimState>>,
    Path(vin): Path<String>,
    Json(body): Json<Offline>,
) -> StatusCode {
    offline_for(&state, vin, Duration::from_secs_f64(body.seconds.clamp(0.0, 86_400.0)));
    StatusCode::NO_CONTENT
}

fn offline_for(state: &SimState, vin: String, duration: Duration) {
    let mut vehicles = lock(&state.vehicles);
    let car = vehicles.entry(vin).or_insert_with(|| SimVehicle::new(DEFAULT_FIRMWARE));
    car.offline_until = Some(Instant::now() + duration);
}

async fn message(
    State(state): State<Arc<SimState>>,
    Path(vin): Path<String>,
    Json(body): Json<serde_json::Value>,
) -> Response {
    let text = body["text"].as_str().unwrap_or_default().to_owned();
    let mut vehicles = lock(&state.vehicles);
    let car = vehicles.entry(vin).or_insert_with(|| SimVehicle::new(DEFAULT_FIRMWARE));
    if car.is_offline(Instant::now()) {
        return (StatusCode::SERVICE_UNAVAILABLE, "the vehicle is offline").into_response();
    }
    car.messages.push(text);
    Json(json!({ "shown": true })).into_response()
}

async fn vehicle_state(State(state): State<Arc<SimState>>, Path(vin): Path<String>) -> Response {
    let mut vehicles = lock(&state.vehicles);
    let car = vehicles.entry(vin.clone()).or_insert_with(|| SimVehicle::new(DEFAULT_FIRMWARE));
    Json(car.report(&vin)).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Provision {
    firmware_version: String,
}

async fn provision(
    State(state): State<Arc<SimState>>,
    Path(vin): Path<String>,
    Json(body): Json<Provision>,
) -> StatusCode {
    let mut vehicles = lock(&state.vehicles);
    let car = vehicles.entry(vin).or_insert_with(|| SimVehicle::new(DEFAULT_FIRMWARE));
    car.firmware_version = body.firmware_version;
    StatusCode::NO_CONTENT
}

async fn get_knobs(State(state): State<Arc<SimState>>) -> Json<FleetKnobs> {
    Json(lock(&state.knobs).clone())
}

async fn set_knobs(State(state): State<Arc<SimState>>, Json(knobs): Json<FleetKnobs>) -> StatusCode {
    *lock(&state.knobs) = knobs;
    StatusCode::NO_CONTENT
}

async fn all_vehicles(State(state): State<Arc<SimState>>) -> Json<Vec<VehicleState>> {
    Json(lock(&state.vehicles).iter().map(|(vin, car)| car.report(vin)).collect())
}
