//! `telemetry_readings`: one reading a vehicle reported, keyed by its own sequence number.

use sea_orm::entity::prelude::*;

/// One reading a vehicle reported: the signals it carried, `None` for those it did not.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "telemetry_readings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vehicle_id: Uuid,
    /// The car's own counter: a reading sent twice has the same one.
    #[sea_orm(primary_key, auto_increment = false)]
    pub sequence: i64,
    pub recorded_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub odometer_km: Option<f64>,
    pub state_of_charge: Option<f64>,
    pub fuel_level: Option<f64>,
    pub speed_kmh: Option<f64>,
    pub low_voltage_battery: Option<f64>,
    /// Comma-separated fault codes; `None` when the reading did not carry the list.
    pub fault_codes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
