//! The campaign runner: on the instance holding its lease, every `CAAS_CAMPAIGN_TICK_MS` it starts
//! the campaigns whose time has come, reports the cars whose commands ended (also of stopped
//! campaigns: commands in flight finish), applies the gates — a group's error threshold pauses the
//! campaign, its success threshold opens the next group, the abort criteria stop it — and gives
//! their turn to as many cars as the rate allows. Tests move the clock and call [`tick`].

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{
    ActivationStatus, CampaignAction, CampaignCarState, CampaignGroupState, CampaignState, activations, campaign_cars,
    campaign_groups, campaigns, features,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::progress::{Tally, tally};
use super::service::{commit_transition, groups, leave_out_open_cars, stop_with};
use super::spec::{FailureKind, Target};
use super::{rate, stop, target, turn};
use crate::app::{App, AppState};
use crate::auth::Viewer;
use crate::error::ApiResult;
use crate::platform::db::begin_write;
use crate::platform::events::DomainEvent;
use crate::platform::lease::Lease;
use crate::platform::outbox::Outbox;

/// Rows per insert when a campaign's cars are stored.
const INSERT_CHUNK: usize = 1_000;

/// Runs [`tick`] every `CAAS_CAMPAIGN_TICK_MS` while this instance holds `lease` (0: never; tests
/// call `tick` themselves).
pub async fn run(app: AppState, lease: Lease, stop: CancellationToken) {
    if app.config.campaign_tick_ms == 0 {
        return;
    }
    let interval = std::time::Duration::from_millis(app.config.campaign_tick_ms);
    loop {
        if lease.is_held()
            && let Err(err) = tick(&app).await
        {
            tracing::warn!(error = ?err, "a campaign tick failed; trying again");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}

/// One round over every campaign; answers how many cars were started.
pub async fn tick(app: &App) -> ApiResult<u64> {
    let now = app.clock.now();
    let due = campaigns::Entity::find()
        .filter(campaigns::Column::State.eq(CampaignState::Scheduled))
        .filter(campaigns::Column::StartsAt.lte(now))
        .all(&app.db)
        .await?;
    for campaign in due {
        begin(app, &campaign).await?;
    }
    // The running campaigns, and the stopped ones whose commands in flight are still to be reported.
    let in_flight = Query::select()
        .column(campaign_cars::Column::CampaignId)
        .from(campaign_cars::Entity)
        .and_where(campaign_cars::Column::State.eq(CampaignCarState::Running))
        .to_owned();
    let campaigns = campaigns::Entity::find()
        .filter(
            Condition::any()
                .add(campaigns::Column::State.eq(CampaignState::Running))
                .add(campaigns::Column::Id.in_subquery(in_flight)),
        )
        .all(&app.db)
        .await?;
    let mut started = 0;
    for campaign in campaigns {
        started += step(app, campaign).await?;
    }
    Ok(started)
}

/// Starts a campaign: its target's cars are read and split into its groups, and the first group
/// opens.
async fn begin(app: &App, campaign: &campaigns::Model) -> ApiResult<()> {
    let now = app.clock.now();
    let wanted: Target = serde_json::from_str(&campaign.target).unwrap_or_default();
    let cars = target::cars(&app.db, &wanted, campaign.feature_id).await?;
    let groups = groups(&app.db, campaign.id).await?;
    let positions = target::split(&cars, &groups);
    let txn = begin_write(&app.db).await?;
    let begun = campaigns::Entity::update_many()
        .col_expr(campaigns::Column::State, Expr::value(CampaignState::Running))
        .col_expr(campaigns::Column::StartedAt, Expr::value(Some(now)))
        .col_expr(campaigns::Column::CreditedAt, Expr::value(Some(now)))
        .col_expr(campaigns::Column::CreditMilli, Expr::value(0))
        .col_expr(campaigns::Column::UpdatedAt, Expr::value(now))
        .filter(campaigns::Column::Id.eq(campaign.id))
        .filter(campaigns::Column::State.eq(CampaignState::Scheduled))
        .exec(&txn)
        .await?;
    if begun.rows_affected == 0 {
        return Ok(()); // paused or cancelled meanwhile
    }
    let rows: Vec<campaign_cars::ActiveModel> =
        cars.iter().zip(&positions).map(|(car, position)| new_car(campaign.id, car.vehicle_id, *position)).collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        campaign_cars::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for group in &groups {
        let size = positions.iter().filter(|position| **position == group.position).count();
        let mut update = campaign_groups::Entity::update_many()
            .col_expr(campaign_groups::Column::Size, Expr::value(i32::try_from(size).unwrap_or(i32::MAX)));
        if group.position == 1 {
            update = update
                .col_expr(campaign_groups::Column::State, Expr::value(CampaignGroupState::Running))
                .col_expr(campaign_groups::Column::StartedAt, Expr::value(Some(now)));
        }
        update.filter(campaign_groups::Column::Id.eq(group.id)).exec(&txn).await?;
    }
    let running = super::service::find(&txn, campaign.id).await?;
    commit_transition(app, txn, &Viewer::Anonymous, &running, "campaign.start", json!({ "cars": cars.len() })).await
}

fn new_car(campaign_id: Uuid, vehicle_id: Uuid, position: i32) -> campaign_cars::ActiveModel {
    use sea_orm::ActiveValue::Set;
    campaign_cars::ActiveModel {
        id: Set(Uuid::now_v7()),
        campaign_id: Set(campaign_id),
        vehicle_id: Set(vehicle_id),
        group_position: Set(position),
        state: Set(CampaignCarState::Waiting),
        activation_id: Set(None),
        tries: Set(0),
        due_at: Set(None),
        started_at: Set(None),
        finished_at: Set(None),
        outcome: Set(None),
        detail: Set(None),
    }
}

/// One campaign's round; answers how many cars were started.
async fn step(app: &App, campaign: campaigns::Model) -> ApiResult<u64> {
    let now = app.clock.now();
    let mut changed = report(app, &campaign, now).await?;
    if campaign.state != CampaignState::Running {
        if changed > 0 {
            tell(app, &campaign).await;
        }
        return Ok(0);
    }
    changed += unanswered(&app.db, campaign.id, now).await?;
    let counted = tally(&app.db, campaign.id).await?;
    if let Some(reason) = abort_reason(&campaign, &counted) {
        let from = [CampaignState::Running];
        stop_with(app, &Viewer::Anonymous, campaign.id, &from, CampaignState::Aborted, Some(&reason)).await?;
        return Ok(0);
    }
    let groups = groups(&app.db, campaign.id).await?;
    if let Some(reason) = error_threshold_reached(&groups, &counted) {
        let from = [CampaignState::Running];
        stop_with(app, &Viewer::Anonymous, campaign.id, &from, CampaignState::Paused, Some(&reason)).await?;
        return Ok(0);
    }
    if campaign.ends_at.is_some_and(|end| end <= now) {
        changed += leave_out_open_cars(&app.db, campaign.id, "WINDOW_CLOSED", now).await?;
    }
    let (open, moved) = advance_groups(app, &campaign, &groups, &counted, now).await?;
    if moved {
        return Ok(0); // told already; the next round starts the cars
    }
    let started = if open.is_empty() { 0 } else { start_cars(app, &campaign, &open, counted.all.done()).await? };
    if started > 0 || changed > 0 {
        tell(app, &campaign).await;
    }
    Ok(started)
}

async fn tell(app: &App, campaign: &campaigns::Model) {
    let state = super::service::find(&app.db, campaign.id).await.map_or(campaign.state, |now| now.state);
    app.events.publish(DomainEvent::CampaignChanged { campaign_id: campaign.id, state }).await;
}

/// Where a car's command ended, as its campaign counts it.
fn outcome_of(
    campaign: &campaigns::Model,
    car: &campaign_cars::Model,
    activation: &activations::Model,
    now: DateTime<Utc>,
) -> Option<(CampaignCarState, Option<String>)> {
    use ActivationStatus as A;
    let timed_out = car.started_at.is_some_and(|at| at + Duration::seconds(campaign.timeout_seconds.into()) <= now);
    let ended = match (campaign.action, activation.status) {
        (CampaignAction::Activate, A::Active | A::Expired) => Some((CampaignCarState::Succeeded, None)),
        (CampaignAction::Activate, A::Failed) => {
            // Stored in lower case for the texts' keys; counted as the failure kinds are named.
            let kind = activation.failure_code.as_deref().unwrap_or("FAILED").to_uppercase();
            Some((CampaignCarState::Failed, Some(kind)))
        }
        (CampaignAction::Activate, A::Cancelled) => Some((CampaignCarState::Withdrawn, Some("WITHDRAWN".into()))),
        (CampaignAction::Deactivate, A::Expired | A::Cancelled) => Some((CampaignCarState::Succeeded, None)),
        _ => None,
    };
    ended.or_else(|| timed_out.then(|| (CampaignCarState::TimedOut, Some(FailureKind::TimedOut.as_str().into()))))
}

/// Reports the running cars whose commands ended or ran out of time; a car not reached goes back to
/// waiting when the window leaves time to try it again. Answers how many changed.
async fn report(app: &App, campaign: &campaigns::Model, now: DateTime<Utc>) -> ApiResult<u64> {
    let running = campaign_cars::Entity::find()
        .filter(campaign_cars::Column::CampaignId.eq(campaign.id))
        .filter(campaign_cars::Column::State.eq(CampaignCarState::Running))
        .all(&app.db)
        .await?;
    if running.is_empty() {
        return Ok(0);
    }
    let mut ended: HashMap<(CampaignCarState, Option<String>), Vec<Uuid>> = HashMap::new();
    let mut timed_out_pending = Vec::new();
    for chunk in running.chunks(500) {
        let ids = chunk.iter().filter_map(|car| car.activation_id);
        let found: HashMap<Uuid, activations::Model> = activations::Entity::find()
            .filter(activations::Column::Id.is_in(ids))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|activation| (activation.id, activation))
            .collect();
        for car in chunk {
            let Some(activation) = car.activation_id.and_then(|id| found.get(&id)) else { continue };
            let Some((state, outcome)) = outcome_of(campaign, car, activation, now) else { continue };
            let state = retry_or(campaign, state, outcome.as_deref(), now);
            if state == CampaignCarState::TimedOut && activation.status == ActivationStatus::Pending {
                timed_out_pending.push(activation.id);
            }
            ended.entry((state, outcome)).or_default().push(car.id);
        }
    }
    let txn = begin_write(&app.db).await?;
    // A car that timed out before its command went out does not get it later.
    stop::cancel_and_withdraw(&txn, &timed_out_pending, now).await?;
    let mut changed = 0;
    for ((state, outcome), cars) in ended {
        changed += cars.len() as u64;
        for chunk in cars.chunks(500) {
            set_outcome(&txn, chunk, state, outcome.as_deref(), campaign, now).await?;
        }
    }
    txn.commit().await?;
    Ok(changed)
}

/// A car not reached waits to be tried again while the window is open; else it failed.
fn retry_or(
    campaign: &campaigns::Model,
    state: CampaignCarState,
    outcome: Option<&str>,
    now: DateTime<Utc>,
) -> CampaignCarState {
    let retry_at = now + Duration::minutes(campaign.retry_minutes.into());
    let window_open = campaign.ends_at.is_some_and(|end| retry_at < end);
    if state == CampaignCarState::Failed && outcome == Some(FailureKind::CarUnreachable.as_str()) && window_open {
        CampaignCarState::Waiting
    } else {
        state
    }
}

async fn set_outcome(
    db: &impl ConnectionTrait,
    cars: &[Uuid],
    state: CampaignCarState,
    outcome: Option<&str>,
    campaign: &campaigns::Model,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut update = campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(state))
        .col_expr(campaign_cars::Column::Outcome, Expr::value(outcome));
    update = if state == CampaignCarState::Waiting {
        let retry_at = now + Duration::minutes(campaign.retry_minutes.into());
        update
            .col_expr(campaign_cars::Column::ActivationId, Expr::value(Option::<Uuid>::None))
            .col_expr(campaign_cars::Column::DueAt, Expr::value(Some(retry_at)))
    } else {
        update.col_expr(campaign_cars::Column::FinishedAt, Expr::value(Some(now)))
    };
    update
        .filter(campaign_cars::Column::Id.is_in(cars.iter().copied()))
        .filter(campaign_cars::Column::State.eq(CampaignCarState::Running))
        .exec(db)
        .await?;
    Ok(())
}

/// Owners who did not answer in time: their cars are left out.
async fn unanswered(db: &impl ConnectionTrait, campaign_id: Uuid, now: DateTime<Utc>) -> ApiResult<u64> {
    let left = campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(CampaignCarState::Skipped))
        .col_expr(campaign_cars::Column::Outcome, Expr::value("NO_ANSWER"))
        .col_expr(campaign_cars::Column::FinishedAt, Expr::value(Some(now)))
        .filter(campaign_cars::Column::CampaignId.eq(campaign_id))
        .filter(campaign_cars::Column::State.eq(CampaignCarState::Asked))
        .filter(campaign_cars::Column::DueAt.lte(now))
        .exec(db)
        .await?;
    Ok(left.rows_affected)
}

/// Why the abort criteria stop the campaign, if they do.
fn abort_reason(campaign: &campaigns::Model, counted: &Tally) -> Option<String> {
    let percent = i64::from(campaign.abort_failure_percent?);
    let executed = counted.all.executed();
    if executed == 0 || executed < i64::from(campaign.abort_min_executed) {
        return None;
    }
    let kinds: Vec<FailureKind> = serde_json::from_str(&campaign.abort_failure_kinds).unwrap_or_default();
    let failures: i64 = if kinds.is_empty() {
        counted.all.failures()
    } else {
        kinds.iter().map(|kind| counted.reasons.get(kind.as_str()).copied().unwrap_or(0)).sum()
    };
    (failures * 100 >= percent * executed)
        .then(|| format!("abort criteria met: {failures} of {executed} cars failed (limit {percent} %)"))
}

/// Why a running group's error threshold pauses the campaign, if it does.
fn error_threshold_reached(groups: &[campaign_groups::Model], counted: &Tally) -> Option<String> {
    groups.iter().filter(|group| group.state == CampaignGroupState::Running && group.size > 0).find_map(|group| {
        let failures = counted.group(group.position).failures();
        let limit = i64::from(group.error_threshold_percent?);
        (failures * 100 >= limit * i64::from(group.size)).then(|| {
            format!(
                "group {} ({}): {failures} of {} cars failed, error threshold {limit} %",
                group.position, group.name, group.size
            )
        })
    })
}

/// Closes the running groups whose cars all had their turn, opens the next group once a running
/// one reached its success threshold, and completes the campaign when every group is done. Answers
/// the groups whose cars may start now, and whether the campaign's state changed.
async fn advance_groups(
    app: &App,
    campaign: &campaigns::Model,
    groups: &[campaign_groups::Model],
    counted: &Tally,
    now: DateTime<Utc>,
) -> ApiResult<(Vec<i32>, bool)> {
    let mut open = Vec::new();
    let mut opens_next = false;
    let mut updates = Vec::new();
    for group in groups {
        let counts = counted.group(group.position);
        match group.state {
            CampaignGroupState::Running => {
                let threshold = i64::from(group.success_threshold_percent) * i64::from(group.size);
                if counts.done() * 100 >= threshold || counts.open() == 0 {
                    opens_next = true;
                }
                if counts.open() == 0 {
                    updates.push((group.id, CampaignGroupState::Done));
                } else {
                    open.push(group.position);
                }
            }
            CampaignGroupState::Waiting if opens_next => {
                opens_next = false;
                updates.push((group.id, CampaignGroupState::Running));
                open.push(group.position);
            }
            _ => opens_next = false,
        }
    }
    let all_done = counted.all.open() == 0
        && groups.iter().all(|group| {
            group.state == CampaignGroupState::Done || updates.contains(&(group.id, CampaignGroupState::Done))
        });
    if updates.is_empty() && !all_done {
        return Ok((open, false));
    }
    let txn = begin_write(&app.db).await?;
    for (id, state) in &updates {
        let stamp = if *state == CampaignGroupState::Done {
            campaign_groups::Column::FinishedAt
        } else {
            campaign_groups::Column::StartedAt
        };
        campaign_groups::Entity::update_many()
            .col_expr(campaign_groups::Column::State, Expr::value(*state))
            .col_expr(stamp, Expr::value(Some(now)))
            .filter(campaign_groups::Column::Id.eq(*id))
            .exec(&txn)
            .await?;
    }
    if all_done {
        let completed = campaigns::Entity::update_many()
            .col_expr(campaigns::Column::State, Expr::value(CampaignState::Completed))
            .col_expr(campaigns::Column::FinishedAt, Expr::value(Some(now)))
            .col_expr(campaigns::Column::UpdatedAt, Expr::value(now))
            .filter(campaigns::Column::Id.eq(campaign.id))
            .filter(campaigns::Column::State.eq(CampaignState::Running))
            .exec(&txn)
            .await?;
        if completed.rows_affected == 1 {
            let done = super::service::find(&txn, campaign.id).await?;
            let details = json!({ "done": counted.all.done(), "failed": counted.all.failures() });
            commit_transition(app, txn, &Viewer::Anonymous, &done, "campaign.complete", details).await?;
            return Ok((Vec::new(), true));
        }
    }
    let mut outbox = Outbox::new();
    outbox.push(DomainEvent::CampaignChanged { campaign_id: campaign.id, state: campaign.state });
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok((open, false))
}

/// Gives their turn to as many cars of the `open` groups as the rate allows now, in one transaction
/// that first checks, and locks, that the campaign is still running: a stop committed before it
/// leaves it without effect, a stop after it withdraws what it queued.
async fn start_cars(app: &App, campaign: &campaigns::Model, open: &[i32], done: i64) -> ApiResult<u64> {
    let now = app.clock.now();
    let allowance = rate::allowance(campaign, done, now);
    let wanted = u64::try_from(allowance / 1000).unwrap_or(0);
    let feature = features::Entity::find_by_id(campaign.feature_id).one(&app.db).await?;
    let Some(feature) = feature else { return Ok(0) };
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let mut started = 0;
    if wanted > 0 {
        // Some cars end their turn without a command (done already, left out): look further.
        for _ in 0..4 {
            let cars = turn::candidates(&txn, campaign.id, open, (wanted - started) + 16, now).await?;
            if cars.is_empty() {
                break;
            }
            started += turn::take(app, &txn, &mut outbox, campaign, &feature, &cars, wanted - started).await?;
            if started == wanted {
                break;
            }
        }
    }
    let left = if started < wanted { 0 } else { allowance - i64::try_from(started).unwrap_or(0) * 1000 };
    let still_running = campaigns::Entity::update_many()
        .col_expr(campaigns::Column::CreditMilli, Expr::value(left.max(0)))
        .col_expr(campaigns::Column::CreditedAt, Expr::value(Some(now)))
        .col_expr(campaigns::Column::UpdatedAt, Expr::value(now))
        .filter(campaigns::Column::Id.eq(campaign.id))
        .filter(campaigns::Column::State.eq(CampaignState::Running))
        .exec(&txn)
        .await?;
    if still_running.rows_affected == 0 {
        return Ok(0); // stopped meanwhile: nothing of this round is kept
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(started)
}
