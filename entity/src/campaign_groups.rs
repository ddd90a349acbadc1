//! `campaign_groups`: a campaign's stages, each with the gates that move the campaign on or pause it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::CampaignGroupState;

/// One group of a campaign.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "campaign_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub campaign_id: Uuid,
    /// 1 for the first group.
    pub position: i32,
    pub name: String,
    /// Chosen by a number of cars ...
    pub car_count: Option<i32>,
    /// ... or a share of the target ...
    pub percent: Option<i32>,
    /// ... or a region.
    pub region_id: Option<Uuid>,
    /// Its cars, once the campaign started.
    pub size: i32,
    /// The share of its cars done that starts the next group.
    pub success_threshold_percent: i32,
    /// The share of its cars failed that pauses the campaign (none: it never does).
    pub error_threshold_percent: Option<i32>,
    pub state: CampaignGroupState,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
