//! The scheduler: time-driven rules, run every `CAAS_SCHEDULER_INTERVAL` seconds from the `Clock`
//! (tests move the clock and call `tick`). Trials and fixed durations end by themselves; annual
//! subscriptions renew up front; monthly ones are billed at month end for the days used; a
//! cancellation takes effect at the end of the period; unpaid subscriptions are charged again and,
//! after the grace period, switched off.

use chrono::Duration;
use entity::{ActivationStatus, DurationKind, PaymentKind, PaymentStatus, activations, payments};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use tokio_util::sync::CancellationToken;

use super::billing::{bill_month, renew_year, retry_failed, start_deactivation};
use super::end_reason::EndReason;
use super::periods::next_month_start;
use crate::app::{App, AppState};
use crate::error::{ApiError, ApiResult};
use crate::platform::db::begin_write;
use crate::platform::lease::Lease;
use crate::platform::outbox::Outbox;
use crate::platform::periodic;

/// How often a failed subscription payment is tried again (at most 3 times, once a day).
const RETRIES: u64 = 3;

/// What one run of the scheduler did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    /// Activations whose switch-off was started.
    pub ended: usize,
    /// Periods charged (renewals and month-end bills).
    pub charged: usize,
    /// Failed payments charged again.
    pub retried: usize,
}

/// Runs the scheduler every `CAAS_SCHEDULER_INTERVAL` seconds while this instance holds its
/// `lease`, until `stop`.
pub async fn run(app: AppState, lease: Lease, stop: CancellationToken) {
    let interval = std::time::Duration::from_secs(app.config.scheduler_interval_secs);
    let (db, instance) = (app.db.clone(), app.instance.clone());
    periodic::run_logged(db, lease, instance, interval, stop, move || {
        let app = app.clone();
        async move { tick(&app).await }
    })
    .await;
}

/// One run of every rule.
pub async fn tick(app: &App) -> ApiResult<Tick> {
    let mut done = Tick::default();
    // A VAT rate whose date has come applies before anything is billed.
    crate::accounts::regions::apply_due_vat_rates(app).await?;
    let now = app.clock.now();
    let due = activations::Entity::find()
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .filter(activations::Column::EndsAt.lte(now))
        .all(&app.db)
        .await?;
    for activation in due {
        match activation.duration_kind {
            DurationKind::Trial | DurationKind::FixedDays => {
                let reason = if activation.cancel_at_period_end { EndReason::Cancelled } else { EndReason::Expired };
                end(app, activation, reason).await?;
                done.ended += 1;
            }
            DurationKind::Annual => {
                done = period_over(app, activation, done, |app, activation, start| {
                    Box::pin(renew_year(app, activation, start))
                })
                .await?
            }
            DurationKind::Monthly => done = month_over(app, activation, done).await?,
            DurationKind::Permanent => {}
        }
    }
    done.charged += bill_ended_months(app).await?;
    done.retried += retry_unpaid(app).await?;
    done.ended += cut_off_unpaid(app).await?;
    done.ended += super::purchase::give_up_unpaid_transfers(app).await?;
    Ok(done)
}

async fn end(app: &App, activation: activations::Model, reason: EndReason) -> ApiResult<()> {
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    start_deactivation(app, &txn, &mut outbox, activation, reason).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(())
}

type Charge = for<'a> fn(
    &'a App,
    &'a activations::Model,
    chrono::DateTime<chrono::Utc>,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = ApiResult<Option<payments::Model>>> + Send + 'a>,
>;

/// An annual period is over: end it if cancelled, otherwise charge the next year and extend.
async fn period_over(app: &App, activation: activations::Model, mut done: Tick, charge: Charge) -> ApiResult<Tick> {
    let Some(period_end) = activation.ends_at else { return Ok(done) };
    if activation.cancel_at_period_end {
        end(app, activation, EndReason::Cancelled).await?;
        done.ended += 1;
        return Ok(done);
    }
    match charge(app, &activation, period_end).await {
        Ok(Some(_)) => done.charged += 1,
        Ok(None) => {}
        // Not renewed until it is charged: the next run tries the same payment again.
        Err(ApiError::Unavailable(_)) => return Ok(done),
        Err(err) => return Err(err),
    }
    let mut renewed: activations::ActiveModel = activation.into();
    renewed.ends_at = Set(period_end.checked_add_months(chrono::Months::new(12)));
    renewed.updated_at = Set(app.clock.now());
    renewed.update(&app.db).await?;
    Ok(done)
}

/// A month of a monthly subscription is over: bill the days used, then end it if cancelled or roll
/// on to the next month.
async fn month_over(app: &App, activation: activations::Model, mut done: Tick) -> ApiResult<Tick> {
    let Some(period_end) = activation.ends_at else { return Ok(done) };
    let from = activation.billed_until.or(activation.starts_at).unwrap_or(period_end);
    if from < period_end {
        match bill_month(app, &activation, from, period_end).await {
            Ok(Some(_)) => done.charged += 1,
            Ok(None) => {}
            // Not billed until it is charged: the next run tries the same payment again.
            Err(ApiError::Unavailable(_)) => return Ok(done),
            Err(err) => return Err(err),
        }
    }
    let mut billed: activations::ActiveModel = activation.clone().into();
    billed.billed_until = Set(Some(period_end));
    if !activation.cancel_at_period_end {
        billed.ends_at = Set(Some(next_month_start(period_end)));
    }
    billed.updated_at = Set(app.clock.now());
    let billed = billed.update(&app.db).await?;
    if activation.cancel_at_period_end {
        end(app, billed, EndReason::Cancelled).await?;
        done.ended += 1;
    }
    Ok(done)
}

/// Monthly subscriptions that ended before the month did (cancelled by a change of owner, or cut
/// off) get their last bill for the days used, once their month is over.
async fn bill_ended_months(app: &App) -> ApiResult<usize> {
    let now = app.clock.now();
    let ended = activations::Entity::find()
        .filter(activations::Column::DurationKind.eq(DurationKind::Monthly))
        .filter(activations::Column::Status.is_in([ActivationStatus::Expired, ActivationStatus::Cancelled]))
        .filter(activations::Column::EndReason.ne(EndReason::PaymentFailed.as_str()))
        .all(&app.db)
        .await?;
    let mut billed = 0;
    for activation in ended {
        let (Some(ended_at), Some(from)) = (activation.ends_at, activation.billed_until) else { continue };
        if from >= ended_at || next_month_start(from) > now {
            continue;
        }
        let to = ended_at.min(next_month_start(from));
        match bill_month(app, &activation, from, to).await {
            Ok(Some(_)) => billed += 1,
            Ok(None) => {}
            Err(ApiError::Unavailable(_)) => continue,
            Err(err) => return Err(err),
        }
        let mut closed: activations::ActiveModel = activation.into();
        closed.billed_until = Set(Some(to));
        closed.update(&app.db).await?;
    }
    Ok(billed)
}

/// Charges again, once a day and at most three times, the failed payments of subscriptions still
/// running.
async fn retry_unpaid(app: &App) -> ApiResult<usize> {
    let now = app.clock.now();
    let unpaid = activations::Entity::find()
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .filter(activations::Column::UnpaidSince.is_not_null())
        .all(&app.db)
        .await?;
    let mut retried = 0;
    for activation in unpaid {
        let failed = payments::Entity::find()
            .filter(payments::Column::ActivationId.eq(activation.id))
            .filter(payments::Column::Status.eq(PaymentStatus::Failed))
            .filter(payments::Column::Kind.is_in([PaymentKind::Feature, PaymentKind::SubscriptionPeriod]))
            // A debit the customer's bank returned is not presented again on its own: the customer
            // is told and pays another way before the grace period ends.
            .filter(payments::Column::Method.ne(entity::PaymentMethodKind::SepaDebit))
            .all(&app.db)
            .await?;
        let Some(latest) = failed.iter().max_by_key(|payment| payment.updated_at) else { continue };
        if latest.updated_at > now - Duration::days(1) {
            continue;
        }
        let original_key = latest.idempotency_key.split("#retry").next().unwrap_or_default().to_owned();
        let attempts = payments::Entity::find()
            .filter(payments::Column::IdempotencyKey.starts_with(format!("{original_key}#retry")))
            .count(&app.db)
            .await?;
        if attempts >= RETRIES {
            continue;
        }
        let original = failed.iter().find(|payment| payment.idempotency_key == original_key).unwrap_or(latest);
        retry_failed(app, original, attempts + 1).await?;
        retried += 1;
    }
    Ok(retried)
}

/// Switches off subscriptions unpaid for longer than the grace period.
async fn cut_off_unpaid(app: &App) -> ApiResult<usize> {
    let limit = app.clock.now() - Duration::days(app.config.settlement_grace_days);
    let overdue = activations::Entity::find()
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .filter(activations::Column::UnpaidSince.lte(limit))
        .all(&app.db)
        .await?;
    let count = overdue.len();
    for activation in overdue {
        end(app, activation, EndReason::PaymentFailed).await?;
    }
    Ok(count)
}
