//! How an OTA job ends: on success the charge is captured, the activation is ACTIVE and invoiced and
//! the customer told (app, e-mail, car display); on failure the charge is released (voided, or
//! refunded if it was captured), the activation is FAILED, support gets a ticket, the customer is
//! told. A job that loses its lease to another worker changes nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    ActivationStatus, DurationKind, NotificationChannel, OtaJobStatus, PaymentStatus, activations, feature_texts,
    ota_jobs, payments,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::end_reason::EndReason;
use super::job::{self, Context, progress};
use super::jobs;
use super::periods::first_end;
use super::tickets::open_ticket;
use crate::app::App;
use crate::billing::invoices::{self as billing_invoices, InvoiceFor, Line, net_of_gross};
use crate::billing::wording::{LineText, describe};
use crate::domain::Locale;
use crate::error::{ApiError, ApiResult};
use crate::i18n::failures::FailureCode;
use crate::integrations::payments::GatewayError;
use crate::notifications::service::notify;
use crate::payments::Answer;
use crate::payments::service as payments_service;
use crate::platform::db::begin_write;
use crate::platform::events::{ActivationPhase, ActivationState, DomainEvent};
use crate::platform::outbox::Outbox;

/// Why an activation failed.
#[derive(Clone, Debug)]
pub enum Failure {
    /// The card was declined: nothing to switch on, nothing charged.
    PaymentDeclined(String),
    /// The car refused the change: support looks into it.
    CarRefused(String),
    /// The car did not confirm after every attempt: support looks into it.
    CarUnreachable(String),
}

impl Failure {
    /// The technical reason, for support.
    fn reason(&self) -> &str {
        match self {
            Self::PaymentDeclined(reason) | Self::CarRefused(reason) | Self::CarUnreachable(reason) => reason,
        }
    }

    /// What the customer is told.
    fn code(&self) -> FailureCode {
        match self {
            Self::PaymentDeclined(reason) => FailureCode::of_payment(reason),
            Self::CarRefused(_) => FailureCode::CarRefused,
            Self::CarUnreachable(_) => FailureCode::CarUnreachable,
        }
    }

    /// Whether the car is at fault (support gets a ticket).
    fn of_the_car(&self) -> bool {
        !matches!(self, Self::PaymentDeclined(_))
    }
}

/// The customer is told in the app, by e-mail and on the car's display.
const EVERYWHERE: &[NotificationChannel] =
    &[NotificationChannel::InApp, NotificationChannel::Email, NotificationChannel::InCar];

/// The feature's name in every language, for messages rendered in the reader's.
pub async fn feature_names(db: &impl ConnectionTrait, feature_id: Uuid) -> ApiResult<Value> {
    let mut names = names_of_features(db, [feature_id]).await?;
    Ok(names.remove(&feature_id).unwrap_or_else(|| Value::Object(Map::new())))
}

/// The names of several features in every language, by feature, in one statement.
pub async fn names_of_features(
    db: &impl ConnectionTrait,
    feature_ids: impl IntoIterator<Item = Uuid>,
) -> ApiResult<HashMap<Uuid, Value>> {
    let texts =
        feature_texts::Entity::find().filter(feature_texts::Column::FeatureId.is_in(feature_ids)).all(db).await?;
    let mut names: HashMap<Uuid, Map<String, Value>> = HashMap::new();
    for text in texts {
        names.entry(text.feature_id).or_default().insert(text.locale, Value::String(text.name));
    }
    Ok(names.into_iter().map(|(feature_id, by_locale)| (feature_id, Value::Object(by_locale))).collect())
}

/// Who is told about the feature's state in the car: its owner now. A permanent feature stays with
/// a resold car, so its buyer may be a former owner, who must hear nothing more of it.
fn current_holder(ctx: &Context) -> Uuid {
    ctx.vehicle.owner_id.unwrap_or(ctx.activation.purchased_by)
}

/// Puts the job back in the queue after the backoff for `attempt`.
pub async fn retry_later(app: &App, ctx: &Context, attempt: i32, error: &str) -> ApiResult<()> {
    let now = app.clock.now();
    let at = now + jobs::backoff(&app.config, attempt.max(1));
    jobs::retry_at(&app.db, &ctx.job, &ctx.worker, attempt, at, error, now).await?;
    Ok(())
}

/// Marks the job as still ours (or tells that another worker took it over).
async fn fence(db: &impl ConnectionTrait, job: &ota_jobs::Model, worker: &str, now: DateTime<Utc>) -> ApiResult<bool> {
    let touched = ota_jobs::Entity::update_many()
        .col_expr(ota_jobs::Column::UpdatedAt, Expr::value(now))
        .filter(ota_jobs::Column::Id.eq(job.id))
        .filter(ota_jobs::Column::LeaseOwner.eq(worker))
        .exec(db)
        .await?;
    Ok(touched.rows_affected == 1)
}

/// The car confirmed: capture, activate, invoice, tell.
pub async fn activated(app: &App, ctx: &Context, attempt: i32) -> ApiResult<()> {
    let mut capture_failure = None;
    let mut captured = None;
    if let Some(payment) = ctx.payment.as_ref().filter(|p| p.status == PaymentStatus::Authorized) {
        match payments_service::capture(app, payment).await? {
            Answer::Done { provider_ref } => captured = Some(provider_ref),
            Answer::Refused { reason, .. } => capture_failure = Some(reason),
            // The car has it on: only the capture is retried, not the command budget.
            Answer::Unavailable(message) => return retry_later(app, ctx, attempt - 1, &message).await,
        }
    }
    let now = app.clock.now();
    let txn = begin_write(&app.db).await?;
    if !jobs::finish(&txn, &ctx.job, &ctx.worker, OtaJobStatus::Succeeded, None, now).await? {
        return Ok(());
    }
    let mut outbox = Outbox::new();
    let start = ctx.activation.starts_at.unwrap_or(now);
    let mut active: activations::ActiveModel = ctx.activation.clone().into();
    active.status = Set(ActivationStatus::Active);
    active.starts_at = Set(Some(start));
    active.ends_at = Set(first_end(ctx.activation.duration_kind, ctx.activation.duration_days, start));
    active.billed_until = Set((ctx.activation.duration_kind == DurationKind::Monthly).then_some(start));
    active.failure_reason = Set(None);
    active.updated_at = Set(now);
    if capture_failure.is_some() {
        active.unpaid_since = Set(Some(now));
    }
    let active = active.update(&txn).await?;
    let mut to_invoice = None;
    let mut charge = ctx.payment.as_ref().map(|payment| payment.status);
    if let Some(payment) = &ctx.payment {
        if let Some(provider_ref) = &captured {
            let captured = payments_service::mark_captured(&txn, payment, provider_ref, now).await?;
            charge = Some(captured.status);
            to_invoice = Some(captured);
        } else if payments_service::paid_in_advance(payment) {
            to_invoice = Some(payment.clone());
        } else if let Some(reason) = &capture_failure {
            charge = Some(payments_service::mark_failed(&txn, payment, reason, now).await?.status);
        }
    }
    let names = &ctx.names;
    let payload = json!({ "feature": names, "vin": ctx.vehicle.vin, "endsAt": active.ends_at.map(|at| at.format("%Y-%m-%d").to_string()) });
    notify(app, &txn, &mut outbox, current_holder(ctx), "activation.active", payload, EVERYWHERE).await?;
    let state = ActivationState { activation: active, charge };
    outbox.push(DomainEvent::activation_progressed_to(state, ActivationPhase::Active, attempt));
    // Last: the invoice number locks the region's counter until the commit, and every worker
    // activating in that region waits for it.
    if let Some(charged) = &to_invoice {
        invoice_payment(app, &txn, ctx, charged).await?;
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(())
}

/// The invoice of a captured feature charge, to its buyer, in their region and language.
async fn invoice_payment(
    app: &App,
    db: &impl ConnectionTrait,
    ctx: &Context,
    payment: &payments::Model,
) -> ApiResult<invoices_model::Model> {
    let (buyer, region) = ctx.buyer.clone().ok_or(ApiError::NotFound("customer"))?;
    let names = &ctx.names;
    let name = names.get(&buyer.locale).and_then(Value::as_str).map_or_else(|| ctx.feature.code.clone(), str::to_owned);
    let net = net_of_gross(payment.amount_minor, region.vat_rate_bp);
    let line = Line {
        description: describe(
            Locale::from_tag(&buyer.locale).unwrap_or_default(),
            &LineText::Feature {
                feature: &name,
                kind: ctx.activation.duration_kind,
                days: ctx.activation.duration_days,
                vin: &ctx.vehicle.vin,
            },
        ),
        quantity: 1,
        unit_net_minor: net,
        activation_id: Some(ctx.activation.id),
    };
    let target =
        InvoiceFor { customer_id: buyer.id, vehicle_id: Some(ctx.vehicle.id), payment_id: Some(payment.id), region };
    billing_invoices::issue(app, db, &target, &[line], None).await
}

use entity::invoices as invoices_model;

/// The activation failed: record it, open a ticket when the car is at fault, tell the customer,
/// then release the charge.
pub async fn failed(app: &App, ctx: &Context, failure: Failure) -> ApiResult<()> {
    let now = app.clock.now();
    let (reason, ticket) = (failure.reason().to_owned(), failure.of_the_car());
    let txn = begin_write(&app.db).await?;
    if !fence(&txn, &ctx.job, &ctx.worker, now).await? {
        return Ok(());
    }
    let mut outbox = Outbox::new();
    let mut failed: activations::ActiveModel = ctx.activation.clone().into();
    failed.status = Set(ActivationStatus::Failed);
    failed.failure_reason = Set(Some(reason.chars().take(300).collect()));
    failed.failure_code = Set(Some(failure.code().as_str().to_owned()));
    failed.updated_at = Set(now);
    let failed = failed.update(&txn).await?;
    if ticket {
        let subject = format!("Activation of {} on {} failed", ctx.feature.code, ctx.vehicle.vin);
        open_ticket(app, &txn, Some(failed.id), Some(ctx.vehicle.id), &subject, &reason).await?;
    }
    let payload =
        json!({ "feature": ctx.names, "vin": ctx.vehicle.vin, "reason": failure.code().texts(), "detail": reason });
    let channels = [NotificationChannel::InApp, NotificationChannel::Email];
    notify(app, &txn, &mut outbox, ctx.activation.purchased_by, "activation.failed", payload, &channels).await?;
    let state =
        ActivationState { activation: failed.clone(), charge: ctx.payment.as_ref().map(|payment| payment.status) };
    outbox.push(DomainEvent::activation_progressed_to(state, ActivationPhase::Failed, ctx.job.attempts));
    outbox.commit(txn, app.events.as_ref()).await?;
    let ctx = Context { activation: failed, ..ctx.clone() };
    if ticket {
        make_sure_off(app, &ctx).await?;
    }
    release_charge(app, &ctx).await
}

/// Tries of the switch-off of a failed activation that the car says is on, before support is told.
const SWITCH_OFF_TRIES: u32 = 3;

/// A failed activation must leave the feature off: if the car says it is on after all (an
/// attempt's answer was lost), switch it off — again if the command is lost on the way — and tell
/// support if the car will not.
async fn make_sure_off(app: &App, ctx: &Context) -> ApiResult<()> {
    if job::reports_on(app, ctx).await != Some(true) {
        return Ok(());
    }
    let mut tries = 0;
    let error = loop {
        tries += 1;
        match job::send(app, ctx, crate::integrations::fleet::FeatureAction::Deactivate).await {
            Ok(()) => return Ok(()),
            Err(crate::integrations::fleet::IotError::Transient(_)) if tries < SWITCH_OFF_TRIES => {
                let wait = jobs::backoff(&app.config, i32::try_from(tries).unwrap_or(1));
                tokio::time::sleep(wait.to_std().unwrap_or_default()).await;
            }
            Err(error) => break error,
        }
    };
    let subject = format!("{} may still be on in {} after a failed activation", ctx.feature.code, ctx.vehicle.vin);
    open_ticket(app, &app.db, Some(ctx.activation.id), Some(ctx.vehicle.id), &subject, &error.to_string()).await?;
    Ok(())
}

/// Releases the charge of a failed activation — void an authorisation, refund a capture — then ends
/// the job. The gateway being down only delays it.
pub async fn release_charge(app: &App, ctx: &Context) -> ApiResult<()> {
    let payment = match &ctx.payment {
        Some(payment) => payments::Entity::find_by_id(payment.id).one(&app.db).await?,
        None => None,
    };
    if let Some(payment) = payment
        && let Err(GatewayError::Unavailable(message)) = payments_service::release(app, &payment).await?
    {
        return retry_later(app, ctx, ctx.job.attempts, &message).await;
    }
    jobs::finish(
        &app.db,
        &ctx.job,
        &ctx.worker,
        OtaJobStatus::Failed,
        ctx.activation.failure_reason.as_deref(),
        app.clock.now(),
    )
    .await?;
    Ok(())
}

/// The car confirmed the switch-off: the activation ends.
pub async fn deactivated(app: &App, ctx: &Context) -> ApiResult<()> {
    let now = app.clock.now();
    let txn = begin_write(&app.db).await?;
    if !jobs::finish(&txn, &ctx.job, &ctx.worker, OtaJobStatus::Succeeded, None, now).await? {
        return Ok(());
    }
    let mut outbox = Outbox::new();
    let expired = ctx.activation.end_reason.as_deref().and_then(EndReason::parse) == Some(EndReason::Expired);
    let mut ended: activations::ActiveModel = ctx.activation.clone().into();
    ended.status = Set(if expired { ActivationStatus::Expired } else { ActivationStatus::Cancelled });
    ended.ends_at = Set(Some(ctx.activation.ends_at.map_or(now, |planned| planned.min(now))));
    ended.updated_at = Set(now);
    let ended = ended.update(&txn).await?;
    let payload = json!({ "feature": ctx.names, "vin": ctx.vehicle.vin, "reason": ctx.activation.end_reason });
    notify(
        app,
        &txn,
        &mut outbox,
        current_holder(ctx),
        "activation.ended",
        payload,
        &[NotificationChannel::InApp, NotificationChannel::InCar],
    )
    .await?;
    outbox.push(DomainEvent::activation_progressed(ended.id, ActivationPhase::Ended, ctx.job.attempts));
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(())
}

/// The car would not switch the feature off: support takes over.
pub async fn deactivation_stuck(app: &App, ctx: &Context, error: &str) -> ApiResult<()> {
    let txn = begin_write(&app.db).await?;
    if !jobs::finish(&txn, &ctx.job, &ctx.worker, OtaJobStatus::Failed, Some(error), app.clock.now()).await? {
        return Ok(());
    }
    let subject = format!("Could not switch {} off on {}", ctx.feature.code, ctx.vehicle.vin);
    open_ticket(app, &txn, Some(ctx.activation.id), Some(ctx.vehicle.id), &subject, error).await?;
    txn.commit().await?;
    progress(app, ctx.activation.id, ActivationPhase::Deactivating, ctx.job.attempts).await;
    Ok(())
}
