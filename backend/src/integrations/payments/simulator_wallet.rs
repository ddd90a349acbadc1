//! The payment simulator's saved cards: Stripe's Customers, SetupIntents and PaymentMethods, as far
//! as saving a card for later charges needs them — and refusing what Stripe refuses: a setup
//! confirmed without a payment method, a saved method charged without (or with another) customer,
//! an unknown method.
//!
//! The simulator keeps its state in memory only, so the ids it gives out carry what it needs to
//! recognise them after a restart: a customer is `cus_<id>`, a saved card is
//! `pm_saved_<customer id>_<test card>` (the test card it behaves as, e.g. `visa`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, extract::Path};
use chrono::Utc;
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;

use super::simulator::{Reply, SimState, admit, field, once, stripe_error};

const TEST_CARD: &str = "pm_card_";
const SAVED: &str = "pm_saved_";

/// What a payment method given to the simulator stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Method {
    /// The test card it behaves as, e.g. `pm_card_visa`.
    pub behaves_as: String,
    /// The customer it is saved for, if it is a saved card.
    pub customer: Option<String>,
}

/// Reads a payment method id: a test card token, or a saved card of a customer.
pub fn method(id: &str) -> Option<Method> {
    if let Some(card) = id.strip_prefix(TEST_CARD).filter(|card| !card.is_empty()) {
        return Some(Method { behaves_as: format!("{TEST_CARD}{card}"), customer: None });
    }
    let rest = id.strip_prefix(SAVED)?;
    let (customer, card) = rest.rsplit_once('_')?;
    let customer = customer.strip_prefix("cus_").filter(|id| !id.is_empty())?;
    Some(Method { behaves_as: format!("{TEST_CARD}{card}"), customer: Some(format!("cus_{customer}")) })
}

/// The brand and last digits Stripe's test cards have.
fn card_of(behaves_as: &str) -> (&'static str, &'static str) {
    match behaves_as.strip_prefix(TEST_CARD).unwrap_or_default() {
        "mastercard" => ("mastercard", "4444"),
        "amex" => ("amex", "8431"),
        "chargeDeclined" => ("visa", "0002"),
        _ => ("visa", "4242"),
    }
}

/// Checks that `payment_method` may be charged for `customer`: a saved card only with its own
/// customer. Answers the test card it behaves as.
pub(super) fn chargeable(payment_method: Option<&str>, customer: Option<&str>) -> Result<String, Reply> {
    let Some(id) = payment_method.filter(|id| !id.is_empty()) else {
        return Err(stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            Some("payment_intent_unexpected_state"),
        ));
    };
    let Some(method) = method(id) else { return Err(no_such_method(id)) };
    if let Some(owner) = &method.customer
        && customer != Some(owner.as_str())
    {
        return Err(stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "The provided PaymentMethod was previously attached to a Customer. To use it in a PaymentIntent, you must also pass the ID of the Customer in the `customer` parameter.",
            Some("payment_method_unexpected_state"),
        ));
    }
    Ok(method.behaves_as)
}

fn no_such_method(id: &str) -> Reply {
    stripe_error(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        &format!("No such PaymentMethod: '{id}'"),
        Some("resource_missing"),
    )
}

/// `POST /v1/customers`.
pub(super) async fn create_customer(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(reply) = admit(&state, &headers).await {
        return reply.into_response();
    }
    once(&state, &headers, "customer", || {
        let customer = json!({
            "id": format!("cus_{}", Uuid::new_v4().simple()),
            "object": "customer",
            "created": Utc::now().timestamp(),
            "email": field(&form, "email"),
            "name": field(&form, "name"),
            "livemode": false,
        });
        (StatusCode::OK, Json(customer))
    })
    .into_response()
}

/// `POST /v1/setup_intents` with `confirm=true`: the card is checked and saved for the customer.
pub(super) async fn create_setup_intent(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(reply) = admit(&state, &headers).await {
        return reply.into_response();
    }
    once(&state, &headers, "setup", || set_up(&form)).into_response()
}

fn set_up(form: &[(String, String)]) -> Reply {
    let Some(customer) = field(form, "customer").filter(|id| id.starts_with("cus_")) else {
        return stripe_error(StatusCode::BAD_REQUEST, "invalid_request_error", "customer is required", None);
    };
    if field(form, "confirm") != Some("true") {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "this simulator saves cards with confirm=true only",
            None,
        );
    }
    let Some(token) = field(form, "payment_method").filter(|id| !id.is_empty()) else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "You cannot confirm this SetupIntent because it's missing a payment method.",
            Some("setup_intent_unexpected_state"),
        );
    };
    let Some(given) = method(token).filter(|method| method.customer.is_none()) else { return no_such_method(token) };
    let id = format!("seti_{}", Uuid::new_v4().simple());
    if given.behaves_as == super::simulator::DECLINED_CARD {
        let mut reply =
            stripe_error(StatusCode::PAYMENT_REQUIRED, "card_error", "Your card was declined.", Some("card_declined"));
        reply.1.0["error"]["setup_intent"] = setup_intent(&id, customer, "requires_payment_method", Value::Null);
        return reply;
    }
    let card = given.behaves_as.strip_prefix(TEST_CARD).unwrap_or("visa");
    let saved = format!("{SAVED}{customer}_{card}");
    (
        StatusCode::OK,
        Json(setup_intent(&id, customer, "succeeded", payment_method(&saved, customer, &given.behaves_as))),
    )
}

fn setup_intent(id: &str, customer: &str, status: &str, payment_method: Value) -> Value {
    json!({
        "id": id,
        "object": "setup_intent",
        "client_secret": format!("{id}_secret_{}", Uuid::new_v4().simple()),
        "created": Utc::now().timestamp(),
        "customer": customer,
        "livemode": false,
        "payment_method": payment_method,
        "payment_method_types": ["card"],
        "status": status,
        "usage": "off_session",
    })
}

fn payment_method(id: &str, customer: &str, behaves_as: &str) -> Value {
    let (brand, last4) = card_of(behaves_as);
    json!({
        "id": id,
        "object": "payment_method",
        "billing_details": { "address": null, "email": null, "name": null, "phone": null },
        "card": { "brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2034, "funding": "credit", "country": "DE" },
        "created": Utc::now().timestamp(),
        "customer": customer,
        "livemode": false,
        "type": "card",
    })
}

/// `GET /v1/payment_methods/{id}`.
pub(super) async fn get_payment_method(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(reply) = admit(&state, &headers).await {
        return reply.into_response();
    }
    match method(&id) {
        Some(Method { behaves_as, customer: Some(customer) }) => {
            Json(payment_method(&id, &customer, &behaves_as)).into_response()
        }
        _ => no_such_method(&id).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_cards_are_recognised_from_their_ids() {
        let saved = method("pm_saved_cus_abc_visa").expect("saved");
        assert_eq!(saved, Method { behaves_as: "pm_card_visa".into(), customer: Some("cus_abc".into()) });
        assert_eq!(method("pm_card_visa").expect("token").customer, None);
        assert_eq!(method("pm_saved_abc_visa"), None, "no customer");
        assert_eq!(method("pm_anything"), None);
    }

    #[test]
    fn a_saved_card_is_charged_only_with_its_customer() {
        assert!(chargeable(Some("pm_saved_cus_abc_visa"), Some("cus_abc")).is_ok());
        assert!(chargeable(Some("pm_saved_cus_abc_visa"), None).is_err());
        assert!(chargeable(Some("pm_saved_cus_abc_visa"), Some("cus_other")).is_err());
        assert!(chargeable(None, Some("cus_abc")).is_err(), "a confirm needs a payment method");
        assert_eq!(chargeable(Some("pm_card_chargeDeclined"), None).ok().as_deref(), Some("pm_card_chargeDeclined"));
    }
}
