//! Liveness, readiness and metrics endpoints.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::HttpState;
use super::errors::json_error;
use crate::error::code;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The server can do its work: the database answers. In a cluster the broker's state is reported
/// too, without failing the check: while NATS is down the API keeps answering and live events
/// wait in the outbox, so taking every instance out of the proxy would only make things worse.
/// An instance shutting down is no longer ready (the proxy stops sending it clients).
pub async fn readyz(State(state): State<HttpState>) -> Response {
    let app = &state.app;
    if app.stopping.is_cancelled() {
        return json_error(StatusCode::SERVICE_UNAVAILABLE, code::UNAVAILABLE, "the instance is shutting down");
    }
    if let Err(err) = app.db.ping().await {
        tracing::warn!(error = %err, "readiness check failed: database");
        return json_error(StatusCode::SERVICE_UNAVAILABLE, code::UNAVAILABLE, "the database is not reachable");
    }
    match app.events.broker_connected() {
        Some(true) => "ready: database up, broker up".into_response(),
        Some(false) => "ready: database up, broker down (live events are delayed)".into_response(),
        None => "ready".into_response(),
    }
}

/// Prometheus metrics in text format: with `CAAS_METRICS_TOKEN` set, for its bearer only; without,
/// public in development and not served in production (they tell traffic, errors and internals).
pub async fn metrics(State(state): State<HttpState>, headers: HeaderMap) -> Response {
    let config = &state.app.config;
    match &config.metrics_token {
        Some(token) => {
            let presented = headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
                .unwrap_or_default();
            if !bool::from(presented.as_bytes().ct_eq(token.expose_secret().as_bytes())) {
                let mut response =
                    json_error(StatusCode::UNAUTHORIZED, code::UNAUTHENTICATED, "the metrics need their token");
                response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
                return response;
            }
        }
        None if config.is_production() => {
            return json_error(StatusCode::NOT_FOUND, code::NOT_FOUND, "no such route; the API is at /graphql");
        }
        None => {}
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], state.app.metrics.render())
        .into_response()
}
