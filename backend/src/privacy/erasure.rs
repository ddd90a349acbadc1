//! Account erasure: asked for with the password, carried out after `CAAS_ERASURE_GRACE_DAYS` (7)
//! unless cancelled, refused while a car sale or a repair is open. Carrying it out anonymises the
//! account (name, e-mail, phone replaced), leaves a hash of the e-mail as a tombstone so the
//! address is not silently re-used, ends sessions and links, deletes telemetry, notifications,
//! consents, cards and the web app's events, and blanks the person's details wherever a record
//! quoted them. Invoices and payments stay for the legal retention period (8 years in Germany);
//! what they need of the buyer is sealed for the tax authorities (`sealing`).

use chrono::{DateTime, Duration, Utc};
use entity::{
    NotificationChannel, OrderStatus, RepairOrderStatus, account_erasures, assistant_conversations, bookings,
    data_exports, erased_emails, health_alerts, idempotency_keys, invoices, login_failures, notification_preferences,
    notification_settings, notifications, oidc_sign_ins, orders, partner_vehicle_grants, password_tokens,
    payment_cards, push_devices, refresh_tokens, repair_orders, retained_buyers, telemetry_hourly, telemetry_readings,
    user_actions, user_identities, users, vehicle_telemetry, vehicles,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::sealing;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::{Viewer, password};
use crate::error::{ApiError, ApiResult};
use crate::notifications::service::notify;
use crate::platform::db::begin_write;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;

/// Years invoices and payments are kept after the last one (§ 147 AO, Germany).
pub const RETENTION_YEARS: i64 = 8;

/// The name an erased account shows.
pub const ERASED_NAME: &str = "Erased account";

/// Sales that are over: an erasure waits for any other.
const SALE_OVER: [OrderStatus; 2] = [OrderStatus::Delivered, OrderStatus::Cancelled];
/// Repair orders that are over.
const REPAIR_OVER: [RepairOrderStatus; 2] = [RepairOrderStatus::Closed, RepairOrderStatus::Cancelled];

/// The hash kept of an erased address: SHA-256 of the trimmed, lower-case address, hex.
pub fn email_hash(email: &str) -> String {
    hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()))
}

/// Whether `email` belonged to an erased account.
pub async fn was_erased(db: &impl ConnectionTrait, email: &str) -> ApiResult<bool> {
    Ok(erased_emails::Entity::find_by_id(email_hash(email)).one(db).await?.is_some())
}

/// Why the account cannot be erased now, if it cannot.
async fn open_business(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<Option<ApiError>> {
    let open_sales = orders::Entity::find()
        .filter(orders::Column::CustomerId.eq(user_id))
        .filter(orders::Column::Status.is_not_in(SALE_OVER))
        .count(db)
        .await?;
    if open_sales > 0 {
        return Ok(Some(ApiError::Refused {
            reason: "OPEN_SALE",
            message: "a car sale of yours is still open; the account can be erased once it is delivered or cancelled"
                .into(),
        }));
    }
    let open_repairs = repair_orders::Entity::find()
        .filter(repair_orders::Column::CustomerId.eq(user_id))
        .filter(repair_orders::Column::Status.is_not_in(REPAIR_OVER))
        .count(db)
        .await?;
    if open_repairs > 0 {
        return Ok(Some(ApiError::Refused {
            reason: "OPEN_REPAIR",
            message: "a repair of your car is still open; the account can be erased once it is closed".into(),
        }));
    }
    Ok(None)
}

/// Starts the erasure of the signed-in account, confirmed with its password: carried out after
/// the grace period unless cancelled. Asking again while one waits answers the one waiting.
pub async fn request(app: &App, viewer: &Viewer, current_password: &str) -> ApiResult<account_erasures::Model> {
    let me = viewer.user()?;
    let user = users::Entity::find_by_id(me.id).one(&app.db).await?.ok_or(ApiError::NotFound("user"))?;
    if !password::verify(current_password.to_owned(), user.password_hash.clone()).await.map_err(ApiError::from)? {
        return Err(ApiError::bad_input("password", "the password is wrong"));
    }
    if let Some(refusal) = open_business(&app.db, user.id).await? {
        return Err(refusal);
    }
    if let Some(waiting) = pending_of(&app.db, user.id).await? {
        return Ok(waiting);
    }
    let now = app.clock.now();
    let due_at = now + Duration::days(Ord::max(app.config.erasure_grace_days, 0));
    let txn = begin_write(&app.db).await?;
    account_erasures::Entity::delete_by_id(user.id).exec(&txn).await?;
    let erasure = account_erasures::ActiveModel {
        user_id: Set(user.id),
        requested_at: Set(now),
        due_at: Set(due_at),
        cancelled_at: Set(None),
        completed_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let mut outbox = Outbox::new();
    let payload = json!({ "name": user.name, "due": due_at.format("%Y-%m-%d %H:%M UTC").to_string() });
    let channels = [NotificationChannel::Email, NotificationChannel::InApp];
    notify(app, &txn, &mut outbox, user.id, "privacy.erasure_scheduled", payload, &channels).await?;
    let subject = Subject { kind: "user", id: &user.id.to_string() };
    audit::record(app, &txn, viewer, "privacy.erasure_request", subject, json!({ "due": due_at })).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(erasure)
}

/// The erasure of `user_id` waiting to be carried out, if any.
pub async fn pending_of(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<Option<account_erasures::Model>> {
    Ok(account_erasures::Entity::find_by_id(user_id)
        .filter(account_erasures::Column::CancelledAt.is_null())
        .filter(account_erasures::Column::CompletedAt.is_null())
        .one(db)
        .await?)
}

/// Cancels the signed-in person's waiting erasure; the account stays as it is.
pub async fn cancel(app: &App, viewer: &Viewer) -> ApiResult<account_erasures::Model> {
    let me = viewer.user()?;
    let waiting = pending_of(&app.db, me.id).await?.ok_or(ApiError::NotFound("erasure"))?;
    let mut cancelled: account_erasures::ActiveModel = waiting.into();
    cancelled.cancelled_at = Set(Some(app.clock.now()));
    let txn = begin_write(&app.db).await?;
    let cancelled = cancelled.update(&txn).await?;
    let subject = Subject { kind: "user", id: &me.id.to_string() };
    audit::record(app, &txn, viewer, "privacy.erasure_cancel", subject, json!({})).await?;
    txn.commit().await?;
    Ok(cancelled)
}

/// Carries out every erasure that is due; how many. One whose owner opened a sale or a repair
/// since waits a day more.
pub async fn carry_out_due(app: &App) -> ApiResult<usize> {
    let now = app.clock.now();
    let due = account_erasures::Entity::find()
        .filter(account_erasures::Column::CancelledAt.is_null())
        .filter(account_erasures::Column::CompletedAt.is_null())
        .filter(account_erasures::Column::DueAt.lte(now))
        .order_by_asc(account_erasures::Column::DueAt)
        .limit(50)
        .all(&app.db)
        .await?;
    let mut done = 0;
    for erasure in due {
        if open_business(&app.db, erasure.user_id).await?.is_some() {
            let mut later: account_erasures::ActiveModel = erasure.into();
            later.due_at = Set(now + Duration::days(1));
            later.update(&app.db).await?;
            continue;
        }
        erase(app, erasure.user_id, now).await?;
        done += 1;
    }
    Ok(done)
}

/// Anonymises `user_id` in one transaction.
async fn erase(app: &App, user_id: Uuid, now: DateTime<Utc>) -> ApiResult<()> {
    let txn = begin_write(&app.db).await?;
    let user = users::Entity::find_by_id(user_id).one(&txn).await?.ok_or(ApiError::NotFound("user"))?;
    retain_for_invoices(app, &txn, &user).await?;
    erased_emails::Entity::insert(erased_emails::ActiveModel {
        email_hash: Set(email_hash(&user.email)),
        erased_at: Set(now),
    })
    .on_conflict(sea_orm::sea_query::OnConflict::column(erased_emails::Column::EmailHash).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    delete_personal_records(&txn, &user).await?;
    blank_quotes(&txn, &user).await?;
    let mut anonymous: users::ActiveModel = user.clone().into();
    anonymous.name = Set(ERASED_NAME.to_owned());
    anonymous.email = Set(format!("erased-{}@erased.invalid", user.id.simple()));
    anonymous.phone = Set(None);
    anonymous.password_hash = Set(None);
    anonymous.erased_at = Set(Some(now));
    anonymous.update(&txn).await?;
    account_erasures::Entity::update_many()
        .col_expr(account_erasures::Column::CompletedAt, Expr::value(now))
        .filter(account_erasures::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    let subject = Subject { kind: "user", id: &user_id.to_string() };
    audit::record(app, &txn, &Viewer::Anonymous, "privacy.erasure_done", subject, json!({})).await?;
    let mut outbox = Outbox::new();
    outbox.push(DomainEvent::SessionsEnded { user_id });
    outbox.commit(txn, app.events.as_ref()).await?;
    app.sessions.forget_user(user_id);
    Ok(())
}

/// Seals what the person's invoices need for the tax authorities, when there are invoices.
async fn retain_for_invoices(app: &App, txn: &DatabaseTransaction, user: &users::Model) -> ApiResult<()> {
    let last = invoices::Entity::find()
        .filter(invoices::Column::CustomerId.eq(user.id))
        .order_by_desc(invoices::Column::IssuedAt)
        .one(txn)
        .await?;
    let Some(last) = last else { return Ok(()) };
    let record = json!({ "name": user.name, "email": user.email, "phone": user.phone }).to_string();
    let sealed = sealing::seal(&app.config.retention_secret, &record).map_err(ApiError::internal)?;
    retained_buyers::Entity::delete_by_id(user.id).exec(txn).await?;
    retained_buyers::ActiveModel {
        user_id: Set(user.id),
        sealed: Set(sealed),
        retain_until: Set(last.issued_at + Duration::days(365 * RETENTION_YEARS + 2)),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Deletes what exists only for the person: sessions, links, cards, notifications and their
/// channels (push devices, phone, preferences), exports, conversations with the assistant, the
/// web app's events, the telemetry and consents of their cars, failed sign-ins under their address,
/// their identities at the identity provider and the sign-ins through it.
async fn delete_personal_records(txn: &DatabaseTransaction, user: &users::Model) -> ApiResult<()> {
    let id = user.id;
    refresh_tokens::Entity::delete_many().filter(refresh_tokens::Column::UserId.eq(id)).exec(txn).await?;
    password_tokens::Entity::delete_many().filter(password_tokens::Column::UserId.eq(id)).exec(txn).await?;
    payment_cards::Entity::delete_many().filter(payment_cards::Column::UserId.eq(id)).exec(txn).await?;
    notifications::Entity::delete_many().filter(notifications::Column::UserId.eq(id)).exec(txn).await?;
    // Their push devices, text-message phone, quiet hours and channel choices.
    push_devices::Entity::delete_many().filter(push_devices::Column::UserId.eq(id)).exec(txn).await?;
    notification_settings::Entity::delete_many().filter(notification_settings::Column::UserId.eq(id)).exec(txn).await?;
    notification_preferences::Entity::delete_many()
        .filter(notification_preferences::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    data_exports::Entity::delete_many().filter(data_exports::Column::UserId.eq(id)).exec(txn).await?;
    // Their conversations with the assistant, with every question and answer in them.
    assistant_conversations::Entity::delete_many()
        .filter(assistant_conversations::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    user_actions::Entity::delete_many().filter(user_actions::Column::UserId.eq(id)).exec(txn).await?;
    idempotency_keys::Entity::delete_many().filter(idempotency_keys::Column::OwnerId.eq(id)).exec(txn).await?;
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Identifier.eq(user.email.clone()))
        .exec(txn)
        .await?;
    // Their identities at the identity provider are unlinked, so signing in there again makes a
    // new account; the sign-ins under way keep the provider's claims about them.
    user_identities::Entity::delete_many().filter(user_identities::Column::UserId.eq(id)).exec(txn).await?;
    oidc_sign_ins::Entity::delete_many()
        .filter(
            Condition::any()
                .add(oidc_sign_ins::Column::LinkUserId.eq(id))
                .add(oidc_sign_ins::Column::Email.eq(user.email.clone())),
        )
        .exec(txn)
        .await?;
    let cars: Vec<Uuid> = vehicles::Entity::find()
        .select_only()
        .column(vehicles::Column::Id)
        .filter(vehicles::Column::OwnerId.eq(id))
        .into_tuple()
        .all(txn)
        .await?;
    telemetry_readings::Entity::delete_many()
        .filter(telemetry_readings::Column::VehicleId.is_in(cars.clone()))
        .exec(txn)
        .await?;
    telemetry_hourly::Entity::delete_many()
        .filter(telemetry_hourly::Column::VehicleId.is_in(cars.clone()))
        .exec(txn)
        .await?;
    vehicle_telemetry::Entity::delete_many()
        .filter(vehicle_telemetry::Column::VehicleId.is_in(cars.clone()))
        .exec(txn)
        .await?;
    health_alerts::Entity::delete_many().filter(health_alerts::Column::VehicleId.is_in(cars.clone())).exec(txn).await?;
    partner_vehicle_grants::Entity::delete_many()
        .filter(partner_vehicle_grants::Column::VehicleId.is_in(cars))
        .exec(txn)
        .await?;
    bookings::Entity::update_many()
        .col_expr(bookings::Column::ContactName, Expr::value(ERASED_NAME))
        .col_expr(bookings::Column::ContactPhone, Expr::value(""))
        .col_expr(bookings::Column::ContactEmail, Expr::value(""))
        .filter(bookings::Column::CustomerId.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Records that may quote a person in free text or JSON, and what replaces such a record's value.
const QUOTING_COLUMNS: [(&str, &str, QuoteReplacement); 8] = [
    ("audit_events", "details", QuoteReplacement::Json),
    ("idempotency_keys", "response", QuoteReplacement::Null),
    ("manufacturing_events", "payload", QuoteReplacement::Json),
    ("orders", "configuration", QuoteReplacement::Json),
    ("bookings", "notes", QuoteReplacement::Text),
    ("repair_orders", "complaint", QuoteReplacement::Text),
    ("repair_order_events", "note", QuoteReplacement::Text),
    ("support_tickets", "details", QuoteReplacement::Text),
];

#[derive(Clone, Copy)]
enum QuoteReplacement {
    Json,
    Text,
    Null,
}

/// Blanks every value of [`QUOTING_COLUMNS`] that quotes the person's name, e-mail or phone.
async fn blank_quotes(txn: &DatabaseTransaction, user: &users::Model) -> ApiResult<()> {
    let needles: Vec<&str> = [Some(user.name.as_str()), Some(user.email.as_str()), user.phone.as_deref()]
        .into_iter()
        .flatten()
        .filter(|n| n.len() >= 3)
        .collect();
    for (table, column, replacement) in QUOTING_COLUMNS {
        let value: sea_orm::Value = match replacement {
            QuoteReplacement::Json => json!({ "erased": true }).into(),
            QuoteReplacement::Text => "[erased]".into(),
            QuoteReplacement::Null => sea_orm::Value::Json(None),
        };
        for needle in &needles {
            let pattern = format!("%{}%", needle.replace(['%', '_'], ""));
            let quoted = Expr::col(Alias::new(column)).cast_as(Alias::new("TEXT")).like(pattern);
            let update = Query::update()
                .table(Alias::new(table))
                .value(Alias::new(column), value.clone())
                .and_where(quoted)
                .to_owned();
            txn.execute(&update).await?;
        }
    }
    Ok(())
}
