//! `campaigns`: an admin's action on many cars at once, with its target, groups' gates, rate,
//! timeout and abort criteria, and where it stands.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{CampaignAction, CampaignState};

/// One fleet campaign.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub action: CampaignAction,
    pub feature_id: Uuid,
    /// For a free activation: its days; `None` is permanent.
    pub days: Option<i32>,
    /// The target as JSON (`campaigns::target::Target`).
    pub target: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: Option<DateTimeUtc>,
    pub rate_per_minute: i32,
    /// The rate grows by this factor (in percent: 200 doubles it) ...
    pub ramp_factor_percent: Option<i32>,
    /// ... every this many cars done.
    pub ramp_every: Option<i32>,
    pub max_rate_per_minute: Option<i32>,
    /// A car not done this long after its start is TIMED_OUT.
    pub timeout_seconds: i32,
    /// The failure kinds the abort criteria count, as a JSON array.
    pub abort_failure_kinds: String,
    pub abort_min_executed: i32,
    pub abort_failure_percent: Option<i32>,
    /// Whether owners are asked first.
    pub ask_owners: bool,
    /// How long an owner has to answer.
    pub answer_hours: i32,
    /// How long a car that could not be reached waits before it is tried again within the window.
    pub retry_minutes: i32,
    pub state: CampaignState,
    pub state_reason: Option<String>,
    pub created_by: Uuid,
    pub approved_by: Option<Uuid>,
    /// The rate's allowance not yet used, in thousandths of a car.
    pub credit_milli: i64,
    pub credited_at: Option<DateTimeUtc>,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
