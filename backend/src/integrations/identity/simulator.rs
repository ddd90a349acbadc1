//! The identity provider simulator: an OpenID Connect provider on a local port with discovery,
//! `/authorize` (a small page to pick a person, or `login_hint` to approve at once), `/token`
//! (client authentication, PKCE, single-use expiring codes), `/jwks` (current and previous keys)
//! and `/userinfo`. Tests steer it: add people, rotate and retire keys, refuse the next sign-in,
//! let codes expire, forge the next ID token.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::keys::SigningKey;
use crate::platform::clock::Clock;

/// The client id the demo registers at the simulator.
pub const DEMO_CLIENT_ID: &str = "caas-web";
/// The client secret of the demo.
pub const DEMO_CLIENT_SECRET: &str = "caas-demo-oidc-client-secret";
/// How long a code is accepted.
const CODE_SECONDS: i64 = 60;

/// A person who can sign in at the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderUser {
    /// The stable id (`sub`).
    pub sub: String,
    /// E-mail address.
    pub email: String,
    /// Whether the provider vouches for the address.
    pub email_verified: bool,
    /// Full name.
    pub name: String,
    /// Language tag, e.g. `de`.
    #[serde(default)]
    pub locale: Option<String>,
}

/// How the next ID token is forged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Forgery {
    /// Signed by an unpublished key under the current key's id.
    WrongSignature,
    /// Issued for another client.
    WrongAudience,
    /// Carrying another nonce.
    WrongNonce,
    /// Expired ten minutes ago.
    Expired,
    /// Signed by the last retired key.
    RetiredKey,
}

/// Behaviour switches, settable at `PUT /control`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IdentityKnobs {
    /// Refuse the next authorization (`access_denied`).
    pub refuse_next: bool,
    /// Codes are expired when redeemed.
    pub expire_codes: bool,
    /// Forge the next ID token.
    pub forge_next: Option<Forgery>,
}

struct PendingCode {
    sub: String,
    client_id: String,
    redirect_uri: String,
    nonce: Option<String>,
    challenge: Option<String>,
    issued_at: chrono::DateTime<chrono::Utc>,
    used: bool,
}

struct Keys {
    current: SigningKey,
    previous: Option<SigningKey>,
    retired: Option<SigningKey>,
}

struct SimState {
    issuer: Mutex<String>,
    client_id: String,
    client_secret: String,
    clock: Arc<dyn Clock>,
    users: Mutex<Vec<ProviderUser>>,
    keys: Mutex<Keys>,
    codes: Mutex<HashMap<String, PendingCode>>,
    access_tokens: Mutex<HashMap<String, String>>,
    knobs: Mutex<IdentityKnobs>,
    key_reads: AtomicUsize,
    refusals: Mutex<Vec<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running identity provider.
#[derive(Clone)]
pub struct IdentitySimulator {
    state: Arc<SimState>,
}

impl IdentitySimulator {
    /// A provider for one client, with the demo's people.
    pub fn new(client_id: &str, client_secret: &str, clock: Arc<dyn Clock>) -> Self {
        let users = vec![ProviderUser {
            sub: "oem-demo-1".into(),
            email: "oem.driver@demo.caas".into(),
            email_verified: true,
            name: "Olivia OEM".into(),
            locale: Some("en".into()),
        }];
        let state = SimState {
            issuer: Mutex::new(String::new()),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            clock,
            users: Mutex::new(users),
            keys: Mutex::new(Keys { current: SigningKey::generate(), previous: None, retired: None }),
            codes: Mutex::new(HashMap::new()),
            access_tokens: Mutex::new(HashMap::new()),
            knobs: Mutex::new(IdentityKnobs::default()),
            key_reads: AtomicUsize::new(0),
            refusals: Mutex::new(Vec::new()),
        };
        Self { state: Arc::new(state) }
    }

    /// Serves the provider on `address` until `stop`; its issuer is `http://` and the bound address.
    pub async fn start(&self, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let bound = listener.local_addr()?;
        *lock(&self.state.issuer) = format!("http://{bound}");
        let router = self.router();
        tokio::spawn(async move {
            let served = axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned()).await;
            if let Err(err) = served {
                tracing::warn!(error = %err, %bound, "the identity provider simulator stopped serving");
            }
        });
        Ok(bound)
    }

    /// The issuer URL (empty until started).
    pub fn issuer(&self) -> String {
        lock(&self.state.issuer).clone()
    }

    /// The HTTP API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/jwks", get(jwks))
            .route("/userinfo", get(userinfo))
            .route("/control", get(get_knobs).put(set_knobs))
            .route("/control/users", post(add_user_http))
            .route("/control/rotate", post(rotate_http))
            .route("/control/retire", post(retire_http))
            .with_state(self.state.clone())
    }

    /// Adds (or replaces, by `sub`) a person.
    pub fn add_user(&self, user: ProviderUser) {
        let mut users = lock(&self.state.users);
        users.retain(|known| known.sub != user.sub);
        users.push(user);
    }

    /// Starts signing with a new key; the current one stays published as the previous key.
    pub fn rotate_keys(&self) {
        let mut keys = lock(&self.state.keys);
        let previous = std::mem::replace(&mut keys.current, SigningKey::generate());
        keys.retired = keys.previous.replace(previous).or(keys.retired.take());
    }

    /// Stops publishing the previous key.
    pub fn retire_previous_key(&self) {
        let mut keys = lock(&self.state.keys);
        if let Some(previous) = keys.previous.take() {
            keys.retired = Some(previous);
        }
    }

    /// Changes the behaviour switches.
    pub fn set_knobs(&self, knobs: IdentityKnobs) {
        *lock(&self.state.knobs) = knobs;
    }

    /// The behaviour switches as they are now (one-shot switches reset once used).
    pub fn knobs(&self) -> IdentityKnobs {
        lock(&self.state.knobs).clone()
    }

    /// Why `/token` refused each code it refused, oldest first (e.g. "the code was used already").
    pub fn token_refusals(&self) -> Vec<String> {
        lock(&self.state.refusals).clone()
    }

    /// How often the key set was read.
    pub fn key_reads(&self) -> usize {
        self.state.key_reads.load(Ordering::SeqCst)
    }
}

async fn discovery(State(state): State<Arc<SimState>>) -> Json<serde_json::Value> {
    let issuer = lock(&state.issuer).clone();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name", "locale"],
    }))
}

/// The query of `/authorize`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    login_hint: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn back_to_client(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is not a URL").into_response();
    };
    url.query_pairs_mut().extend_pairs(params);
    Redirect::to(url.as_str()).into_response()
}

async fn authorize(State(state): State<Arc<SimState>>, Query(query): Query<AuthorizeQuery>) -> Response {
    if query.client_id != state.client_id || query.redirect_uri.is_empty() {
        return (StatusCode::BAD_REQUEST, "unknown client or no redirect_uri").into_response();
    }
    let client_state = query.state.clone().unwrap_or_default();
    if query.response_type != "code" || !query.scope.split(' ').any(|scope| scope == "openid") {
        return back_to_client(
            &query.redirect_uri,
            &[("error", "unsupported_response_type"), ("state", &client_state)],
        );
    }
    if query.code_challenge.is_some() && query.code_challenge_method.as_deref() != Some("S256") {
        return back_to_client(&query.redirect_uri, &[("error", "invalid_request"), ("state", &client_state)]);
    }
    let Some(hint) = query.login_hint.clone() else {
        return choose_page(&state, &query);
    };
    if std::mem::take(&mut lock(&state.knobs).refuse_next) {
        return back_to_client(&query.redirect_uri, &[("error", "access_denied"), ("state", &client_state)]);
    }
    let user = lock(&state.users).iter().find(|user| user.sub == hint || user.email == hint).cloned();
    let Some(user) = user else {
        return choose_page(&state, &query);
    };
    let code = crate::auth::secret::random_token(24);
    let pending = PendingCode {
        sub: user.sub,
        client_id: query.client_id.clone(),
        redirect_uri: query.redirect_uri.clone(),
        nonce: query.nonce.clone(),
        challenge: query.code_challenge.clone(),
        issued_at: state.clock.now(),
        used: false,
    };
    lock(&state.codes).insert(code.clone(), pending);
    back_to_client(&query.redirect_uri, &[("code", &code), ("state", &client_state)])
}

/// A page listing the people, each a button that approves the sign-in as them.
fn choose_page(state: &SimState, query: &AuthorizeQuery) -> Response {
    let carried = [
        ("response_type", Some(query.response_type.clone())),
        ("client_id", Some(query.client_id.clone())),
        ("redirect_uri", Some(query.redirect_uri.clone())),
        ("scope", Some(query.scope.clone())),
        ("state", query.state.clone()),
        ("nonce", query.nonce.clone()),
        ("code_challenge", query.code_challenge.clone()),
        ("code_challenge_method", query.code_challenge_method.clone()),
    ];
    let hidden: String = carried
        .iter()
        .filter_map(|(name, value)| value.as_ref().map(|value| (name, value)))
        .map(|(name, value)| format!(r#"<input type="hidden" name="{name}" value="{}">"#, escape(value)))
        .collect();
    let buttons: String = lock(&state.users)
        .iter()
        .map(|user| {
            format!(
                r#"<button type="submit" name="login_hint" value="{}" data-sub="{}">{} &lt;{}&gt;</button>"#,
                escape(&user.sub),
                escape(&user.sub),
                escape(&user.name),
                escape(&user.email)
            )
        })
        .collect();
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>OEM ID</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}}button,input{{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem}}</style></head>
<body><h1>OEM ID (simulator)</h1><p>Sign in as:</p><form method="get" action="/authorize">{hidden}{buttons}</form>
<form method="get" action="/authorize">{hidden}<label>E-mail or id <input name="login_hint" type="text"></label><button type="submit">Continue</button></form></body></html>"#
    ))
    .into_response()
}

/// The form of `/token`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn token_error(state: &SimState, status: StatusCode, error: &str, description: &str) -> Response {
    lock(&state.refusals).push(description.to_owned());
    (status, Json(json!({ "error": error, "error_description": description }))).into_response()
}

fn form_decode(value: &str) -> String {
    url::form_urlencoded::parse(format!("v={value}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// The client's id and secret from HTTP Basic authentication or the form.
fn client_credentials(headers: &HeaderMap, form: &TokenForm) -> Option<(String, String)> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| pair.split_once(':').map(|(id, secret)| (form_decode(id), form_decode(secret))));
    basic.or_else(|| Some((form.client_id.clone()?, form.client_secret.clone()?)))
}

async fn token(State(state): State<Arc<SimState>>, headers: HeaderMap, Form(form): Form<TokenForm>) -> Response {
    let authenticated = client_credentials(&headers, &form)
        .is_some_and(|(id, secret)| id == state.client_id && secret == state.client_secret);
    if !authenticated {
        return token_error(&state, StatusCode::UNAUTHORIZED, "invalid_client", "client authentication failed");
    }
    if form.grant_type != "authorization_code" {
        return token_error(&state, StatusCode::BAD_REQUEST, "unsupported_grant_type", "only authorization_code");
    }
    let now = state.clock.now();
    let expire_codes = lock(&state.knobs).expire_codes;
    let (sub, nonce) = {
        let mut codes = lock(&state.codes);
        let Some(pending) = codes.get_mut(&form.code) else {
            return token_error(&state, StatusCode::BAD_REQUEST, "invalid_grant", "unknown code");
        };
        if pending.used {
            return token_error(&state, StatusCode::BAD_REQUEST, "invalid_grant", "the code was used already");
        }
        pending.used = true;
        if expire_codes || now - pending.issued_at > Duration::seconds(CODE_SECONDS) {
            return token_error(&state, StatusCode::BAD_REQUEST, "invalid_grant", "the code has expired");
        }
        if pending.client_id != state.client_id || pending.redirect_uri != form.redirect_uri {
            return token_error(
                &state,
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "the code was issued for another redirect",
            );
        }
        if let Some(challenge) = &pending.challenge {
            let verifier = form.code_verifier.clone().unwrap_or_default();
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != *challenge {
                return token_error(&state, StatusCode::BAD_REQUEST, "invalid_grant", "PKCE verification failed");
            }
        }
        (pending.sub.clone(), pending.nonce.clone())
    };
    let Some(user) = lock(&state.users).iter().find(|user| user.sub == sub).cloned() else {
        return token_error(&state, StatusCode::BAD_REQUEST, "invalid_grant", "the person is gone");
    };
    let id_token = id_token(&state, &user, nonce);
    let access_token = crate::auth::secret::random_token(24);
    lock(&state.access_tokens).insert(access_token.clone(), user.sub.clone());
    let body = json!({ "access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token });
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// The ID token for `user`, forged as the knobs say.
fn id_token(state: &SimState, user: &ProviderUser, nonce: Option<String>) -> String {
    let forgery = lock(&state.knobs).forge_next.take();
    let now = state.clock.now();
    let (issued, expires) = match forgery {
        Some(Forgery::Expired) => (now - Duration::minutes(20), now - Duration::minutes(10)),
        _ => (now, now + Duration::minutes(5)),
    };
    let audience = match forgery {
        Some(Forgery::WrongAudience) => "another-client".to_owned(),
        _ => state.client_id.clone(),
    };
    let nonce = match forgery {
        Some(Forgery::WrongNonce) => Some(crate::auth::secret::random_token(16)),
        _ => nonce,
    };
    let mut claims = json!({
        "iss": lock(&state.issuer).clone(),
        "sub": user.sub,
        "aud": audience,
        "iat": issued.timestamp(),
        "exp": expires.timestamp(),
        "auth_time": issued.timestamp(),
        "email": user.email,
        "email_verified": user.email_verified,
        "name": user.name,
    });
    if let Some(nonce) = nonce {
        claims["nonce"] = nonce.into();
    }
    if let Some(locale) = &user.locale {
        claims["locale"] = locale.clone().into();
    }
    let keys = lock(&state.keys);
    match forgery {
        Some(Forgery::WrongSignature) => SigningKey::generate().sign(&keys.current.kid, &claims),
        Some(Forgery::RetiredKey) => {
            let key = keys.retired.as_ref().unwrap_or(&keys.current);
            key.sign(&key.kid, &claims)
        }
        _ => keys.current.sign(&keys.current.kid, &claims),
    }
}

async fn jwks(State(state): State<Arc<SimState>>) -> Json<serde_json::Value> {
    state.key_reads.fetch_add(1, Ordering::SeqCst);
    let keys = lock(&state.keys);
    let published: Vec<serde_json::Value> =
        std::iter::once(&keys.current).chain(keys.previous.as_ref()).map(SigningKey::jwk).collect();
    Json(json!({ "keys": published }))
}

async fn userinfo(State(state): State<Arc<SimState>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    let Some(sub) = lock(&state.access_tokens).get(token).cloned() else {
        return (StatusCode::UNAUTHORIZED, Json(json!({ "error": "invalid_token" }))).into_response();
    };
    let Some(user) = lock(&state.users).iter().find(|user| user.sub == sub).cloned() else {
        return (StatusCode::UNAUTHORIZED, Json(json!({ "error": "invalid_token" }))).into_response();
    };
    Json(json!({
        "sub": user.sub, "email": user.email, "email_verified": user.email_verified, "name": user.name, "locale": user.locale,
    }))
    .into_response()
}

async fn get_knobs(State(state): State<Arc<SimState>>) -> Json<IdentityKnobs> {
    Json(lock(&state.knobs).clone())
}

async fn set_knobs(State(state): State<Arc<SimState>>, Json(knobs): Json<IdentityKnobs>) -> StatusCode {
    *lock(&state.knobs) = knobs;
    StatusCode::NO_CONTENT
}

async fn add_user_http(State(state): State<Arc<SimState>>, Json(user): Json<ProviderUser>) -> StatusCode {
    IdentitySimulator { state }.add_user(user);
    StatusCode::NO_CONTENT
}

async fn rotate_http(State(state): State<Arc<SimState>>) -> StatusCode {
    IdentitySimulator { state }.rotate_keys();
    StatusCode::NO_CONTENT
}

async fn retire_http(State(state): State<Arc<SimState>>) -> StatusCode {
    IdentitySimulator { state }.retire_previous_key();
    StatusCode::NO_CONTENT
}
