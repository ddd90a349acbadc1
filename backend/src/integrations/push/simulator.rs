//! The push service simulator: a browser and its vendor's push service in one. `subscribe` does
//! what `PushManager.subscribe` does (a P-256 key pair and an auth secret on the browser's side, an
//! endpoint at the push service); `POST /push/{id}` checks a message as a real push service does
//! (VAPID per RFC 8292, `aes128gcm` per RFC 8291, a `TTL`) and the "browser" decrypts it, so a
//! test reads exactly what a service worker would. See `docs/integrations/push.md`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::PushSubscription;
use crate::integrations::delivery;

/// The longest a VAPID token may still be valid for (RFC 8292 §2).
const MAX_TOKEN_LIFETIME_SECONDS: i64 = 24 * 3600;

/// A message the "browser" received and decrypted.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedPush {
    /// The decrypted payload (as a JSON string when it was not JSON).
    pub payload: Value,
    /// The `TTL` the sender asked for.
    pub ttl: u32,
    /// The `Urgency` the sender asked for, if any.
    pub urgency: Option<String>,
    /// The VAPID `sub` claim: whom the push service would write to.
    pub vapid_subject: String,
}

struct SimSubscription {
    /// The `applicationServerKey` the subscription was made for, decoded.
    application_server_key: Vec<u8>,
    keys: ece::EcKeyComponents,
    auth: [u8; 16],
    expired: bool,
    received: Vec<ReceivedPush>,
}

#[derive(Default)]
struct SimState {
    /// `http://127.0.0.1:<port>`, once started.
    origin: OnceLock<String>,
    subscriptions: Mutex<HashMap<String, SimSubscription>>,
    rejected: AtomicUsize,
}

/// A running push service with its subscribed "browsers".
#[derive(Clone, Default)]
pub struct PushServiceSimulator {
    state: Arc<SimState>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The subscription id in one of our endpoints.
fn subscription_id(endpoint: &str) -> &str {
    endpoint.rsplit('/').next().unwrap_or_default()
}

impl PushServiceSimulator {
    /// A push service with no subscriptions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `POST /push/{id}` on `address` until `stop`; returns the bound address.
    pub async fn start(&self, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
        let bound = delivery::serve(self.router(), address, stop).await?;
        let _ = self.state.origin.set(format!("http://{bound}"));
        Ok(bound)
    }

    /// The HTTP API: the push endpoints and `POST /control/subscriptions`
    /// (`{"applicationServerKey": …}` → a subscription).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/push/{id}", post(receive))
            .route("/control/subscriptions", post(subscribe_over_http))
            .with_state(self.clone())
    }

    /// Subscribes a new "browser" for the server whose VAPID public key is
    /// `application_server_key` (base64url), as `PushManager.subscribe` would.
    ///
    /// # Panics
    /// Before [`PushServiceSimulator::start`]: the endpoint needs the port.
    pub fn subscribe(&self, application_server_key: &str) -> PushSubscription {
        let origin = self.state.origin.get().expect("the push service simulator is started before anyone subscribes");
        let (keys, auth) = ece::generate_keypair_and_auth_secret().expect("OpenSSL makes P-256 keys");
        let keys = keys.raw_components().expect("a fresh key pair exports");
        let id = Uuid::new_v4().simple().to_string();
        let subscription = PushSubscription {
            endpoint: format!("{origin}/push/{id}"),
            p256dh: URL_SAFE_NO_PAD.encode(keys.public_key()),
            auth: URL_SAFE_NO_PAD.encode(auth),
        };
        let application_server_key = decode(application_server_key).unwrap_or_default();
        let entry = SimSubscription { application_server_key, keys, auth, expired: false, received: Vec::new() };
        lock(&self.state.subscriptions).insert(id, entry);
        subscription
    }

    /// The messages delivered to `endpoint`, oldest first.
    pub fn received(&self, endpoint: &str) -> Vec<ReceivedPush> {
        let subscriptions = lock(&self.state.subscriptions);
        subscriptions.get(subscription_id(endpoint)).map(|sub| sub.received.clone()).unwrap_or_default()
    }

    /// Every message delivered to any subscription.
    pub fn all_received(&self) -> Vec<ReceivedPush> {
        lock(&self.state.subscriptions).values().flat_map(|sub| sub.received.clone()).collect()
    }

    /// The browser unsubscribed or the subscription lapsed: later messages get 410 Gone.
    pub fn expire(&self, endpoint: &str) {
        if let Some(sub) = lock(&self.state.subscriptions).get_mut(subscription_id(endpoint)) {
            sub.expired = true;
        }
    }

    /// How many requests were refused (any answer but 201).
    pub fn rejected(&self) -> usize {
        self.state.rejected.load(Ordering::Relaxed)
    }
}

fn decode(base64url: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(base64url.trim().trim_end_matches('=')).ok()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribeRequest {
    application_server_key: String,
}

async fn subscribe_over_http(
    State(simulator): State<PushServiceSimulator>,
    Json(request): Json<SubscribeRequest>,
) -> (StatusCode, Json<PushSubscription>) {
    (StatusCode::CREATED, Json(simulator.subscribe(&request.application_server_key)))
}

/// A refusal: the status and why, as a push service says it.
type Refusal = (StatusCode, &'static str);

async fn receive(
    State(simulator): State<PushServiceSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let state = &simulator.state;
    let mut subscriptions = lock(&state.subscriptions);
    let accepted = match subscriptions.get_mut(&id) {
        None => Err((StatusCode::NOT_FOUND, "no such subscription")),
        Some(sub) if sub.expired => Err((StatusCode::GONE, "the subscription has expired")),
        Some(sub) => check(state.origin.get().map(String::as_str).unwrap_or_default(), sub, &headers, &body)
            .map(|received| sub.received.push(received)),
    };
    match accepted {
        Ok(()) => (StatusCode::CREATED, [(header::LOCATION, format!("/messages/{}", Uuid::new_v4()))]).into_response(),
        Err((status, reason)) => {
            state.rejected.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(%status, reason, "the push service simulator refused a message");
            (status, reason).into_response()
        }
    }
}

/// Checks a message as a push service and a browser would; what the browser read.
fn check(origin: &str, sub: &SimSubscription, headers: &HeaderMap, body: &[u8]) -> Result<ReceivedPush, Refusal> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
    let (token, key) = text("authorization").and_then(parse_vapid).ok_or((StatusCode::UNAUTHORIZED, "no VAPID"))?;
    if decode(key).is_none_or(|key| key != sub.application_server_key) {
        return Err((StatusCode::FORBIDDEN, "the VAPID key is not the subscription's applicationServerKey"));
    }
    let vapid_subject = verify_token(token, &sub.application_server_key, origin)?;
    if text("content-encoding") != Some("aes128gcm") {
        return Err((StatusCode::BAD_REQUEST, "Content-Encoding must be aes128gcm"));
    }
    let ttl = text("ttl").and_then(|ttl| ttl.parse::<u32>().ok()).ok_or((StatusCode::BAD_REQUEST, "no valid TTL"))?;
    let urgency = text("urgency").map(str::to_owned);
    if urgency.as_deref().is_some_and(|urgency| !["very-low", "low", "normal", "high"].contains(&urgency)) {
        return Err((StatusCode::BAD_REQUEST, "unknown Urgency"));
    }
    let plain = ece::decrypt(&sub.keys, &sub.auth, body).map_err(|_| (StatusCode::BAD_REQUEST, "undecryptable"))?;
    let payload =
        serde_json::from_slice(&plain).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&plain).into_owned()));
    Ok(ReceivedPush { payload, ttl, urgency, vapid_subject })
}

/// `vapid t=<jwt>, k=<key>` → the token and the key.
fn parse_vapid(header: &str) -> Option<(&str, &str)> {
    let (scheme, params) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("vapid") {
        return None;
    }
    let (mut token, mut key) = (None, None);
    for param in params.split(',') {
        match param.trim().split_once('=') {
            Some(("t", value)) => token = Some(value.trim()),
            Some(("k", value)) => key = Some(value.trim()),
            _ => return None,
        }
    }
    token.filter(|token| !token.is_empty()).zip(key.filter(|key| !key.is_empty()))
}

/// Verifies the VAPID JWT against the key: ES256, `aud` the origin, `exp` within 24 h, `sub` a
/// contact URL; returns `sub`.
fn verify_token(token: &str, key: &[u8], origin: &str) -> Result<String, Refusal> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
    let mut validation = Validation::new(Algorithm::ES256);
    // The claims are checked below, strictly and without leeway.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims =
        jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, &DecodingKey::from_ec_der(key), &validation)
            .map_err(|_| (FORBIDDEN, "the VAPID token does not verify with its key"))?
            .claims;
    if claims.get("aud").and_then(Value::as_str) != Some(origin) {
        return Err((FORBIDDEN, "the VAPID audience is not the push service's origin"));
    }
    let now = chrono::Utc::now().timestamp();
    let expires = claims.get("exp").and_then(Value::as_i64).ok_or((FORBIDDEN, "the VAPID token has no expiry"))?;
    if expires <= now || expires > now + MAX_TOKEN_LIFETIME_SECONDS {
        return Err((FORBIDDEN, "the VAPID token has expired or lives longer than 24 hours"));
    }
    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if sub.starts_with("mailto:") || sub.starts_with("https://") => Ok(sub.to_owned()),
        _ => Err((FORBIDDEN, "the VAPID subject is not a mailto: or https: URL")),
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::integrations::push::{PushError, PushMessage, PushService, WebPushClient, generate_vapid_private_key};

    async fn started() -> (PushServiceSimulator, CancellationToken) {
        let simulator = PushServiceSimulator::new();
        let stop = CancellationToken::new();
        simulator.start(SocketAddr::from(([127, 0, 0, 1], 0)), stop.clone()).await.expect("starts");
        (simulator, stop)
    }

    fn client() -> WebPushClient {
        WebPushClient::new(&generate_vapid_private_key(), "mailto:ops@caas.example").expect("client").allow_http()
    }

    fn message() -> PushMessage {
        PushMessage {
            title: "Tu coche está listo".into(),
            body: "Recógelo en el concesionario 🚗".into(),
            url: Some("/orders/42".into()),
            tag: "order-42".into(),
        }
    }

    #[tokio::test]
    async fn the_real_client_delivers_and_the_browser_decrypts_the_same_payload() {
        let (simulator, _stop) = started().await;
        let client = client();
        let subscription = simulator.subscribe(&client.public_key().expect("a key"));
        client.send(&subscription, &message(), 3600).await.expect("delivered");
        let received = simulator.received(&subscription.endpoint);
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].payload, serde_json::to_value(message()).expect("json"));
        assert_eq!((received[0].ttl, received[0].urgency.as_deref()), (3600, Some("normal")));
        assert_eq!(received[0].vapid_subject, "mailto:ops@caas.example");
        assert_eq!(simulator.rejected(), 0);
    }

    #[tokio::test]
    async fn another_vapid_key_than_the_subscriptions_is_rejected() {
        let (simulator, _stop) = started().await;
        let subscription = simulator.subscribe(&client().public_key().expect("a key"));
        let sent = client().send(&subscription, &message(), 60).await;
        assert!(matches!(sent, Err(PushError::Rejected(_))), "{sent:?}");
        assert!(simulator.received(&subscription.endpoint).is_empty());
        assert_eq!(simulator.rejected(), 1);
    }

    #[tokio::test]
    async fn expired_and_unknown_subscriptions_are_gone() {
        let (simulator, _stop) = started().await;
        let client = client();
        let subscription = simulator.subscribe(&client.public_key().expect("a key"));
        simulator.expire(&subscription.endpoint);
        assert_eq!(client.send(&subscription, &message(), 60).await, Err(PushError::Gone));
        let unknown = PushSubscription { endpoint: subscription.endpoint.replace("/push/", "/push/x"), ..subscription };
        assert_eq!(client.send(&unknown, &message(), 60).await, Err(PushError::Gone));
        assert_eq!(simulator.rejected(), 2);
    }

    type Prepared = super::super::client::PreparedPush;

    /// Posts what `prepare` made of a fresh subscription with the real client; the answer's status
    /// and reason, after checking that the simulator counted one refusal and kept nothing.
    async fn post_prepared(prepare: impl FnOnce(&WebPushClient, &PushSubscription) -> Prepared) -> (u16, String) {
        let (simulator, _stop) = started().await;
        let client = client();
        let subscription = simulator.subscribe(&client.public_key().expect("a key"));
        let push = prepare(&client, &subscription);
        let mut request = reqwest::Client::new().post(&push.endpoint).body(push.body);
        for (name, value) in push.headers {
            request = request.header(name, value);
        }
        let answer = request.send().await.expect("answered");
        let status = answer.status().as_u16();
        let reason = answer.text().await.expect("a reason");
        assert!(simulator.received(&subscription.endpoint).is_empty());
        assert_eq!(simulator.rejected(), 1);
        (status, reason)
    }

    fn refused(status: u16, reason: &str) -> (u16, String) {
        (status, reason.to_owned())
    }

    /// The real client's message, changed by `tamper`.
    fn tampered(tamper: impl FnOnce(&mut Prepared)) -> impl FnOnce(&WebPushClient, &PushSubscription) -> Prepared {
        move |client, subscription| {
            let mut push = client.prepare(subscription, &message(), 60).expect("prepared");
            tamper(&mut push);
            push
        }
    }

    fn drop_header(push: &mut Prepared, name: &str) {
        push.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    #[tokio::test]
    async fn a_tampered_body_is_refused() {
        let flip = |push: &mut Prepared| {
            let last = push.body.len() - 1;
            push.body[last] ^= 0x01;
        };
        assert_eq!(post_prepared(tampered(flip)).await, refused(400, "undecryptable"));
    }

    #[tokio::test]
    async fn missing_headers_are_refused() {
        let no_vapid = tampered(|push| drop_header(push, "Authorization"));
        assert_eq!(post_prepared(no_vapid).await, refused(401, "no VAPID"));
        let no_ttl = tampered(|push| drop_header(push, "TTL"));
        assert_eq!(post_prepared(no_ttl).await, refused(400, "no valid TTL"));
        let aesgcm = tampered(|push| {
            drop_header(push, "Content-Encoding");
            push.headers.push(("Content-Encoding", "aesgcm".into()));
        });
        assert_eq!(post_prepared(aesgcm).await, refused(400, "Content-Encoding must be aes128gcm"));
    }

    #[tokio::test]
    async fn a_forged_token_is_forbidden() {
        let forge = tampered(|push| {
            for (name, value) in &mut push.headers {
                if name.eq_ignore_ascii_case("Authorization") {
                    // Other claims under the same signature.
                    let (head, rest) = value.split_once('.').expect("a JWT");
                    let (_, signature_and_key) = rest.split_once('.').expect("a JWT");
                    let claims = URL_SAFE_NO_PAD.encode(br#"{"aud":"http://127.0.0.1:1","exp":4102444800}"#);
                    *value = format!("{head}.{claims}.{signature_and_key}");
                }
            }
        });
        assert_eq!(post_prepared(forge).await, refused(403, "the VAPID token does not verify with its key"));
    }

    #[tokio::test]
    async fn a_token_for_another_push_service_is_forbidden() {
        let elsewhere = |client: &WebPushClient, subscription: &PushSubscription| {
            // Signed for another origin, encrypted for this browser, posted here.
            let other = PushSubscription { endpoint: "http://127.0.0.1:1/push/x".into(), ..subscription.clone() };
            let mut push = client.prepare(&other, &message(), 60).expect("prepared");
            push.endpoint = subscription.endpoint.clone();
            push
        };
        let answer = post_prepared(elsewhere).await;
        assert_eq!(answer, refused(403, "the VAPID audience is not the push service's origin"));
    }

    #[test]
    fn vapid_headers_are_parsed_in_any_order() {
        assert_eq!(parse_vapid("vapid t=a.b.c, k=BKEY"), Some(("a.b.c", "BKEY")));
        assert_eq!(parse_vapid("vapid k=BKEY,t=a.b.c"), Some(("a.b.c", "BKEY")));
        assert_eq!(parse_vapid("WebPush a.b.c"), None);
        assert_eq!(parse_vapid("vapid t=a.b.c"), None);
        assert_eq!(parse_vapid("vapid t=, k=BKEY"), None);
    }
}
