//! The registration authority simulator: issues plates in each seeded country's format (DE, ES, GB),
//! remembers what it registered, and can be told to refuse. Usable alone: `caas simulate registration`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{Registration, RegistrationRequest};
use crate::integrations::delivery;

/// Behaviour switches, settable at `PUT /control`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RegistrationKnobs {
    /// Refuse the next registration with this reason.
    pub refuse_next: Option<String>,
    /// Answer with 503.
    pub unavailable: bool,
}

struct SimState {
    knobs: Mutex<RegistrationKnobs>,
    registered: Mutex<HashMap<String, Registration>>,
}

/// A running registration authority.
#[derive(Clone)]
pub struct RegistrationSimulator {
    state: Arc<SimState>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

const CONSONANTS: &[u8] = b"BCDFGHJKLMNPRSTVWXYZ";
const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

fn pick(rng: &mut impl Rng, alphabet: &[u8], count: usize) -> String {
    (0..count).map(|_| alphabet[rng.random_range(0..alphabet.len())] as char).collect()
}

/// A plate in `country`'s format, or `None` for a country without an office here.
pub fn plate_for(country: &str) -> Option<String> {
    let mut rng = rand::rng();
    match country {
        // Germany: district, one or two letters, up to four digits.
        "DE" => Some(format!("B-{} {}", pick(&mut rng, LETTERS, 2), rng.random_range(1..10_000))),
        // Spain: four digits and three consonants.
        "ES" => Some(format!("{:04} {}", rng.random_range(0..10_000), pick(&mut rng, CONSONANTS, 3))),
        // Great Britain: area code, age identifier, three letters.
        "GB" => Some(format!(
            "{}{:02} {}",
            pick(&mut rng, LETTERS, 2),
            rng.random_range(26..76),
            pick(&mut rng, LETTERS, 3)
        )),
        _ => None,
    }
}

impl Default for RegistrationSimulator {
    fn default() -> Self {
        Self::new()
    }
}

impl RegistrationSimulator {
    /// An authority with nothing registered.
    pub fn new() -> Self {
        let state =
            SimState { knobs: Mutex::new(RegistrationKnobs::default()), registered: Mutex::new(HashMap::new()) };
        Self { state: Arc::new(state) }
    }

    /// Serves the authority on `address` until `stop`; returns the bound address.
    pub async fn start(&self, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
        delivery::serve(self.router(), address, stop).await
    }

    /// The HTTP API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/registrations", post(register))
            .route("/control", get(get_knobs).put(set_knobs))
            .with_state(self.state.clone())
    }

    /// Changes the behaviour switches.
    pub fn set_knobs(&self, knobs: RegistrationKnobs) {
        *lock(&self.state.knobs) = knobs;
    }
}

fn refusal(reason: &str) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "reason": reason }))).into_response()
}

async fn register(State(state): State<Arc<SimState>>, Json(request): Json<RegistrationRequest>) -> Response {
    if lock(&state.knobs).unavailable {
        return (StatusCode::SERVICE_UNAVAILABLE, "the registration office is closed").into_response();
    }
    if let Some(existing) = lock(&state.registered).get(&request.vin) {
        return (StatusCode::OK, Json(existing.clone())).into_response();
    }
    if let Some(reason) = lock(&state.knobs).refuse_next.take() {
        return refusal(&reason);
    }
    if request.holder_name.trim().is_empty() {
        return refusal("the holder's name is missing");
    }
    let Some(plate) = plate_for(&request.country) else {
        return refusal(&format!("no registration office for {}", request.country));
    };
    let registration = Registration {
        registration_id: format!("REG-{}-{}", request.country, Uuid::new_v4().simple()),
        plate,
        registered_at: Utc::now(),
    };
    lock(&state.registered).insert(request.vin.clone(), registration.clone());
    (StatusCode::CREATED, Json(registration)).into_response()
}

async fn get_knobs(State(state): State<Arc<SimState>>) -> Json<RegistrationKnobs> {
    Json(lock(&state.knobs).clone())
}

async fn set_knobs(State(state): State<Arc<SimState>>, Json(knobs): Json<RegistrationKnobs>) -> StatusCode {
    *lock(&state.knobs) = knobs;
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_follow_each_countrys_format() {
        for _ in 0..50 {
            let de = plate_for("DE").expect("DE");
            assert!(de.starts_with("B-") && de.len() <= 10, "{de}");
            let es = plate_for("ES").expect("ES");
            let (digits, letters) = es.split_once(' ').expect("space");
            assert!(digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()), "{es}");
            assert!(letters.len() == 3 && letters.bytes().all(|c| CONSONANTS.contains(&c)), "{es}");
            let gb = plate_for("GB").expect("GB");
            assert_eq!(gb.len(), 8, "{gb}");
        }
        assert_eq!(plate_for("FR"), None);
    }
}
