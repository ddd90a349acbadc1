//! Support's side of activations: tickets opened by failures, retrying an activation, refunding a
//! payment.

use entity::{
    ActivationStatus, NotificationChannel, OtaCommand, OtaJobStatus, PaymentKind, PaymentStatus, TicketStatus,
    activations, idempotency_keys, ota_jobs, payments, support_tickets,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::billing::start_deactivation;
use super::jobs;
use super::outcome::feature_names;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::billing::invoices::credit_note;
use crate::domain::Money;
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::notifications::service::notify;
use crate::pagination::{Page, PageArgs, keyset};
use crate::platform::db::begin_write;
use crate::platform::events::{ActivationPhase, DomainEvent, Outbox};

/// A page of tickets, newest first.
pub async fn tickets(
    app: &App,
    viewer: &Viewer,
    status: Option<TicketStatus>,
    args: &PageArgs,
) -> ApiResult<Page<support_tickets::Model>> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let mut select = support_tickets::Entity::find();
    if let Some(status) = status {
        select = select.filter(support_tickets::Column::Status.eq(status));
    }
    let rows = keyset(select, support_tickets::Column::Id, Order::Desc, args.after_uuid()?, args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |ticket| ticket.id.to_string()))
}

/// Closes a ticket; closing it twice changes nothing.
pub async fn resolve_ticket(app: &App, viewer: &Viewer, ticket_id: Uuid) -> ApiResult<support_tickets::Model> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let ticket =
        support_tickets::Entity::find_by_id(ticket_id).one(&app.db).await?.ok_or(ApiError::NotFound("ticket"))?;
    if ticket.status == TicketStatus::Resolved {
        return Ok(ticket);
    }
    let mut resolved: support_tickets::ActiveModel = ticket.into();
    resolved.status = Set(TicketStatus::Resolved);
    resolved.resolved_at = Set(Some(app.clock.now()));
    let resolved = resolved.update(&app.db).await?;
    let subject = Subject { kind: "support_ticket", id: &resolved.id.to_string() };
    audit::record(app, &app.db, viewer, "ticket.resolve", subject, json!({})).await?;
    Ok(resolved)
}

/// Tries a failed activation again: a new charge is authorised and the OTA job starts afresh; its
/// tickets are resolved.
pub async fn retry_activation(app: &App, viewer: &Viewer, activation_id: Uuid) -> ApiResult<activations::Model> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let activation =
        activations::Entity::find_by_id(activation_id).one(&app.db).await?.ok_or(ApiError::NotFound("activation"))?;
    if activation.status != ActivationStatus::Failed {
        return Err(ApiError::Conflict("only a failed activation can be retried".into()));
    }
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let now = app.clock.now();
    let earlier = payments::Entity::find()
        .filter(payments::Column::ActivationId.eq(activation.id))
        .filter(payments::Column::Kind.eq(PaymentKind::Feature))
        .order_by_desc(payments::Column::Id)
        .all(&txn)
        .await?;
    if let Some(last) = earlier.first() {
        if !matches!(last.status, PaymentStatus::Voided | PaymentStatus::Refunded | PaymentStatus::Failed) {
            return Err(ApiError::Conflict("the previous charge is still being released; try again shortly".into()));
        }
        payments::ActiveModel {
            id: Set(Uuid::now_v7()),
            kind: Set(PaymentKind::Feature),
            status: Set(PaymentStatus::Pending),
            amount_minor: Set(last.amount_minor),
            currency: Set(last.currency.clone()),
            payer_id: Set(last.payer_id),
            order_id: Set(None),
            activation_id: Set(Some(activation.id)),
            provider_ref: Set(None),
            idempotency_key: Set(format!("activation:{}:retry:{}", activation.id, earlier.len())),
            failure_reason: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            captured_at: Set(None),
            settled_at: Set(None),
            payment_method: Set(last.payment_method.clone()),
        }
        .insert(&txn)
        .await?;
    }
    let mut pending: activations::ActiveModel = activation.into();
    pending.status = Set(ActivationStatus::Pending);
    pending.failure_reason = Set(None);
    pending.updated_at = Set(now);
    let pending = pending
        .update(&txn)
        .await
        .on_unique_violation("the feature is live on this vehicle through another purchase; nothing to retry")?;
    resolve_tickets_of(app, &txn, pending.id).await?;
    jobs::enqueue(app, &txn, &mut outbox, pending.id, OtaCommand::Activate).await?;
    audit::record(
        app,
        &txn,
        viewer,
        "activation.retry",
        Subject { kind: "activation", id: &pending.id.to_string() },
        json!({}),
    )
    .await?;
    outbox.push(DomainEvent::ActivationProgressed {
        activation_id: pending.id,
        phase: ActivationPhase::Queued,
        attempt: 0,
    });
    txn.commit().await?;
    outbox.publish(app.events.as_ref()).await;
    Ok(pending)
}

/// Queues the switch-off again for an activation stuck in DEACTIVATING (its job gave up), and
/// resolves its tickets; one whose switch-off is still being sent is left to its job.
pub async fn retry_deactivation(app: &App, viewer: &Viewer, activation_id: Uuid) -> ApiResult<activations::Model> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let activation =
        activations::Entity::find_by_id(activation_id).one(&app.db).await?.ok_or(ApiError::NotFound("activation"))?;
    if activation.status != ActivationStatus::Deactivating {
        return Err(ApiError::Conflict("only an activation being switched off can have its switch-off retried".into()));
    }
    let txn = begin_write(&app.db).await?;
    let in_flight = ota_jobs::Entity::find()
        .filter(ota_jobs::Column::ActivationId.eq(activation.id))
        .filter(ota_jobs::Column::Status.is_in([OtaJobStatus::Queued, OtaJobStatus::Running]))
        .count(&txn)
        .await?;
    if in_flight > 0 {
        return Err(ApiError::Conflict("the switch-off is still being sent to the car".into()));
    }
    let mut outbox = Outbox::new();
    resolve_tickets_of(app, &txn, activation.id).await?;
    jobs::enqueue(app, &txn, &mut outbox, activation.id, OtaCommand::Deactivate).await?;
    let subject = Subject { kind: "activation", id: &activation.id.to_string() };
    audit::record(app, &txn, viewer, "activation.retry_deactivation", subject, json!({})).await?;
    outbox.push(DomainEvent::ActivationProgressed {
        activation_id: activation.id,
        phase: ActivationPhase::Deactivating,
        attempt: 0,
    });
    txn.commit().await?;
    outbox.publish(app.events.as_ref()).await;
    Ok(activation)
}

async fn resolve_tickets_of(app: &App, db: &impl ConnectionTrait, activation_id: Uuid) -> ApiResult<()> {
    support_tickets::Entity::update_many()
        .col_expr(support_tickets::Column::Status, Expr::value(TicketStatus::Resolved))
        .col_expr(support_tickets::Column::ResolvedAt, Expr::value(app.clock.now()))
        .filter(support_tickets::Column::ActivationId.eq(activation_id))
        .filter(support_tickets::Column::Status.eq(TicketStatus::Open))
        .exec(db)
        .await?;
    Ok(())
}

/// What support asks to refund.
#[derive(Clone, Debug)]
pub struct RefundRequest {
    /// The payment.
    pub payment_id: Uuid,
    /// Part of it, in minor units; all of what is left when not given.
    pub amount_minor: Option<i64>,
    /// The client's key: the same key is the same refund (a double click refunds once).
    pub idempotency_key: String,
    /// Why, for the customer's notice, the credit note's trail and the audit.
    pub reason: String,
}

/// Refunds a captured payment, fully or `amount_minor` of it, with a credit note, once per key;
/// the customer is told. A full refund of a feature's charge ends the feature: the money back is
/// the purchase undone, so the car switches it off (end reason `REFUNDED`).
pub async fn refund_payment(app: &App, viewer: &Viewer, request: RefundRequest) -> ApiResult<payments::Model> {
    let staff = viewer.user_with_role(PLATFORM_STAFF)?;
    let key = refund_key(&request.idempotency_key)?;
    let reason = request.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(ApiError::bad_input("reason", "a refund needs a reason of 1 to 300 characters"));
    }
    let hash =
        hex::encode(Sha256::digest(format!("refund|{}|{:?}|{reason}", request.payment_id, request.amount_minor)));
    let payment =
        payments::Entity::find_by_id(request.payment_id).one(&app.db).await?.ok_or(ApiError::NotFound("payment"))?;
    if let Some(done) = earlier_refund(app, staff.id, &key, &hash, &payment).await? {
        return Ok(done);
    }
    if !matches!(payment.status, PaymentStatus::Captured | PaymentStatus::Settled) {
        return Err(ApiError::Conflict(format!("a {:?} payment cannot be refunded", payment.status)));
    }
    let amount = request.amount_minor.unwrap_or(payment.amount_minor);
    if amount <= 0 || amount > payment.amount_minor {
        return Err(ApiError::bad_input("amountMinor", "the refund must be positive and at most the payment"));
    }
    let provider_ref =
        payment.provider_ref.clone().ok_or_else(|| ApiError::Conflict("the payment was never charged".into()))?;
    // The gateway sees the client's key too: racing repeats reach it as one refund.
    app.integrations
        .payments
        .refund(&provider_ref, Some(amount), &format!("refund-{}-{key}", payment.id))
        .await
        .map_err(|err| match err {
            crate::integrations::payments::GatewayError::Unavailable(message) => ApiError::Unavailable(message),
            other => ApiError::Conflict(other.to_string()),
        })?;
    let txn = begin_write(&app.db).await?;
    let remembered = idempotency_keys::ActiveModel {
        id: Set(Uuid::now_v7()),
        owner_id: Set(staff.id),
        key: Set(key.clone()),
        operation: Set("refundPayment".into()),
        request_hash: Set(hash.clone()),
        response: Set(Some(json!({ "paymentId": payment.id }))),
        created_at: Set(app.clock.now()),
        completed_at: Set(Some(app.clock.now())),
    }
    .insert(&txn)
    .await;
    if let Err(err) = remembered {
        if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) {
            // The same key raced us and recorded the refund first.
            drop(txn);
            return payments::Entity::find_by_id(payment.id).one(&app.db).await?.ok_or(ApiError::NotFound("payment"));
        }
        return Err(err.into());
    }
    let in_full = amount == payment.amount_minor;
    let mut refunded: payments::ActiveModel = payment.clone().into();
    if in_full {
        refunded.status = Set(PaymentStatus::Refunded);
    }
    refunded.updated_at = Set(app.clock.now());
    let refunded = refunded.update(&txn).await?;
    credit_note(app, &txn, &refunded, amount).await?;
    let mut outbox = Outbox::new();
    tell_refund(app, &txn, &mut outbox, &refunded, amount, in_full, &reason).await?;
    let details = json!({ "amountMinor": amount, "reason": reason });
    let subject = Subject { kind: "payment", id: &payment.id.to_string() };
    audit::record(app, &txn, viewer, "payment.refund", subject, details).await?;
    txn.commit().await?;
    outbox.publish(app.events.as_ref()).await;
    Ok(refunded)
}

fn refund_key(key: &str) -> ApiResult<String> {
    let key = key.trim();
    if key.is_empty() || key.len() > 80 {
        return Err(ApiError::bad_input("idempotencyKey", "an idempotency key has 1 to 80 characters"));
    }
    Ok(key.to_owned())
}

/// The payment as an earlier refund with this key left it; the same key for another refund is a
/// conflict.
async fn earlier_refund(
    app: &App,
    staff_id: Uuid,
    key: &str,
    hash: &str,
    payment: &payments::Model,
) -> ApiResult<Option<payments::Model>> {
    let earlier = idempotency_keys::Entity::find()
        .filter(idempotency_keys::Column::OwnerId.eq(staff_id))
        .filter(idempotency_keys::Column::Key.eq(key))
        .one(&app.db)
        .await?;
    match earlier {
        None => Ok(None),
        Some(earlier) if earlier.request_hash == hash => Ok(Some(payment.clone())),
        Some(_) => Err(ApiError::Conflict("this idempotency key was used for a different request".into())),
    }
}

/// Tells the payer; a full refund of a live feature's charge also switches the feature off.
async fn tell_refund(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    payment: &payments::Model,
    amount: i64,
    in_full: bool,
    reason: &str,
) -> ApiResult<()> {
    let activation = match payment.activation_id {
        Some(id) => activations::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let feature = match &activation {
        Some(activation) => feature_names(db, activation.feature_id).await?,
        None => json!(""),
    };
    let vin = match &activation {
        Some(activation) => {
            entity::vehicles::Entity::find_by_id(activation.vehicle_id).one(db).await?.map(|car| car.vin)
        }
        None => None,
    };
    let ends_feature = in_full && activation.as_ref().is_some_and(|a| a.status == ActivationStatus::Active);
    if ends_feature && let Some(activation) = activation {
        start_deactivation(app, db, outbox, activation, "REFUNDED").await?;
    }
    let amount = format!("{} {}", Money::new(amount, &payment.currency).decimal(), payment.currency);
    let payload = json!({ "amount": amount, "feature": feature, "vin": vin, "reason": reason });
    let template = if ends_feature { "payment.refunded_in_full" } else { "payment.refunded" };
    let channels = [NotificationChannel::InApp, NotificationChannel::Email];
    notify(app, db, outbox, payment.payer_id, template, payload, &channels).await?;
    Ok(())
}
