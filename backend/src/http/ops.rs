//! Liveness, readiness and metrics endpoints.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::HttpState;
use super::errors::json_error;
use crate::error::code;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The server can do its work: the database answers.
pub async fn readyz(State(state): State<HttpState>) -> Response {
    match state.app.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            json_error(StatusCode::SERVICE_UNAVAILABLE, code::UNAVAILABLE, "the database is not reachable")
        }
    }
}

/// Prometheus metrics in text format.
pub async fn metrics(State(state): State<HttpState>) -> Response {
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], state.app.metrics.render())
        .into_response()
}
