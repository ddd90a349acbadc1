//! Driving a sign-in through the identity provider simulator without a browser: the redirects
//! are followed by hand, so a test can stop, replay or tamper with any step.

use std::collections::HashMap;
use std::time::Duration;

use caas::integrations::identity::simulator::{IdentitySimulator, ProviderUser};
use serde_json::json;

use crate::{GqlResponse, TestApp};

/// The pieces of one sign-in.
pub struct Flow {
    /// The provider's address that `/auth/oidc/start` sent the browser to.
    pub authorize_url: String,
    /// The callback address the provider sent the browser back to (with `code` and `state`).
    pub callback_url: Option<String>,
}

/// A client that shows redirects instead of following them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

async fn location(client: &reqwest::Client, url: &str) -> String {
    let response = client.get(url).send().await.expect("request");
    assert!(response.status().is_redirection(), "{url} answered {} instead of a redirect", response.status());
    response.headers()["location"].to_str().expect("location").to_owned()
}

/// The fragment's pairs of the web app's address, e.g. `ticket`, `error`, `returnTo`.
pub fn fragment(location: &str) -> HashMap<String, String> {
    assert!(location.starts_with("/signin/oidc#"), "not the web app's finishing page: {location}");
    let fragment = location.split_once('#').map(|(_, fragment)| fragment).unwrap_or_default();
    url::form_urlencoded::parse(fragment.as_bytes()).into_owned().collect()
}

/// A person at the provider.
pub fn person(sub: &str, email: &str, verified: bool, name: &str) -> ProviderUser {
    ProviderUser {
        sub: sub.into(),
        email: email.into(),
        email_verified: verified,
        name: name.into(),
        locale: Some("es".into()),
    }
}

impl TestApp {
    /// The identity provider simulator.
    pub fn identity(&self) -> &IdentitySimulator {
        self.simulators.identity.as_ref().expect("the identity provider simulator runs in tests")
    }

    /// Starts a sign-in at `/auth/oidc/start` and returns where it sends the browser (the provider,
    /// or the web app with an error).
    pub async fn oidc_start(&self, return_to: Option<&str>) -> String {
        let mut url = url::Url::parse(&format!("{}/auth/oidc/start", self.address)).expect("url");
        if let Some(path) = return_to {
            url.query_pairs_mut().append_pair("returnTo", path);
        }
        location(&browser(), url.as_str()).await
    }

    /// Starts a sign-in and lets the provider approve it as `login_hint`: the callback address.
    pub async fn oidc_approve(&self, login_hint: &str, return_to: Option<&str>) -> Flow {
        let authorize_url = self.oidc_start(return_to).await;
        let mut url = url::Url::parse(&authorize_url).expect("the provider's address");
        url.query_pairs_mut().append_pair("login_hint", login_hint);
        let callback = location(&browser(), url.as_str()).await;
        Flow { authorize_url, callback_url: Some(callback) }
    }

    /// Follows a callback address; returns the web app's fragment.
    pub async fn oidc_callback(&self, callback_url: &str) -> HashMap<String, String> {
        fragment(&location(&browser(), callback_url).await)
    }

    /// A whole sign-in as `login_hint`, up to the web app's fragment.
    pub async fn oidc_sign_in(&self, login_hint: &str, return_to: Option<&str>) -> HashMap<String, String> {
        let flow = self.oidc_approve(login_hint, return_to).await;
        self.oidc_callback(flow.callback_url.as_deref().expect("callback")).await
    }

    /// Finishes a sign-in with its ticket.
    pub async fn complete_oidc(&self, ticket: &str) -> GqlResponse {
        self.graphql(
            "mutation($t: String!) { completeOidcSignIn(ticket: $t) { linkRequired email session { accessToken user { email name role locale } } } }",
            json!({ "t": ticket }),
        )
        .await
    }
}
