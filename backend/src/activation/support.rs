//! Support's side of activations: tickets opened by failures, retrying an activation, refunding a
//! payment.

use entity::{
    ActivationStatus, OtaCommand, OtaJobStatus, PaymentKind, PaymentStatus, TicketStatus, activations, ota_jobs,
    payments, support_tickets,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::jobs;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::billing::invoices::credit_note;
use crate::error::{ApiError, ApiResult, OnConstraint};
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

/// Refunds a captured payment, fully or `amount_minor` of it, with a credit note.
pub async fn refund_payment(
    app: &App,
    viewer: &Viewer,
    payment_id: Uuid,
    amount_minor: Option<i64>,
) -> ApiResult<payments::Model> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let payment = payments::Entity::find_by_id(payment_id).one(&app.db).await?.ok_or(ApiError::NotFound("payment"))?;
    if !matches!(payment.status, PaymentStatus::Captured | PaymentStatus::Settled) {
        return Err(ApiError::Conflict(format!("a {:?} payment cannot be refunded", payment.status)));
    }
    let amount = amount_minor.unwrap_or(payment.amount_minor);
    if amount <= 0 || amount > payment.amount_minor {
        return Err(ApiError::bad_input("amountMinor", "the refund must be positive and at most the payment"));
    }
    let earlier_refunds = audit_refunds(app, payment.id).await?;
    let provider_ref =
        payment.provider_ref.clone().ok_or_else(|| ApiError::Conflict("the payment was never charged".into()))?;
    app.integrations
        .payments
        .refund(&provider_ref, Some(amount), &format!("support-refund-{}-{earlier_refunds}", payment.id))
        .await
        .map_err(|err| match err {
            crate::integrations::payments::GatewayError::Unavailable(message) => ApiError::Unavailable(message),
            other => ApiError::Conflict(other.to_string()),
        })?;
    let txn = begin_write(&app.db).await?;
    let mut refunded: payments::ActiveModel = payment.clone().into();
    if amount == payment.amount_minor {
        refunded.status = Set(PaymentStatus::Refunded);
    }
    refunded.updated_at = Set(app.clock.now());
    let refunded = refunded.update(&txn).await?;
    credit_note(app, &txn, &refunded, amount).await?;
    let details = json!({ "amountMinor": amount });
    audit::record(
        app,
        &txn,
        viewer,
        "payment.refund",
        Subject { kind: "payment", id: &payment.id.to_string() },
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(refunded)
}

async fn audit_refunds(app: &App, payment_id: Uuid) -> ApiResult<u64> {
    Ok(entity::audit_events::Entity::find()
        .filter(entity::audit_events::Column::Action.eq("payment.refund"))
        .filter(entity::audit_events::Column::SubjectId.eq(payment_id.to_string()))
        .count(&app.db)
        .await?)
}
