//! Sign-in, token refresh, sign-out, passwords and partner API keys over GraphQL.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{Role, api_keys};
use serde_json::json;

use super::service::{self, Session};
use super::{Allow, Scope, api_keys as keys};
use crate::accounts::graphql::User;
use crate::accounts::passwords;
use crate::audit::{self, Subject};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, client_ip, viewer};

/// A signed-in session.
pub struct AuthPayload(Session);

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

/// A partner API key (without its secret).
pub struct ApiKey(api_keys::Model);

#[Object]
impl ApiKey {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// A name to recognise it by.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The public start of the key, to tell keys apart.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    /// What it may read.
    async fn scopes(&self) -> Vec<Scope> {
        keys::scopes_of(&self.0)
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A key just created, with its secret shown this once.
pub struct CreatedApiKey(keys::CreatedKey);

#[Object]
impl CreatedApiKey {
    /// The stored key.
    async fn api_key(&self) -> ApiKey {
        ApiKey(self.0.model.clone())
    }

    /// The key to give the partner, sent as the `X-Api-Key` header. It is not stored and cannot
    /// be shown again.
    async fn secret(&self) -> &str {
        &self.0.plain_key
    }
}

/// Authentication mutations.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
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

    /// Creates an API key for a partner (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        partner_id: ID,
        name: String,
        scopes: Vec<Scope>,
    ) -> ApiResult<CreatedApiKey> {
        let partner_id = partner_id.parse().map_err(|_| ApiError::bad_input("partnerId", "not a partner id"))?;
        let app = app(ctx);
        let created = keys::create(app, &app.db, partner_id, &name, &scopes, None).await?;
        let subject = Subject { kind: "api_key", id: &created.model.id.to_string() };
        audit::record(app, &app.db, viewer(ctx), "api_key.create", subject, json!({ "scopes": created.model.scopes }))
            .await?;
        Ok(CreatedApiKey(created))
    }

    /// Revokes an API key at once (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ApiKey> {
        let id = id.parse().map_err(|_| ApiError::bad_input("id", "not an API key id"))?;
        let app = app(ctx);
        let revoked = keys::revoke(app, id).await?;
        audit::record(
            app,
            &app.db,
            viewer(ctx),
            "api_key.revoke",
            Subject { kind: "api_key", id: &id.to_string() },
            json!({}),
        )
        .await?;
        Ok(ApiKey(revoked))
    }
}
