//! `telemetry_hourly`: one signal of one vehicle over one hour, once its raw readings aged out.

use sea_orm::entity::prelude::*;

/// Minimum, maximum and average of a signal over an hour.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "telemetry_hourly")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vehicle_id: Uuid,
    /// The signal's column name, e.g. `odometer_km`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub signal: String,
    /// The hour's start in seconds since 1970 (UTC).
    #[sea_orm(primary_key, auto_increment = false)]
    pub hour_start: i64,
    pub min_value: f64,
    pub max_value: f64,
    pub avg_value: f64,
    pub samples: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
