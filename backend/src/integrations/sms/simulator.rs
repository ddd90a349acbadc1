//! The SMS provider simulator: `POST /v1/messages` as the provider answers it (bearer key, E.164
//! numbers, segment count), then — after a short delay, like a network — a signed delivery receipt
//! to the message's status callback, retried until taken: `delivered`, or `undelivered` with
//! `absent_subscriber` for numbers marked unreachable. `GET /control/messages` lists what it took.
//! See `docs/integrations/sms.md`.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::client::{MessageCreated, MessageRequest};
use super::{DeliveryReceipt, ReceiptStatus, SIGNATURE_HEADER, SmsEncoding, TIMESTAMP_HEADER};
use crate::integrations::{delivery, signing};

/// The error code of a receipt for a handset that could not be reached.
pub const UNREACHABLE_ERROR_CODE: &str = "absent_subscriber";

/// Where and how the simulator works.
#[derive(Clone, Debug)]
pub struct SmsSimulatorConfig {
    /// The API key clients must present.
    pub api_key: SecretString,
    /// The secret receipts are signed with.
    pub webhook_secret: String,
    /// Time from taking a message to posting its receipt.
    pub receipt_delay: Duration,
}

/// A message as the simulator keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulatedSms {
    /// The provider's id.
    pub id: String,
    /// The sender id.
    pub from: String,
    /// The recipient, E.164.
    pub to: String,
    /// The text.
    pub body: String,
    /// The sender's reference.
    pub reference: Uuid,
    /// How many parts it went as.
    pub segments: u32,
    /// The alphabet it went in.
    pub encoding: SmsEncoding,
    /// The parts.
    pub parts: Vec<String>,
    /// `queued`, then the receipt's status.
    pub status: String,
}

struct SimState {
    config: SmsSimulatorConfig,
    messages: Mutex<Vec<SimulatedSms>>,
    unreachable: Mutex<HashSet<String>>,
    unavailable: AtomicBool,
    http: reqwest::Client,
}

/// A running SMS provider.
#[derive(Clone)]
pub struct SmsSimulator {
    state: Arc<SimState>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SmsSimulator {
    /// A provider taking `config.api_key` and signing receipts with `config.webhook_secret`.
    pub fn new(config: SmsSimulatorConfig) -> Self {
        let state = SimState {
            config,
            messages: Mutex::new(Vec::new()),
            unreachable: Mutex::new(HashSet::new()),
            unavailable: AtomicBool::new(false),
            http: reqwest::Client::new(),
        };
        Self { state: Arc::new(state) }
    }

    /// Serves the API on `address` until `stop`; returns the bound address.
    pub async fn start(&self, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
        delivery::serve(self.router(), address, stop).await
    }

    /// The HTTP API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/messages", post(create_message))
            .route("/control/messages", get(list_messages))
            .with_state(self.state.clone())
    }

    /// Every message taken, oldest first.
    pub fn messages(&self) -> Vec<SimulatedSms> {
        lock(&self.state.messages).clone()
    }

    /// Messages to `e164` from now on are not delivered (`undelivered`, `absent_subscriber`).
    pub fn make_unreachable(&self, e164: &str) {
        lock(&self.state.unreachable).insert(e164.to_owned());
    }

    /// Answers every API call with 503 while `true`.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.state.unavailable.store(unavailable, Ordering::Relaxed);
    }
}

fn error(status: StatusCode, code: &str) -> Response {
    (status, Json(json!({ "error": code }))).into_response()
}

async fn create_message(State(state): State<Arc<SimState>>, headers: HeaderMap, body: String) -> Response {
    if state.unavailable.load(Ordering::Relaxed) {
        return error(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable");
    }
    let bearer = headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok());
    let expected = format!("Bearer {}", state.config.api_key.expose_secret());
    if bearer.is_none_or(|bearer| !bool::from(subtle::ConstantTimeEq::ct_eq(bearer.as_bytes(), expected.as_bytes()))) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let Ok(request) = serde_json::from_str::<MessageRequest>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    // The provider takes E.164 only, exactly.
    if super::normalize_phone(&request.to).ok().as_deref() != Some(request.to.as_str()) {
        return error(StatusCode::BAD_REQUEST, "invalid_number");
    }
    if request.body.is_empty() || request.from.trim().is_empty() {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    if url::Url::parse(&request.status_callback).is_err() {
        return error(StatusCode::BAD_REQUEST, "invalid_status_callback");
    }
    let cut = super::segments(&request.body);
    let message = SimulatedSms {
        id: format!("SM{}", Uuid::new_v4().simple()),
        from: request.from,
        to: request.to,
        body: request.body,
        reference: request.reference,
        segments: u32::try_from(cut.parts.len()).unwrap_or(u32::MAX),
        encoding: cut.encoding,
        parts: cut.parts,
        status: "queued".to_owned(),
    };
    lock(&state.messages).push(message.clone());
    let created = MessageCreated {
        id: message.id.clone(),
        status: message.status.clone(),
        segments: message.segments,
        encoding: message.encoding,
    };
    tokio::spawn(report(state.clone(), message, request.status_callback));
    (StatusCode::CREATED, Json(created)).into_response()
}

async fn list_messages(State(state): State<Arc<SimState>>) -> Json<Vec<SimulatedSms>> {
    Json(lock(&state.messages).clone())
}

/// Posts the message's receipt to its status callback after the delay, signed, until taken.
async fn report(state: Arc<SimState>, message: SimulatedSms, status_callback: String) {
    tokio::time::sleep(state.config.receipt_delay).await;
    let unreachable = lock(&state.unreachable).contains(&message.to);
    let (status, error_code, status_name) = if unreachable {
        (ReceiptStatus::Undelivered, Some(UNREACHABLE_ERROR_CODE.to_owned()), "undelivered")
    } else {
        (ReceiptStatus::Delivered, None, "delivered")
    };
    let receipt = DeliveryReceipt {
        provider_id: message.id.clone(),
        reference: message.reference,
        status,
        error_code,
        at: Utc::now(),
    };
    if let Some(kept) = lock(&state.messages).iter_mut().find(|kept| kept.id == message.id) {
        kept.status = status_name.to_owned();
    }
    let body = serde_json::to_string(&receipt).unwrap_or_default();
    let secret = state.config.webhook_secret.as_bytes();
    let sign = || {
        let now = Utc::now().timestamp();
        vec![(TIMESTAMP_HEADER, now.to_string()), (SIGNATURE_HEADER, signing::sign(secret, now, body.as_bytes()))]
    };
    delivery::deliver(&state.http, &status_callback, &body, sign).await;
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;
    use tokio::sync::mpsc;

    use super::*;
    use crate::integrations::sms::{HttpSms, OutgoingSms, ReceiptError, SmsError, SmsProvider, verify_receipt};

    const KEY: &str = "sms-test-key";
    const SECRET: &str = "sms-test-webhook-secret";
    const LOCAL: ([u8; 4], u16) = ([127, 0, 0, 1], 0);

    /// A provider, and a receiver of its receipts (their headers and bodies) at the returned URL.
    async fn provider(
        stop: &CancellationToken,
    ) -> (SmsSimulator, String, String, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
        let simulator = SmsSimulator::new(SmsSimulatorConfig {
            api_key: SecretString::from(KEY),
            webhook_secret: SECRET.to_owned(),
            receipt_delay: Duration::ZERO,
        });
        let at = simulator.start(SocketAddr::from(LOCAL), stop.clone()).await.expect("starts");
        let (sender, receipts) = mpsc::unbounded_channel();
        let receiver = Router::new().route(
            "/webhooks/sms",
            post(move |headers: HeaderMap, body: Bytes| async move {
                let _ = sender.send((headers, body));
                StatusCode::NO_CONTENT
            }),
        );
        let callback = delivery::serve(receiver, SocketAddr::from(LOCAL), stop.clone()).await.expect("starts");
        (simulator, format!("http://{at}"), format!("http://{callback}/webhooks/sms"), receipts)
    }

    fn sms(to: &str, callback: &str) -> OutgoingSms {
        OutgoingSms {
            to: to.to_owned(),
            body: "Tu código de acceso es 123456".to_owned(),
            reference: Uuid::new_v4(),
            status_callback: callback.to_owned(),
        }
    }

    async fn next_receipt(receipts: &mut mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) -> (HeaderMap, Bytes) {
        tokio::time::timeout(Duration::from_secs(10), receipts.recv()).await.expect("in time").expect("a receipt")
    }

    #[tokio::test]
    async fn the_real_client_sends_and_a_signed_receipt_arrives() {
        let stop = CancellationToken::new();
        let (simulator, base, callback, mut receipts) = provider(&stop).await;
        let client = HttpSms::new(&base, SecretString::from(KEY), "CaaS");
        let message = sms("+34600123456", &callback);
        let sent = client.send(&message).await.expect("taken");
        assert!(sent.provider_id.starts_with("SM"));
        assert_eq!(sent.segments, 1);
        let kept = simulator.messages();
        assert_eq!(kept.len(), 1);
        assert_eq!(
            (kept[0].to.as_str(), kept[0].from.as_str(), kept[0].reference),
            ("+34600123456", "CaaS", message.reference)
        );
        assert_eq!(kept[0].encoding, SmsEncoding::Ucs2, "ó is not in GSM-7");

        let (headers, body) = next_receipt(&mut receipts).await;
        let receipt = verify_receipt(SECRET.as_bytes(), &headers, &body, Utc::now().timestamp()).expect("verifies");
        assert_eq!((receipt.provider_id, receipt.reference), (sent.provider_id, message.reference));
        assert_eq!((receipt.status, receipt.error_code), (ReceiptStatus::Delivered, None));
        let refused = verify_receipt(b"another-secret", &headers, &body, Utc::now().timestamp());
        assert!(matches!(refused, Err(ReceiptError::BadSignature(signing::SignatureError::Mismatch))));
        stop.cancel();
    }

    #[tokio::test]
    async fn unreachable_numbers_get_an_undelivered_receipt() {
        let stop = CancellationToken::new();
        let (simulator, base, callback, mut receipts) = provider(&stop).await;
        simulator.make_unreachable("+447400123456");
        let client = HttpSms::new(&base, SecretString::from(KEY), "CaaS");
        client.send(&sms("+447400123456", &callback)).await.expect("taken");
        let (headers, body) = next_receipt(&mut receipts).await;
        let receipt = verify_receipt(SECRET.as_bytes(), &headers, &body, Utc::now().timestamp()).expect("verifies");
        assert_eq!(receipt.status, ReceiptStatus::Undelivered);
        assert_eq!(receipt.error_code.as_deref(), Some(UNREACHABLE_ERROR_CODE));
        stop.cancel();
    }

    #[tokio::test]
    async fn wrong_keys_invalid_numbers_and_outages_are_told_apart() {
        let stop = CancellationToken::new();
        let (simulator, base, callback, _receipts) = provider(&stop).await;
        let wrong_key = HttpSms::new(&base, SecretString::from("not-the-key"), "CaaS");
        assert_eq!(
            wrong_key.send(&sms("+34600123456", &callback)).await,
            Err(SmsError::Rejected("unauthorized".into()))
        );
        let client = HttpSms::new(&base, SecretString::from(KEY), "CaaS");
        for number in ["600123456", "+34 600 12 34 56", "+34600"] {
            assert_eq!(client.send(&sms(number, &callback)).await, Err(SmsError::InvalidNumber), "{number}");
        }
        simulator.set_unavailable(true);
        assert!(matches!(client.send(&sms("+34600123456", &callback)).await, Err(SmsError::Unavailable(_))));
        simulator.set_unavailable(false);
        assert!(client.send(&sms("+34600123456", &callback)).await.is_ok());
        assert_eq!(simulator.messages().len(), 1);
        stop.cancel();
    }

    #[tokio::test]
    async fn long_texts_are_counted_in_parts() {
        let stop = CancellationToken::new();
        let (simulator, base, callback, _receipts) = provider(&stop).await;
        let client = HttpSms::new(&base, SecretString::from(KEY), "CaaS");
        let long = OutgoingSms { body: "a".repeat(161), ..sms("+34600123456", &callback) };
        assert_eq!(client.send(&long).await.map(|sent| sent.segments), Ok(2));
        let kept = &simulator.messages()[0];
        assert_eq!((kept.encoding, kept.parts.len()), (SmsEncoding::Gsm7, 2));
        stop.cancel();
    }

    #[tokio::test]
    async fn an_unreachable_provider_is_unavailable() {
        let client = HttpSms::new("http://127.0.0.1:1", SecretString::from(KEY), "CaaS");
        let sent = client.send(&sms("+34600123456", "http://127.0.0.1:1/webhooks/sms")).await;
        assert!(matches!(sent, Err(SmsError::Unavailable(_))));
    }
}
