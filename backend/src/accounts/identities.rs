//! Identities at the OpenID Connect provider and the accounts they sign in to. A ticket from the
//! callback signs in the account its identity is linked to, or creates a customer account for a
//! verified e-mail nobody has. An e-mail that an account has already is linked only after proof —
//! the owner signs in with their password in the same flow, or opens a one-time e-mail link —
//! never silently; an unverified e-mail is never linked nor given a second account.

use chrono::{DateTime, Duration, Utc};
use entity::{NotificationChannel, Role, oidc_sign_ins, regions, user_identities, users};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::service::{NewCustomer, find_or_create_customer};
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::secret::fingerprint;
use crate::auth::{AuthError, Viewer};
use crate::domain::{Email, Locale};
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::notifications::dispatcher::IDENTITY_LINK_KEY;
use crate::notifications::service::notify;
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;
use crate::sessions::service::{Session, start_session, viewer_of};

/// What a ticket leads to.
pub enum TicketOutcome {
    /// The person is signed in.
    SignedIn(Box<Session>),
    /// An account has the identity's e-mail address: its owner must prove it before it is linked.
    LinkRequired {
        /// The account's e-mail address (the identity's own).
        email: String,
    },
}

fn refused(reason: &'static str, message: &str) -> ApiError {
    ApiError::Refused { reason, message: message.to_owned() }
}

fn ticket_invalid() -> ApiError {
    refused("OIDC_TICKET_INVALID", "this sign-in has expired or was used already; start it again")
}

fn subject(id: &Uuid) -> String {
    id.to_string()
}

/// The answered sign-in whose ticket is `ticket`, if it is still live.
async fn live_ticket(app: &App, ticket: &str) -> ApiResult<oidc_sign_ins::Model> {
    let now = app.clock.now();
    oidc_sign_ins::Entity::find()
        .filter(oidc_sign_ins::Column::TicketHash.eq(fingerprint(ticket.trim())))
        .filter(oidc_sign_ins::Column::TicketUsedAt.is_null())
        .filter(oidc_sign_ins::Column::TicketExpiresAt.gt(now))
        .one(&app.db)
        .await?
        .ok_or_else(ticket_invalid)
}

/// Uses the ticket up; refused when another request did first.
async fn claim_ticket(db: &impl ConnectionTrait, sign_in_id: Uuid, now: DateTime<Utc>) -> ApiResult<()> {
    let claimed = oidc_sign_ins::Entity::update_many()
        .col_expr(oidc_sign_ins::Column::TicketUsedAt, Expr::value(now))
        .filter(oidc_sign_ins::Column::Id.eq(sign_in_id))
        .filter(oidc_sign_ins::Column::TicketUsedAt.is_null())
        .filter(oidc_sign_ins::Column::TicketExpiresAt.gt(now))
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ticket_invalid());
    }
    Ok(())
}

fn identity_of(sign_in: &oidc_sign_ins::Model) -> ApiResult<(String, String)> {
    match (&sign_in.issuer, &sign_in.subject) {
        (Some(issuer), Some(subject)) => Ok((issuer.clone(), subject.clone())),
        _ => Err(ticket_invalid()),
    }
}

async fn linked_identity(
    db: &impl ConnectionTrait,
    issuer: &str,
    subject: &str,
) -> ApiResult<Option<user_identities::Model>> {
    Ok(user_identities::Entity::find()
        .filter(user_identities::Column::Issuer.eq(issuer))
        .filter(user_identities::Column::Subject.eq(subject))
        .one(db)
        .await?)
}

async fn live_account(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<users::Model> {
    let user = users::Entity::find_by_id(user_id)
        .filter(users::Column::ErasedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("this account no longer exists".into()))?;
    if user.disabled_at.is_some() {
        return Err(AuthError::AccountDisabled.into());
    }
    Ok(user)
}

/// Links the sign-in's identity to `user`.
async fn link(
    app: &App,
    db: &impl ConnectionTrait,
    sign_in: &oidc_sign_ins::Model,
    user: &users::Model,
) -> ApiResult<user_identities::Model> {
    let (issuer, subject) = identity_of(sign_in)?;
    let now = app.clock.now();
    user_identities::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        issuer: Set(issuer),
        subject: Set(subject),
        email: Set(sign_in.email.clone()),
        created_at: Set(now),
        last_used_at: Set(Some(now)),
    }
    .insert(db)
    .await
    .on_unique_violation("this identity is linked to another account already")
}

async fn signed_in(app: &App, user: users::Model, method: &str) -> ApiResult<Session> {
    let session = start_session(app, user, Uuid::now_v7()).await?;
    let actor = Viewer::User(viewer_of(&session.user));
    let id = subject(&session.user.id);
    audit::record(app, &app.db, &actor, "auth.login", Subject { kind: "user", id: &id }, json!({ "method": method }))
        .await?;
    Ok(session)
}

/// Turns a callback's ticket into a session: the linked account's, or a new customer's.
#[tracing::instrument(skip_all)]
pub async fn redeem_ticket(app: &App, ticket: &str) -> ApiResult<TicketOutcome> {
    let sign_in = live_ticket(app, ticket).await?;
    let (issuer, subject_id) = identity_of(&sign_in)?;
    let now = app.clock.now();
    if let Some(identity) = linked_identity(&app.db, &issuer, &subject_id).await? {
        let user = live_account(&app.db, identity.user_id).await?;
        let txn = begin_write(&app.db).await?;
        claim_ticket(&txn, sign_in.id, now).await?;
        let mut used: user_identities::ActiveModel = identity.into();
        used.last_used_at = Set(Some(now));
        used.update(&txn).await?;
        txn.commit().await?;
        return Ok(TicketOutcome::SignedIn(Box::new(signed_in(app, user, "oidc").await?)));
    }
    let email = sign_in.email.clone().ok_or_else(|| {
        refused(
            "OIDC_EMAIL_MISSING",
            "the identity provider gave no e-mail address, so no account can be found or made",
        )
    })?;
    if !sign_in.email_verified {
        return Err(refused(
            "OIDC_EMAIL_NOT_VERIFIED",
            "the identity provider has not verified this e-mail address; verify it there and try again",
        ));
    }
    let existing = users::Entity::find().filter(users::Column::Email.eq(&email)).one(&app.db).await?;
    if let Some(user) = existing {
        if user.role != Role::Customer || user.erased_at.is_some() {
            return Err(refused(
                "OIDC_NOT_A_CUSTOMER",
                "this e-mail belongs to a staff account, which signs in with its password",
            ));
        }
        let mut pending: oidc_sign_ins::ActiveModel = sign_in.into();
        pending.link_user_id = Set(Some(user.id));
        pending.update(&app.db).await?;
        return Ok(TicketOutcome::LinkRequired { email });
    }
    let user = create_customer(app, &sign_in, &email).await?;
    Ok(TicketOutcome::SignedIn(Box::new(signed_in(app, user, "oidc").await?)))
}

/// A customer account for a verified identity whose e-mail nobody has, linked to it.
async fn create_customer(app: &App, sign_in: &oidc_sign_ins::Model, email: &str) -> ApiResult<users::Model> {
    let email = Email::parse(email).map_err(|_| {
        refused(
            "OIDC_EMAIL_MISSING",
            "the identity provider gave no e-mail address, so no account can be found or made",
        )
    })?;
    let locale = sign_in.locale.as_deref().and_then(Locale::from_tag);
    let region = region_for(app, locale).await?;
    let fallback = email.as_str().split('@').next().unwrap_or("customer").to_owned();
    let name: String = sign_in.name.clone().filter(|name| !name.trim().is_empty()).unwrap_or(fallback);
    let customer = NewCustomer { email, name: name.chars().take(120).collect(), locale, phone: None };
    let txn = begin_write(&app.db).await?;
    claim_ticket(&txn, sign_in.id, app.clock.now()).await?;
    let (user, created) = find_or_create_customer(app, &txn, &customer, region.id, &region.default_locale).await?;
    if !created {
        // Someone took the address meanwhile: never link without proof.
        return Err(ApiError::Conflict("an account with this e-mail was just created; try again".into()));
    }
    link(app, &txn, sign_in, &user).await?;
    let actor = Viewer::User(viewer_of(&user));
    let id = subject(&user.id);
    audit::record(app, &txn, &actor, "account.created", Subject { kind: "user", id: &id }, json!({ "method": "oidc" }))
        .await?;
    txn.commit().await?;
    Ok(user)
}

/// The region whose language is `locale`, else the first by code.
async fn region_for(app: &App, locale: Option<Locale>) -> ApiResult<regions::Model> {
    let all = regions::Entity::find().order_by_asc(regions::Column::Code).all(&app.db).await?;
    let speaking = locale.and_then(|locale| all.iter().find(|region| region.default_locale == locale.tag()));
    speaking.or(all.first()).cloned().ok_or(ApiError::NotFound("region"))
}

/// Links the ticket's identity to the signed-in customer whose account has the identity's
/// verified e-mail address, who has just proved it with their password.
#[tracing::instrument(skip_all)]
pub async fn link_signed_in(app: &App, viewer: &Viewer, ticket: &str) -> ApiResult<users::Model> {
    let me = viewer.user()?;
    let sign_in = live_ticket(app, ticket).await?;
    // Only the account `completeOidcSignIn` found by the identity's verified e-mail address can
    // prove it: a ticket it has not asked proof for (a new or unverified address) links nothing.
    match sign_in.link_user_id {
        Some(owner) if owner == me.id => {}
        Some(_) => {
            return Err(refused(
                "OIDC_OTHER_ACCOUNT",
                "sign in to the account with this identity's e-mail address to link it",
            ));
        }
        None => {
            return Err(refused(
                "OIDC_NOTHING_TO_LINK",
                "no account has this identity's e-mail address; sign in again",
            ));
        }
    }
    let user = live_account(&app.db, me.id).await?;
    if user.role != Role::Customer {
        return Err(refused(
            "OIDC_NOT_A_CUSTOMER",
            "this e-mail belongs to a staff account, which signs in with its password",
        ));
    }
    let txn = begin_write(&app.db).await?;
    claim_ticket(&txn, sign_in.id, app.clock.now()).await?;
    link(app, &txn, &sign_in, &user).await?;
    let id = subject(&user.id);
    let details = json!({ "proof": "password", "issuer": sign_in.issuer });
    audit::record(app, &txn, viewer, "account.identity_linked", Subject { kind: "user", id: &id }, details).await?;
    txn.commit().await?;
    Ok(user)
}

/// E-mails the owner of the account with the ticket's e-mail address a one-time link that links
/// the identity and signs them in. Answers when the link expires.
#[tracing::instrument(skip_all)]
pub async fn send_link(app: &App, ticket: &str) -> ApiResult<DateTime<Utc>> {
    let sign_in = live_ticket(app, ticket).await?;
    let user_id = sign_in.link_user_id.ok_or_else(|| {
        refused("OIDC_NOTHING_TO_LINK", "no account has this identity's e-mail address; sign in again")
    })?;
    let user = live_account(&app.db, user_id).await?;
    let now = app.clock.now();
    let link_id = Uuid::now_v7();
    let expires_at = now + Duration::minutes(i64::from(app.config.password_reset_ttl_minutes));
    let txn = begin_write(&app.db).await?;
    let mut pending: oidc_sign_ins::ActiveModel = sign_in.into();
    pending.link_hash = Set(Some(fingerprint(&app.link_signer.token(link_id))));
    pending.link_expires_at = Set(Some(expires_at));
    pending.update(&txn).await?;
    let mut outbox = Outbox::new();
    let mut payload = json!({
        "name": user.name,
        "provider": app.config.oidc_provider_name,
        "expires": expires_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    });
    payload[IDENTITY_LINK_KEY] = link_id.to_string().into();
    notify(app, &txn, &mut outbox, user.id, "account.identity_link", payload, &[NotificationChannel::Email]).await?;
    let id = subject(&user.id);
    audit::record(
        app,
        &txn,
        &Viewer::Anonymous,
        "account.identity_link_sent",
        Subject { kind: "user", id: &id },
        json!({}),
    )
    .await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(expires_at)
}

/// Links the identity of an e-mailed link to its account and signs its owner in; the link then
/// stops working.
#[tracing::instrument(skip_all)]
pub async fn confirm_link(app: &App, token: &str) -> ApiResult<Session> {
    let now = app.clock.now();
    let hash = fingerprint(token.trim());
    let sign_in = oidc_sign_ins::Entity::find()
        .filter(oidc_sign_ins::Column::LinkHash.eq(&hash))
        .filter(oidc_sign_ins::Column::LinkUsedAt.is_null())
        .filter(oidc_sign_ins::Column::LinkExpiresAt.gt(now))
        .one(&app.db)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let user = live_account(&app.db, sign_in.link_user_id.ok_or(AuthError::LinkInvalid)?).await?;
    let txn = begin_write(&app.db).await?;
    let claimed = oidc_sign_ins::Entity::update_many()
        .col_expr(oidc_sign_ins::Column::LinkUsedAt, Expr::value(now))
        .col_expr(oidc_sign_ins::Column::TicketUsedAt, Expr::value(now))
        .filter(oidc_sign_ins::Column::Id.eq(sign_in.id))
        .filter(oidc_sign_ins::Column::LinkUsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AuthError::LinkInvalid.into());
    }
    link(app, &txn, &sign_in, &user).await?;
    let actor = Viewer::User(viewer_of(&user));
    let id = subject(&user.id);
    let details = json!({ "proof": "email", "issuer": sign_in.issuer });
    audit::record(app, &txn, &actor, "account.identity_linked", Subject { kind: "user", id: &id }, details).await?;
    txn.commit().await?;
    signed_in(app, user, "oidc").await
}

/// Unlinks one of the signed-in user's identities; refused while the account has no password,
/// which would lock its owner out.
#[tracing::instrument(skip_all)]
pub async fn unlink(app: &App, viewer: &Viewer, identity_id: Uuid) -> ApiResult<users::Model> {
    let me = viewer.user()?;
    let identity = user_identities::Entity::find_by_id(identity_id)
        .filter(user_identities::Column::UserId.eq(me.id))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("identity"))?;
    let user = live_account(&app.db, me.id).await?;
    if user.password_hash.is_none() {
        return Err(refused(
            "OIDC_LAST_SIGN_IN",
            "set a password first: without this identity you could not sign in any more",
        ));
    }
    let txn = begin_write(&app.db).await?;
    let details = json!({ "issuer": identity.issuer });
    identity.delete(&txn).await?;
    let id = subject(&user.id);
    audit::record(app, &txn, viewer, "account.identity_unlinked", Subject { kind: "user", id: &id }, details).await?;
    txn.commit().await?;
    Ok(user)
}

/// The identities linked to `user_id`, oldest first.
pub async fn identities_of(app: &App, user_id: Uuid) -> ApiResult<Vec<user_identities::Model>> {
    Ok(user_identities::Entity::find()
        .filter(user_identities::Column::UserId.eq(user_id))
        .order_by_asc(user_identities::Column::CreatedAt)
        .all(&app.db)
        .await?)
}

/// Deletes the sign-ins nothing can use any more (their `state`, ticket and e-mail link all
/// expired), with the claims they kept; answers how many.
pub async fn purge_lapsed_sign_ins(app: &App) -> ApiResult<u64> {
    let now = app.clock.now();
    let lapsed = |column: oidc_sign_ins::Column| Condition::any().add(column.is_null()).add(column.lt(now));
    let purged = oidc_sign_ins::Entity::delete_many()
        .filter(oidc_sign_ins::Column::ExpiresAt.lt(now))
        .filter(lapsed(oidc_sign_ins::Column::TicketExpiresAt))
        .filter(lapsed(oidc_sign_ins::Column::LinkExpiresAt))
        .exec(&app.db)
        .await?;
    Ok(purged.rows_affected)
}
