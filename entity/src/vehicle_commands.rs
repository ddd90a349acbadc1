//! `vehicle_commands`: a remote command an owner sent to their car, from its request to its result.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{VehicleCommandKind, VehicleCommandStatus};

/// One remote command: durable from the owner's request until the car answered it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "vehicle_commands")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub vehicle_id: Uuid,
    /// The owner who sent it.
    pub requested_by: Uuid,
    pub kind: VehicleCommandKind,
    /// Climate preconditioning's target, in tenths of a degree Celsius.
    pub target_decicelsius: Option<i32>,
    /// Climate preconditioning's duration.
    pub duration_minutes: Option<i32>,
    pub status: VehicleCommandStatus,
    /// Why it failed: `VEHICLE_OFFLINE` (worth sending again) or `REFUSED`.
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub attempts: i32,
    /// Until when the instance sending it holds it; after that another may.
    pub lease_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
