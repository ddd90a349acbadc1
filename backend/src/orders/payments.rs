//! The sale's payments: the reservation and the final payment, taken through the gateway by the
//! dealership, each under an idempotency key; and their settlement, reported by signed webhooks.
//!
//! Recording a payment is resumable: the same key finds the same payment and carries on from where
//! it stopped (charged but factory not yet reached, for instance), and the gateway sees the same key
//! too, so nothing is charged twice.

use entity::{OrderStatus, PaymentKind, PaymentStatus, orders, payments};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::factory::place_factory_order;
use super::lifecycle::{fail_final_payment, set_status};
use super::notices;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::integrations::payments::{CaptureMode, ChargeRequest, GatewayError, GatewayStatus};
use crate::platform::db::begin_write;
use crate::platform::events::Outbox;
use crate::policy;

/// A payment the dealer takes for a sale.
#[derive(Clone, Debug)]
pub struct PaymentInput {
    /// The order.
    pub order_id: Uuid,
    /// RESERVATION or FINAL.
    pub kind: PaymentKind,
    /// Amount in minor units of the order's currency.
    pub amount_minor: i64,
    /// The payment method token from the card terminal.
    pub payment_method: String,
    /// The client's key: the same key is the same payment.
    pub idempotency_key: String,
}

fn check(input: &PaymentInput) -> ApiResult<()> {
    if !matches!(input.kind, PaymentKind::Reservation | PaymentKind::Final) {
        return Err(ApiError::bad_input("kind", "a sale takes RESERVATION and FINAL payments"));
    }
    if input.amount_minor <= 0 || input.amount_minor > 1_000_000_000 {
        return Err(ApiError::bad_input("amountMinor", "the amount must be positive and at most 10,000,000.00"));
    }
    crate::idempotency::parse_key(&input.idempotency_key)?;
    if input.payment_method.trim().is_empty() {
        return Err(ApiError::bad_input("paymentMethod", "a payment method is required"));
    }
    Ok(())
}

/// The payment of this key, created on first use; a key reused for another payment is a conflict.
async fn payment_for_key(app: &App, order: &orders::Model, input: &PaymentInput) -> ApiResult<payments::Model> {
    let key = format!("{}/{}", order.id, input.idempotency_key.trim());
    if let Some(existing) =
        payments::Entity::find().filter(payments::Column::IdempotencyKey.eq(&key)).one(&app.db).await?
    {
        if existing.kind != input.kind || existing.amount_minor != input.amount_minor {
            return Err(ApiError::Conflict("this idempotency key was used for a different payment".into()));
        }
        return Ok(existing);
    }
    let due = match input.kind {
        PaymentKind::Reservation => OrderStatus::AwaitingReservation,
        _ => OrderStatus::Ready,
    };
    if order.status != due {
        return Err(ApiError::Conflict(format!("a {:?} payment is taken when the order is {due:?}", input.kind)));
    }
    let now = app.clock.now();
    let payment = payments::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(input.kind),
        status: Set(PaymentStatus::Pending),
        amount_minor: Set(input.amount_minor),
        currency: Set(order.currency.clone()),
        payer_id: Set(order.customer_id),
        order_id: Set(Some(order.id)),
        activation_id: Set(None),
        provider_ref: Set(None),
        idempotency_key: Set(key),
        failure_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        captured_at: Set(None),
        settled_at: Set(None),
        payment_method: Set(Some(input.payment_method.trim().to_owned())),
    }
    .insert(&app.db)
    .await
    .on_unique_violation("this payment is being recorded right now; try again")?;
    Ok(payment)
}

/// Records a payment of a sale: charges it at the gateway and moves the sale on.
#[tracing::instrument(skip(app, viewer, input), fields(order = %input.order_id, kind = ?input.kind))]
pub async fn record_payment(
    app: &App,
    viewer: &Viewer,
    input: PaymentInput,
) -> ApiResult<(orders::Model, payments::Model)> {
    check(&input)?;
    let order = orders::Entity::find_by_id(input.order_id).one(&app.db).await?.ok_or(ApiError::NotFound("order"))?;
    policy::order_manager(viewer, &order)?;
    let mut payment = payment_for_key(app, &order, &input).await?;
    if payment.status == PaymentStatus::Pending {
        payment = charge(app, viewer, &order, payment, &input.payment_method).await?;
    }
    let order = orders::Entity::find_by_id(order.id).one(&app.db).await?.ok_or(ApiError::NotFound("order"))?;
    let order = match (payment.kind, payment.status, order.status) {
        (
            PaymentKind::Reservation,
            PaymentStatus::Captured | PaymentStatus::Settled,
            OrderStatus::AwaitingReservation,
        ) => reserve(app, viewer, order).await?,
        _ => order,
    };
    Ok((order, payment))
}

/// Charges a pending payment at the gateway (under the payment's id as idempotency key).
async fn charge(
    app: &App,
    viewer: &Viewer,
    order: &orders::Model,
    payment: payments::Model,
    payment_method: &str,
) -> ApiResult<payments::Model> {
    let request = ChargeRequest {
        amount_minor: payment.amount_minor,
        currency: payment.currency.clone(),
        payment_method: payment_method.trim().to_owned(),
        idempotency_key: payment.id.to_string(),
        description: format!("{} — {:?} payment", order.number, payment.kind),
        metadata: vec![("paymentId".into(), payment.id.to_string()), ("order".into(), order.number.clone())],
    };
    let outcome = app.integrations.payments.create(&request, CaptureMode::Immediate).await;
    let now = app.clock.now();
    let mut charged: payments::ActiveModel = payment.clone().into();
    charged.updated_at = Set(now);
    let failure = match outcome {
        Ok(result) => {
            charged.provider_ref = Set(Some(result.provider_ref));
            match result.status {
                GatewayStatus::Processing | GatewayStatus::Succeeded => {
                    charged.status = Set(PaymentStatus::Captured);
                    charged.captured_at = Set(Some(now));
                    None
                }
                GatewayStatus::Failed(reason) => Some(reason),
                other => Some(format!("unexpected gateway status {other:?}")),
            }
        }
        Err(GatewayError::Declined(reason)) => Some(reason),
        Err(GatewayError::Unavailable(message)) => return Err(ApiError::Unavailable(message)),
        Err(GatewayError::Invalid(message)) => Some(message),
    };
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    if let Some(reason) = &failure {
        charged.status = Set(PaymentStatus::Failed);
        charged.failure_reason = Set(Some(reason.chars().take(300).collect()));
    }
    let charged = charged.update(&txn).await?;
    let details = json!({ "kind": charged.kind, "amountMinor": charged.amount_minor, "status": charged.status });
    audit::record(
        app,
        &txn,
        viewer,
        "payment.record",
        Subject { kind: "payment", id: &charged.id.to_string() },
        details,
    )
    .await?;
    if let Some(reason) = failure {
        payment_failed(app, &txn, &mut outbox, order.clone(), &charged, &reason).await?;
    }
    txn.commit().await?;
    outbox.publish(app.events.as_ref()).await;
    Ok(charged)
}

/// What a failed payment means for the sale.
async fn payment_failed(
    app: &App,
    txn: &sea_orm::DatabaseTransaction,
    outbox: &mut Outbox,
    order: orders::Model,
    payment: &payments::Model,
    reason: &str,
) -> ApiResult<()> {
    if payment.kind == PaymentKind::Final && order.status == OrderStatus::Ready {
        fail_final_payment(app, txn, outbox, order, reason).await?;
    } else {
        let extra = json!({ "kind": payment.kind, "reason": reason });
        notices::tell_dealership(app, txn, outbox, &order, "payment.failed", extra).await?;
    }
    Ok(())
}

/// After the reservation: a stock car is ready at once; otherwise the factory builds it.
async fn reserve(app: &App, viewer: &Viewer, order: orders::Model) -> ApiResult<orders::Model> {
    if !order.stock_sale {
        return place_factory_order(app, viewer, order).await;
    }
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let ready = set_status(app, &txn, &mut outbox, order, OrderStatus::Ready, None).await?;
    notices::tell_customer(app, &txn, &mut outbox, &ready, "order.ready", json!({})).await?;
    txn.commit().await?;
    outbox.publish(app.events.as_ref()).await;
    Ok(ready)
}

/// What a settlement means for the sale the payment belongs to; returns the order to register when
/// a final payment settled.
pub async fn order_settled(
    app: &App,
    txn: &sea_orm::DatabaseTransaction,
    outbox: &mut Outbox,
    payment: &payments::Model,
    settled: bool,
    reason: &str,
) -> ApiResult<Option<orders::Model>> {
    let Some(order_id) = payment.order_id else { return Ok(None) };
    let Some(order) = orders::Entity::find_by_id(order_id).one(txn).await? else { return Ok(None) };
    if !settled {
        payment_failed(app, txn, outbox, order, payment, reason).await?;
        return Ok(None);
    }
    if payment.kind == PaymentKind::Final && order.status == OrderStatus::Ready {
        let paid = set_status(app, txn, outbox, order, OrderStatus::Paid, None).await?;
        return Ok(Some(paid));
    }
    Ok(None)
}
