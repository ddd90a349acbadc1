//! The factory side of a sale: placing the order once the reservation is paid, and applying the
//! signed status webhooks — each event once, stored in the timeline, never moving an order back.

use entity::{OrderStatus, VehicleStatus, manufacturing_events, orders, vehicle_models, vehicles};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use secrecy::ExposeSecret;
use serde_json::json;
use uuid::Uuid;

use super::lifecycle::{advances, set_status};
use super::notices;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::domain::maintenance::ServiceInterval;
use crate::error::{ApiError, ApiResult};
use crate::integrations::factory::{FactoryError, FactoryEvent, FactoryOrder};
use crate::integrations::signing::{self, SignatureError};
use crate::platform::db::begin_write;
use crate::platform::events::DomainEvent;
use crate::platform::inbox::{first_delivery, wall_clock_now};
use crate::platform::outbox::Outbox;

/// Places the factory order of a reserved sale and records the car the factory will build.
pub async fn place_factory_order(app: &App, viewer: &Viewer, order: orders::Model) -> ApiResult<orders::Model> {
    let model =
        vehicle_models::Entity::find_by_id(order.model_id).one(&app.db).await?.ok_or(ApiError::NotFound("model"))?;
    let request = FactoryOrder {
        order_ref: order.id,
        order_number: order.number.clone(),
        model_code: model.code.clone(),
        configuration: order.configuration.clone(),
    };
    let confirmation = match app.integrations.factory.place_order(&request).await {
        Ok(confirmation) => confirmation,
        Err(err) => {
            let message = err.to_string();
            let mut failed: orders::ActiveModel = order.into();
            failed.last_error = Set(Some(message.chars().take(300).collect()));
            failed.update(&app.db).await?;
            return Err(match err {
                FactoryError::Unavailable(_) => ApiError::Unavailable(message),
                FactoryError::Rejected(_) => ApiError::Conflict(message),
            });
        }
    };
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let now = app.clock.now();
    let (service_due_at, service_due_km) =
        ServiceInterval::new(model.service_interval_months, model.service_interval_km).next_after(now, 0);
    let car = vehicles::ActiveModel {
        id: Set(Uuid::now_v7()),
        vin: Set(confirmation.vin.clone()),
        model_id: Set(order.model_id),
        firmware_version: Set(confirmation.firmware_version.clone()),
        status: Set(VehicleStatus::Reserved),
        owner_id: Set(None),
        dealership_id: Set(Some(order.dealership_id)),
        region_id: Set(order.region_id),
        plate: Set(None),
        color: Set(order.configuration["color"].as_str().unwrap_or("Glacier White").to_owned()),
        mileage_km: Set(0),
        service_due_at: Set(Some(service_due_at)),
        service_due_km: Set(Some(service_due_km)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut placed: orders::ActiveModel = order.into();
    placed.factory_order_ref = Set(Some(confirmation.factory_order_id.clone()));
    placed.vehicle_id = Set(Some(car.id));
    placed.last_error = Set(None);
    let placed = placed.update(&txn).await?;
    // The factory's confirmation is the first entry of the timeline.
    let confirmed = manufacturing_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        order_id: Set(placed.id),
        event_id: Set(format!("confirmation-{}", confirmation.factory_order_id)),
        stage: Set(OrderStatus::Ordered),
        occurred_at: Set(now),
        received_at: Set(now),
        payload: Set(serde_json::to_value(&confirmation).unwrap_or_default()),
    }
    .insert(&txn)
    .await?;
    let placed = set_status(app, &txn, &mut outbox, placed, OrderStatus::Ordered, Some(confirmed.id)).await?;
    notices::tell_customer(
        app,
        &txn,
        &mut outbox,
        &placed,
        "order.stage_reached",
        json!({ "stage": OrderStatus::Ordered }),
    )
    .await?;
    let details = json!({ "factoryOrderId": confirmation.factory_order_id, "vin": confirmation.vin });
    audit::record(
        app,
        &txn,
        viewer,
        "order.factory_order",
        Subject { kind: "order", id: &placed.id.to_string() },
        details,
    )
    .await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(placed)
}

/// Why a factory webhook was not applied.
#[derive(Debug, thiserror::Error)]
pub enum FactoryWebhookError {
    /// Forged, stale or missing signature: 401, nothing changes.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// Not a factory event: 400.
    #[error("the body is not a factory event: {0}")]
    Malformed(String),
    /// We do not know the order (yet): 409, the factory retries.
    #[error("no order matches this event")]
    UnknownOrder,
    /// A failure on our side: 500, the factory retries.
    #[error("internal error: {}", .0.message())]
    Internal(ApiError),
}

impl From<ApiError> for FactoryWebhookError {
    fn from(err: ApiError) -> Self {
        Self::Internal(err)
    }
}

impl From<sea_orm::DbErr> for FactoryWebhookError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.into())
    }
}

/// What became of a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Stored, and the order moved on.
    Advanced,
    /// Stored in the timeline; the order is already further along (or closed).
    Late,
    /// Already applied before.
    Duplicate,
}

/// Verifies and applies a factory webhook.
#[tracing::instrument(skip(app, body, signature))]
pub async fn apply_webhook(
    app: &App,
    timestamp: &str,
    signature: &str,
    body: &[u8],
) -> Result<Applied, FactoryWebhookError> {
    let secret = app.config.factory_secret.expose_secret().as_bytes();
    signing::verify(secret, timestamp, signature, body, wall_clock_now())?;
    let event: FactoryEvent =
        serde_json::from_slice(body).map_err(|err| FactoryWebhookError::Malformed(err.to_string()))?;
    let txn = begin_write(&app.db).await?;
    let Some(order) = orders::Entity::find_by_id(event.order_ref).one(&txn).await? else {
        return Err(FactoryWebhookError::UnknownOrder);
    };
    if order.factory_order_ref.as_deref() != Some(event.factory_order_id.as_str()) {
        return Err(FactoryWebhookError::UnknownOrder);
    }
    if !first_delivery(&txn, "factory", &event.event_id, app.clock.now()).await? {
        return Ok(Applied::Duplicate);
    }
    let mut outbox = Outbox::new();
    let applied = apply_event(app, &txn, &mut outbox, order, &event).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(applied)
}

async fn apply_event(
    app: &App,
    txn: &sea_orm::DatabaseTransaction,
    outbox: &mut Outbox,
    order: orders::Model,
    event: &FactoryEvent,
) -> ApiResult<Applied> {
    let stored = manufacturing_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        order_id: Set(order.id),
        event_id: Set(event.event_id.clone()),
        stage: Set(event.stage),
        occurred_at: Set(event.occurred_at),
        received_at: Set(app.clock.now()),
        payload: Set(serde_json::to_value(event).unwrap_or_default()),
    }
    .insert(txn)
    .await?;
    if !advances(order.status, event.stage) {
        outbox.push(DomainEvent::OrderProgressed { order_id: order.id, stage: event.stage, event_id: Some(stored.id) });
        return Ok(Applied::Late);
    }
    let order = set_status(app, txn, outbox, order, event.stage, Some(stored.id)).await?;
    let template = if event.stage == OrderStatus::Ready { "order.ready" } else { "order.stage_reached" };
    notices::tell_customer(app, txn, outbox, &order, template, json!({ "stage": event.stage })).await?;
    if event.stage == OrderStatus::Ready {
        notices::tell_dealership(app, txn, outbox, &order, "dealer.order_ready", json!({})).await?;
    }
    Ok(Applied::Advanced)
}
