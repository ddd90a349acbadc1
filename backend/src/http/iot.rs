//! The IoT API's telemetry endpoint for cars without MQTT: `POST /iot/v1/vehicles/{vin}/telemetry`
//! with the same signed message a car publishes (or a JSON array of them, a car catching up).
//!
//! One message: 202 stored, 200 already stored, 404 unknown car, 401 wrong signature, 400 not a
//! version-1 message, 422 refused values. An array: 200 with each message's outcome.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use serde_json::value::RawValue;

use super::HttpState;
use super::errors::json_error;
use crate::error::code;
use crate::telemetry::ingest::{self, BATCH, Incoming};
use crate::telemetry::reading::Rejection;

fn status_of(outcome: Result<(), Rejection>) -> StatusCode {
    match outcome {
        Ok(()) => StatusCode::ACCEPTED,
        Err(Rejection::Duplicate) => StatusCode::OK,
        Err(Rejection::UnknownVehicle) => StatusCode::NOT_FOUND,
        Err(Rejection::BadSignature) => StatusCode::UNAUTHORIZED,
        Err(Rejection::Malformed) => StatusCode::BAD_REQUEST,
        Err(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn label(outcome: Result<(), Rejection>) -> &'static str {
    outcome.err().map_or("stored", Rejection::label)
}

/// `POST /iot/v1/vehicles/{vin}/telemetry`.
pub async fn telemetry(State(state): State<HttpState>, Path(vin): Path<String>, body: Bytes) -> Response {
    let is_array = body.iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b'[');
    let messages: Vec<Incoming> = match is_array.then(|| serde_json::from_slice::<Vec<&RawValue>>(&body)) {
        Some(Ok(items)) if items.len() > BATCH => {
            return json_error(StatusCode::PAYLOAD_TOO_LARGE, code::BAD_USER_INPUT, "at most 2000 readings at once");
        }
        Some(Ok(items)) => items
            .into_iter()
            .map(|item| Incoming { vin: vin.clone(), payload: Bytes::copy_from_slice(item.get().as_bytes()) })
            .collect(),
        // One message, or a broken array (refused as malformed like any broken message).
        _ => vec![Incoming { vin, payload: body.clone() }],
    };
    let many = is_array && messages.len() != 1 || messages.is_empty();
    let outcomes = match ingest::ingest(&state.app, &messages).await {
        Ok(outcomes) => outcomes,
        Err(err) => {
            tracing::warn!(error = %err.message(), "storing telemetry failed");
            return json_error(StatusCode::SERVICE_UNAVAILABLE, code::UNAVAILABLE, "try again later");
        }
    };
    if many {
        let outcomes: Vec<&str> = outcomes.iter().map(|outcome| label(*outcome)).collect();
        return (StatusCode::OK, Json(json!({ "outcomes": outcomes }))).into_response();
    }
    let outcome = outcomes.first().copied().unwrap_or(Err(Rejection::Malformed));
    (status_of(outcome), Json(json!({ "outcome": label(outcome) }))).into_response()
}
