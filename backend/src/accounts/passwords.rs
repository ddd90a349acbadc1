//! Passwords of accounts: setting one with a one-time link, asking for a reset link, changing it
//! while signed in, and staff sending a customer a fresh set-password link.
//!
//! Using a link or changing the password ends every other session of the account: its refresh
//! tokens are revoked.

use chrono::{DateTime, Duration, Utc};
use entity::{NotificationChannel, Role, orders, users};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::links::{self, LinkPurpose};
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::{AuthError, UserViewer, Viewer, password};
use crate::domain::Email;
use crate::error::{ApiError, ApiResult};
use crate::notifications::service::notify;
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;
use crate::sessions::service::{Session, start_session, viewer_of};
use crate::sessions::{refresh, throttle};

/// Sets a new password with a one-time link (from a welcome, resend or reset e-mail), ends the
/// account's other sessions and signs its owner in. The link then stops working.
#[tracing::instrument(skip_all)]
pub async fn redeem_link(app: &App, token: &str, new_password: &str) -> Result<Session, AuthError> {
    password::check_strength(new_password)?;
    let link = links::find_live(&app.db, token, app.clock.now()).await?.ok_or(AuthError::LinkInvalid)?;
    // Hashing takes a while: done before the write lock is taken, and only for a live link.
    let hash = password::hash(new_password.to_owned()).await?;
    let now = app.clock.now();
    let txn = begin_write(&app.db).await?;
    if !links::claim(&txn, link.id, now).await? {
        return Err(AuthError::LinkInvalid);
    }
    let user = users::Entity::find_by_id(link.user_id)
        .filter(users::Column::ErasedAt.is_null())
        .one(&txn)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let user = replace_password(&txn, user, hash, now).await?;
    let actor = Viewer::User(viewer_of(&user));
    audit::record(app, &txn, &actor, "account.password_set", user_subject(&user.id.to_string()), json!({})).await?;
    txn.commit().await?;
    app.sessions.forget_user(user.id);
    start_session(app, user, Uuid::now_v7()).await
}

/// Stores `hash` as the user's password and ends their sessions and live links.
async fn replace_password(
    db: &impl ConnectionTrait,
    user: users::Model,
    hash: String,
    now: DateTime<Utc>,
) -> Result<users::Model, AuthError> {
    let user_id = user.id;
    let mut changed: users::ActiveModel = user.into();
    changed.password_hash = Set(Some(hash));
    let user = changed.update(db).await?;
    refresh::revoke_all_of_user(db, user_id, now).await?;
    links::retire_live(db, user_id, now).await?;
    Ok(user)
}

fn user_subject(id: &str) -> Subject<'_> {
    Subject { kind: "user", id }
}

/// Sends a password-reset link to the account with `email` if there is one. The caller is told
/// nothing either way: an unknown address runs the same lookups and gets the same answer. An
/// account gets no second e-mail while a link sent less than `CAAS_PASSWORD_RESET_INTERVAL` ago
/// is still live, so the request cannot flood a mailbox.
#[tracing::instrument(skip_all)]
pub async fn request_reset(app: &App, email: &str) -> ApiResult<()> {
    let email = Email::parse(email).map_err(|err| ApiError::bad_input("email", err.to_string()))?;
    let now = app.clock.now();
    let quiet_since = now - Duration::seconds(i64::from(app.config.password_reset_interval_secs));
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let account = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .filter(users::Column::ErasedAt.is_null())
        .one(&txn)
        .await?;
    let user_id = account.as_ref().map_or(Uuid::nil(), |user| user.id);
    let recent = links::live_since(&txn, user_id, quiet_since, now).await?;
    if let Some(user) = account.filter(|_| recent.is_none()) {
        let link = links::issue(app, &txn, &user, LinkPurpose::Reset).await?;
        let payload = link_payload(&user, &link);
        notify(app, &txn, &mut outbox, user.id, "account.password_reset", payload, &[NotificationChannel::Email])
            .await?;
        let user_id = user.id.to_string();
        let subject = user_subject(&user_id);
        audit::record(app, &txn, &Viewer::Anonymous, "account.password_reset_request", subject, json!({})).await?;
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(())
}

/// Changes the signed-in user's password after checking the current one, ends their other
/// sessions and answers a new session for this one. Wrong current passwords count as failed
/// sign-ins of the account, so this cannot be used to guess it.
#[tracing::instrument(skip(app, viewer, current_password, new_password))]
pub async fn change_password(
    app: &App,
    viewer: &Viewer,
    current_password: &str,
    new_password: &str,
    client_ip: &str,
) -> ApiResult<Session> {
    let me = viewer.user()?;
    password::check_strength(new_password)?;
    let user = users::Entity::find_by_id(me.id)
        .filter(users::Column::ErasedAt.is_null())
        .one(&app.db)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("this account no longer exists".into()))?;
    throttle::admit_attempt(app, &user.email, client_ip).await?;
    if !password::verify(current_password.to_owned(), user.password_hash.clone()).await? {
        throttle::forget_expired(app).await?;
        return Err(AuthError::WrongPassword.into());
    }
    let hash = password::hash(new_password.to_owned()).await?;
    let txn = begin_write(&app.db).await?;
    let user = replace_password(&txn, user, hash, app.clock.now()).await?;
    audit::record(app, &txn, viewer, "account.password_change", user_subject(&user.id.to_string()), json!({})).await?;
    txn.commit().await?;
    app.sessions.forget_user(user.id);
    throttle::clear(app, &user.email).await?;
    Ok(start_session(app, user, Uuid::now_v7()).await?)
}

/// Gives a signed-in user without a password (an account made by signing in with the identity
/// provider) a first one; their other sessions end and the answer is a new session for this one.
#[tracing::instrument(skip_all)]
pub async fn add_password(app: &App, viewer: &Viewer, new_password: &str) -> ApiResult<Session> {
    let me = viewer.user()?;
    password::check_strength(new_password)?;
    let user = users::Entity::find_by_id(me.id)
        .filter(users::Column::ErasedAt.is_null())
        .one(&app.db)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("this account no longer exists".into()))?;
    if user.password_hash.is_some() {
        return Err(ApiError::Refused {
            reason: "HAS_PASSWORD",
            message: "this account has a password already; change it with your current one".into(),
        });
    }
    let hash = password::hash(new_password.to_owned()).await?;
    let txn = begin_write(&app.db).await?;
    let user = replace_password(&txn, user, hash, app.clock.now()).await?;
    audit::record(app, &txn, viewer, "account.password_set", user_subject(&user.id.to_string()), json!({})).await?;
    txn.commit().await?;
    app.sessions.forget_user(user.id);
    Ok(start_session(app, user, Uuid::now_v7()).await?)
}

/// Whom staff mean when they ask for a new link.
#[derive(Clone, Debug)]
pub enum CustomerRef {
    /// The account's id.
    Id(Uuid),
    /// The account's e-mail address.
    Email(Email),
}

/// E-mails a customer who has not set a password yet a fresh set-password link; their older
/// links stop working. DEALER staff may do it for customers of their dealership's sales, SUPPORT
/// for any customer. Answers when the new link expires.
#[tracing::instrument(skip_all)]
pub async fn resend_link(app: &App, viewer: &Viewer, customer: CustomerRef) -> ApiResult<DateTime<Utc>> {
    let staff = viewer.user_with_role(&[Role::Dealer, Role::Support])?;
    let txn = begin_write(&app.db).await?;
    let found = match &customer {
        CustomerRef::Id(id) => users::Entity::find_by_id(*id),
        CustomerRef::Email(email) => users::Entity::find().filter(users::Column::Email.eq(email.as_str())),
    };
    let account = found.filter(users::Column::ErasedAt.is_null()).one(&txn).await?;
    let customer = ensure_may_resend(&txn, staff, account).await?;
    if customer.password_hash.is_some() {
        return Err(ApiError::Refused {
            reason: "PASSWORD_SET",
            message: "this customer has set a password already; they can ask for a reset link".into(),
        });
    }
    let mut outbox = Outbox::new();
    let link = links::issue(app, &txn, &customer, LinkPurpose::SetPassword).await?;
    let payload = link_payload(&customer, &link);
    notify(app, &txn, &mut outbox, customer.id, "account.password_link", payload, &[NotificationChannel::Email])
        .await?;
    let customer_id = customer.id.to_string();
    audit::record(app, &txn, viewer, "account.password_link_resend", user_subject(&customer_id), json!({})).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(link.expires_at)
}

/// The customer `staff` may send a link to. A dealer learns nothing about accounts outside their
/// dealership's sales: unknown and foreign customers get the same refusal.
async fn ensure_may_resend(
    db: &impl ConnectionTrait,
    staff: &UserViewer,
    account: Option<users::Model>,
) -> ApiResult<users::Model> {
    match staff.role {
        Role::Support => {
            let account = account.ok_or(ApiError::NotFound("customer"))?;
            if account.role != Role::Customer {
                return Err(ApiError::Forbidden("links are resent to customers only".into()));
            }
            Ok(account)
        }
        Role::Dealer => {
            let refused = || ApiError::Forbidden("this person is not a customer of your dealership".into());
            let (Some(account), Some(dealership_id)) = (account, staff.dealership_id) else {
                return Err(refused());
            };
            let sales = orders::Entity::find()
                .filter(orders::Column::CustomerId.eq(account.id))
                .filter(orders::Column::DealershipId.eq(dealership_id))
                .count(db)
                .await?;
            if sales == 0 || account.role != Role::Customer {
                return Err(refused());
            }
            Ok(account)
        }
        _ => Err(ApiError::Forbidden(format!("not allowed for the role {:?}", staff.role))),
    }
}

/// The payload of a password-link e-mail: the name and the link's id and expiry, never its token.
fn link_payload(user: &users::Model, link: &links::IssuedLink) -> serde_json::Value {
    let mut payload = link.payload();
    payload["name"] = user.name.clone().into();
    payload
}
