//! `health_alerts`: an episode of a vehicle's health rule, open until the condition clears.

use sea_orm::entity::prelude::*;

use crate::enums::HealthAlertKind;

/// One episode of a health rule firing for a vehicle.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "health_alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub vehicle_id: Uuid,
    pub kind: HealthAlertKind,
    pub fault_code: Option<String>,
    /// The kind, and the code for a fault: at most one open alert per vehicle and episode.
    pub episode: String,
    /// The value that fired it (state of charge, mileage, hours silent).
    pub value: Option<f64>,
    pub opened_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub suggests_workshop: bool,
    /// The booking whose workshop got a diagnostic draft.
    pub booking_id: Option<Uuid>,
    pub diagnostic_session_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
