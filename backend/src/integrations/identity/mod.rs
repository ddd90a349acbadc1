//! The identity provider: OpenID Connect's authorization code flow with PKCE, `state` and `nonce`,
//! whose ID tokens are checked against the provider's published keys (re-read once when a token
//! names a key not yet known, so a key rotation needs no restart).

pub mod client;
pub mod keys;
pub mod simulator;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What the provider needs to start a sign-in in the browser.
#[derive(Clone, Debug)]
pub struct AuthorizationRequest {
    /// The CSRF `state` echoed back to the callback.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier; the provider is sent its SHA-256 challenge.
    pub pkce_verifier: String,
}

/// A person as a verified ID token describes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// The issuer URL.
    pub issuer: String,
    /// The provider's stable id of the person.
    pub subject: String,
    /// Their e-mail address, if the provider gave one.
    pub email: Option<String>,
    /// Whether the provider vouches for the e-mail address.
    pub email_verified: bool,
    /// Their full name, if given.
    pub name: Option<String>,
    /// Their language (a BCP 47 tag), if given.
    pub locale: Option<String>,
}

/// Why no verified identity came back from the provider.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The provider could not be reached or answered nonsense.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the authorization code (used, expired, or not ours).
    #[error("the identity provider refused the code: {0}")]
    CodeRejected(String),
    /// The ID token's signature does not verify with a published key.
    #[error("the ID token's signature is not valid")]
    Signature,
    /// The ID token was issued for another client.
    #[error("the ID token is meant for another client")]
    Audience,
    /// The ID token's nonce is not the one of this sign-in.
    #[error("the ID token's nonce does not match")]
    Nonce,
    /// The ID token has expired.
    #[error("the ID token has expired")]
    Expired,
    /// The ID token is malformed or fails another check (issuer, algorithm).
    #[error("the ID token is not valid: {0}")]
    Invalid(String),
}

/// An OpenID Connect provider.
#[async_trait]
pub trait IdentityProvider: Send + Sync + 'static {
    /// The issuer URL, as identities are stored under it.
    fn issuer(&self) -> &str;

    /// Where to send the browser to sign in (`now` decides whether the cached metadata is fresh).
    async fn authorization_url(
        &self,
        request: &AuthorizationRequest,
        now: DateTime<Utc>,
    ) -> Result<String, IdentityError>;

    /// Exchanges the authorization code for tokens and verifies the ID token at time `now`.
    async fn exchange(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<VerifiedIdentity, IdentityError>;
}
