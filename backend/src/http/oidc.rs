//! The browser's redirects through the identity provider: `GET /auth/oidc/start?returnTo=/path`
//! and `GET /auth/oidc/callback?code&state`. Both answer with a redirect, never an error page: a
//! failure sends the web app its code in the URL fragment, which it shows in the user's language.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use super::HttpState;
use crate::accounts::oidc::{self, CallbackQuery};

/// The query of `/auth/oidc/start`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StartQuery {
    return_to: Option<String>,
}

fn no_store(location: &str) -> Response {
    // A redirect carrying a ticket or provider secrets is never cached or sent on as a referrer.
    ([(header::CACHE_CONTROL, "no-store"), (header::REFERRER_POLICY, "no-referrer")], Redirect::to(location))
        .into_response()
}

/// Starts a sign-in and sends the browser to the provider.
pub async fn start(State(state): State<HttpState>, query: Option<Query<StartQuery>>) -> Response {
    let return_to = query.and_then(|Query(query)| query.return_to);
    match oidc::start(&state.app, return_to.as_deref()).await {
        Ok(location) => no_store(&location),
        Err(err) => no_store(&oidc::error_url(err, None)),
    }
}

/// Where the provider sends the browser back.
pub async fn callback(State(state): State<HttpState>, query: Option<Query<CallbackQuery>>) -> Response {
    let query = query.map(|Query(query)| query).unwrap_or_default();
    no_store(&oidc::callback(&state.app, &query).await)
}
