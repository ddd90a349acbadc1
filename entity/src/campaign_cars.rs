//! `campaign_cars`: one car's part in a campaign, from its turn to its outcome.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::CampaignCarState;

/// A car of a campaign.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "campaign_cars")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub vehicle_id: Uuid,
    pub group_position: i32,
    pub state: CampaignCarState,
    /// The activation the campaign started (or switched off) for it.
    pub activation_id: Option<Uuid>,
    /// Turns taken (a car that could not be reached is tried again within the window).
    pub tries: i32,
    /// When an owner's answer is due, or when a car waiting to be tried again is.
    pub due_at: Option<DateTimeUtc>,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// Why it ended as it did: a failure kind, or why it was skipped.
    pub outcome: Option<String>,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
