//! `maintenance_records`: Maintenance a workshop performed: the source of the maintenance status.

use sea_orm::entity::prelude::*;

use crate::enums::MaintenanceKind;

/// Maintenance a workshop performed: the source of the maintenance status.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "maintenance_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub vehicle_id: Uuid,
    pub workshop_id: Uuid,
    pub kind: MaintenanceKind,
    pub performed_at: DateTimeUtc,
    pub mileage_km: i32,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub next_due_at: Option<DateTimeUtc>,
    pub next_due_km: Option<i32>,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
