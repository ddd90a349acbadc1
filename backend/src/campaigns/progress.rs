//! A campaign's cars counted by group, state and reason: what the gates decide on and what the live
//! view shows, in one grouped statement.

use std::collections::BTreeMap;

use async_graphql::SimpleObject;
use entity::{CampaignCarState, campaign_cars};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::error::ApiResult;

/// Cars by where they stand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, SimpleObject)]
#[graphql(name = "CampaignCounts")]
pub struct Counts {
    /// Their turn has not come.
    pub waiting: i64,
    /// Their owners were asked and have not answered.
    pub asked: i64,
    /// Their owners agreed; they go at their turn.
    pub agreed: i64,
    /// The command is on its way.
    pub running: i64,
    /// Done as the campaign asks.
    pub succeeded: i64,
    /// Already as the campaign asks: counted as done, not changed.
    pub already_done: i64,
    /// Failed.
    pub failed: i64,
    /// Not done within the in-progress timeout.
    pub timed_out: i64,
    /// Left out (a gate, an owner's no or silence, the window closed).
    pub skipped: i64,
    /// Withdrawn before the command went out.
    pub withdrawn: i64,
    /// Switched off again by a rollback.
    pub rolled_back: i64,
    /// Every car.
    pub total: i64,
}

impl Counts {
    fn add(&mut self, state: CampaignCarState, count: i64) {
        let slot = match state {
            CampaignCarState::Waiting => &mut self.waiting,
            CampaignCarState::Asked => &mut self.asked,
            CampaignCarState::Agreed => &mut self.agreed,
            CampaignCarState::Running => &mut self.running,
            CampaignCarState::Succeeded => &mut self.succeeded,
            CampaignCarState::AlreadyDone => &mut self.already_done,
            CampaignCarState::Failed => &mut self.failed,
            CampaignCarState::TimedOut => &mut self.timed_out,
            CampaignCarState::Skipped => &mut self.skipped,
            CampaignCarState::Withdrawn => &mut self.withdrawn,
            CampaignCarState::RolledBack => &mut self.rolled_back,
        };
        *slot += count;
        self.total += count;
    }

    /// Done as asked (including the cars that already were, and those rolled back since).
    pub fn done(&self) -> i64 {
        self.succeeded + self.already_done + self.rolled_back
    }

    /// Failed or timed out.
    pub fn failures(&self) -> i64 {
        self.failed + self.timed_out
    }

    /// Ended their turn: done or failed.
    pub fn executed(&self) -> i64 {
        self.done() + self.failures()
    }

    /// Still to have or to finish their turn.
    pub fn open(&self) -> i64 {
        self.waiting + self.asked + self.agreed + self.running
    }
}

/// A campaign's cars counted.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// By group position.
    pub groups: BTreeMap<i32, Counts>,
    /// Every car.
    pub all: Counts,
    /// Failures and skips by reason (a failure kind, or why a car was left out).
    pub reasons: BTreeMap<String, i64>,
}

impl Tally {
    /// A group's counts (empty for a group without cars).
    pub fn group(&self, position: i32) -> Counts {
        self.groups.get(&position).copied().unwrap_or_default()
    }
}

/// Counts the cars of `campaign_id`.
pub async fn tally(db: &impl ConnectionTrait, campaign_id: Uuid) -> ApiResult<Tally> {
    let rows: Vec<(i32, CampaignCarState, Option<String>, i64)> = campaign_cars::Entity::find()
        .filter(campaign_cars::Column::CampaignId.eq(campaign_id))
        .select_only()
        .column(campaign_cars::Column::GroupPosition)
        .column(campaign_cars::Column::State)
        .column(campaign_cars::Column::Outcome)
        .column_as(campaign_cars::Column::Id.count(), "cars")
        .group_by(campaign_cars::Column::GroupPosition)
        .group_by(campaign_cars::Column::State)
        .group_by(campaign_cars::Column::Outcome)
        .into_tuple()
        .all(db)
        .await?;
    let mut tally = Tally::default();
    for (position, state, outcome, count) in rows {
        tally.groups.entry(position).or_default().add(state, count);
        tally.all.add(state, count);
        let counted =
            matches!(state, CampaignCarState::Failed | CampaignCarState::TimedOut | CampaignCarState::Skipped);
        if let Some(reason) = outcome.filter(|_| counted) {
            *tally.reasons.entry(reason).or_default() += count;
        }
    }
    Ok(tally)
}
