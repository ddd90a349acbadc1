//! The payment simulator: the subset of Stripe's API we use (PaymentIntents with manual or automatic
//! capture, cancel, refunds, idempotency keys, Stripe-signed webhooks). Captured payments settle
//! asynchronously after a delay, like a bank debit, and can be told to fail. Usable alone:
//! `caas simulate payments`.
//!
//! Test payment methods: `pm_card_visa` succeeds; `pm_card_chargeDeclined` is declined at once;
//! `pm_card_settlementFails` is accepted but its settlement fails. Saved cards (Customers and
//! SetupIntents) are in `wallet` below; a confirm without a payment method is refused, as
//! Stripe refuses it.
//!
//! SEPA Direct Debit: a SetupIntent with `payment_method_data[type]=sepa_debit`, an IBAN and the
//! debtor's online acceptance sets up a mandate. Stripe's test IBANs decide what a debit does:
//! `DE89370400440532013000` (and any other valid IBAN) is paid, `DE62370400440532013001` is
//! returned by the debtor's bank, `DE35370400440532013002` is refused at the mandate. Debits are
//! taken at once (SEPA has no separate capture) and settle after the delay.
//!
//! Bank transfers: `POST /control/transfers` (`{reference, amount, currency, sender}`) plays a
//! transfer arriving at the platform's account; the gateway reports it as Stripe reports a funded
//! cash balance, `customer_cash_balance_transaction.created`, signed.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::Utc;
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::SIGNATURE_HEADER;
use crate::integrations::delivery;

/// A declined card.
pub const DECLINED_CARD: &str = "pm_card_chargeDeclined";
/// A payment method whose settlement fails after capture.
pub const SETTLEMENT_FAILS: &str = "pm_card_settlementFails";
/// Stripe's test IBAN whose debits are paid.
pub const IBAN_PAID: &str = "DE89370400440532013000";
/// Stripe's test IBAN whose debits the debtor's bank returns.
pub const IBAN_RETURNED: &str = "DE62370400440532013001";
/// Stripe's test IBAN whose mandate setup is refused.
pub const IBAN_REFUSED: &str = "DE35370400440532013002";
/// What a debit from an account behaving as [`IBAN_RETURNED`] behaves as.
const SEPA_RETURNED: &str = "pm_card_sepaReturned";

/// Behaviour switches, settable at `PUT /control`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PaymentKnobs {
    /// Share of settlements that fail (0.0 to 1.0).
    pub settlement_failure_rate: f64,
    /// Answer every API call with 503.
    pub unavailable: bool,
    /// Added latency per API call, in milliseconds.
    pub latency_ms: u64,
    /// Hold settlements until switched off again.
    pub hold_settlements: bool,
}

/// Where and how the simulator works.
#[derive(Clone, Debug)]
pub struct PaymentSimulatorConfig {
    /// The API key clients must present.
    pub api_key: SecretString,
    /// Where webhooks go, e.g. `http://127.0.0.1:8080/webhooks/payments`.
    pub webhook_url: String,
    /// The webhook signing secret.
    pub webhook_secret: SecretString,
    /// Time from capture to settlement.
    pub settle_delay: Duration,
}

/// A payment as the simulator keeps it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulatedPayment {
    /// The PaymentIntent id.
    pub id: String,
    /// Amount in minor units.
    pub amount: i64,
    /// Lower-case currency.
    pub currency: String,
    /// `manual` or `automatic`.
    pub capture_method: String,
    /// Stripe's status name.
    pub status: String,
    /// The payment method token.
    pub payment_method: String,
    /// How often it was captured (more than once would be a double charge).
    pub captures: u32,
    /// Amount refunded.
    pub refunded: i64,
    /// Why it failed, if it did.
    pub failure: Option<String>,
    /// Our references.
    pub metadata: BTreeMap<String, String>,
    /// The test card its payment method behaves as (a saved card behaves as the card saved).
    pub behaves_as: String,
    created: i64,
    description: Option<String>,
}

pub(super) struct SimState {
    config: PaymentSimulatorConfig,
    knobs: Mutex<PaymentKnobs>,
    payments: Mutex<HashMap<String, SimulatedPayment>>,
    /// Idempotency key → the response first given.
    replies: Mutex<HashMap<String, (u16, Value)>>,
    /// Idempotency keys whose first request is being answered right now.
    in_flight: Mutex<std::collections::HashSet<String>>,
    http: reqwest::Client,
}

/// A running payment gateway.
#[derive(Clone)]
pub struct PaymentSimulator {
    state: Arc<SimState>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl PaymentSimulator {
    /// A gateway sending webhooks to `config.webhook_url`.
    pub fn new(config: PaymentSimulatorConfig) -> Self {
        let state = SimState {
            config,
            knobs: Mutex::new(PaymentKnobs::default()),
            payments: Mutex::new(HashMap::new()),
            replies: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(std::collections::HashSet::new()),
            http: reqwest::Client::new(),
        };
        Self { state: Arc::new(state) }
    }

    /// Serves Stripe's API subset on `address` until `stop`; returns the bound address.
    pub async fn start(&self, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
        delivery::serve(self.router(), address, stop).await
    }

    /// The HTTP API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/payment_intents", post(create_intent))
            .route("/v1/payment_intents/{id}", get(get_intent))
            .route("/v1/payment_intents/{id}/capture", post(capture_intent))
            .route("/v1/payment_intents/{id}/cancel", post(cancel_intent))
            .route("/v1/refunds", post(create_refund))
            .route("/v1/customers", post(wallet::create_customer))
            .route("/v1/setup_intents", post(wallet::create_setup_intent))
            .route("/v1/payment_methods/{id}", get(wallet::get_payment_method))
            .route("/control", get(get_knobs).put(set_knobs))
            .route("/control/payments", get(list_payments))
            .route("/control/transfers", post(receive_transfer))
            .with_state(self.state.clone())
    }

    /// Changes the behaviour switches.
    pub fn set_knobs(&self, knobs: PaymentKnobs) {
        let release = !knobs.hold_settlements && lock(&self.state.knobs).hold_settlements;
        *lock(&self.state.knobs) = knobs;
        if release {
            tokio::spawn(release_held(self.state.clone()));
        }
    }

    /// The event of `kind` (e.g. `payment_intent.succeeded`) about payment `id` as the gateway
    /// would send it — body and `Stripe-Signature` header — to replay webhooks in tests.
    pub fn event_about(&self, kind: &str, id: &str) -> Option<(String, String)> {
        let object = render(lock(&self.state.payments).get(id)?);
        Some(signed_event(&self.state, kind, object))
    }

    /// A bank transfer arrives with `reference`: the gateway reports it (signed, retried until
    /// accepted); `true` once our webhook accepted it.
    pub async fn transfer_arrives(&self, transfer: &IncomingTransfer) -> bool {
        let (body, _) = signed_event(&self.state, "customer_cash_balance_transaction.created", funded(transfer));
        let headers = || vec![(SIGNATURE_HEADER, sign(&self.state, &body))];
        delivery::deliver(&self.state.http, &self.state.config.webhook_url, &body, headers).await
    }

    /// Every payment the gateway has seen.
    pub fn payments(&self) -> Vec<SimulatedPayment> {
        lock(&self.state.payments).values().cloned().collect()
    }
}

pub(super) type Reply = (StatusCode, Json<Value>);

pub(super) fn stripe_error(status: StatusCode, kind: &str, message: &str, code: Option<&str>) -> Reply {
    let mut error = json!({ "type": kind, "message": message });
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    (status, Json(json!({ "error": error })))
}

fn render(payment: &SimulatedPayment) -> Value {
    let captured = matches!(payment.status.as_str(), "processing" | "succeeded");
    let last_error = payment
        .failure
        .as_ref()
        .map(|message| json!({ "type": "card_error", "code": "card_declined", "message": message }));
    json!({
        "id": payment.id,
        "object": "payment_intent",
        "amount": payment.amount,
        "amount_capturable": if payment.status == "requires_capture" { payment.amount } else { 0 },
        "amount_received": if payment.status == "succeeded" { payment.amount } else { 0 },
        "capture_method": payment.capture_method,
        "confirmation_method": "automatic",
        "created": payment.created,
        "currency": payment.currency,
        "description": payment.description,
        "livemode": false,
        "metadata": payment.metadata,
        "payment_method": payment.payment_method,
        "payment_method_types": ["card"],
        "status": payment.status,
        "last_payment_error": last_error,
        "latest_charge": if captured { Some(format!("ch_{}", &payment.id[3..])) } else { None },
    })
}

/// Checks the API key and the availability knobs; then waits the configured latency.
pub(super) async fn admit(state: &SimState, headers: &HeaderMap) -> Result<(), Reply> {
    let key = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if key != Some(state.config.api_key.expose_secret()) {
        return Err(stripe_error(StatusCode::UNAUTHORIZED, "invalid_request_error", "Invalid API Key provided", None));
    }
    let knobs = lock(&state.knobs).clone();
    if knobs.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(knobs.latency_ms)).await;
    }
    if knobs.unavailable {
        return Err(stripe_error(StatusCode::SERVICE_UNAVAILABLE, "api_error", "The gateway is unavailable", None));
    }
    Ok(())
}

/// Runs `operation` once per idempotency key: a repeated key gets the first reply, and a request
/// that arrives while the first one with its key is still being answered gets Stripe's 409
/// `idempotency_error` (try again later).
pub(super) fn once(state: &SimState, headers: &HeaderMap, scope: &str, operation: impl FnOnce() -> Reply) -> Reply {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(|key| format!("{scope}:{key}"));
    if let Some(key) = &key {
        let replies = lock(&state.replies);
        if let Some((status, body)) = replies.get(key) {
            return (StatusCode::from_u16(*status).unwrap_or(StatusCode::OK), Json(body.clone()));
        }
        if !lock(&state.in_flight).insert(key.clone()) {
            let message = "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.";
            return stripe_error(StatusCode::CONFLICT, "idempotency_error", message, None);
        }
    }
    let (status, body) = operation();
    if let Some(key) = key {
        lock(&state.replies).insert(key.clone(), (status.as_u16(), body.0.clone()));
        lock(&state.in_flight).remove(&key);
    }
    (status, body)
}

pub(super) fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

async fn create_intent(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(reply) = admit(&state, &headers).await {
        return reply.into_response();
    }
    let reply = once(&state, &headers, "create", || new_intent(&state, &form));
    let status_after = reply.1.0["status"].as_str().unwrap_or_default().to_owned();
    if reply.0 == StatusCode::OK && status_after == "processing" {
        let id = reply.1.0["id"].as_str().unwrap_or_default().to_owned();
        tokio::spawn(settle_later(state.clone(), id));
    }
    reply.into_response()
}

fn new_intent(state: &SimState, form: &[(String, String)]) -> Reply {
    let Some(amount) = field(form, "amount").and_then(|a| a.parse::<i64>().ok()).filter(|a| *a > 0) else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "amount must be a positive integer",
            None,
        );
    };
    let Some(currency) = field(form, "currency").map(str::to_ascii_lowercase) else {
        return stripe_error(StatusCode::BAD_REQUEST, "invalid_request_error", "currency is required", None);
    };
    let capture_method = field(form, "capture_method").unwrap_or("automatic").to_owned();
    let behaves_as = match wallet::chargeable(field(form, "payment_method"), field(form, "customer")) {
        Ok(card) => card,
        Err(refused) => return refused,
    };
    if capture_method == "manual" && wallet::is_sepa(&behaves_as) {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "The payment method type sepa_debit does not support capture_method manual.",
            Some("payment_intent_invalid_parameter"),
        );
    }
    let payment_method = field(form, "payment_method").unwrap_or_default().to_owned();
    let metadata = form
        .iter()
        .filter_map(|(key, value)| {
            let name = key.strip_prefix("metadata[")?.strip_suffix(']')?;
            Some((name.to_owned(), value.clone()))
        })
        .collect();
    let mut payment = SimulatedPayment {
        id: format!("pi_{}", Uuid::new_v4().simple()),
        amount,
        currency,
        capture_method: capture_method.clone(),
        status: String::new(),
        payment_method: payment_method.clone(),
        captures: 0,
        refunded: 0,
        failure: None,
        metadata,
        behaves_as: behaves_as.clone(),
        created: Utc::now().timestamp(),
        description: field(form, "description").map(str::to_owned),
    };
    if behaves_as == DECLINED_CARD {
        payment.status = "requires_payment_method".into();
        payment.failure = Some("Your card was declined.".into());
        let intent = render(&payment);
        lock(&state.payments).insert(payment.id.clone(), payment);
        let mut reply =
            stripe_error(StatusCode::PAYMENT_REQUIRED, "card_error", "Your card was declined.", Some("card_declined"));
        reply.1.0["error"]["payment_intent"] = intent;
        return reply;
    }
    if capture_method == "manual" {
        payment.status = "requires_capture".into();
    } else {
        payment.status = "processing".into();
        payment.captures = 1;
    }
    let body = render(&payment);
    lock(&state.payments).insert(payment.id.clone(), payment);
    (StatusCode::OK, Json(body))
}

async fn get_intent(State(state): State<Arc<SimState>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(reply) = admit(&state, &headers).await {
        return reply.into_response();
    }
    match lock(&state.payments).get(&id) {
        Some(payment) => Json(render(payment)).into_response(),
        None => missing(&id).into_response(),
    }
}

fn missing(id: &str) -> Reply {
    stripe_error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        &format!("No such payment_intent: '{id}'"),
        Some("resource_missing"),
    )
}

async fn capture_intent(State(state): State<Arc<SimState>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(reply) = admit(&state, &headers).await {
        return reply.into_response();
    }
    let reply = once(&state, &headers, &format!("capture:{id}"), || {
        let mut payments = lock(&state.payments);
        let Some(payment) = payments.get_mut(&id) else { return missing(&id) };
        if payment.status != "requires_capture" {
            let message =
                format!("This PaymentIntent could not be captured because it has a status of {}.", payment.status);
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &message,
                Some("payment_intent_unexpected_state"),
            );
        }
        payment.status = "processing".into();
        payment.captures += 1;
        (StatusCode::OK, Json(render(payment)))
    });
    if reply.0 == StatusCode::OK && reply.1.0["status"] == "processing" {
        tokio::spawn(settle_later(state.clone(), id));
    }
    reply.into_response()
}

async fn cancel_intent(State(state): State<Arc<SimState>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(reply) = admit(&state, &headers).await {
        return reply.into_response();
    }
    once(&state, &headers, &format!("cancel:{id}"), || {
        let mut payments = lock(&state.payments);
        let Some(payment) = payments.get_mut(&id) else { return missing(&id) };
        if !matches!(payment.status.as_str(), "requires_capture" | "requires_payment_method" | "canceled") {
            let message =
                format!("You cannot cancel this PaymentIntent because it has a status of {}.", payment.status);
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &message,
                Some("payment_intent_unexpected_state"),
            );
        }
        payment.status = "canceled".into();
        (StatusCode::OK, Json(render(payment)))
    })
    .into_response()
}

async fn create_refund(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(reply) = admit(&state, &headers).await {
        return reply.into_response();
    }
    once(&state, &headers, "refund", || {
        let Some(id) = field(&form, "payment_intent") else {
            return stripe_error(StatusCode::BAD_REQUEST, "invalid_request_error", "payment_intent is required", None);
        };
        let mut payments = lock(&state.payments);
        let Some(payment) = payments.get_mut(id) else { return missing(id) };
        if !matches!(payment.status.as_str(), "processing" | "succeeded") {
            let message = format!("This PaymentIntent has a status of {} and cannot be refunded.", payment.status);
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &message,
                Some("charge_not_refundable"),
            );
        }
        let amount =
            field(&form, "amount").and_then(|a| a.parse::<i64>().ok()).unwrap_or(payment.amount - payment.refunded);
        if amount <= 0 || payment.refunded + amount > payment.amount {
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "the refund exceeds the charge",
                Some("amount_too_large"),
            );
        }
        payment.refunded += amount;
        let refund = json!({
            "id": format!("re_{}", Uuid::new_v4().simple()),
            "object": "refund",
            "amount": amount,
            "created": Utc::now().timestamp(),
            "currency": payment.currency,
            "payment_intent": payment.id,
            "status": "succeeded",
        });
        (StatusCode::OK, Json(refund))
    })
    .into_response()
}

async fn get_knobs(State(state): State<Arc<SimState>>) -> Json<PaymentKnobs> {
    Json(lock(&state.knobs).clone())
}

async fn set_knobs(State(state): State<Arc<SimState>>, Json(knobs): Json<PaymentKnobs>) -> StatusCode {
    PaymentSimulator { state }.set_knobs(knobs);
    StatusCode::NO_CONTENT
}

/// A bank transfer arriving at the platform's account.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomingTransfer {
    /// The reference the sender wrote.
    pub reference: String,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The sender's name.
    #[serde(default)]
    pub sender: Option<String>,
}

/// A funded cash-balance transaction, as Stripe reports a bank transfer received.
fn funded(transfer: &IncomingTransfer) -> Value {
    json!({
        "id": format!("ccsbtxn_{}", Uuid::new_v4().simple()),
        "object": "customer_cash_balance_transaction",
        "created": Utc::now().timestamp(),
        "currency": transfer.currency.to_ascii_lowercase(),
        "customer": "cus_platform",
        "customer_account": null,
        "ending_balance": transfer.amount,
        "net_amount": transfer.amount,
        "livemode": false,
        "type": "funded",
        "adjusted_for_overdraft": null,
        "applied_to_payment": null,
        "refunded_from_payment": null,
        "transferred_to_balance": null,
        "unapplied_from_payment": null,
        "funded": {
            "bank_transfer": {
                "type": "eu_bank_transfer",
                "reference": transfer.reference,
                "eu_bank_transfer": { "bic": "COBADEFFXXX", "iban_last4": "3000", "sender_name": transfer.sender },
                "gb_bank_transfer": null,
                "jp_bank_transfer": null,
                "us_bank_transfer": null,
            }
        },
    })
}

/// `POST /control/transfers`: a transfer arrives.
async fn receive_transfer(State(state): State<Arc<SimState>>, Json(transfer): Json<IncomingTransfer>) -> StatusCode {
    if transfer.amount <= 0 || transfer.reference.trim().is_empty() {
        return StatusCode::BAD_REQUEST;
    }
    let simulator = PaymentSimulator { state };
    tokio::spawn(async move { simulator.transfer_arrives(&transfer).await });
    StatusCode::ACCEPTED
}

async fn list_payments(State(state): State<Arc<SimState>>) -> Json<Vec<SimulatedPayment>> {
    Json(lock(&state.payments).values().cloned().collect())
}

/// Settles a captured payment after the delay (unless settlements are held) and tells us.
async fn settle_later(state: Arc<SimState>, id: String) {
    tokio::time::sleep(state.config.settle_delay).await;
    if lock(&state.knobs).hold_settlements {
        return; // picked up by `release_held`
    }
    settle(&state, &id).await;
}

async fn release_held(state: Arc<SimState>) {
    let held: Vec<String> =
        lock(&state.payments).values().filter(|p| p.status == "processing").map(|p| p.id.clone()).collect();
    for id in held {
        settle(&state, &id).await;
    }
}

async fn settle(state: &SimState, id: &str) {
    let failure_rate = lock(&state.knobs).settlement_failure_rate;
    let event = {
        let mut payments = lock(&state.payments);
        let Some(payment) = payments.get_mut(id).filter(|p| p.status == "processing") else { return };
        let returned = payment.behaves_as == SEPA_RETURNED;
        let fails =
            returned || payment.behaves_as == SETTLEMENT_FAILS || rand::rng().random_bool(failure_rate.clamp(0.0, 1.0));
        if fails {
            payment.status = "requires_payment_method".into();
            payment.failure = Some(if returned {
                "The debit was returned by the debtor's bank (insufficient funds).".into()
            } else {
                "The bank refused the debit.".into()
            });
            ("payment_intent.payment_failed", render(payment))
        } else {
            payment.status = "succeeded".into();
            ("payment_intent.succeeded", render(payment))
        }
    };
    send_event(state, event.0, event.1).await;
}

/// A Stripe event of `kind` about `object`, its body and a fresh signature header.
fn signed_event(state: &SimState, kind: &str, object: Value) -> (String, String) {
    let event = json!({
        "id": format!("evt_{}", Uuid::new_v4().simple()),
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": Utc::now().timestamp(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind,
    });
    let body = event.to_string();
    let header = sign(state, &body);
    (body, header)
}

fn sign(state: &SimState, body: &str) -> String {
    let secret = state.config.webhook_secret.expose_secret();
    stripe_webhook::Webhook::generate_test_header(body, secret, Some(Utc::now().timestamp()))
}

async fn send_event(state: &SimState, kind: &str, object: Value) {
    let (body, _) = signed_event(state, kind, object);
    let headers = || vec![(SIGNATURE_HEADER, sign(state, &body))];
    delivery::deliver(&state.http, &state.config.webhook_url, &body, headers).await;
}

mod wallet {
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

    use super::{DECLINED_CARD, IBAN_REFUSED, IBAN_RETURNED, Reply, SimState, admit, field, once, stripe_error};

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

    const SEPA: &str = "sepa";

    /// Whether a method behaving as `behaves_as` is a SEPA debit.
    pub fn is_sepa(behaves_as: &str) -> bool {
        behaves_as.strip_prefix(TEST_CARD).is_some_and(|kind| kind.starts_with(SEPA))
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
        if field(form, "payment_method_data[type]") == Some("sepa_debit") {
            return set_up_mandate(form, customer);
        }
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
        let Some(given) = method(token).filter(|method| method.customer.is_none()) else {
            return no_such_method(token);
        };
        let id = format!("seti_{}", Uuid::new_v4().simple());
        if given.behaves_as == DECLINED_CARD {
            let mut reply = stripe_error(
                StatusCode::PAYMENT_REQUIRED,
                "card_error",
                "Your card was declined.",
                Some("card_declined"),
            );
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

    /// A SEPA mandate: the IBAN checked, the debtor's acceptance required.
    fn set_up_mandate(form: &[(String, String)], customer: &str) -> Reply {
        let iban: String = field(form, "payment_method_data[sepa_debit][iban]")
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if iban.parse::<iban::Iban>().is_err() {
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "The IBAN you provided is invalid.",
                Some("invalid_bank_account_iban"),
            );
        }
        let accepted = field(form, "mandate_data[customer_acceptance][type]") == Some("online")
            && field(form, "mandate_data[customer_acceptance][online][ip_address]").is_some_and(|ip| !ip.is_empty());
        if !accepted {
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "A SEPA Direct Debit mandate needs the customer's acceptance (mandate_data).",
                Some("parameter_missing"),
            );
        }
        let id = format!("seti_{}", Uuid::new_v4().simple());
        if iban == IBAN_REFUSED {
            let mut reply = stripe_error(
                StatusCode::PAYMENT_REQUIRED,
                "card_error",
                "The bank account could not be set up for debits.",
                Some("bank_account_unusable"),
            );
            reply.1.0["error"]["setup_intent"] = setup_intent(&id, customer, "requires_payment_method", Value::Null);
            return reply;
        }
        let behaviour = if iban == IBAN_RETURNED { "sepaReturned" } else { "sepaDebit" };
        let saved = format!("{SAVED}{customer}_{behaviour}");
        let mut intent = setup_intent(
            &id,
            customer,
            "succeeded",
            payment_method(&saved, customer, &format!("{TEST_CARD}{behaviour}")),
        );
        intent["mandate"] = json!(format!("mandate_{}", Uuid::new_v4().simple()));
        intent["payment_method"]["sepa_debit"]["last4"] = json!(&iban[iban.len() - 4..]);
        intent["payment_method"]["sepa_debit"]["country"] = json!(&iban[..2]);
        (StatusCode::OK, Json(intent))
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
        if is_sepa(behaves_as) {
            return json!({
                "id": id,
                "object": "payment_method",
                "billing_details": { "address": null, "email": null, "name": null, "phone": null },
                "sepa_debit": { "bank_code": "37040044", "branch_code": null, "country": "DE", "fingerprint": "sim", "generated_from": null, "last4": "3000" },
                "created": Utc::now().timestamp(),
                "customer": customer,
                "livemode": false,
                "type": "sepa_debit",
            });
        }
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
            assert_eq!(
                chargeable(Some("pm_card_chargeDeclined"), None).ok().as_deref(),
                Some("pm_card_chargeDeclined")
            );
        }
    }
}
