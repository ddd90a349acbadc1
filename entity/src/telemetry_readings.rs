//! `telemetry_readings`: A telemetry report from a vehicle.

use sea_orm::entity::prelude::*;

/// A telemetry report from a vehicle.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "telemetry_readings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub vehicle_id: Uuid,
    pub recorded_at: DateTimeUtc,
    pub mileage_km: i32,
    pub battery_pct: Option<i16>,
    pub fuel_pct: Option<i16>,
    pub fault_codes: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
