//! Support's side of activations: tickets opened by failures, retrying an activation, refunding a
//! payment.

use entity::{
    ActivationStatus, NotificationChannel, OtaCommand, OtaJobStatus, PaymentKind, PaymentMethodKind, PaymentStatus,
    TicketStatus, activations, ota_jobs, payments, support_tickets,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::billing::start_deactivation;
use super::end_reason::EndReason;
use super::jobs;
use super::outcome::feature_names;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::domain::Money;
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::idempotency::{self, Remembered};
use crate::notifications::service::notify;
use crate::pagination::{Page, PageArgs, keyset};
use crate::payments::NewPayment;
use crate::payments::service as payments_service;
use crate::platform::db::begin_write;
use crate::platform::events::{ActivationPhase, DomainEvent};
use crate::platform::outbox::Outbox;

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
        let again = NewPayment {
            kind: PaymentKind::Feature,
            amount_minor: last.amount_minor,
            currency: last.currency.clone(),
            payer_id: last.payer_id,
            order_id: None,
            activation_id: Some(activation.id),
            idempotency_key: format!("activation:{}:retry:{}", activation.id, earlier.len()),
            payment_method: last.payment_method.clone(),
            // Credit and a received transfer went back to the customer's credit: it pays again.
            method: match last.method {
                PaymentMethodKind::BankTransfer => PaymentMethodKind::Credit,
                other => other,
            },
        };
        payments_service::open_paid(&txn, now, again).await?;
    }
    let mut pending: activations::ActiveModel = activation.into();
    pending.status = Set(ActivationStatus::Pending);
    pending.failure_reason = Set(None);
    pending.updated_at = Set(now);
    let pending = pending
        .update(&txn)
        .await
        .on_unique_violation("the feature is live on this vehicle through another purchase; nothing to retry")?;
    let retry = Retry { command: OtaCommand::Activate, action: "activation.retry", phase: ActivationPhase::Queued };
    start_again(app, &txn, &mut outbox, viewer, pending.id, retry).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
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
    let retry = Retry {
        command: OtaCommand::Deactivate,
        action: "activation.retry_deactivation",
        phase: ActivationPhase::Deactivating,
    };
    start_again(app, &txn, &mut outbox, viewer, activation.id, retry).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(activation)
}

/// What support starts again: the command for the car, the audit action, the phase shown live.
struct Retry {
    command: OtaCommand,
    action: &'static str,
    phase: ActivationPhase,
}

/// Support's retry of an activation's command: its tickets are resolved, a new OTA job is queued,
/// the retry is audited and shown live.
async fn start_again(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    viewer: &Viewer,
    activation_id: Uuid,
    retry: Retry,
) -> ApiResult<()> {
    resolve_tickets_of(app, db, activation_id).await?;
    jobs::enqueue(app, db, outbox, activation_id, retry.command).await?;
    let subject = Subject { kind: "activation", id: &activation_id.to_string() };
    audit::record(app, db, viewer, retry.action, subject, json!({})).await?;
    outbox.push(DomainEvent::activation_progressed(activation_id, retry.phase, 0));
    Ok(())
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
    let key = idempotency::parse_key(&request.idempotency_key)?;
    let reason = request.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(ApiError::bad_input("reason", "a refund needs a reason of 1 to 300 characters"));
    }
    let hash = idempotency::request_hash(&format!("refund|{}|{:?}|{reason}", request.payment_id, request.amount_minor));
    let payment =
        payments::Entity::find_by_id(request.payment_id).one(&app.db).await?.ok_or(ApiError::NotFound("payment"))?;
    // A repeat answers the payment as the first refund left it.
    if idempotency::earlier(&app.db, staff.id, &key, &hash).await?.is_some() {
        return payments::Entity::find_by_id(payment.id).one(&app.db).await?.ok_or(ApiError::NotFound("payment"));
    }
    if !matches!(payment.status, PaymentStatus::Captured | PaymentStatus::Settled) {
        return Err(ApiError::Conflict(format!("a {:?} payment cannot be refunded", payment.status)));
    }
    let amount = request.amount_minor.unwrap_or(payment.amount_minor);
    if amount <= 0 || amount > payment.amount_minor {
        return Err(ApiError::bad_input("amountMinor", "the refund must be positive and at most the payment"));
    }
    // The gateway sees the client's key too: racing repeats reach it as one refund.
    payments_service::refund(app, &payment, Some(amount), &format!("refund-{}-{key}", payment.id)).await?;
    let txn = begin_write(&app.db).await?;
    let remembered = Remembered {
        owner: staff.id,
        key: &key,
        operation: "refundPayment",
        hash: &hash,
        response: json!({ "paymentId": payment.id }),
    };
    if !idempotency::remember(&txn, remembered, app.clock.now()).await? {
        // The same key raced us and recorded the refund first.
        drop(txn);
        return payments::Entity::find_by_id(payment.id).one(&app.db).await?.ok_or(ApiError::NotFound("payment"));
    }
    let in_full = amount == payment.amount_minor;
    let refunded = payments_service::record_refund(app, &txn, &payment, amount).await?;
    let mut outbox = Outbox::new();
    tell_refund(app, &txn, &mut outbox, &refunded, amount, in_full, &reason).await?;
    let details = json!({ "amountMinor": amount, "reason": reason });
    let subject = Subject { kind: "payment", id: &payment.id.to_string() };
    audit::record(app, &txn, viewer, "payment.refund", subject, details).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(refunded)
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
        start_deactivation(app, db, outbox, activation, EndReason::Refunded).await?;
    }
    // Written in each language; the notification is rendered in its reader's.
    let amount = Money::new(amount, &payment.currency).texts();
    let payload = json!({ "amount": amount, "feature": feature, "vin": vin, "reason": reason });
    let template = if ends_feature { "payment.refunded_in_full" } else { "payment.refunded" };
    let channels = [NotificationChannel::InApp, NotificationChannel::Email];
    notify(app, db, outbox, payment.payer_id, template, payload, &channels).await?;
    Ok(())
}
