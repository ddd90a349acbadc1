//! `activations`: A feature on a vehicle for a duration.

use sea_orm::entity::prelude::*;

use crate::enums::{ActivationStatus, DurationKind};

/// A feature on a vehicle for a duration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "activations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub vehicle_id: Uuid,
    pub feature_id: Uuid,
    pub price_id: Option<Uuid>,
    pub duration_kind: DurationKind,
    pub duration_days: i32,
    pub status: ActivationStatus,
    pub purchased_by: Uuid,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub cancel_at_period_end: bool,
    pub failure_reason: Option<String>,
    /// What the failure is told as (`card_declined`, `car_refused`, …); the reason above is the technical detail.
    pub failure_code: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// How far a subscription has been billed.
    pub billed_until: Option<DateTimeUtc>,
    /// Since when a subscription's settlement has been failing.
    pub unpaid_since: Option<DateTimeUtc>,
    /// Why it ended: `EXPIRED`, `CANCELLED`, `PAYMENT_FAILED`, `OWNER_CHANGED`.
    pub end_reason: Option<String>,
}

/// The rows an activation names, read with it in one statement by the OTA engine.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The car it is on.
    #[sea_orm(belongs_to = "super::vehicles::Entity", from = "Column::VehicleId", to = "super::vehicles::Column::Id")]
    Vehicle,
    /// The feature it switches on.
    #[sea_orm(belongs_to = "super::features::Entity", from = "Column::FeatureId", to = "super::features::Column::Id")]
    Feature,
}

impl Related<super::vehicles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vehicle.def()
    }
}

impl Related<super::features::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Feature.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
