//! Signing in with the identity provider over GraphQL: whether it is offered, finishing a sign-in
//! with the callback's ticket, linking an identity with proof, and unlinking it.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::user_identities;

use super::graphql::User;
use super::identities::{self, TicketOutcome};
use super::passwords;
use super::sign_in::AuthPayload;
use crate::auth::Allow;
use crate::error::ApiResult;
use crate::graphql::context::{app, parse_id, viewer};
use crate::sessions::service::Session;

/// The identity provider (OpenID Connect) people may sign in with.
pub struct IdentityProviderInfo {
    name: String,
}

#[Object]
impl IdentityProviderInfo {
    /// Its name, for the button: "Sign in with …".
    async fn name(&self) -> &str {
        &self.name
    }

    /// Where the browser goes to start signing in; add `?returnTo=/path` to come back to a page of
    /// this site afterwards.
    async fn start_url(&self) -> &str {
        "/auth/oidc/start"
    }
}

/// An identity at the identity provider, linked to an account.
pub struct LinkedIdentity(pub user_identities::Model);

#[Object]
impl LinkedIdentity {
    /// Stable id, to unlink it.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The provider's issuer URL.
    async fn issuer(&self) -> &str {
        &self.0.issuer
    }

    /// The e-mail address the provider gave when it was linked.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// When it was linked.
    async fn linked_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last used to sign in.
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
}

/// What finishing a sign-in with the identity provider led to: a session, or an account with the
/// same e-mail address that its owner must prove before the identity is linked to it.
pub struct OidcSignIn {
    session: Option<Session>,
    link_email: Option<String>,
}

#[Object]
impl OidcSignIn {
    /// The session, when the person is signed in.
    async fn session(&self) -> Option<AuthPayload> {
        self.session.clone().map(AuthPayload)
    }

    /// Whether an account has this e-mail address already: sign in to it with its password and
    /// call `linkOidcIdentity` with the same ticket, or ask for `sendOidcLinkEmail`.
    async fn link_required(&self) -> bool {
        self.link_email.is_some()
    }

    /// The e-mail address of the account to prove, when a link is required.
    async fn email(&self) -> Option<&str> {
        self.link_email.as_deref()
    }
}

/// Queries about signing in with the identity provider.
#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The identity provider people may sign in with; null when none is configured.
    async fn identity_provider(&self, ctx: &Context<'_>) -> Option<IdentityProviderInfo> {
        let app = app(ctx);
        app.integrations.identity.as_ref().map(|_| IdentityProviderInfo { name: app.config.oidc_provider_name.clone() })
    }
}

/// Mutations of signing in with the identity provider.
#[derive(Default)]
pub struct IdentityMutation;

#[Object]
impl IdentityMutation {
    /// Finishes a sign-in with the identity provider with the one-time `ticket` the web app was
    /// given after the provider: answers a session (an account linked to the identity, or a new
    /// customer account for a verified e-mail nobody has), or that the account with the same
    /// e-mail address must be proved first. The ticket then stays usable for the proof until it
    /// expires.
    async fn complete_oidc_sign_in(&self, ctx: &Context<'_>, ticket: String) -> ApiResult<OidcSignIn> {
        Ok(match identities::redeem_ticket(app(ctx), &ticket).await? {
            TicketOutcome::SignedIn(session) => OidcSignIn { session: Some(*session), link_email: None },
            TicketOutcome::LinkRequired { email } => OidcSignIn { session: None, link_email: Some(email) },
        })
    }

    /// Links the identity of a sign-in's `ticket` to your account, which you have just proved by
    /// signing in with your password (customers).
    #[graphql(guard = "Allow::any_user()")]
    async fn link_oidc_identity(&self, ctx: &Context<'_>, ticket: String) -> ApiResult<User> {
        identities::link_signed_in(app(ctx), viewer(ctx), &ticket).await.map(User)
    }

    /// E-mails the owner of the account with the `ticket`'s e-mail address a one-time link that
    /// links the identity and signs them in. Answers when the link expires.
    async fn send_oidc_link_email(&self, ctx: &Context<'_>, ticket: String) -> ApiResult<DateTime<Utc>> {
        identities::send_link(app(ctx), &ticket).await
    }

    /// Links an identity with the one-time `token` of the e-mailed link, and signs you in.
    async fn confirm_oidc_link(&self, ctx: &Context<'_>, token: String) -> ApiResult<AuthPayload> {
        identities::confirm_link(app(ctx), &token).await.map(AuthPayload)
    }

    /// Unlinks one of your identities at the identity provider; refused while your account has no
    /// password (you could not sign in any more).
    #[graphql(guard = "Allow::any_user()")]
    async fn unlink_identity(&self, ctx: &Context<'_>, id: ID) -> ApiResult<User> {
        let id = parse_id(&id, "id")?;
        identities::unlink(app(ctx), viewer(ctx), id).await.map(User)
    }

    /// Gives your account a first password (one made by signing in with the identity provider has
    /// none). Your other sessions end; the answer is a new session for this one.
    #[graphql(guard = "Allow::any_user()")]
    async fn add_password(&self, ctx: &Context<'_>, password: String) -> ApiResult<AuthPayload> {
        passwords::add_password(app(ctx), viewer(ctx), &password).await.map(AuthPayload)
    }
}
