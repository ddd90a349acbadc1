//! Stopping a campaign's cars in their tracks: the activations whose command has not gone out are
//! cancelled and their queued jobs withdrawn, in the stopping transaction; those already being sent
//! (ACTIVATING) finish and are reported.

use chrono::{DateTime, Utc};
use entity::{ActivationStatus, CampaignCarState, activations, campaign_cars};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::activation::end_reason::EndReason;
use crate::activation::jobs;
use crate::error::ApiResult;

/// Statements stay well within the parameters a statement may have.
const CHUNK: usize = 500;

/// What a stop did to the cars that were running.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Withdrawal {
    /// Commands taken back before they went out.
    pub withdrawn: u64,
    /// Commands already on their way, which finish.
    pub in_flight: u64,
}

/// Withdraws the commands of `campaign_id`'s running cars that have not gone out; their cars become
/// `back_to` (WAITING for a pause, WITHDRAWN for good).
pub async fn withdraw(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    back_to: CampaignCarState,
    now: DateTime<Utc>,
) -> ApiResult<Withdrawal> {
    let running: Vec<Uuid> = campaign_cars::Entity::find()
        .filter(campaign_cars::Column::CampaignId.eq(campaign_id))
        .filter(campaign_cars::Column::State.eq(CampaignCarState::Running))
        .filter(campaign_cars::Column::ActivationId.is_not_null())
        .select_only()
        .column(campaign_cars::Column::ActivationId)
        .into_tuple::<Option<Uuid>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let mut done = Withdrawal::default();
    for chunk in running.chunks(CHUNK) {
        let withdrawn = cancel_pending(db, chunk, now).await?;
        jobs::withdraw(db, &withdrawn, now).await?;
        release_cars(db, campaign_id, &withdrawn, back_to).await?;
        done.withdrawn += withdrawn.len() as u64;
        done.in_flight += (chunk.len() - withdrawn.len()) as u64;
    }
    Ok(done)
}

/// Cancels those of `activation_ids` still PENDING and withdraws their queued jobs (a car that ran
/// out of time before its command went out does not get it later); answers which.
pub async fn cancel_and_withdraw(
    db: &impl ConnectionTrait,
    activation_ids: &[Uuid],
    now: DateTime<Utc>,
) -> ApiResult<Vec<Uuid>> {
    let mut withdrawn = Vec::new();
    for chunk in activation_ids.chunks(CHUNK) {
        let cancelled = cancel_pending(db, chunk, now).await?;
        jobs::withdraw(db, &cancelled, now).await?;
        withdrawn.extend(cancelled);
    }
    Ok(withdrawn)
}

/// Cancels those of `ids` still PENDING (the engine moves an activation to ACTIVATING, committed,
/// before it sends its command); answers which.
async fn cancel_pending(db: &impl ConnectionTrait, ids: &[Uuid], now: DateTime<Utc>) -> ApiResult<Vec<Uuid>> {
    let reason = EndReason::CampaignWithdrawn.as_str();
    activations::Entity::update_many()
        .col_expr(activations::Column::Status, Expr::value(ActivationStatus::Cancelled))
        .col_expr(activations::Column::EndReason, Expr::value(reason))
        .col_expr(activations::Column::UpdatedAt, Expr::value(now))
        .filter(activations::Column::Id.is_in(ids.iter().copied()))
        .filter(activations::Column::Status.eq(ActivationStatus::Pending))
        .exec(db)
        .await?;
    Ok(activations::Entity::find()
        .filter(activations::Column::Id.is_in(ids.iter().copied()))
        .filter(activations::Column::Status.eq(ActivationStatus::Cancelled))
        .filter(activations::Column::EndReason.eq(reason))
        .select_only()
        .column(activations::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

async fn release_cars(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    activation_ids: &[Uuid],
    back_to: CampaignCarState,
) -> ApiResult<()> {
    if activation_ids.is_empty() {
        return Ok(());
    }
    let mut update = campaign_cars::Entity::update_many().col_expr(campaign_cars::Column::State, Expr::value(back_to));
    if back_to == CampaignCarState::Waiting {
        // Its turn comes again on resume, with a new activation.
        update = update
            .col_expr(campaign_cars::Column::ActivationId, Expr::value(Option::<Uuid>::None))
            .col_expr(campaign_cars::Column::StartedAt, Expr::value(Option::<DateTime<Utc>>::None));
    } else {
        update = update.col_expr(campaign_cars::Column::Outcome, Expr::value("WITHDRAWN"));
    }
    update
        .filter(campaign_cars::Column::CampaignId.eq(campaign_id))
        .filter(campaign_cars::Column::ActivationId.is_in(activation_ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}
