//! One-time password links: a random token e-mailed in a link, stored as its fingerprint, usable
//! once until it expires. An account has at most one live link: issuing one retires the others.

use chrono::{DateTime, Duration, Utc};
use entity::{password_tokens, users};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::app::App;
use crate::auth::secret::fingerprint;
use crate::notifications::dispatcher::PASSWORD_LINK_KEY;

/// Why a link is sent; it decides how long the link lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    /// A first password, for an account made at a sale (`CAAS_PASSWORD_LINK_TTL_HOURS`).
    SetPassword,
    /// A forgotten password (`CAAS_PASSWORD_RESET_TTL_MINUTES`).
    Reset,
}

/// A link just issued: its id and expiry. Its token is derived from the id when the e-mail is sent
/// ([`LinkSigner`](crate::auth::secret::LinkSigner)) and stored nowhere.
#[derive(Clone, Debug)]
pub struct IssuedLink {
    /// The link's id.
    pub id: Uuid,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl IssuedLink {
    /// The expiry as e-mails show it.
    pub fn expires_text(&self) -> String {
        self.expires_at.format("%Y-%m-%d %H:%M UTC").to_string()
    }

    /// What a notification's payload carries for the dispatcher to put the link in the e-mail.
    pub fn payload(&self) -> serde_json::Value {
        let mut payload = serde_json::Map::new();
        payload.insert(PASSWORD_LINK_KEY.to_owned(), self.id.to_string().into());
        payload.insert("expires".to_owned(), self.expires_text().into());
        payload.into()
    }
}

fn lifetime(app: &App, purpose: LinkPurpose) -> Duration {
    match purpose {
        LinkPurpose::SetPassword => Duration::hours(i64::from(app.config.password_link_ttl_hours)),
        LinkPurpose::Reset => Duration::minutes(i64::from(app.config.password_reset_ttl_minutes)),
    }
}

/// Issues a link for `user` and retires every other live link of theirs.
pub async fn issue(
    app: &App,
    db: &impl ConnectionTrait,
    user: &users::Model,
    purpose: LinkPurpose,
) -> Result<IssuedLink, sea_orm::DbErr> {
    let now = app.clock.now();
    retire_live(db, user.id, now).await?;
    let id = Uuid::now_v7();
    let expires_at = now + lifetime(app, purpose);
    password_tokens::ActiveModel {
        id: Set(id),
        user_id: Set(user.id),
        token_hash: Set(fingerprint(&app.link_signer.token(id))),
        expires_at: Set(expires_at),
        created_at: Set(now),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(IssuedLink { id, expires_at })
}

/// Makes every unused, unexpired link of `user_id` expire now.
pub async fn retire_live(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), sea_orm::DbErr> {
    password_tokens::Entity::update_many()
        .col_expr(password_tokens::Column::ExpiresAt, Expr::value(now))
        .filter(password_tokens::Column::UserId.eq(user_id))
        .filter(password_tokens::Column::UsedAt.is_null())
        .filter(password_tokens::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(())
}

/// The newest link of `user_id` issued after `since` that is still live.
pub async fn live_since(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<password_tokens::Model>, sea_orm::DbErr> {
    password_tokens::Entity::find()
        .filter(password_tokens::Column::UserId.eq(user_id))
        .filter(password_tokens::Column::CreatedAt.gt(since))
        .filter(password_tokens::Column::UsedAt.is_null())
        .filter(password_tokens::Column::ExpiresAt.gt(now))
        .order_by_desc(password_tokens::Column::CreatedAt)
        .one(db)
        .await
}

/// The live link whose token is `token`.
pub async fn find_live(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<password_tokens::Model>, sea_orm::DbErr> {
    Ok(password_tokens::Entity::find()
        .filter(password_tokens::Column::TokenHash.eq(fingerprint(token.trim())))
        .one(db)
        .await?
        .filter(|link| link.used_at.is_none() && link.expires_at > now))
}

/// Marks the link used; false when it was used, retired or expired meanwhile. Only one caller can
/// flip `used_at`, so a link works once even when two requests race.
pub async fn claim(db: &impl ConnectionTrait, link_id: Uuid, now: DateTime<Utc>) -> Result<bool, sea_orm::DbErr> {
    let claimed = password_tokens::Entity::update_many()
        .col_expr(password_tokens::Column::UsedAt, Expr::value(now))
        .filter(password_tokens::Column::Id.eq(link_id))
        .filter(password_tokens::Column::UsedAt.is_null())
        .filter(password_tokens::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}
