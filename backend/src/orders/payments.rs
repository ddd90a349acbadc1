//! The sale's payments: the reservation and the final payment, taken through the gateway by the
//! dealership, each under an idempotency key; and their settlement, reported by signed webhooks.
//!
//! Recording a payment is resumable: the same key finds the same payment and carries on from where
//! it stopped (charged but factory not yet reached, for instance), and the gateway sees the same key
//! too, so nothing is charged twice.

use entity::{OrderStatus, PaymentKind, PaymentStatus, orders, payments, regions, vehicle_models, vehicles};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;
use uuid::Uuid;

use super::amounts;
use super::factory::place_factory_order;
use super::lifecycle::{final_payment_failed, set_status};
use super::notices;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::billing::invoices::{self, InvoiceFor, Line, net_of_gross};
use crate::billing::wording::{LineText, describe};
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::i18n::{self, failures::FailureCode};
use crate::payments::service as payments_service;
use crate::payments::{Answer, NewPayment};
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;
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
    if let Some(existing) = payments_service::by_key(&app.db, &key).await? {
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
    amounts::of_order(&app.db, order).await?.check(input.kind, input.amount_minor)?;
    let new = NewPayment {
        kind: input.kind,
        amount_minor: input.amount_minor,
        currency: order.currency.clone(),
        payer_id: order.customer_id,
        order_id: Some(order.id),
        activation_id: None,
        idempotency_key: key,
        payment_method: Some(input.payment_method.trim().to_owned()),
        method: entity::PaymentMethodKind::Card,
    };
    let payment = payments_service::open(&app.db, app.clock.now(), new)
        .await
        .on_unique_violation("this payment, or another of its kind for this order, is being taken right now")?;
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
        payment = charge(app, viewer, &order, payment).await?;
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
) -> ApiResult<payments::Model> {
    let description = format!("{} — {:?} payment", order.number, payment.kind);
    let answer =
        payments_service::charge(app, &payment, description, vec![("order".into(), order.number.clone())]).await?;
    if let Answer::Unavailable(message) = &answer {
        return Err(ApiError::Unavailable(message.clone()));
    }
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let charged =
        payments_service::record_answer(&txn, &payment, &answer, PaymentStatus::Captured, app.clock.now()).await?;
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
    match &answer {
        Answer::Refused { reason, .. } => {
            payment_failed(app, &txn, &mut outbox, order.clone(), &charged, reason).await?
        }
        // Last: the invoice number locks the region's counter until the commit.
        _ if charged.status == PaymentStatus::Captured => invoice_payment(app, &txn, order, &charged).await?,
        _ => {}
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(charged)
}

/// The invoice of a captured sale payment: the reservation and the final payment each have one,
/// together the gross of the sale.
async fn invoice_payment(
    app: &App,
    db: &impl ConnectionTrait,
    order: &orders::Model,
    payment: &payments::Model,
) -> ApiResult<()> {
    let region = regions::Entity::find_by_id(order.region_id).one(db).await?.ok_or(ApiError::NotFound("region"))?;
    let model = vehicle_models::Entity::find_by_id(order.model_id).one(db).await?.ok_or(ApiError::NotFound("model"))?;
    let vin = match order.vehicle_id {
        Some(id) => vehicles::Entity::find_by_id(id).one(db).await?.map(|car| car.vin),
        None => None,
    };
    let locale = invoices::buyer_locale(db, order.customer_id).await?;
    let what =
        LineText::CarPayment { model: &model.name, kind: payment.kind, order: &order.number, vin: vin.as_deref() };
    let line = Line {
        description: describe(locale, &what),
        quantity: 1,
        unit_net_minor: net_of_gross(payment.amount_minor, region.vat_rate_bp),
        activation_id: None,
    };
    let target = InvoiceFor {
        customer_id: order.customer_id,
        vehicle_id: order.vehicle_id,
        payment_id: Some(payment.id),
        region,
    };
    invoices::issue(app, db, &target, &[line], None).await?;
    Ok(())
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
        final_payment_failed(app, txn, outbox, order, reason).await?;
    } else {
        let kind = match payment.kind {
            PaymentKind::Reservation => "payment-kind-reservation",
            _ => "payment-kind-final",
        };
        let kind = i18n::texts(kind, &json!({}));
        let extra = json!({ "kind": kind, "reason": FailureCode::of_payment(reason).texts(), "detail": reason });
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
    outbox.commit(txn, app.events.as_ref()).await?;
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
        // The money never arrived: its invoice is cancelled by a credit note.
        invoices::credit_note(app, txn, payment, payment.amount_minor).await?;
        payment_failed(app, txn, outbox, order, payment, reason).await?;
        return Ok(None);
    }
    if payment.kind == PaymentKind::Final && order.status == OrderStatus::Ready {
        let paid = set_status(app, txn, outbox, order, OrderStatus::Paid, None).await?;
        return Ok(Some(paid));
    }
    Ok(None)
}
