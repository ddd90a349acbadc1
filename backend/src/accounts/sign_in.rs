//! Signing in over GraphQL: sign-in, token refresh, sign-out and passwords, each answered with the
//! session and its user (an account, so above the `sessions` domain that issues the tokens).

use async_graphql::{Context, Object};

use super::graphql::User;
use super::passwords;
use crate::auth::Allow;
use crate::error::ApiResult;
use crate::graphql::context::{app, client_ip, viewer};
use crate::sessions::service::{self, Session};

/// A signed-in session.
pub struct AuthPayload(pub Session);

#[Object]
impl AuthPayload {
    /// Send as `Authorization: Bearer <accessToken>`.
    async fn access_token(&self) -> &str {
        &self.0.access_token
    }

    /// Seconds until the access token expires.
    async fn expires_in(&self) -> i64 {
        self.0.expires_in
    }

    /// Exchange for a new access token with `refreshToken`; each can be used once.
    async fn refresh_token(&self) -> &str {
        &self.0.refresh_token
    }

    /// The signed-in user.
    async fn user(&self) -> User {
        User(self.0.user.clone())
    }
}

/// Mutations of sessions and passwords.
#[derive(Default)]
pub struct SignInMutation;

#[Object]
impl SignInMutation {
    /// Signs in with an e-mail address, or a VIN meaning its owner, and a password.
    async fn login(&self, ctx: &Context<'_>, identifier: String, password: String) -> ApiResult<AuthPayload> {
        let session = service::login(app(ctx), &identifier, &password, &client_ip(ctx)).await?;
        Ok(AuthPayload(session))
    }

    /// Exchanges a refresh token for a new access token and the next refresh token. Using a refresh
    /// token twice revokes the session.
    async fn refresh_token(&self, ctx: &Context<'_>, refresh_token: String) -> ApiResult<AuthPayload> {
        Ok(AuthPayload(service::refresh(app(ctx), &refresh_token).await?))
    }

    /// Sets your password with the one-time link from your welcome e-mail (or any password
    /// e-mail), ends your other sessions, and signs you in.
    async fn set_password(&self, ctx: &Context<'_>, token: String, password: String) -> ApiResult<AuthPayload> {
        Ok(AuthPayload(passwords::redeem_link(app(ctx), &token, &password).await?))
    }

    /// Asks for an e-mail with a one-time link to choose a new password. The answer is always
    /// `true`, whether or not an account has this address; an account gets at most one such
    /// e-mail every few minutes.
    async fn request_password_reset(&self, ctx: &Context<'_>, email: String) -> ApiResult<bool> {
        passwords::request_reset(app(ctx), &email).await.map(|()| true)
    }

    /// Chooses a new password with the one-time link of a password-reset e-mail, ends every other
    /// session of the account, and signs you in. The link then stops working.
    async fn reset_password(&self, ctx: &Context<'_>, token: String, new_password: String) -> ApiResult<AuthPayload> {
        Ok(AuthPayload(passwords::redeem_link(app(ctx), &token, &new_password).await?))
    }

    /// Changes your password. Your other sessions end; the answer is a new session for this one.
    #[graphql(guard = "Allow::any_user()")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> ApiResult<AuthPayload> {
        let session =
            passwords::change_password(app(ctx), viewer(ctx), &current_password, &new_password, &client_ip(ctx))
                .await?;
        Ok(AuthPayload(session))
    }

    /// Signs out the session of `refreshToken`. Returns whether a session was found.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> ApiResult<bool> {
        Ok(service::logout(app(ctx), &refresh_token).await?)
    }
}
