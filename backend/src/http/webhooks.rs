//! The webhook endpoints of the external systems: `/webhooks/factory`, `/webhooks/payments` and
//! `/webhooks/sms`.
//! A forged or stale signature gets 401 and changes nothing; a repeated event gets 200 and changes
//! nothing; an event we cannot apply yet gets a status that makes the sender retry.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::HttpState;
use super::errors::json_error;
use crate::error::code;
use crate::integrations::factory::{SIGNATURE_HEADER as FACTORY_SIGNATURE, TIMESTAMP_HEADER};
use crate::integrations::payments::{SIGNATURE_HEADER as STRIPE_SIGNATURE, WebhookRejected};
use crate::orders::factory::{self, Applied, FactoryWebhookError};
use crate::settlement::webhook::{PaymentWebhookError, apply_webhook};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

fn refused(message: &str) -> Response {
    json_error(StatusCode::UNAUTHORIZED, code::UNAUTHENTICATED, message)
}

/// `POST /webhooks/factory`: a signed manufacturing status event.
pub async fn factory(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let applied = factory::apply_webhook(
        &state.app,
        header(&headers, TIMESTAMP_HEADER),
        header(&headers, FACTORY_SIGNATURE),
        &body,
    )
    .await;
    match applied {
        Ok(applied) => {
            let outcome = match applied {
                Applied::Advanced => "applied",
                Applied::Late => "stored (late)",
                Applied::Duplicate => "duplicate",
            };
            (StatusCode::OK, Json(json!({ "outcome": outcome }))).into_response()
        }
        Err(FactoryWebhookError::Signature(err)) => refused(&err.to_string()),
        Err(FactoryWebhookError::Malformed(message)) => {
            json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, &message)
        }
        Err(FactoryWebhookError::UnknownOrder) => {
            json_error(StatusCode::CONFLICT, code::NOT_FOUND, "no order matches this event (yet); retry later")
        }
        Err(FactoryWebhookError::Internal(err)) => {
            json_error(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, &err.into_graphql().message)
        }
    }
}

/// `POST /webhooks/payments`: a Stripe-signed payment event.
pub async fn payments(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(payload) = std::str::from_utf8(&body) else {
        return json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, "the body is not UTF-8");
    };
    match apply_webhook(&state.app, payload, header(&headers, STRIPE_SIGNATURE)).await {
        Ok(()) => (StatusCode::OK, Json(json!({ "received": true }))).into_response(),
        Err(PaymentWebhookError::Rejected(WebhookRejected::Signature)) => refused("the webhook signature is not valid"),
        Err(PaymentWebhookError::Rejected(WebhookRejected::Payload(message))) => {
            json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, &message)
        }
        Err(PaymentWebhookError::NotReady) => {
            json_error(StatusCode::CONFLICT, code::CONFLICT, "the payment is not ready for this event yet; retry later")
        }
        Err(PaymentWebhookError::Internal(err)) => {
            json_error(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, &err.into_graphql().message)
        }
    }
}

/// `POST /webhooks/sms`: the SMS provider's signed delivery receipt.
pub async fn sms(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let app = &state.app;
    let secret = app.config.sms_webhook_secret.as_bytes();
    let receipt = match crate::integrations::sms::verify_receipt(secret, &headers, &body, app.clock.now().timestamp()) {
        Ok(receipt) => receipt,
        Err(crate::integrations::sms::ReceiptError::Malformed) => {
            return json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, "the receipt is malformed");
        }
        Err(_) => return refused("the receipt signature is not valid"),
    };
    match crate::notifications::receipts::record(app, &receipt).await {
        Ok(applied) => (StatusCode::OK, Json(json!({ "applied": applied }))).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "a delivery receipt was not recorded");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, "internal error")
        }
    }
}
