//! `vehicle_telemetry`: each vehicle's latest reported values.

use sea_orm::entity::prelude::*;

/// A vehicle's latest reading (each signal as last reported).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "vehicle_telemetry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vehicle_id: Uuid,
    pub sequence: i64,
    pub recorded_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub odometer_km: Option<f64>,
    pub state_of_charge: Option<f64>,
    pub fuel_level: Option<f64>,
    pub speed_kmh: Option<f64>,
    pub low_voltage_battery: Option<f64>,
    pub fault_codes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
