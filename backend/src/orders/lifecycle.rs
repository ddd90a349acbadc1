//! An order's states and the moves between them: status changes (recorded and published),
//! registration with the authority, delivery, cancellation, and the return of a car to stock.

use entity::{OrderStatus, PaymentKind, PaymentStatus, VehicleStatus, orders, payments, regions, users, vehicles};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::notices;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::i18n::failures::FailureCode;
use crate::integrations::registration::{RegistrationError, RegistrationRequest};
use crate::payments::service as payments_service;
use crate::platform::db::begin_write;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;
use crate::policy;

/// The position of a status in a sale's life; CANCELLED is outside it.
pub fn rank(status: OrderStatus) -> Option<u8> {
    use OrderStatus::*;
    Some(match status {
        AwaitingReservation => 0,
        Ordered => 1,
        InProduction => 2,
        Painting => 3,
        Assembly => 4,
        QualityCheck => 5,
        Shipped => 6,
        Ready => 7,
        Paid => 8,
        Registered => 9,
        Delivered => 10,
        Cancelled => return None,
    })
}

/// Whether an order at `current` moves on to `next` (never backwards, never out of CANCELLED).
pub fn advances(current: OrderStatus, next: OrderStatus) -> bool {
    matches!((rank(current), rank(next)), (Some(from), Some(to)) if to > from)
}

/// Sets the order's status, records who did it, and queues the progress event.
pub async fn set_status(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    order: orders::Model,
    status: OrderStatus,
    event_id: Option<uuid::Uuid>,
) -> ApiResult<orders::Model> {
    let from = order.status;
    let mut changed: orders::ActiveModel = order.into();
    changed.status = Set(status);
    changed.updated_at = Set(app.clock.now());
    let changed = changed.update(db).await?;
    let details = json!({ "from": from, "to": status });
    audit::record(
        app,
        db,
        &Viewer::Anonymous,
        "order.status",
        Subject { kind: "order", id: &changed.id.to_string() },
        details,
    )
    .await?;
    outbox.push(DomainEvent::OrderProgressed { order_id: changed.id, stage: status, event_id });
    Ok(changed)
}

async fn order_for_dealer(app: &App, viewer: &Viewer, order_id: uuid::Uuid) -> ApiResult<orders::Model> {
    let order = orders::Entity::find_by_id(order_id).one(&app.db).await?.ok_or(ApiError::NotFound("order"))?;
    policy::order_manager(viewer, &order)?;
    Ok(order)
}

/// Registers a paid car with the authority; on success the car is ASSIGNED to its buyer.
pub async fn register_vehicle(app: &App, order: orders::Model) -> ApiResult<orders::Model> {
    let buyer =
        users::Entity::find_by_id(order.customer_id).one(&app.db).await?.ok_or(ApiError::NotFound("customer"))?;
    let region =
        regions::Entity::find_by_id(order.region_id).one(&app.db).await?.ok_or(ApiError::NotFound("region"))?;
    let vehicle_id = order.vehicle_id.ok_or_else(|| ApiError::Conflict("the order has no vehicle yet".into()))?;
    let car = vehicles::Entity::find_by_id(vehicle_id).one(&app.db).await?.ok_or(ApiError::NotFound("vehicle"))?;
    let request = RegistrationRequest {
        vin: car.vin.clone(),
        country: region.code.clone(),
        holder_name: buyer.name.clone(),
        holder_email: buyer.email.clone(),
    };
    let mut outbox = Outbox::new();
    let registration = match app.integrations.registration.register(&request).await {
        Ok(registration) => registration,
        Err(err) => {
            let txn = begin_write(&app.db).await?;
            let mut failed: orders::ActiveModel = order.clone().into();
            failed.last_error = Set(Some(err.to_string().chars().take(300).collect()));
            let failed = failed.update(&txn).await?;
            if let RegistrationError::Refused(reason) = &err {
                notices::tell_dealership(
                    app,
                    &txn,
                    &mut outbox,
                    &failed,
                    "order.registration_refused",
                    json!({ "reason": reason }),
                )
                .await?;
            }
            outbox.commit(txn, app.events.as_ref()).await?;
            return Err(match err {
                RegistrationError::Refused(reason) => ApiError::Conflict(format!("registration refused: {reason}")),
                RegistrationError::Unavailable(message) => ApiError::Unavailable(message),
            });
        }
    };
    let txn = begin_write(&app.db).await?;
    let mut assigned: vehicles::ActiveModel = car.into();
    assigned.plate = Set(Some(registration.plate.clone()));
    assigned.status = Set(VehicleStatus::Assigned);
    assigned.owner_id = Set(Some(buyer.id));
    assigned.region_id = Set(region.id);
    assigned.updated_at = Set(app.clock.now());
    assigned.update(&txn).await?;
    let mut registered: orders::ActiveModel = order.into();
    registered.last_error = Set(None);
    let registered = registered.update(&txn).await?;
    let registered = set_status(app, &txn, &mut outbox, registered, OrderStatus::Registered, None).await?;
    // A car with a history changes hands: its subscriptions end, permanent features stay with it.
    crate::activation::billing::owner_changed(app, &txn, &mut outbox, vehicle_id).await?;
    let extra = json!({ "plate": registration.plate });
    notices::tell_customer(app, &txn, &mut outbox, &registered, "order.ready_for_delivery", extra).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(registered)
}

/// Retries the registration of a paid car (after a refusal was sorted out, or an outage).
pub async fn retry_registration(app: &App, viewer: &Viewer, order_id: uuid::Uuid) -> ApiResult<orders::Model> {
    let order = order_for_dealer(app, viewer, order_id).await?;
    if order.status != OrderStatus::Paid {
        return Err(ApiError::Conflict("only a paid, unregistered order can be registered".into()));
    }
    register_vehicle(app, order).await
}

/// Hands the registered car over to its owner.
pub async fn mark_delivered(app: &App, viewer: &Viewer, order_id: uuid::Uuid) -> ApiResult<orders::Model> {
    let order = order_for_dealer(app, viewer, order_id).await?;
    if order.status != OrderStatus::Registered {
        return Err(ApiError::Conflict(format!(
            "a car is delivered once registered; this order is {:?}",
            order.status
        )));
    }
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    if let Some(vehicle_id) = order.vehicle_id
        && let Some(car) = vehicles::Entity::find_by_id(vehicle_id).one(&txn).await?
    {
        let mut delivered: vehicles::ActiveModel = car.into();
        delivered.status = Set(VehicleStatus::Delivered);
        delivered.updated_at = Set(app.clock.now());
        delivered.update(&txn).await?;
    }
    let delivered = set_status(app, &txn, &mut outbox, order, OrderStatus::Delivered, None).await?;
    notices::tell_customer(app, &txn, &mut outbox, &delivered, "order.delivered", json!({})).await?;
    audit::record(
        app,
        &txn,
        viewer,
        "order.deliver",
        Subject { kind: "order", id: &delivered.id.to_string() },
        json!({}),
    )
    .await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(delivered)
}

/// Puts the order's car back into its dealership's stock, for another sale.
async fn return_car_to_stock(app: &App, db: &impl ConnectionTrait, order: &orders::Model) -> ApiResult<()> {
    let Some(vehicle_id) = order.vehicle_id else { return Ok(()) };
    let Some(car) = vehicles::Entity::find_by_id(vehicle_id).one(db).await? else { return Ok(()) };
    let mut stock: vehicles::ActiveModel = car.into();
    stock.status = Set(VehicleStatus::InStock);
    stock.owner_id = Set(None);
    stock.plate = Set(None);
    stock.dealership_id = Set(Some(order.dealership_id));
    stock.updated_at = Set(app.clock.now());
    stock.update(db).await?;
    Ok(())
}

/// A final payment failed (declined, or its settlement failed): the order stays READY, waiting
/// for another payment — the car stays reserved for its buyer; only an explicit cancellation puts
/// it back into stock. Customer and dealership are told.
pub async fn final_payment_failed(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    order: orders::Model,
    reason: &str,
) -> ApiResult<orders::Model> {
    let mut waiting: orders::ActiveModel = order.into();
    waiting.last_error = Set(Some(format!("final payment failed: {reason}").chars().take(300).collect()));
    waiting.updated_at = Set(app.clock.now());
    let waiting = waiting.update(db).await?;
    let extra = json!({ "reason": FailureCode::of_payment(reason).texts(), "detail": reason });
    notices::tell_customer(app, db, outbox, &waiting, "order.final_payment_failed", extra.clone()).await?;
    notices::tell_dealership(app, db, outbox, &waiting, "dealer.final_payment_failed", extra).await?;
    Ok(waiting)
}

/// Cancels an order not yet paid in full: the car goes to stock and a paid reservation is refunded,
/// with a credit note for its invoice.
pub async fn cancel_order(app: &App, viewer: &Viewer, order_id: uuid::Uuid, reason: &str) -> ApiResult<orders::Model> {
    let order = order_for_dealer(app, viewer, order_id).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(ApiError::bad_input("reason", "give a reason of 1 to 300 characters"));
    }
    if !matches!(rank(order.status), Some(position) if position < 8) {
        return Err(ApiError::Conflict(format!("an order that is {:?} cannot be cancelled", order.status)));
    }
    refund_reservations(app, &order).await?;
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    return_car_to_stock(app, &txn, &order).await?;
    let mut cancelled: orders::ActiveModel = order.into();
    cancelled.cancel_reason = Set(Some(reason.to_owned()));
    let cancelled = cancelled.update(&txn).await?;
    let cancelled = set_status(app, &txn, &mut outbox, cancelled, OrderStatus::Cancelled, None).await?;
    notices::tell_customer(app, &txn, &mut outbox, &cancelled, "order.cancelled", json!({ "reason": reason })).await?;
    let details = json!({ "reason": reason });
    audit::record(app, &txn, viewer, "order.cancel", Subject { kind: "order", id: &cancelled.id.to_string() }, details)
        .await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(cancelled)
}

/// Refunds every captured reservation of `order` at the gateway, records it and credits its invoice.
async fn refund_reservations(app: &App, order: &orders::Model) -> ApiResult<()> {
    let paid = payments::Entity::find()
        .filter(payments::Column::OrderId.eq(order.id))
        .filter(payments::Column::Kind.eq(PaymentKind::Reservation))
        .filter(payments::Column::Status.is_in([PaymentStatus::Captured, PaymentStatus::Settled]))
        .all(&app.db)
        .await?;
    for payment in paid {
        if payment.provider_ref.is_none() {
            continue;
        }
        payments_service::refund(app, &payment, None, &format!("refund-{}", payment.id)).await?;
        let txn = begin_write(&app.db).await?;
        payments_service::record_refund(app, &txn, &payment, payment.amount_minor).await?;
        txn.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_only_move_forward() {
        assert!(advances(OrderStatus::Ordered, OrderStatus::Painting));
        assert!(!advances(OrderStatus::Painting, OrderStatus::InProduction));
        assert!(!advances(OrderStatus::Painting, OrderStatus::Painting));
        assert!(!advances(OrderStatus::Cancelled, OrderStatus::Ready));
        assert!(!advances(OrderStatus::Ready, OrderStatus::Cancelled));
    }
}
