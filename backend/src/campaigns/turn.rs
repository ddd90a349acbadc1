//! A car's turn in a campaign: its gates checked (compatibility, maintenance), its owner asked when
//! the campaign asks owners, a car that already is as asked counted as done, and otherwise the
//! command queued as a durable OTA job (free of charge) or the offer sent.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use entity::{
    ActivationStatus, CampaignAction, CampaignCarState, DurationKind, OtaCommand, activations, campaign_cars,
    campaigns, feature_models, features, vehicles,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use crate::activation::billing::start_deactivation;
use crate::activation::end_reason::EndReason;
use crate::activation::jobs;
use crate::activation::outcome::feature_names;
use crate::activation::purchase::check_maintenance;
use crate::app::App;
use crate::catalog::firmware;
use crate::error::{ApiError, ApiResult};
use crate::notifications::service::notify;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;
use crate::policy::LIVE_STATUSES;

/// What a car's turn comes to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Decision {
    /// The command goes out (or the offer is sent).
    Start,
    /// Its owner is asked first.
    Ask,
    /// It already is as the campaign asks.
    AlreadyDone,
    /// A gate leaves it out, for this reason.
    Skip(&'static str),
    /// A gate could not be checked now (the maintenance service did not answer): later.
    Later,
}

/// The cars whose turn may come now: waiting (or agreed) in a running group, and due.
pub async fn candidates(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    groups: &[i32],
    limit: u64,
    now: DateTime<Utc>,
) -> ApiResult<Vec<campaign_cars::Model>> {
    Ok(campaign_cars::Entity::find()
        .filter(campaign_cars::Column::CampaignId.eq(campaign_id))
        .filter(campaign_cars::Column::State.is_in([CampaignCarState::Waiting, CampaignCarState::Agreed]))
        .filter(campaign_cars::Column::GroupPosition.is_in(groups.iter().copied()))
        .filter(campaign_cars::Column::DueAt.is_null().or(campaign_cars::Column::DueAt.lte(now)))
        .order_by_asc(campaign_cars::Column::GroupPosition)
        .order_by_asc(campaign_cars::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// What the turns of a batch of cars need, read once for the batch.
struct Batch {
    vehicles: HashMap<Uuid, vehicles::Model>,
    live: HashMap<Uuid, activations::Model>,
    fitting_models: HashSet<Uuid>,
}

/// Read in the turn's transaction: a second connection while it holds SQLite's write lock could
/// wait for a pool the engine's workers have filled waiting for that lock.
async fn read_batch(
    db: &impl ConnectionTrait,
    feature: &features::Model,
    cars: &[campaign_cars::Model],
) -> ApiResult<Batch> {
    let ids: Vec<Uuid> = cars.iter().map(|car| car.vehicle_id).collect();
    let vehicles = vehicles::Entity::find()
        .filter(vehicles::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|vehicle| (vehicle.id, vehicle))
        .collect();
    let live = activations::Entity::find()
        .filter(activations::Column::VehicleId.is_in(ids))
        .filter(activations::Column::FeatureId.eq(feature.id))
        .filter(activations::Column::Status.is_in(LIVE_STATUSES))
        .all(db)
        .await?
        .into_iter()
        .map(|activation| (activation.vehicle_id, activation))
        .collect();
    let fitting_models = feature_models::Entity::find()
        .filter(feature_models::Column::FeatureId.eq(feature.id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.model_id)
        .collect();
    Ok(Batch { vehicles, live, fitting_models })
}

/// Decides a car's turn from the batch's reads (and, for maintenance-linked features, the
/// maintenance service's answer).
async fn decide(
    app: &App,
    campaign: &campaigns::Model,
    feature: &features::Model,
    batch: &Batch,
    car: &campaign_cars::Model,
) -> Decision {
    let Some(vehicle) = batch.vehicles.get(&car.vehicle_id) else { return Decision::Skip("NO_VEHICLE") };
    if vehicle.owner_id.is_none() {
        return Decision::Skip("NO_OWNER");
    }
    let live = batch.live.contains_key(&vehicle.id);
    if campaign.action == CampaignAction::Deactivate {
        return if live { ask_or_start(campaign, car) } else { Decision::AlreadyDone };
    }
    if live {
        return Decision::AlreadyDone;
    }
    let fits = batch.fitting_models.contains(&vehicle.model_id)
        && firmware::satisfies(&vehicle.firmware_version, &feature.min_firmware);
    if !fits {
        return Decision::Skip("INCOMPATIBLE");
    }
    if feature.requires_maintenance {
        match check_maintenance(app, vehicle).await {
            Ok(()) => {}
            Err(ApiError::Refused { .. }) => return Decision::Skip("MAINTENANCE_OVERDUE"),
            Err(_) => return Decision::Later,
        }
    }
    if campaign.action == CampaignAction::Offer { Decision::Start } else { ask_or_start(campaign, car) }
}

fn ask_or_start(campaign: &campaigns::Model, car: &campaign_cars::Model) -> Decision {
    if campaign.ask_owners && car.state == CampaignCarState::Waiting { Decision::Ask } else { Decision::Start }
}

/// Gives the turn to up to `wanted` of `cars`, in `txn`; answers how many were started (commands
/// queued or offers sent: what the rate counts).
pub async fn take(
    app: &App,
    txn: &impl ConnectionTrait,
    outbox: &mut Outbox,
    campaign: &campaigns::Model,
    feature: &features::Model,
    cars: &[campaign_cars::Model],
    wanted: u64,
) -> ApiResult<u64> {
    let batch = read_batch(txn, feature, cars).await?;
    let now = app.clock.now();
    let names = feature_names(txn, feature.id).await?;
    let mut started = 0;
    let mut new_activations = Vec::new();
    for car in cars {
        if started == wanted {
            break;
        }
        let decision = decide(app, campaign, feature, &batch, car).await;
        let vehicle = batch.vehicles.get(&car.vehicle_id);
        match decision {
            Decision::Start => {
                let vehicle = vehicle.ok_or(ApiError::NotFound("vehicle"))?;
                start(app, txn, outbox, campaign, car, vehicle, &batch, &names, &mut new_activations).await?;
                started += 1;
            }
            Decision::Ask => {
                let vehicle = vehicle.ok_or(ApiError::NotFound("vehicle"))?;
                ask(app, txn, outbox, campaign, car, vehicle, &names, now).await?;
            }
            Decision::AlreadyDone => set_state(txn, car.id, CampaignCarState::AlreadyDone, None, now).await?,
            Decision::Skip(reason) => set_state(txn, car.id, CampaignCarState::Skipped, Some(reason), now).await?,
            Decision::Later => {
                campaign_cars::Entity::update_many()
                    .col_expr(campaign_cars::Column::DueAt, Expr::value(Some(now + Duration::minutes(1))))
                    .filter(campaign_cars::Column::Id.eq(car.id))
                    .exec(txn)
                    .await?;
            }
        }
    }
    queue_activations(app, txn, outbox, new_activations).await?;
    Ok(started)
}

/// A car's turn ends without a command: done already, or left out.
async fn set_state(
    db: &impl ConnectionTrait,
    car: Uuid,
    state: CampaignCarState,
    outcome: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(state))
        .col_expr(campaign_cars::Column::Outcome, Expr::value(outcome))
        .col_expr(campaign_cars::Column::FinishedAt, Expr::value(Some(now)))
        .filter(campaign_cars::Column::Id.eq(car))
        .exec(db)
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn start(
    app: &App,
    txn: &impl ConnectionTrait,
    outbox: &mut Outbox,
    campaign: &campaigns::Model,
    car: &campaign_cars::Model,
    vehicle: &vehicles::Model,
    batch: &Batch,
    names: &serde_json::Value,
    new_activations: &mut Vec<activations::ActiveModel>,
) -> ApiResult<()> {
    let now = app.clock.now();
    let (state, activation_id, outcome) = match campaign.action {
        CampaignAction::Activate => {
            let activation = free_activation(campaign, vehicle, now);
            let id = activation.id.clone().unwrap();
            new_activations.push(activation);
            (CampaignCarState::Running, Some(id), None)
        }
        CampaignAction::Deactivate => {
            let live = batch.live.get(&vehicle.id).cloned().ok_or(ApiError::NotFound("activation"))?;
            let ending = start_deactivation(app, txn, outbox, live, EndReason::CampaignSwitchedOff).await?;
            (CampaignCarState::Running, Some(ending.id), None)
        }
        CampaignAction::Offer => {
            let owner = vehicle.owner_id.ok_or(ApiError::NotFound("owner"))?;
            let payload = json!({ "feature": names, "vin": vehicle.vin, "campaign": campaign.name });
            let channels = [entity::NotificationChannel::InApp, entity::NotificationChannel::Email];
            notify(app, txn, outbox, owner, "offers.campaign", payload, &channels).await?;
            (CampaignCarState::Succeeded, None, Some("OFFERED"))
        }
    };
    campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(state))
        .col_expr(campaign_cars::Column::ActivationId, Expr::value(activation_id))
        .col_expr(campaign_cars::Column::Outcome, Expr::value(outcome))
        .col_expr(campaign_cars::Column::Tries, Expr::col(campaign_cars::Column::Tries).add(1))
        .col_expr(campaign_cars::Column::DueAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(campaign_cars::Column::StartedAt, Expr::value(Some(now)))
        .col_expr(campaign_cars::Column::FinishedAt, Expr::value((state == CampaignCarState::Succeeded).then_some(now)))
        .filter(campaign_cars::Column::Id.eq(car.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// A free activation of the campaign's feature for the car's owner: no price, no charge.
fn free_activation(
    campaign: &campaigns::Model,
    vehicle: &vehicles::Model,
    now: DateTime<Utc>,
) -> activations::ActiveModel {
    let (kind, days) = match campaign.days {
        Some(days) => (DurationKind::FixedDays, days),
        None => (DurationKind::Permanent, 0),
    };
    activations::ActiveModel {
        id: Set(Uuid::now_v7()),
        vehicle_id: Set(vehicle.id),
        feature_id: Set(campaign.feature_id),
        price_id: Set(None),
        duration_kind: Set(kind),
        duration_days: Set(days),
        status: Set(ActivationStatus::Pending),
        purchased_by: Set(vehicle.owner_id.unwrap_or(campaign.created_by)),
        starts_at: Set(None),
        ends_at: Set(None),
        cancel_at_period_end: Set(false),
        failure_reason: Set(None),
        failure_code: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        billed_until: Set(None),
        unpaid_since: Set(None),
        end_reason: Set(None),
    }
}

/// Stores the batch's activations and their OTA jobs in two statements, and wakes the engine once.
async fn queue_activations(
    app: &App,
    txn: &impl ConnectionTrait,
    outbox: &mut Outbox,
    new_activations: Vec<activations::ActiveModel>,
) -> ApiResult<()> {
    if new_activations.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = new_activations.iter().filter_map(|activation| activation.id.clone().take()).collect();
    activations::Entity::insert_many(new_activations).exec_without_returning(txn).await?;
    let new_jobs = ids.iter().map(|id| jobs::new_job(app, *id, OtaCommand::Activate));
    entity::ota_jobs::Entity::insert_many(new_jobs).exec_without_returning(txn).await?;
    outbox.push(DomainEvent::JobQueued);
    Ok(())
}

/// Asks the owner first; the car waits for the answer until `answer_hours` have passed.
#[allow(clippy::too_many_arguments)]
async fn ask(
    app: &App,
    txn: &impl ConnectionTrait,
    outbox: &mut Outbox,
    campaign: &campaigns::Model,
    car: &campaign_cars::Model,
    vehicle: &vehicles::Model,
    names: &serde_json::Value,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let owner = vehicle.owner_id.ok_or(ApiError::NotFound("owner"))?;
    let due = now + Duration::hours(i64::from(campaign.answer_hours));
    let template = if campaign.action == CampaignAction::Deactivate { "campaign.ask_off" } else { "campaign.ask_on" };
    let payload = json!({
        "feature": names, "vin": vehicle.vin, "campaign": campaign.name, "campaignId": campaign.id,
        "until": due.format("%Y-%m-%d %H:%M UTC").to_string(),
    });
    notify(app, txn, outbox, owner, template, payload, &[entity::NotificationChannel::InApp]).await?;
    campaign_cars::Entity::update_many()
        .col_expr(campaign_cars::Column::State, Expr::value(CampaignCarState::Asked))
        .col_expr(campaign_cars::Column::DueAt, Expr::value(Some(due)))
        .filter(campaign_cars::Column::Id.eq(car.id))
        .exec(txn)
        .await?;
    Ok(())
}
