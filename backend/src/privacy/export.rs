//! Data exports: a person asks for a copy of everything the platform holds about them; a durable
//! job (a row, built at once and again by the periodic task if an instance stopped mid-way) writes
//! one JSON document (docs/api/data-export.md); it can be downloaded by that person only, for
//! `CAAS_EXPORT_LINK_HOURS` (48), then it is deleted. One export per person and UTC day, enforced
//! by a unique key.

use chrono::Duration;
use entity::{
    ExportStatus, NotificationChannel, activations, assistant_conversations, assistant_turns, audit_events, bookings,
    data_exports, invoice_lines, invoices, notification_preferences, notification_settings, notifications, orders,
    partner_vehicle_grants, payment_cards, payments, push_devices, repair_order_lines, repair_orders, telemetry_hourly,
    telemetry_readings, user_identities, users, vehicle_commands, vehicles,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::notifications::service::notify;
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;

/// The version of the document's layout, its first field.
pub const SCHEMA: &str = "caas.data-export/1";

/// Columns never exported: secrets of the platform, not data about the person.
const SECRET_COLUMNS: [&str; 3] = ["password_hash", "token_hash", "approval_token_hash"];

/// Asks for an export of the signed-in person's data. One per UTC day.
pub async fn request(app: &App, viewer: &Viewer) -> ApiResult<data_exports::Model> {
    let user = viewer.user()?;
    let now = app.clock.now();
    let export = data_exports::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        status: Set(ExportStatus::Pending),
        requested_on: Set(now.format("%Y-%m-%d").to_string()),
        requested_at: Set(now),
        finished_at: Set(None),
        expires_at: Set(None),
        token_hash: Set(None),
        document: Set(None),
    }
    .insert(&app.db)
    .await
    .on_unique_violation("you asked for an export today already; you can ask again tomorrow")?;
    let subject = Subject { kind: "user", id: &user.id.to_string() };
    audit::record(app, &app.db, viewer, "privacy.export_request", subject, json!({ "export": export.id })).await?;
    Ok(export)
}

/// The person's exports, newest first (the last 10).
pub async fn exports_of(app: &App, user_id: Uuid) -> ApiResult<Vec<data_exports::Model>> {
    Ok(data_exports::Entity::find()
        .filter(data_exports::Column::UserId.eq(user_id))
        .order_by_desc(data_exports::Column::RequestedAt)
        .limit(10)
        .all(&app.db)
        .await?)
}

/// Builds every export still waiting; how many were finished.
pub async fn build_pending(app: &App) -> ApiResult<usize> {
    let pending = data_exports::Entity::find()
        .filter(data_exports::Column::Status.eq(ExportStatus::Pending))
        .order_by_asc(data_exports::Column::RequestedAt)
        .limit(20)
        .all(&app.db)
        .await?;
    let mut built = 0;
    for export in pending {
        if build(app, export.id).await? {
            built += 1;
        }
    }
    Ok(built)
}

/// Builds export `id` if it is still waiting; whether this call finished it (two instances may
/// try: the one whose update finds it PENDING wins).
pub async fn build(app: &App, id: Uuid) -> ApiResult<bool> {
    let Some(export) = data_exports::Entity::find_by_id(id).one(&app.db).await? else { return Ok(false) };
    if export.status != ExportStatus::Pending {
        return Ok(false);
    }
    let document = document(app, export.user_id).await?;
    let now = app.clock.now();
    let expires_at = now + Duration::hours(app.config.export_link_hours);
    let txn = begin_write(&app.db).await?;
    let finished = data_exports::Entity::update_many()
        .col_expr(data_exports::Column::Status, Expr::value(ExportStatus::Ready))
        .col_expr(data_exports::Column::Document, Expr::value(document.to_string()))
        .col_expr(data_exports::Column::FinishedAt, Expr::value(now))
        .col_expr(data_exports::Column::ExpiresAt, Expr::value(expires_at))
        .filter(data_exports::Column::Id.eq(id))
        .filter(data_exports::Column::Status.eq(ExportStatus::Pending))
        .exec(&txn)
        .await?;
    if finished.rows_affected != 1 {
        return Ok(false);
    }
    let mut outbox = Outbox::new();
    let payload = json!({ "expires": expires_at.format("%Y-%m-%d %H:%M UTC").to_string() });
    let channels = [NotificationChannel::Email, NotificationChannel::InApp];
    notify(app, &txn, &mut outbox, export.user_id, "privacy.export_ready", payload, &channels).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(true)
}

/// Deletes the documents whose link lapsed; how many.
pub async fn purge_expired(app: &App) -> ApiResult<u64> {
    let purged = data_exports::Entity::update_many()
        .col_expr(data_exports::Column::Status, Expr::value(ExportStatus::Expired))
        .col_expr(data_exports::Column::Document, Expr::value(Option::<String>::None))
        .filter(data_exports::Column::Status.eq(ExportStatus::Ready))
        .filter(data_exports::Column::ExpiresAt.lte(app.clock.now()))
        .exec(&app.db)
        .await?;
    Ok(purged.rows_affected)
}

/// The document of export `id` for `viewer`: their own, ready and not expired. Anyone else's is
/// NOT_FOUND, as is an expired one.
pub async fn download(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<String> {
    let user = viewer.user()?;
    let export = data_exports::Entity::find_by_id(id)
        .filter(data_exports::Column::UserId.eq(user.id))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("export"))?;
    let live = export.expires_at.is_some_and(|expires| expires > app.clock.now());
    match (export.status, export.document) {
        (ExportStatus::Ready, Some(document)) if live => Ok(document),
        (ExportStatus::Pending, _) => Err(ApiError::Conflict("the export is still being put together".into())),
        _ => Err(ApiError::NotFound("export")),
    }
}

/// Rows as JSON objects (every column), without the platform's secrets.
async fn rows<E: EntityTrait>(db: &impl ConnectionTrait, select: sea_orm::Select<E>) -> ApiResult<Vec<Value>> {
    let mut rows = select.into_json().all(db).await?;
    for row in &mut rows {
        if let Some(object) = row.as_object_mut() {
            for column in SECRET_COLUMNS {
                object.remove(column);
            }
        }
    }
    Ok(rows)
}

/// When `user_id`'s ownership of each of their cars began: their first order of it, else when the
/// car was recorded (handed over outside a sale).
async fn owned_cars(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> ApiResult<Vec<(vehicles::Model, chrono::DateTime<chrono::Utc>)>> {
    let cars = vehicles::Entity::find().filter(vehicles::Column::OwnerId.eq(user_id)).all(db).await?;
    let mut owned = Vec::with_capacity(cars.len());
    for car in cars {
        let first_order = orders::Entity::find()
            .filter(orders::Column::CustomerId.eq(user_id))
            .filter(orders::Column::VehicleId.eq(car.id))
            .order_by_asc(orders::Column::CreatedAt)
            .one(db)
            .await?;
        let since = first_order.map_or(car.created_at, |order| order.created_at);
        owned.push((car, since));
    }
    Ok(owned)
}

/// Everything about `user_id`, as one JSON document.
pub async fn document(app: &App, user_id: Uuid) -> ApiResult<Value> {
    let db = &app.db;
    let profile = rows(db, users::Entity::find_by_id(user_id)).await?.into_iter().next().unwrap_or(Value::Null);
    let owned = owned_cars(db, user_id).await?;
    let car_ids: Vec<Uuid> = owned.iter().map(|(car, _)| car.id).collect();
    let mut telemetry = Vec::new();
    let mut telemetry_hours = Vec::new();
    for (car, since) in &owned {
        let readings = telemetry_readings::Entity::find()
            .filter(telemetry_readings::Column::VehicleId.eq(car.id))
            .filter(telemetry_readings::Column::RecordedAt.gte(*since))
            .order_by_asc(telemetry_readings::Column::RecordedAt);
        telemetry.extend(rows(db, readings).await?);
        let hours = telemetry_hourly::Entity::find()
            .filter(telemetry_hourly::Column::VehicleId.eq(car.id))
            .filter(telemetry_hourly::Column::HourStart.gte(since.timestamp()))
            .order_by_asc(telemetry_hourly::Column::HourStart);
        telemetry_hours.extend(rows(db, hours).await?);
    }
    let invoice_rows = rows(db, invoices::Entity::find().filter(invoices::Column::CustomerId.eq(user_id))).await?;
    let invoice_ids: Vec<Uuid> = invoice_rows.iter().filter_map(|row| row["id"].as_str()?.parse().ok()).collect();
    let repair_rows =
        rows(db, repair_orders::Entity::find().filter(repair_orders::Column::CustomerId.eq(user_id))).await?;
    let repair_ids: Vec<Uuid> = repair_rows.iter().filter_map(|row| row["id"].as_str()?.parse().ok()).collect();
    let about_them = Condition::any().add(audit_events::Column::ActorUserId.eq(user_id)).add(
        Condition::all()
            .add(audit_events::Column::SubjectType.eq("user"))
            .add(audit_events::Column::SubjectId.eq(user_id.to_string())),
    );
    let conversation_ids: Vec<Uuid> = assistant_conversations::Entity::find()
        .filter(assistant_conversations::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|conversation| conversation.id)
        .collect();
    Ok(json!({
        "schema": SCHEMA,
        "generatedAt": app.clock.now(),
        "profile": profile,
        "vehicles": rows(db, vehicles::Entity::find().filter(vehicles::Column::Id.is_in(car_ids.clone()))).await?,
        "orders": rows(db, orders::Entity::find().filter(orders::Column::CustomerId.eq(user_id))).await?,
        "payments": rows(db, payments::Entity::find().filter(payments::Column::PayerId.eq(user_id))).await?,
        "paymentCards": rows(db, payment_cards::Entity::find().filter(payment_cards::Column::UserId.eq(user_id))).await?,
        "identities": rows(db, user_identities::Entity::find().filter(user_identities::Column::UserId.eq(user_id))).await?,
        "invoices": invoice_rows,
        "invoiceLines": rows(db, invoice_lines::Entity::find().filter(invoice_lines::Column::InvoiceId.is_in(invoice_ids))).await?,
        "activations": rows(db, activations::Entity::find().filter(activations::Column::PurchasedBy.eq(user_id))).await?,
        "notifications": rows(db, notifications::Entity::find().filter(notifications::Column::UserId.eq(user_id))).await?,
        "bookings": rows(db, bookings::Entity::find().filter(bookings::Column::CustomerId.eq(user_id))).await?,
        "repairOrders": repair_rows,
        "repairOrderLines": rows(db, repair_order_lines::Entity::find().filter(repair_order_lines::Column::RepairOrderId.is_in(repair_ids))).await?,
        "telemetry": { "readings": telemetry, "hourly": telemetry_hours },
        "consents": rows(db, partner_vehicle_grants::Entity::find().filter(partner_vehicle_grants::Column::VehicleId.is_in(car_ids))).await?,
        "pushDevices": rows(db, push_devices::Entity::find().filter(push_devices::Column::UserId.eq(user_id))).await?,
        "notificationPreferences": rows(db, notification_preferences::Entity::find().filter(notification_preferences::Column::UserId.eq(user_id))).await?,
        "notificationSettings": rows(db, notification_settings::Entity::find().filter(notification_settings::Column::UserId.eq(user_id))).await?,
        "vehicleCommands": rows(db, vehicle_commands::Entity::find().filter(vehicle_commands::Column::RequestedBy.eq(user_id))).await?,
        "assistantConversations": rows(db, assistant_conversations::Entity::find().filter(assistant_conversations::Column::UserId.eq(user_id))).await?,
        "assistantTurns": rows(db, assistant_turns::Entity::find().filter(assistant_turns::Column::ConversationId.is_in(conversation_ids)).order_by_asc(assistant_turns::Column::AskedAt)).await?,
        "auditEntries": rows(db, audit_events::Entity::find().filter(about_them).order_by_asc(audit_events::Column::OccurredAt)).await?,
    }))
}
