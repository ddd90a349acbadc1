//! The browser's way through the identity provider: `/auth/oidc/start` keeps a sign-in's `state`,
//! `nonce` and PKCE verifier in the database (single use, expiring, so any instance can finish
//! it) and sends the browser to the provider; `/auth/oidc/callback` exchanges the code, checks the
//! ID token and hands the web app a one-time ticket (or an error code) in the URL fragment. The
//! ticket is turned into a session by [`identities`](super::identities).

use chrono::Duration;
use entity::oidc_sign_ins;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::auth::secret::{fingerprint, random_token};
use crate::integrations::identity::{AuthorizationRequest, IdentityError};

/// How long a sign-in may take at the provider, and how long its ticket then lasts.
pub const SIGN_IN_MINUTES: i64 = 10;
/// The web app's page that finishes a sign-in.
pub const FINISH_PAGE: &str = "/signin/oidc";
/// The longest path the web app may be sent back to.
const MAX_RETURN_TO: usize = 500;

/// Why a sign-in stopped, as the web app is told in `#error=` (it shows each in the user's
/// language).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowError {
    /// No identity provider is configured.
    NotConfigured,
    /// `returnTo` is not a path of this site.
    ReturnTo,
    /// The `state` is unknown, used or expired.
    State,
    /// The person or the provider declined.
    Refused,
    /// The provider refused the code (used twice, or expired).
    Code,
    /// The ID token's signature does not verify.
    Signature,
    /// The ID token is for another client.
    Audience,
    /// The ID token's nonce is not this sign-in's.
    Nonce,
    /// The ID token has expired.
    Expired,
    /// The ID token fails another check.
    Token,
    /// The provider could not be reached.
    Unavailable,
    /// A failure on our side.
    Internal,
}

impl FlowError {
    /// The code in the web app's URL.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotConfigured => "not_configured",
            Self::ReturnTo => "return_to",
            Self::State => "state",
            Self::Refused => "refused",
            Self::Code => "code",
            Self::Signature => "token_signature",
            Self::Audience => "token_audience",
            Self::Nonce => "token_nonce",
            Self::Expired => "token_expired",
            Self::Token => "token_invalid",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

impl From<IdentityError> for FlowError {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::Unavailable(_) => Self::Unavailable,
            IdentityError::CodeRejected(_) => Self::Code,
            IdentityError::Signature => Self::Signature,
            IdentityError::Audience => Self::Audience,
            IdentityError::Nonce => Self::Nonce,
            IdentityError::Expired => Self::Expired,
            IdentityError::Invalid(_) => Self::Token,
        }
    }
}

impl From<sea_orm::DbErr> for FlowError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "a sign-in with the identity provider failed");
        Self::Internal
    }
}

/// `returnTo` when it is a path of this site: it starts with one `/`, and is neither
/// protocol-relative (`//host`) nor odd (backslashes, control characters).
pub fn safe_return_to(return_to: Option<&str>) -> Result<String, FlowError> {
    let Some(path) = return_to.map(str::trim).filter(|path| !path.is_empty()) else {
        return Ok("/".to_owned());
    };
    let odd = path.chars().any(|c| c.is_control() || c == '\\');
    let site_path = path.starts_with('/') && !path.starts_with("//");
    if odd || !site_path || path.len() > MAX_RETURN_TO {
        return Err(FlowError::ReturnTo);
    }
    Ok(path.to_owned())
}

/// Where the web app is sent with `fragment` (already encoded pairs).
fn finish_url(pairs: &[(&str, &str)]) -> String {
    let fragment: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    format!("{FINISH_PAGE}#{fragment}")
}

/// The web app's address for a failed sign-in.
pub fn error_url(error: FlowError, return_to: Option<&str>) -> String {
    let mut pairs = vec![("error", error.code())];
    if let Some(path) = return_to {
        pairs.push(("returnTo", path));
    }
    finish_url(&pairs)
}

/// Starts a sign-in: keeps its secrets and returns the provider's address for the browser.
#[tracing::instrument(skip_all)]
pub async fn start(app: &App, return_to: Option<&str>) -> Result<String, FlowError> {
    let provider = app.integrations.identity.as_ref().ok_or(FlowError::NotConfigured)?;
    let return_to = safe_return_to(return_to)?;
    let request =
        AuthorizationRequest { state: random_token(32), nonce: random_token(32), pkce_verifier: random_token(32) };
    let now = app.clock.now();
    oidc_sign_ins::ActiveModel {
        id: Set(Uuid::now_v7()),
        state_hash: Set(fingerprint(&request.state)),
        nonce: Set(request.nonce.clone()),
        pkce_verifier: Set(request.pkce_verifier.clone()),
        return_to: Set(return_to),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(SIGN_IN_MINUTES)),
        state_used_at: Set(None),
        issuer: Set(None),
        subject: Set(None),
        email: Set(None),
        email_verified: Set(false),
        name: Set(None),
        locale: Set(None),
        ticket_hash: Set(None),
        ticket_expires_at: Set(None),
        ticket_used_at: Set(None),
        link_user_id: Set(None),
        link_hash: Set(None),
        link_expires_at: Set(None),
        link_used_at: Set(None),
    }
    .insert(&app.db)
    .await?;
    Ok(provider.authorization_url(&request, now).await?)
}

/// What the provider sent back to the callback.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The `state` given at the start.
    pub state: Option<String>,
    /// The provider's error, e.g. `access_denied`.
    pub error: Option<String>,
}

/// Finishes the provider's part: the web app's address with a ticket, or with an error code.
#[tracing::instrument(skip_all)]
pub async fn callback(app: &App, query: &CallbackQuery) -> String {
    let Some(state) = query.state.as_deref() else {
        return error_url(FlowError::State, None);
    };
    let sign_in = match claim_state(app, state).await {
        Ok(Some(sign_in)) => sign_in,
        Ok(None) => return error_url(FlowError::State, None),
        Err(err) => return error_url(err, None),
    };
    let return_to = sign_in.return_to.clone();
    match verify(app, &sign_in, query).await {
        Ok(ticket) => finish_url(&[("ticket", &ticket), ("returnTo", &return_to)]),
        Err(err) => {
            let recorded = audit::record(
                app,
                &app.db,
                &Viewer::Anonymous,
                "auth.oidc_refused",
                Subject { kind: "oidc_sign_in", id: &sign_in.id.to_string() },
                json!({ "reason": err.code() }),
            )
            .await;
            if let Err(cause) = recorded {
                tracing::error!(error = %cause, "the refused sign-in could not be audited");
            }
            error_url(err, Some(&return_to))
        }
    }
}

/// Marks the sign-in of `state` as answered; `None` when it is unknown, answered or expired. Only
/// one request can flip it, so a `state` works once.
async fn claim_state(app: &App, state: &str) -> Result<Option<oidc_sign_ins::Model>, FlowError> {
    let now = app.clock.now();
    let hash = fingerprint(state);
    let claimed = oidc_sign_ins::Entity::update_many()
        .col_expr(oidc_sign_ins::Column::StateUsedAt, Expr::value(now))
        .filter(oidc_sign_ins::Column::StateHash.eq(&hash))
        .filter(oidc_sign_ins::Column::StateUsedAt.is_null())
        .filter(oidc_sign_ins::Column::ExpiresAt.gt(now))
        .exec(&app.db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(None);
    }
    Ok(oidc_sign_ins::Entity::find().filter(oidc_sign_ins::Column::StateHash.eq(hash)).one(&app.db).await?)
}

/// Exchanges the code, checks the ID token and keeps its claims behind a new ticket.
async fn verify(app: &App, sign_in: &oidc_sign_ins::Model, query: &CallbackQuery) -> Result<String, FlowError> {
    let provider = app.integrations.identity.as_ref().ok_or(FlowError::NotConfigured)?;
    if query.error.is_some() {
        return Err(FlowError::Refused);
    }
    let code = query.code.as_deref().filter(|code| !code.is_empty()).ok_or(FlowError::Refused)?;
    let identity = provider.exchange(code, &sign_in.pkce_verifier, &sign_in.nonce, app.clock.now()).await?;
    let ticket = random_token(32);
    let now = app.clock.now();
    let mut answered: oidc_sign_ins::ActiveModel = sign_in.clone().into();
    answered.issuer = Set(Some(identity.issuer));
    answered.subject = Set(Some(identity.subject));
    answered.email = Set(identity.email.map(|email| email.trim().to_lowercase()));
    answered.email_verified = Set(identity.email_verified);
    answered.name = Set(identity.name.map(|name| name.chars().take(200).collect()));
    answered.locale = Set(identity.locale.map(|tag| tag.chars().take(16).collect()));
    answered.ticket_hash = Set(Some(fingerprint(&ticket)));
    answered.ticket_expires_at = Set(Some(now + Duration::minutes(SIGN_IN_MINUTES)));
    answered.update(&app.db).await?;
    Ok(ticket)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        assert_eq!(safe_return_to(None), Ok("/".into()));
        assert_eq!(safe_return_to(Some("/orders/42?tab=1")), Ok("/orders/42?tab=1".into()));
        for bad in ["//evil.example", "https://evil.example/", "evil", "/\\evil.example", "/a\nb", "javascript:x"] {
            assert_eq!(safe_return_to(Some(bad)), Err(FlowError::ReturnTo), "{bad}");
        }
    }

    #[test]
    fn errors_reach_the_web_app_as_codes() {
        assert_eq!(error_url(FlowError::Nonce, Some("/a b")), "/signin/oidc#error=token_nonce&returnTo=%2Fa+b");
    }
}
