//! The factory simulator: accepts orders, builds each car through its stages on a timer, and calls
//! our webhook for every stage, signed. It can be told to duplicate, reorder or delay events, or to
//! be unavailable. Usable alone: `caas simulate factory`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{FactoryConfirmation, FactoryEvent, FactoryOrder, SIGNATURE_HEADER, STAGES, TIMESTAMP_HEADER};
use crate::domain::vin::check_digit;
use crate::integrations::{delivery, signing};

/// Behaviour switches, settable at `PUT /control`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FactoryKnobs {
    /// Send every event twice.
    pub duplicate: bool,
    /// Send the events of each pair of stages in swapped order.
    pub reorder: bool,
    /// Extra delay before each event, in milliseconds.
    pub extra_delay_ms: u64,
    /// Answer new orders with 503.
    pub unavailable: bool,
}

/// Where and how the simulator works.
#[derive(Clone, Debug)]
pub struct FactorySimulatorConfig {
    /// Our webhook, e.g. `http://127.0.0.1:8080/webhooks/factory`.
    pub webhook_url: String,
    /// The shared signing secret.
    pub secret: SecretString,
    /// Time spent on each stage.
    pub stage_interval: Duration,
}

struct SimState {
    config: FactorySimulatorConfig,
    knobs: Mutex<FactoryKnobs>,
    orders: Mutex<HashMap<Uuid, FactoryConfirmation>>,
    serial: AtomicU32,
    http: reqwest::Client,
}

/// A running factory.
#[derive(Clone)]
pub struct FactorySimulator {
    state: Arc<SimState>,
}

impl FactorySimulator {
    /// A factory calling `config.webhook_url`.
    pub fn new(config: FactorySimulatorConfig) -> Self {
        let state = SimState {
            config,
            knobs: Mutex::new(FactoryKnobs::default()),
            orders: Mutex::new(HashMap::new()),
            serial: AtomicU32::new(0),
            http: reqwest::Client::new(),
        };
        Self { state: Arc::new(state) }
    }

    /// Serves the factory API on `address` until `stop`; returns the bound address.
    pub async fn start(&self, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
        delivery::serve(self.router(), address, stop).await
    }

    /// The factory's HTTP API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/orders", post(place_order))
            .route("/orders/{order_ref}", get(order_status))
            .route("/control", get(get_knobs).put(set_knobs))
            .with_state(self.state.clone())
    }

    /// Changes the behaviour switches.
    pub fn set_knobs(&self, knobs: FactoryKnobs) {
        *lock(&self.state.knobs) = knobs;
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A VIN for a car of `model_code` built at our (fictional) plant F.
fn build_vin(model_code: &str, serial: u32) -> String {
    let mut vds: String = model_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() && !matches!(c, 'I' | 'O' | 'Q'))
        .map(|c| c.to_ascii_uppercase())
        .take(4)
        .collect();
    while vds.len() < 5 {
        vds.push('0');
    }
    let draft = format!("WCA{vds}0TF{serial:06}");
    let bytes: [u8; 17] = draft.as_bytes().try_into().unwrap_or([b'0'; 17]);
    format!("WCA{vds}{}TF{serial:06}", check_digit(&bytes))
}

async fn place_order(State(state): State<Arc<SimState>>, Json(order): Json<FactoryOrder>) -> Response {
    if lock(&state.knobs).unavailable {
        return (StatusCode::SERVICE_UNAVAILABLE, "the factory is not taking orders right now").into_response();
    }
    if order.model_code.trim().is_empty() {
        return (StatusCode::UNPROCESSABLE_ENTITY, "unknown model").into_response();
    }
    let (confirmation, is_new) = {
        let mut orders = lock(&state.orders);
        match orders.get(&order.order_ref) {
            Some(existing) => (existing.clone(), false),
            None => {
                let serial = 100_000 + state.serial.fetch_add(1, Ordering::Relaxed);
                let stages = u32::try_from(STAGES.len()).unwrap_or(7);
                let build_time = state.config.stage_interval * stages;
                let confirmation = FactoryConfirmation {
                    factory_order_id: format!("FAC-{serial:08}"),
                    vin: build_vin(&order.model_code, serial),
                    firmware_version: "3.2.1".to_owned(),
                    estimated_ready_at: Utc::now() + chrono::Duration::from_std(build_time).unwrap_or_default(),
                };
                orders.insert(order.order_ref, confirmation.clone());
                (confirmation, true)
            }
        }
    };
    if is_new {
        tokio::spawn(build(state.clone(), order.order_ref, confirmation.factory_order_id.clone()));
    }
    (StatusCode::CREATED, Json(confirmation)).into_response()
}

async fn order_status(State(state): State<Arc<SimState>>, Path(order_ref): Path<Uuid>) -> Response {
    match lock(&state.orders).get(&order_ref) {
        Some(confirmation) => Json(confirmation.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn get_knobs(State(state): State<Arc<SimState>>) -> Json<FactoryKnobs> {
    Json(lock(&state.knobs).clone())
}

async fn set_knobs(State(state): State<Arc<SimState>>, Json(knobs): Json<FactoryKnobs>) -> StatusCode {
    *lock(&state.knobs) = knobs;
    StatusCode::NO_CONTENT
}

/// Builds the car: one event per stage, each after the stage interval, shaped by the knobs.
async fn build(state: Arc<SimState>, order_ref: Uuid, factory_order_id: String) {
    let knobs = lock(&state.knobs).clone();
    let mut stages: Vec<_> = STAGES.to_vec();
    if knobs.reorder {
        for pair in stages.chunks_mut(2) {
            pair.reverse();
        }
    }
    for stage in stages {
        tokio::time::sleep(state.config.stage_interval + Duration::from_millis(knobs.extra_delay_ms)).await;
        let event = FactoryEvent {
            event_id: format!("fev_{}", Uuid::new_v4().simple()),
            factory_order_id: factory_order_id.clone(),
            order_ref,
            stage,
            occurred_at: Utc::now(),
        };
        let copies = if knobs.duplicate { 2 } else { 1 };
        for _ in 0..copies {
            send(&state, &event).await;
        }
    }
}

async fn send(state: &SimState, event: &FactoryEvent) {
    let body = serde_json::to_string(event).unwrap_or_default();
    let secret = state.config.secret.expose_secret().as_bytes().to_vec();
    let sign = || {
        let now = Utc::now().timestamp();
        vec![(TIMESTAMP_HEADER, now.to_string()), (SIGNATURE_HEADER, signing::sign(&secret, now, body.as_bytes()))]
    };
    delivery::deliver(&state.http, &state.config.webhook_url, &body, sign).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Vin;

    #[test]
    fn built_vins_are_valid() {
        for (model, serial) in [("AURORA", 100_000), ("BOREALIS", 100_001), ("CIRRUS", 123_456), ("X", 1)] {
            let vin = build_vin(model, serial);
            assert!(Vin::parse(&vin).is_ok(), "{vin}");
        }
        assert_ne!(build_vin("AURORA", 1), build_vin("AURORA", 2));
    }
}
