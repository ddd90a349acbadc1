//! Refresh tokens: opaque, stored as fingerprints, rotated on every use.
//!
//! Each sign-in starts a family; refreshing marks the presented token used and issues the next one
//! of the family. Presenting a used token again means it was copied: the whole family is revoked.

use chrono::{DateTime, Duration, Utc};
use entity::refresh_tokens;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::app::App;
use crate::auth::AuthError;
use crate::auth::secret::{fingerprint, random_token};

/// Issues a new refresh token of `family_id` for `user_id`.
pub async fn issue(app: &App, user_id: Uuid, family_id: Uuid) -> Result<String, AuthError> {
    let token = random_token(32);
    let now = app.clock.now();
    refresh_tokens::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        family_id: Set(family_id),
        token_hash: Set(fingerprint(&token)),
        expires_at: Set(now + Duration::days(i64::from(app.config.refresh_token_ttl_days))),
        created_at: Set(now),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&app.db)
    .await?;
    Ok(token)
}

/// A refresh token exchanged for the next one.
pub struct Rotated {
    /// Whose it is.
    pub user_id: Uuid,
    /// Its session.
    pub family_id: Uuid,
    /// The next refresh token.
    pub next: String,
}

/// Exchanges `token` for the next one of its family.
pub async fn rotate(app: &App, token: &str) -> Result<Rotated, AuthError> {
    let now = app.clock.now();
    let stored = find(app, token).await?.ok_or(AuthError::RefreshInvalid)?;
    if stored.revoked_at.is_some() || stored.expires_at <= now {
        return Err(AuthError::RefreshInvalid);
    }
    // Only one caller can flip `used_at` from NULL: a concurrent second use counts as reuse.
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(stored.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(&app.db)
        .await?;
    if claimed.rows_affected != 1 {
        revoke_family(app, stored.family_id).await?;
        tracing::warn!(user_id = %stored.user_id, family_id = %stored.family_id, "refresh token reused; session revoked");
        return Err(AuthError::RefreshReused);
    }
    let next = issue(app, stored.user_id, stored.family_id).await?;
    Ok(Rotated { user_id: stored.user_id, family_id: stored.family_id, next })
}

/// Revokes the family of `token` (sign-out); unknown tokens are ignored.
pub async fn revoke(app: &App, token: &str) -> Result<bool, AuthError> {
    match find(app, token).await? {
        Some(stored) => {
            revoke_family(app, stored.family_id).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Revokes every refresh token of `user_id` (each of their sessions), inside the caller's
/// transaction when `db` is one. Access tokens already issued lapse at their expiry.
pub async fn revoke_all_of_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, AuthError> {
    let revoked = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(revoked.rows_affected)
}

async fn find(app: &App, token: &str) -> Result<Option<refresh_tokens::Model>, AuthError> {
    Ok(refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(fingerprint(token)))
        .one(&app.db)
        .await?)
}

async fn revoke_family(app: &App, family_id: Uuid) -> Result<(), AuthError> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(app.clock.now()))
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&app.db)
        .await?;
    app.sessions.forget_session(family_id);
    Ok(())
}

/// Whether session `family_id` of `user_id` is live: it was not ended (signed out, revoked after
/// reuse, a password change). Its refresh token's expiry does not end the access tokens already
/// issued; they lapse by their own.
pub async fn is_live(app: &App, user_id: Uuid, family_id: Uuid) -> Result<bool, AuthError> {
    let live = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .one(&app.db)
        .await?;
    Ok(live.is_some())
}
