//! A campaign's life as admins drive it: created, approved by a second admin, paused (the
//! emergency stop), resumed, cancelled and rolled back; and the owner's answer when asked. Every
//! transition is audited and told to live views on every instance.

use chrono::{DateTime, Utc};
use entity::{
    ActivationStatus, CampaignAction, CampaignCarState, CampaignGroupState, CampaignState, activations, campaign_cars,
    campaign_groups, campaigns, features, vehicles,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::spec::{self, CampaignSpec};
use super::stop::{self, Withdrawal};
use super::target;
use crate::activation::billing::start_deactivation;
use crate::activation::end_reason::EndReason;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::platform::db::begin_write;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;
use crate::policy;

/// The states from which a campaign can still be stopped.
const STOPPABLE: [CampaignState; 4] =
    [CampaignState::AwaitingApproval, CampaignState::Scheduled, CampaignState::Running, CampaignState::Paused];

/// A campaign, or `NotFound`.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<campaigns::Model> {
    campaigns::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("campaign"))
}

/// Every campaign, newest first, or those in `state`.
pub async fn list(app: &App, viewer: &Viewer, state: Option<CampaignState>) -> ApiResult<Vec<campaigns::Model>> {
    policy::watch_campaigns(viewer)?;
    let mut query = campaigns::Entity::find().order_by_desc(campaigns::Column::CreatedAt);
    if let Some(state) = state {
        query = query.filter(campaigns::Column::State.eq(state));
    }
    Ok(query.all(&app.db).await?)
}

/// A campaign's groups, in order.
pub async fn groups(db: &impl ConnectionTrait, campaign_id: Uuid) -> ApiResult<Vec<campaign_groups::Model>> {
    Ok(campaign_groups::Entity::find()
        .filter(campaign_groups::Column::CampaignId.eq(campaign_id))
        .order_by_asc(campaign_groups::Column::Position)
        .all(db)
        .await?)
}

/// Creates a campaign; it waits for a second admin's approval.
pub async fn create(app: &App, viewer: &Viewer, input: CampaignSpec) -> ApiResult<campaigns::Model> {
    let admin = policy::run_campaigns(viewer)?;
    let now = app.clock.now();
    spec::check(&input, now)?;
    let feature = features::Entity::find()
        .filter(features::Column::Code.eq(input.feature_code.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("feature"))?;
    if input.action != CampaignAction::Deactivate && !feature.available {
        return Err(ApiError::bad_input("featureCode", "this feature is withdrawn from sale"));
    }
    let mut regions = Vec::new();
    for group in &input.groups {
        regions.push(match &group.region {
            Some(code) => Some(region_id(app, code).await?),
            None => None,
        });
    }
    let campaign = campaigns::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(input.name.trim().to_owned()),
        action: Set(input.action),
        feature_id: Set(feature.id),
        days: Set(input.days),
        target: Set(serde_json::to_string(&input.target).unwrap_or_else(|_| "{}".into())),
        starts_at: Set(input.starts_at.unwrap_or(now)),
        ends_at: Set(input.ends_at),
        rate_per_minute: Set(input.rate_per_minute),
        ramp_factor_percent: Set(input.ramp_factor_percent),
        ramp_every: Set(input.ramp_every),
        max_rate_per_minute: Set(input.max_rate_per_minute),
        timeout_seconds: Set(input.timeout_seconds),
        abort_failure_kinds: Set(serde_json::to_string(&input.abort.failure_kinds).unwrap_or_else(|_| "[]".into())),
        abort_min_executed: Set(input.abort.min_executed),
        abort_failure_percent: Set(input.abort.failure_percent),
        ask_owners: Set(input.ask_owners && input.action != CampaignAction::Offer),
        answer_hours: Set(input.answer_hours),
        retry_minutes: Set(input.retry_minutes),
        state: Set(CampaignState::AwaitingApproval),
        state_reason: Set(None),
        created_by: Set(admin.id),
        approved_by: Set(None),
        credit_milli: Set(0),
        credited_at: Set(None),
        started_at: Set(None),
        finished_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = begin_write(&app.db).await?;
    let campaign = campaign.insert(&txn).await?;
    let specs = if input.groups.is_empty() { vec![everything()] } else { input.groups };
    for (n, (group, region)) in specs.into_iter().zip(regions.into_iter().chain(std::iter::repeat(None))).enumerate() {
        campaign_groups::ActiveModel {
            id: Set(Uuid::now_v7()),
            campaign_id: Set(campaign.id),
            position: Set(i32::try_from(n + 1).unwrap_or(i32::MAX)),
            name: Set(group.name.trim().to_owned()),
            car_count: Set(group.car_count),
            percent: Set(group.percent),
            region_id: Set(region),
            size: Set(0),
            success_threshold_percent: Set(group.success_threshold_percent),
            error_threshold_percent: Set(group.error_threshold_percent),
            state: Set(CampaignGroupState::Waiting),
            started_at: Set(None),
            finished_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    let details = json!({ "name": campaign.name, "action": campaign.action, "feature": feature.code });
    commit_transition(app, txn, viewer, &campaign, "campaign.create", details).await?;
    Ok(campaign)
}

fn everything() -> spec::GroupSpec {
    spec::GroupSpec {
        name: "All cars".into(),
        car_count: None,
        percent: Some(100),
        region: None,
        success_threshold_percent: 100,
        error_threshold_percent: None,
    }
}

async fn region_id(app: &App, code: &str) -> ApiResult<Uuid> {
    target::ids_of_regions(&app.db, &[code.to_owned()])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::bad_input("groups.region", "no region has that code"))
}

/// Audits a transition, tells live views and commits.
pub async fn commit_transition(
    app: &App,
    txn: sea_orm::DatabaseTransaction,
    viewer: &Viewer,
    campaign: &campaigns::Model,
    action: &str,
    details: serde_json::Value,
) -> ApiResult<()> {
    let id = campaign.id.to_string();
    audit::record(app, &txn, viewer, action, Subject { kind: "campaign", id: &id }, details).await?;
    let mut outbox = Outbox::new();
    outbox.push(DomainEvent::CampaignChanged { campaign_id: campaign.id, state: campaign.state });
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(())
}

/// Moves `id` from one of `from` to `to` in one conditional statement (a concurrent transition
/// makes it fail cleanly); answers the campaign as moved.
async fn transition(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: &[CampaignState],
    to: CampaignState,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<campaigns::Model> {
    find(db, id).await?;
    let mut update = campaigns::Entity::update_many()
        .col_expr(campaigns::Column::State, Expr::value(to))
        .col_expr(campaigns::Column::StateReason, Expr::value(reason.map(str::to_owned)))
        .col_expr(campaigns::Column::UpdatedAt, Expr::value(now));
    if matches!(to, CampaignState::Cancelled | CampaignState::Aborted | CampaignState::Completed) {
        update = update.col_expr(campaigns::Column::FinishedAt, Expr::value(Some(now)));
    }
    let moved = update
        .filter(campaigns::Column::Id.eq(id))
        .filter(campaigns::Column::State.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    if moved.rows_affected == 0 {
        return Err(ApiError::Refused {
            reason: "CAMPAIGN_STATE",
            message: "that is not possible in the campaign's state now".into(),
        });
    }
    find(db, id).await
}

fn check_reason(reason: Option<String>) -> ApiResult<Option<String>> {
    let reason = reason.map(|reason| reason.trim().to_owned()).filter(|reason| !reason.is_empty());
    if reason.as_ref().is_some_and(|reason| reason.chars().count() > 300) {
        return Err(ApiError::bad_input("reason", "say why in at most 300 characters"));
    }
    Ok(reason)
}

/// A second admin approves the campaign: it starts at its start time.
pub async fn approve(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<campaigns::Model> {
    let campaign = find(&app.db, id).await?;
    let admin = policy::approve_campaign(viewer, campaign.created_by)?;
    let txn = begin_write(&app.db).await?;
    let now = app.clock.now();
    let approved =
        transition(&txn, id, &[CampaignState::AwaitingApproval], CampaignState::Scheduled, None, now).await?;
    campaigns::Entity::update_many()
        .col_expr(campaigns::Column::ApprovedBy, Expr::value(Some(admin.id)))
        .filter(campaigns::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    commit_transition(app, txn, viewer, &approved, "campaign.approve", json!({})).await?;
    find(&app.db, id).await
}

/// The emergency stop: no car starts after this commits, on any instance; the commands not yet sent
/// are withdrawn (their cars take their turn again on resume) and those on their way finish.
pub async fn pause(
    app: &App,
    viewer: &Viewer,
    id: Uuid,
    reason: Option<String>,
) -> ApiResult<(campaigns::Model, Withdrawal)> {
    policy::run_campaigns(viewer)?;
    let reason = check_reason(reason)?;
    let from = [CampaignState::Scheduled, CampaignState::Running];
    stop_with(app, viewer, id, &from, CampaignState::Paused, reason.as_deref()).await
}

/// Stops a campaign for good: the commands not yet sent are withdrawn, those on their way finish,
/// and the cars whose turn had not come are left out.
pub async fn cancel(
    app: &App,
    viewer: &Viewer,
    id: Uuid,
    reason: Option<String>,
) -> ApiResult<(campaigns::Model, Withdrawal)> {
    policy::run_campaigns(viewer)?;
    let reason = check_reason(reason)?;
    stop_with(app, viewer, id, &STOPPABLE, CampaignState::Cancelled, reason.as_deref()).await
}

/// Stops a campaign in one transaction; `viewer` is `Viewer::Anonymous` when the campaign stops
/// itself (a group's error threshold, its abort criteria): the audit names no one then.
pub async fn stop_with(
    app: &App,
    viewer: &Viewer,
    id: Uuid,
    from: &[CampaignState],
    to: CampaignState,
    reason: Option<&str>,
) -> ApiResult<(campaigns::Model, Withdrawal)> {
    let now = app.clock.now();
    let txn = begin_write(&app.db).await?;
    let stopped = transition(&txn, id, from, to, reason, now).await?;
    let back_to = if to == CampaignState::Paused { CampaignCarState::Waiting } else { CampaignCarState::Withdrawn };
    let withdrawal = stop::withdraw(&txn, id, back_to, now).await?;
    if to != CampaignState::Paused {
        leave_out_open_cars(&txn, id, "STOPPED", now).await?;
    }
    let details = json!({ "reason": reason, "withdrawn": withdrawal.withdrawn, "inFlight": withdrawal.in_flight });
    let action = match to {
        CampaignState::Paused => "campaign.pause",
        CampaignState::Aborted => "campaign.abort",
        _ => "campaign.cancel",
    };
    commit_transition(app, txn, viewer, &stopped, action, details).await?;
    Ok((stopped, withdrawal))
}

/// The cars whose turn has not come are left out, with `outcome`.
pub async fn leave_out_open_cars(
    db: &impl ConnectionTrait,
    id: Uuid,
    outcome: &str,
    now: DateTime<Utc>,
) -> ApiResult<u64> {
    let open = [CampaignCarState::Waiting, CampaignCarState::Asked, CampaignCarState::Agreed];
    let left = campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(CampaignCarState::Skipped))
        .col_expr(campaign_cars::Column::Outcome, Expr::value(outcome))
        .col_expr(campaign_cars::Column::FinishedAt, Expr::value(Some(now)))
        .filter(campaign_cars::Column::CampaignId.eq(id))
        .filter(campaign_cars::Column::State.is_in(open))
        .exec(db)
        .await?;
    Ok(left.rows_affected)
}

/// Resumes a paused campaign: the cars that failed in its running groups take their turn again
/// (the failure was cleared), at the configured rate from now.
pub async fn resume(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<campaigns::Model> {
    policy::run_campaigns(viewer)?;
    let now = app.clock.now();
    let txn = begin_write(&app.db).await?;
    let paused = find(&txn, id).await?;
    let to = if paused.started_at.is_some() { CampaignState::Running } else { CampaignState::Scheduled };
    let resumed = transition(&txn, id, &[CampaignState::Paused], to, None, now).await?;
    campaigns::Entity::update_many()
        .col_expr(campaigns::Column::CreditMilli, Expr::value(0))
        .col_expr(campaigns::Column::CreditedAt, Expr::value(Some(now)))
        .filter(campaigns::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let running: Vec<i32> = groups(&txn, id)
        .await?
        .into_iter()
        .filter(|group| group.state == CampaignGroupState::Running)
        .map(|group| group.position)
        .collect();
    let retried = campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(CampaignCarState::Waiting))
        .col_expr(campaign_cars::Column::ActivationId, Expr::value(Option::<Uuid>::None))
        .col_expr(campaign_cars::Column::Outcome, Expr::value(Option::<String>::None))
        .col_expr(campaign_cars::Column::Detail, Expr::value(Option::<String>::None))
        .col_expr(campaign_cars::Column::StartedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(campaign_cars::Column::FinishedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(campaign_cars::Column::CampaignId.eq(id))
        .filter(campaign_cars::Column::State.eq(CampaignCarState::Failed))
        .filter(campaign_cars::Column::GroupPosition.is_in(running))
        .exec(&txn)
        .await?;
    let details = json!({ "retried": retried.rows_affected });
    commit_transition(app, txn, viewer, &resumed, "campaign.resume", details).await?;
    Ok(resumed)
}

/// Switches off again what a stopped activation campaign switched on. Refused while commands are
/// still on their way: their outcome must be known first.
pub async fn roll_back(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<(campaigns::Model, u64)> {
    policy::run_campaigns(viewer)?;
    let campaign = find(&app.db, id).await?;
    if campaign.action != CampaignAction::Activate
        || !matches!(campaign.state, CampaignState::Cancelled | CampaignState::Aborted)
    {
        return Err(ApiError::Refused {
            reason: "CAMPAIGN_STATE",
            message: "only a cancelled or aborted activation campaign is rolled back".into(),
        });
    }
    let running = super::progress::tally(&app.db, id).await?.all.running;
    if running > 0 {
        return Err(ApiError::Refused {
            reason: "STILL_RUNNING",
            message: format!("{running} commands are still on their way; roll back once they are reported"),
        });
    }
    let succeeded: Vec<campaign_cars::Model> = campaign_cars::Entity::find()
        .filter(campaign_cars::Column::CampaignId.eq(id))
        .filter(campaign_cars::Column::State.eq(CampaignCarState::Succeeded))
        .all(&app.db)
        .await?;
    let mut rolled_back = 0;
    for chunk in succeeded.chunks(200) {
        rolled_back += roll_back_cars(app, chunk).await?;
    }
    let txn = begin_write(&app.db).await?;
    commit_transition(app, txn, viewer, &campaign, "campaign.roll_back", json!({ "switchedOff": rolled_back })).await?;
    Ok((campaign, rolled_back))
}

async fn roll_back_cars(app: &App, cars: &[campaign_cars::Model]) -> ApiResult<u64> {
    let ids: Vec<Uuid> = cars.iter().filter_map(|car| car.activation_id).collect();
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let live = activations::Entity::find()
        .filter(activations::Column::Id.is_in(ids))
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .all(&txn)
        .await?;
    let switched: Vec<Uuid> = live.iter().map(|activation| activation.id).collect();
    for activation in live {
        start_deactivation(app, &txn, &mut outbox, activation, EndReason::CampaignSwitchedOff).await?;
    }
    let rolled = campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(CampaignCarState::RolledBack))
        .filter(campaign_cars::Column::ActivationId.is_in(switched))
        .filter(campaign_cars::Column::State.eq(CampaignCarState::Succeeded))
        .exec(&txn)
        .await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(rolled.rows_affected)
}

/// An owner answers a campaign's question about their car: agreed, it goes at its turn; declined,
/// it is left out.
pub async fn answer(app: &App, viewer: &Viewer, id: Uuid, vin: &str, agree: bool) -> ApiResult<CampaignCarState> {
    let owner = viewer.user()?;
    let vehicle = vehicles::Entity::find()
        .filter(vehicles::Column::Vin.eq(vin.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .filter(|vehicle| vehicle.owner_id == Some(owner.id))
        .ok_or(ApiError::NotFound("vehicle"))?;
    let (to, outcome) =
        if agree { (CampaignCarState::Agreed, None) } else { (CampaignCarState::Skipped, Some("DECLINED")) };
    let now = app.clock.now();
    let txn = begin_write(&app.db).await?;
    let answered = campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(to))
        .col_expr(campaign_cars::Column::Outcome, Expr::value(outcome))
        .col_expr(campaign_cars::Column::FinishedAt, Expr::value((!agree).then_some(now)))
        // Agreed, it goes at its next turn, not when the question would have lapsed.
        .col_expr(campaign_cars::Column::DueAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(campaign_cars::Column::CampaignId.eq(id))
        .filter(campaign_cars::Column::VehicleId.eq(vehicle.id))
        .filter(campaign_cars::Column::State.eq(CampaignCarState::Asked))
        .exec(&txn)
        .await?;
    if answered.rows_affected == 0 {
        return Err(ApiError::NotFound("question"));
    }
    let campaign = find(&txn, id).await?;
    let details = json!({ "vin": vehicle.vin, "agreed": agree });
    commit_transition(app, txn, viewer, &campaign, "campaign.answer", details).await?;
    Ok(to)
}
