//! The one API client: POST /graphql with the access token; a refresh and one retry when it has
//! expired; every error typed (never shown raw); answers of queries cached in local storage.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::Request;
use graphql_client::GraphQLQuery;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use yew::Callback;

use super::json::{Answer, field, first, text};
use super::ops::{RefreshSession, refresh_session};
use super::persisted;
use super::storage;

const SESSION_KEY: &str = "caas.session";
const CACHE_PREFIX: &str = "caas.cache.";
/// Where `index.html` leaves the requests it started early, keyed by request body.
const PREFETCH_KEY: &str = "caasPrefetch";

/// Why a request failed, as the app can explain it.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No connection to the server.
    Offline,
    /// Signed out (or the session could not be renewed).
    Unauthenticated,
    /// The server refused, with its `extensions.code`, `extensions.reason`, `extensions.field`
    /// and message.
    Server {
        /// e.g. `FORBIDDEN`.
        code: String,
        /// e.g. `MAINTENANCE_OVERDUE`.
        reason: Option<String>,
        /// The input at fault, e.g. `vin`.
        field: Option<String>,
        /// The server's explanation (already in the user's language where it matters).
        message: String,
    },
    /// Too many attempts; the server says when to try again.
    RateLimited {
        /// Seconds until another attempt is counted.
        retry_after_seconds: u64,
    },
}

impl ApiError {
    /// A wrong entry in `field`, with the rule it breaks (checked before anything is sent; only
    /// staff forms check amounts and choices themselves).
    #[cfg(any(feature = "staff", test))]
    pub fn field(field: &str, message: String) -> Self {
        Self::Server { code: "BAD_USER_INPUT".into(), reason: None, field: Some(field.to_owned()), message }
    }

    /// The input at fault, when the error names one.
    pub fn field_name(&self) -> Option<&str> {
        match self {
            Self::Server { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// A short code for the error: the server's reason, else its code. The app explains it in the
    /// user's language (`i18n::reason_text`) and keeps it with refused queued purchases.
    pub fn code(&self) -> String {
        match self {
            Self::Offline => "OFFLINE".into(),
            Self::Unauthenticated => "UNAUTHENTICATED".into(),
            Self::Server { code, reason, .. } => reason.clone().unwrap_or_else(|| code.clone()),
            Self::RateLimited { .. } => "RATE_LIMITED".into(),
        }
    }
}

/// The tokens of a signed-in session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// Short-lived JWT.
    pub access: String,
    /// Single-use refresh token.
    pub refresh: String,
}

/// A new session's tokens: the answer of a sign-in, of a password set or changed, of a refresh.
impl Answer for Tokens {
    fn read(data: &wasm_bindgen::JsValue) -> Option<Self> {
        let session = first(data);
        Some(Self { access: text(&session, "accessToken"), refresh: text(&session, "refreshToken") })
            .filter(|tokens| !tokens.access.is_empty())
    }
}

/// The claims of an access token the app uses.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Claims {
    /// CUSTOMER, DEALER, WORKSHOP, SUPPORT or ADMIN.
    pub role: String,
    /// The user's language tag.
    pub loc: String,
}

/// The client, shared through the app's context.
#[derive(Clone)]
pub struct Api {
    tokens: Rc<RefCell<Option<Tokens>>>,
    on_session_change: Callback<bool>,
    on_connectivity: Callback<bool>,
}

impl PartialEq for Api {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.tokens, &other.tokens)
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
    #[serde(default)]
    extensions: ErrorExtensions,
}

#[derive(Default, Deserialize)]
struct ErrorExtensions {
    code: Option<String>,
    reason: Option<String>,
    field: Option<String>,
    #[serde(rename = "retryAfterSeconds")]
    retry_after_seconds: Option<u64>,
}

fn internal() -> ApiError {
    ApiError::Server { code: "INTERNAL".into(), reason: None, field: None, message: String::new() }
}

/// Parses the `data` text of an operation into its type.
pub fn parse<T: DeserializeOwned>(data: &str) -> Result<T, ApiError> {
    super::json::from_text(data).ok_or_else(internal)
}

/// Reads the `data` text of an operation as the shared answer type `T`.
pub fn parse_answer<T: Answer>(data: &str) -> Result<T, ApiError> {
    super::json::answer_from_text(data).ok_or_else(internal)
}

/// The request body of `Q` with `variables`.
pub fn body<Q: GraphQLQuery>(variables: Q::Variables) -> String {
    serde_json::to_string(&Q::build_query(variables)).unwrap_or_default()
}

/// The request body of the operation `name` (its document `query`, from `ops`) with `variables`
/// the browser writes: for variables whose serializer would cost the first bundle more than the
/// values are worth (decimal numbers, an object the browser already has).
pub fn body_of(query: &str, name: &str, variables: &wasm_bindgen::JsValue) -> String {
    let request = js_sys::Object::new();
    for (key, value) in [("variables", variables.clone()), ("query", query.into()), ("operationName", name.into())] {
        let _ = js_sys::Reflect::set(&request, &key.into(), &value);
    }
    js_sys::JSON::stringify(&request).ok().and_then(|body| body.as_string()).unwrap_or_default()
}

impl Api {
    /// A client restoring the saved session; `on_session_change` hears sign-in/out, and
    /// `on_connectivity` whether the server could be reached.
    pub fn new(on_session_change: Callback<bool>, on_connectivity: Callback<bool>) -> Self {
        let tokens = storage::get::<Tokens>(SESSION_KEY);
        Self { tokens: Rc::new(RefCell::new(tokens)), on_session_change, on_connectivity }
    }

    /// Whether a session was saved by an earlier visit (read before the client exists, so the first
    /// render already knows).
    pub fn session_saved() -> bool {
        storage::get::<Tokens>(SESSION_KEY).is_some()
    }

    /// Whether someone is signed in.
    pub fn signed_in(&self) -> bool {
        self.tokens.borrow().is_some()
    }

    /// The current access token.
    pub fn access_token(&self) -> Option<String> {
        self.tokens.borrow().as_ref().map(|tokens| tokens.access.clone())
    }

    /// Stores a new session.
    pub fn sign_in(&self, access: String, refresh: String) {
        let tokens = Tokens { access, refresh };
        storage::set(SESSION_KEY, &tokens);
        *self.tokens.borrow_mut() = Some(tokens);
        self.on_session_change.emit(true);
    }

    /// Forgets every saved answer: after a change of language they speak the old one.
    pub fn forget_saved_answers() {
        storage::delete_prefixed(CACHE_PREFIX);
    }

    /// Forgets the session and everything cached for it.
    pub fn sign_out(&self) {
        storage::delete(SESSION_KEY);
        Self::forget_saved_answers();
        *self.tokens.borrow_mut() = None;
        self.on_session_change.emit(false);
    }

    /// What the access token says about its holder, read without asking the server: the first
    /// page can be chosen while the profile is still on its way.
    pub fn claims(&self) -> Option<Claims> {
        let token = self.access_token()?;
        let payload = token.split('.').nth(1)?;
        let mut base64: String = payload
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        while !base64.len().is_multiple_of(4) {
            base64.push('=');
        }
        let json = web_sys::window()?.atob(&base64).ok()?;
        parse(&json).ok()
    }

    /// The refresh token, for signing out on the server too.
    pub fn refresh_token(&self) -> Option<String> {
        self.tokens.borrow().as_ref().map(|tokens| tokens.refresh.clone())
    }

    /// Posts a request body; returns the text of the answer's `data`. Not generic, so the HTTP
    /// and error handling exist once in the app, not once per operation.
    async fn post(&self, body: &str) -> Result<String, ApiError> {
        let answer = match take_prefetched(body) {
            Some(prefetched) => prefetched.await,
            None => self.fetch(body).await,
        };
        let Some((status, text)) = answer else {
            self.on_connectivity.emit(false);
            return Err(ApiError::Offline);
        };
        self.interpret(status, &text)
    }

    /// The status and text of the server's answer to `body`, sent as a persisted query when the
    /// browser can hash it (`api::persisted`); `None` without a connection.
    async fn fetch(&self, body: &str) -> Option<(u16, String)> {
        let Some(forms) = persisted::forms_of(body).await else { return self.fetch_body(body).await };
        if let Some(hash_only) = &forms.hash_only {
            let answer = self.fetch_body(hash_only).await?;
            if !persisted::not_found(&answer.1) {
                return Some(answer);
            }
            persisted::unknown(&forms.hash);
        }
        let answer = self.fetch_body(&forms.with_text).await?;
        if answer.0 == 200 {
            persisted::sent(&forms.hash);
        }
        Some(answer)
    }

    /// The status and text of the server's answer to the request body `body`.
    async fn fetch_body(&self, body: &str) -> Option<(u16, String)> {
        let mut request = Request::post("/graphql").header("content-type", "application/json");
        if let Some(token) = self.access_token() {
            request = request.header("authorization", &format!("Bearer {token}"));
        }
        let response = request.body(body.to_owned()).ok()?.send().await.ok()?;
        // A proxy or a server that is starting may answer without a body: that is no connection.
        let text = response.text().await.ok()?;
        Some((response.status(), text))
    }

    /// The `data` text of an answer, or its first error, typed. The browser parses the answer;
    /// `data` goes on as text, which each operation's type reads and the offline cache keeps.
    fn interpret(&self, status: u16, text: &str) -> Result<String, ApiError> {
        let answer = js_sys::JSON::parse(text).ok().filter(|answer| answer.is_object());
        let Some(answer) = answer else {
            let offline = status == 0 || status >= 500;
            self.on_connectivity.emit(!offline);
            return Err(if offline { ApiError::Offline } else { internal() });
        };
        self.on_connectivity.emit(true);
        let errors = field(&answer, "errors");
        let errors: Vec<ErrorBody> =
            if errors.is_object() { serde_wasm_bindgen::from_value(errors).unwrap_or_default() } else { Vec::new() };
        if let Some(error) = errors.into_iter().next() {
            let code = error.extensions.code.unwrap_or_else(|| "INTERNAL".into());
            if code == "UNAUTHENTICATED" {
                return Err(ApiError::Unauthenticated);
            }
            if code == "RATE_LIMITED"
                && let Some(retry_after_seconds) = error.extensions.retry_after_seconds
            {
                return Err(ApiError::RateLimited { retry_after_seconds });
            }
            let (reason, field) = (error.extensions.reason, error.extensions.field);
            return Err(ApiError::Server { code, reason, field, message: error.message });
        }
        let data = field(&answer, "data");
        if !data.is_object() {
            return Err(internal());
        }
        js_sys::JSON::stringify(&data).ok().and_then(|data| data.as_string()).ok_or_else(internal)
    }

    /// Runs a request body; an expired session is renewed once with the refresh token. Returns the
    /// text of `data`.
    pub async fn execute(&self, body: &str) -> Result<String, ApiError> {
        match self.post(body).await {
            Err(ApiError::Unauthenticated) if self.signed_in() => {
                if self.renew().await {
                    self.post(body).await
                } else {
                    self.sign_out();
                    Err(ApiError::Unauthenticated)
                }
            }
            other => other,
        }
    }

    /// Runs an operation (the staff app's: the customer app reads its answers as shared types).
    #[cfg(feature = "staff")]
    pub async fn call<Q: GraphQLQuery>(&self, variables: Q::Variables) -> Result<Q::ResponseData, ApiError>
    where
        Q::ResponseData: DeserializeOwned,
    {
        let data = self.execute(&body::<Q>(variables)).await?;
        parse(&data)
    }

    /// Runs an operation and reads its answer as the shared type `T` (see `api::workshop`).
    pub async fn call_as<Q: GraphQLQuery, T: Answer>(&self, variables: Q::Variables) -> Result<T, ApiError> {
        let data = self.execute(&body::<Q>(variables)).await?;
        parse_answer(&data)
    }

    /// Runs an operation whose answer the app does not read (it reloads what it shows instead).
    pub async fn send<Q: GraphQLQuery>(&self, variables: Q::Variables) -> Result<(), ApiError> {
        self.execute(&body::<Q>(variables)).await.map(drop)
    }

    /// The text of a document the API serves to the signed-in user at `path` (e.g. a data
    /// export), asked for with the session's token like any request; an expired session is
    /// renewed once. Refusals come as the API's errors.
    #[cfg(feature = "more")]
    pub async fn document(&self, path: &str) -> Result<String, ApiError> {
        let mut renewed = false;
        loop {
            let mut request = Request::get(path);
            if let Some(token) = self.access_token() {
                request = request.header("authorization", &format!("Bearer {token}"));
            }
            let answer = match request.send().await {
                Ok(response) => response.text().await.ok().map(|text| (response.status(), text)),
                Err(_) => None,
            };
            let Some((status, text)) = answer else {
                self.on_connectivity.emit(false);
                return Err(ApiError::Offline);
            };
            if status == 200 {
                return Ok(text);
            }
            match self.interpret(status, &text) {
                Err(ApiError::Unauthenticated) if !renewed && self.renew().await => renewed = true,
                Err(error) => return Err(error),
                Ok(_) => return Err(internal()),
            }
        }
    }

    async fn renew(&self) -> bool {
        let Some(refresh) = self.refresh_token() else { return false };
        let saved = self.tokens.borrow_mut().take();
        let body = body::<RefreshSession>(refresh_session::Variables { refresh_token: refresh });
        let result = self.post(&body).await.and_then(|data| parse_answer::<Tokens>(&data));
        match result {
            Ok(renewed) => {
                self.sign_in(renewed.access, renewed.refresh);
                true
            }
            Err(ApiError::Offline) => {
                *self.tokens.borrow_mut() = saved;
                false
            }
            Err(_) => false,
        }
    }

    /// The last cached `data` text of a query.
    pub fn cached(key: &str) -> Option<String> {
        storage::text(&format!("{CACHE_PREFIX}{key}"))
    }

    /// Remembers the `data` text of a query for offline use.
    pub fn remember(key: &str, data: &str) {
        storage::set_text(&format!("{CACHE_PREFIX}{key}"), data);
    }
}

/// The answer the page's inline script requested for `body` before the app had loaded (see
/// `index.html`): taken once, so a later identical request goes to the server again.
fn take_prefetched(body: &str) -> Option<impl std::future::Future<Output = Option<(u16, String)>>> {
    let window = web_sys::window()?;
    let prefetched = js_sys::Reflect::get(&window, &PREFETCH_KEY.into()).ok()?;
    let prefetched: &js_sys::Object = prefetched.dyn_ref()?;
    let promise: js_sys::Promise = js_sys::Reflect::get(prefetched, &body.into()).ok()?.dyn_into().ok()?;
    js_sys::Reflect::delete_property(prefetched, &body.into()).ok()?;
    Some(async move {
        // The script answers `[status, text]`, with status 0 when the server could not be reached.
        let answer: js_sys::Array = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
        let status = answer.get(0).as_f64()? as u16;
        (status != 0).then(|| answer.get(1).as_string()).flatten().map(|text| (status, text))
    })
}

#[cfg(test)]
mod tests {
    use super::{ApiError, body};
    use crate::api::ops::{Dashboard, Me, dashboard, me};

    #[test]
    fn index_html_prefetches_exactly_the_dashboards_requests() {
        let html = include_str!("../../index.html");
        for body in [body::<Dashboard>(dashboard::Variables), body::<Me>(me::Variables)] {
            let literal = serde_json::to_string(&body).expect("a string");
            assert!(html.contains(&literal), "index.html must prefetch this body, as written here:\n{literal}");
        }
    }

    #[test]
    fn index_html_registers_a_renewed_push_subscription_with_the_apps_own_operations() {
        let html = include_str!("../../index.html");
        let operations = [
            include_str!("../../graphql/register_push_device.graphql"),
            include_str!("../../graphql/remove_push_device.graphql"),
        ];
        for query in operations {
            let literal = serde_json::to_string(query).expect("a string");
            assert!(html.contains(&literal), "index.html must send this operation, as written here:\n{literal}");
        }
        assert!(html.contains(r#"localStorage.getItem("caas.push")"#), "the registration push.rs keeps");
    }

    #[test]
    fn an_error_is_known_by_its_reason_else_its_code() {
        let refused = ApiError::Server {
            code: "CONFLICT".into(),
            reason: Some("TRIAL_USED".into()),
            field: None,
            message: "m".into(),
        };
        assert_eq!(refused.code(), "TRIAL_USED");
        let denied = ApiError::Server { code: "FORBIDDEN".into(), reason: None, field: None, message: "m".into() };
        assert_eq!(denied.code(), "FORBIDDEN");
        assert_eq!(ApiError::Offline.code(), "OFFLINE");
    }
}
