//! The OTA engine: a pool of workers that take durable jobs and drive each activation to its end —
//! authorise the charge, send the command to the car with retries and backoff, then capture (on
//! success) or release (on failure). Every step is idempotent (the gateway sees the same keys, the
//! car the same command id), so a job picked up again after a crash carries on safely.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{
    ActivationStatus, OtaCommand, OtaJobStatus, PaymentStatus, activations, features, ota_jobs, payments, regions,
    users, vehicles,
};
use futures::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::job::{Context, progress, progress_with_state, reports_on, send};
use super::jobs;
use super::outcome::{self, Failure};
use crate::app::{App, AppState};
use crate::error::ApiResult;
use crate::integrations::fleet::{FeatureAction, IotError};
use crate::integrations::payments::GatewayError;
use crate::payments::Answer;
use crate::payments::service as payments_service;
use crate::platform::events::{ActivationPhase, Topic};

/// How often an idle worker looks for due jobs without being woken.
const POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// Runs `config.ota_workers` workers until `stop`; each finishes the jobs in hand first. No workers
/// (0) makes an instance that serves the API only.
pub async fn run(app: AppState, stop: CancellationToken) {
    if app.config.ota_workers == 0 {
        return;
    }
    let wake = Arc::new(Notify::new());
    let calls = tokio::spawn(pass_on_wake_up_calls(app.clone(), wake.clone(), stop.clone()));
    // Named after the instance: a job's `lease_owner` tells which member of a cluster holds it.
    let workers: Vec<_> = (0..app.config.ota_workers)
        .map(|n| tokio::spawn(work(app.clone(), format!("{}/{n}", app.instance), wake.clone(), stop.clone())))
        .collect();
    futures::future::join_all(workers).await;
    calls.abort();
}

/// Wakes one idle worker per job queued, not every worker: a wake-up call to all of them would
/// cost a claim statement each for one job.
async fn pass_on_wake_up_calls(app: AppState, wake: Arc<Notify>, stop: CancellationToken) {
    let mut queued = app.events.subscribe_topic(Topic::Jobs);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            call = queued.next() => match call {
                Some(_) => wake.notify_one(),
                None => return,
            },
        }
    }
}

async fn work(app: AppState, name: String, wake: Arc<Notify>, stop: CancellationToken) {
    loop {
        if stop.is_cancelled() {
            return;
        }
        match jobs::claim(&app, &name, app.config.ota_claim_batch).await {
            Ok(batch) if !batch.is_empty() => {
                // More may be waiting: another worker looks while this one works, so a burst
                // spreads over the pool one worker at a time, and stops at the first empty look.
                wake.notify_one();
                run_holding_leases(&app, &name, batch).await;
                continue;
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, worker = %name, "claiming OTA jobs failed"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Runs a batch of jobs side by side while renewing the worker's leases on them. A step can take
/// longer than the lease (a slow car, a loaded machine): without renewal another worker would
/// reclaim the job mid-step, both would act and count attempts, and a loaded engine would spend
/// its time stealing work.
async fn run_holding_leases(app: &App, worker: &str, batch: Vec<ota_jobs::Model>) {
    let renew = jobs::keep_leases(app, worker);
    tokio::pin!(renew);
    tokio::select! {
        () = run_batch(app, worker, batch) => {}
        never = &mut renew => match never {},
    }
}

async fn run_batch(app: &App, worker: &str, batch: Vec<ota_jobs::Model>) {
    let with_work = match settle_idle(app, worker, batch).await {
        Ok(with_work) => with_work,
        Err(err) => {
            tracing::warn!(error = ?err, worker, "loading OTA jobs failed; they will be picked up again");
            return;
        }
    };
    let steps = with_work.into_iter().map(|ctx| async move {
        let job = ctx.job.id;
        if let Err(err) = step(app, ctx).await {
            tracing::warn!(error = ?err, worker, %job, "an OTA job step failed; it will be picked up again");
        }
    });
    futures::future::join_all(steps).await;
}

/// Runs every job due now, one after the other, and returns how many ran (for tests that drive
/// the engine step by step).
pub async fn run_due(app: &App) -> ApiResult<usize> {
    let mut ran = 0;
    while run_one(app).await? {
        ran += 1;
    }
    Ok(ran)
}

/// Runs the next job due, if there is one (the benchmarks measure one step of the engine).
pub async fn run_one(app: &App) -> ApiResult<bool> {
    let batch = jobs::claim(app, "inline", 1).await?;
    if batch.is_empty() {
        return Ok(false);
    }
    for ctx in settle_idle(app, "inline", batch).await? {
        step(app, ctx).await?;
    }
    Ok(true)
}

/// A claimed job with its activation, car, feature and latest charge.
struct Claimed {
    job: ota_jobs::Model,
    activation: activations::Model,
    vehicle: vehicles::Model,
    feature: features::Model,
    payment: Option<payments::Model>,
}

/// The activations of a batch of jobs with their cars and features (one statement), and their
/// latest charges (one statement). A job whose activation is gone comes back apart.
async fn load(app: &App, batch: Vec<ota_jobs::Model>) -> ApiResult<(Vec<Claimed>, Vec<ota_jobs::Model>)> {
    let ids: Vec<Uuid> = batch.iter().map(|job| job.activation_id).collect();
    let found: HashMap<Uuid, (activations::Model, vehicles::Model, features::Model)> = activations::Entity::find()
        .filter(activations::Column::Id.is_in(ids.iter().copied()))
        .find_also_related(vehicles::Entity)
        .find_also_related(features::Entity)
        .all(&app.db)
        .await?
        .into_iter()
        .filter_map(|(activation, vehicle, feature)| Some((activation.id, (activation, vehicle?, feature?))))
        .collect();
    // The latest charge (ids are time-ordered): a retry by support adds one after the released one.
    let mut latest_payment: HashMap<Uuid, payments::Model> = HashMap::new();
    let charges = payments::Entity::find()
        .filter(payments::Column::ActivationId.is_in(ids))
        .filter(payments::Column::Kind.eq(entity::PaymentKind::Feature))
        .order_by_desc(payments::Column::Id)
        .all(&app.db)
        .await?;
    for payment in charges {
        if let Some(activation_id) = payment.activation_id {
            latest_payment.entry(activation_id).or_insert(payment);
        }
    }
    // Copied, not moved out: should two jobs of one activation share a batch, each must find it
    // (the second is not "gone").
    let (mut claimed, mut gone) = (Vec::new(), Vec::new());
    for job in batch {
        match found.get(&job.activation_id).cloned() {
            Some((activation, vehicle, feature)) => {
                let payment = latest_payment.get(&activation.id).cloned();
                claimed.push(Claimed { job, activation, vehicle, feature, payment });
            }
            None => gone.push(job),
        }
    }
    Ok((claimed, gone))
}

/// Loads a batch and ends, in one statement per outcome, the jobs with nothing left to do — their
/// activation gone, or already where the job would take it (a job picked up again after its
/// worker finished the work but not the job). Answers the jobs with work, with what their steps
/// need to say and invoice.
async fn settle_idle(app: &App, worker: &str, batch: Vec<ota_jobs::Model>) -> ApiResult<Vec<Context>> {
    let (claimed, gone) = load(app, batch).await?;
    let (with_work, done): (Vec<Claimed>, Vec<Claimed>) = claimed.into_iter().partition(has_work);
    let now = app.clock.now();
    let gone: Vec<Uuid> = gone.iter().map(|job| job.id).collect();
    jobs::finish_all(&app.db, &gone, worker, OtaJobStatus::Failed, Some("the activation is gone"), now).await?;
    let done: Vec<Uuid> = done.iter().map(|claimed| claimed.job.id).collect();
    jobs::finish_all(&app.db, &done, worker, OtaJobStatus::Succeeded, None, now).await?;
    with_names_and_buyers(app, worker, with_work).await
}

/// The batch's feature names (one statement) and buyers with their regions (two), read once for
/// every job instead of inside each job's transaction.
async fn with_names_and_buyers(app: &App, worker: &str, claimed: Vec<Claimed>) -> ApiResult<Vec<Context>> {
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let names = outcome::names_of_features(&app.db, claimed.iter().map(|c| c.feature.id)).await?;
    let buyers = users::Entity::find()
        .filter(users::Column::Id.is_in(claimed.iter().map(|c| c.activation.purchased_by)))
        .all(&app.db)
        .await?;
    let regions: HashMap<Uuid, regions::Model> = regions::Entity::find()
        .filter(regions::Column::Id.is_in(buyers.iter().map(|buyer| buyer.region_id)))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|region| (region.id, region))
        .collect();
    let buyers: HashMap<Uuid, (users::Model, regions::Model)> = buyers
        .into_iter()
        .filter_map(|buyer| {
            let region = regions.get(&buyer.region_id)?.clone();
            Some((buyer.id, (buyer, region)))
        })
        .collect();
    Ok(claimed
        .into_iter()
        .map(|c| Context {
            names: names.get(&c.feature.id).cloned().unwrap_or_else(|| serde_json::json!({})),
            buyer: buyers.get(&c.activation.purchased_by).cloned(),
            worker: worker.to_owned(),
            job: c.job,
            activation: c.activation,
            vehicle: c.vehicle,
            feature: c.feature,
            payment: c.payment,
        })
        .collect())
}

/// Whether the job's activation still needs it: an activation not yet on (or failed, whose charge
/// is released by the job), or one being switched off.
fn has_work(claimed: &Claimed) -> bool {
    match claimed.job.command {
        OtaCommand::Activate => matches!(
            claimed.activation.status,
            ActivationStatus::Pending | ActivationStatus::Activating | ActivationStatus::Failed
        ),
        OtaCommand::Deactivate => claimed.activation.status == ActivationStatus::Deactivating,
    }
}

async fn step(app: &App, ctx: Context) -> ApiResult<()> {
    match ctx.job.command {
        OtaCommand::Activate => activate(app, ctx).await,
        OtaCommand::Deactivate => deactivate(app, ctx).await,
    }
}

async fn activate(app: &App, mut ctx: Context) -> ApiResult<()> {
    if ctx.activation.status == ActivationStatus::Failed {
        return outcome::release_charge(app, &ctx).await;
    }
    // A declined authorisation whose failure was not recorded before a crash: nothing to switch on.
    if let Some(declined) = ctx.payment.as_ref().filter(|p| p.status == PaymentStatus::Failed) {
        let reason = declined.failure_reason.clone().unwrap_or_else(|| "the payment was declined".into());
        return outcome::failed(app, &ctx, Failure::PaymentDeclined(reason)).await;
    }
    if let Some(payment) = ctx.payment.clone().filter(|p| p.status == PaymentStatus::Pending) {
        match authorize(app, &payment).await? {
            Ok(authorized) => ctx.payment = Some(authorized),
            Err(GatewayError::Unavailable(message)) => {
                return outcome::retry_later(app, &ctx, ctx.job.attempts, &message).await;
            }
            Err(declined) => return outcome::failed(app, &ctx, Failure::PaymentDeclined(declined.to_string())).await,
        }
    }
    // ACTIVATING means a command was sent before (this job's, or one whose worker stalled or
    // crashed, or one the car confirmed while the capture had to wait for the gateway).
    let sent_before = ctx.activation.status == ActivationStatus::Activating;
    let Some(attempt) = jobs::start_attempt(app, &ctx.job, &ctx.worker).await? else {
        return Ok(()); // another worker took the job over
    };
    if ctx.activation.status == ActivationStatus::Pending {
        // Only from PENDING: a worker that stalled past its lease must not move back an activation
        // another worker has finished meanwhile (it would stay ACTIVATING with its job done).
        let now = app.clock.now();
        let moved = activations::Entity::update_many()
            .col_expr(activations::Column::Status, Expr::value(ActivationStatus::Activating))
            .col_expr(activations::Column::UpdatedAt, Expr::value(now))
            .filter(activations::Column::Id.eq(ctx.activation.id))
            .filter(activations::Column::Status.eq(ActivationStatus::Pending))
            .exec(&app.db)
            .await?;
        if moved.rows_affected == 0 && withdrawn(app, &ctx).await? {
            return Ok(());
        }
        ctx.activation.status = ActivationStatus::Activating;
        ctx.activation.updated_at = now;
    }
    progress_with_state(app, &ctx, ActivationPhase::Sending, attempt).await;
    // A previous attempt may have reached the car and lost its answer (or its worker crashed, or
    // the car confirmed and the capture waited): what the car reports decides, not what we
    // remember. A first command has nothing to ask about: it answers with the car's state.
    if (attempt > 1 || sent_before) && reports_on(app, &ctx).await == Some(true) {
        return outcome::activated(app, &ctx, attempt).await;
    }
    match send(app, &ctx, FeatureAction::Activate).await {
        Ok(()) => outcome::activated(app, &ctx, attempt).await,
        Err(IotError::Transient(error)) if attempt < ctx.job.max_attempts => {
            outcome::retry_later(app, &ctx, attempt, &error).await?;
            progress(app, ctx.activation.id, ActivationPhase::RetryScheduled, attempt).await;
            Ok(())
        }
        Err(IotError::Transient(error)) => {
            let reason = format!("the vehicle did not confirm after {attempt} attempts ({error})");
            outcome::failed(app, &ctx, Failure::CarUnreachable(reason)).await
        }
        Err(IotError::Permanent(error)) => {
            outcome::failed(app, &ctx, Failure::CarRefused(format!("the vehicle refused: {error}"))).await
        }
    }
}

/// Whether the activation was withdrawn (a stopped campaign cancelled it) after this job was
/// loaded: the command is not sent, and the job ends. Committed before the command goes out, the
/// move to ACTIVATING is what a stop cannot take back: a command sent after a stop's commit is one
/// whose activation was ACTIVATING before it.
async fn withdrawn(app: &App, ctx: &Context) -> ApiResult<bool> {
    let status = activations::Entity::find_by_id(ctx.activation.id).one(&app.db).await?.map(|now| now.status);
    if matches!(status, Some(ActivationStatus::Activating)) {
        return Ok(false); // another worker took it on
    }
    let reason = Some("withdrawn before the command went out");
    jobs::finish_all(&app.db, &[ctx.job.id], &ctx.worker, OtaJobStatus::Failed, reason, app.clock.now()).await?;
    Ok(true)
}

async fn deactivate(app: &App, ctx: Context) -> ApiResult<()> {
    let Some(attempt) = jobs::start_attempt(app, &ctx.job, &ctx.worker).await? else {
        return Ok(());
    };
    progress(app, ctx.activation.id, ActivationPhase::Deactivating, attempt).await;
    match send(app, &ctx, FeatureAction::Deactivate).await {
        Ok(()) => outcome::deactivated(app, &ctx).await,
        // Switching off must happen in the end: keep trying, well past the activation budget.
        Err(IotError::Transient(error)) if attempt < ctx.job.max_attempts * 3 => {
            outcome::retry_later(app, &ctx, attempt, &error).await
        }
        Err(error) => outcome::deactivation_stuck(app, &ctx, &error.to_string()).await,
    }
}

/// Authorises a feature's charge (the gateway key is the payment's id, so a retry finds the same
/// authorisation) and records the answer on the payment if it is still PENDING: a worker that
/// stalled past its lease finds it moved on by another, and what that one recorded counts.
async fn authorize(app: &App, payment: &payments::Model) -> ApiResult<Result<payments::Model, GatewayError>> {
    let answer = payments_service::authorise(app, payment, "CaaS feature".into()).await?;
    if let Answer::Unavailable(message) = answer {
        return Ok(Err(GatewayError::Unavailable(message)));
    }
    let recorded =
        payments_service::record_answer(&app.db, payment, &answer, PaymentStatus::Authorized, app.clock.now()).await?;
    Ok(match answer {
        Answer::Refused { reason, .. } => Err(GatewayError::Declined(reason)),
        _ => Ok(recorded),
    })
}
