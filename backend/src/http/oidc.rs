//! The browser's redirects through the identity provider: `GET /auth/oidc/start?returnTo=/path`
//! and `GET /auth/oidc/callback?code&state`. Both answer with a redirect, never an error page: a
//! failure sends the web app its code in the URL fragment, which it shows in the user's language.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use super::HttpState;
use crate::accounts::oidc::{self, CallbackQuery};

/// The value of `name` in a query string, if given.
fn param(query: Option<&str>, name: &str) -> Option<String> {
    let query = query?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

fn no_store(location: &str) -> Response {
    // A redirect carrying a ticket or provider secrets is never cached or sent on as a referrer.
    ([(header::CACHE_CONTROL, "no-store"), (header::REFERRER_POLICY, "no-referrer")], Redirect::to(location))
        .into_response()
}

/// Starts a sign-in and sends the browser to the provider.
pub async fn start(State(state): State<HttpState>, RawQuery(query): RawQuery) -> Response {
    let return_to = param(query.as_deref(), "returnTo");
    match oidc::start(&state.app, return_to.as_deref()).await {
        Ok(location) => no_store(&location),
        Err(err) => no_store(&oidc::error_url(err, None)),
    }
}

/// Where the provider sends the browser back.
pub async fn callback(State(state): State<HttpState>, RawQuery(query): RawQuery) -> Response {
    let query = query.as_deref();
    let answer =
        CallbackQuery { code: param(query, "code"), state: param(query, "state"), error: param(query, "error") };
    no_store(&oidc::callback(&state.app, &answer).await)
}
