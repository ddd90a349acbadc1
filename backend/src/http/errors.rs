//! Errors the HTTP layer answers by itself, in the same JSON shape as GraphQL errors.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::code;

/// A response `{"errors":[{"message": …, "extensions": {"code": …}}]}` with `status`.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}

/// Unknown paths.
pub async fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, code::NOT_FOUND, "no such route; the API is at /graphql")
}

/// Like [`json_error`], with the rule that refused the request in `extensions.reason`.
pub fn json_refusal(status: StatusCode, code: &str, reason: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code, "reason": reason } }] });
    (status, Json(body)).into_response()
}
