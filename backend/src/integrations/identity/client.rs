//! The OpenID Connect client (the `openidconnect` crate over reqwest with rustls): discovery, the
//! authorization URL, the code exchange and the ID token's checks. The provider's metadata and
//! keys are cached; a token naming a key the cache lacks makes it read them again, once.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, SignatureVerificationError, TokenResponse as _,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::RwLock;

use super::{AuthorizationRequest, IdentityError, IdentityProvider, VerifiedIdentity};
use crate::integrations::unreachable_cause;

const SYSTEM: &str = "the identity provider";
/// How long the provider's keys are trusted before they are read again, so that a key the
/// provider retired stops being accepted.
const KEYS_MAX_AGE_MINUTES: i64 = 5;

/// A client of the provider at an issuer URL, registered with a client id and secret.
pub struct OidcClient {
    issuer: String,
    client_id: String,
    client_secret: SecretString,
    redirect_url: RedirectUrl,
    http: reqwest::Client,
    metadata: RwLock<Option<(CoreProviderMetadata, DateTime<Utc>)>>,
}

impl OidcClient {
    /// A client of the provider at `issuer` that gets its answers at `redirect_url`; nothing is
    /// fetched until the first sign-in.
    pub fn new(issuer: &str, client_id: &str, client_secret: SecretString, redirect_url: &str) -> anyhow::Result<Self> {
        let redirect_url = RedirectUrl::new(redirect_url.to_owned())?;
        IssuerUrl::new(issuer.to_owned())?;
        // The provider's answers are never followed elsewhere (SSRF).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            client_secret,
            redirect_url,
            http,
            metadata: RwLock::new(None),
        })
    }

    /// The provider's metadata and keys: cached while fresh at `now`, or read now (`refresh`
    /// reads them anew).
    async fn metadata(&self, refresh: bool, now: DateTime<Utc>) -> Result<CoreProviderMetadata, IdentityError> {
        if !refresh && let Some((metadata, read_at)) = self.metadata.read().await.as_ref() {
            let fresh = now - *read_at < chrono::Duration::minutes(KEYS_MAX_AGE_MINUTES) && *read_at <= now;
            if fresh {
                return Ok(metadata.clone());
            }
        }
        let issuer = IssuerUrl::new(self.issuer.clone()).map_err(|err| IdentityError::Unavailable(err.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|err| IdentityError::Unavailable(unreachable_cause(SYSTEM, &err)))?;
        *self.metadata.write().await = Some((metadata.clone(), now));
        Ok(metadata)
    }

    fn client(&self, metadata: CoreProviderMetadata) -> OidcCoreClient {
        CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(self.client_secret.expose_secret().to_owned())),
        )
        .set_redirect_uri(self.redirect_url.clone())
    }
}

type OidcCoreClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// Whether the token names a key the cached key set lacks.
fn unknown_key(err: &ClaimsVerificationError) -> bool {
    matches!(err, ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey))
}

fn refusal(err: &ClaimsVerificationError) -> IdentityError {
    match err {
        ClaimsVerificationError::SignatureVerification(_) => IdentityError::Signature,
        ClaimsVerificationError::InvalidAudience(_) => IdentityError::Audience,
        ClaimsVerificationError::InvalidNonce(_) => IdentityError::Nonce,
        ClaimsVerificationError::Expired(_) => IdentityError::Expired,
        other => IdentityError::Invalid(other.to_string()),
    }
}

fn identity(claims: &CoreIdTokenClaims) -> VerifiedIdentity {
    VerifiedIdentity {
        issuer: claims.issuer().as_str().to_owned(),
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|email| email.as_str().to_owned()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims.name().and_then(|name| name.get(None)).map(|name| name.as_str().to_owned()),
        locale: claims.locale().map(|locale| locale.as_str().to_owned()),
    }
}

#[async_trait]
impl IdentityProvider for OidcClient {
    fn issuer(&self) -> &str {
        &self.issuer
    }

    async fn authorization_url(
        &self,
        request: &AuthorizationRequest,
        now: DateTime<Utc>,
    ) -> Result<String, IdentityError> {
        let client = self.client(self.metadata(false, now).await?);
        let verifier = PkceCodeVerifier::new(request.pkce_verifier.clone());
        let (state, nonce) = (request.state.clone(), request.nonce.clone());
        let (url, _, _) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(PkceCodeChallenge::from_code_verifier_sha256(&verifier))
            .url();
        Ok(url.to_string())
    }

    #[tracing::instrument(skip_all)]
    async fn exchange(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<VerifiedIdentity, IdentityError> {
        let client = self.client(self.metadata(false, now).await?);
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|err| IdentityError::Unavailable(unreachable_cause(SYSTEM, &err)))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()));
        let response = request.request_async(&self.http).await.map_err(|err| match err {
            RequestTokenError::ServerResponse(answer) => {
                IdentityError::CodeRejected(answer.error().as_ref().to_owned())
            }
            other => IdentityError::Unavailable(unreachable_cause(SYSTEM, &other)),
        })?;
        let token = response.id_token().ok_or_else(|| IdentityError::Invalid("no ID token in the answer".into()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let checked = {
            let verifier = client.id_token_verifier().set_time_fn(move || now);
            token.claims(&verifier, &nonce).map(identity)
        };
        match checked {
            Ok(identity) => Ok(identity),
            Err(err) if unknown_key(&err) => {
                // The provider may have rotated its keys since they were read.
                tracing::info!("the ID token names an unknown key; reading the provider's keys again");
                let client = self.client(self.metadata(true, now).await?);
                let verifier = client.id_token_verifier().set_time_fn(move || now);
                token.claims(&verifier, &nonce).map(identity).map_err(|err| refusal(&err))
            }
            Err(err) => Err(refusal(&err)),
        }
    }
}
