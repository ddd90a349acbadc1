//! `vehicle_models`: A vehicle model the factory builds.

use sea_orm::entity::prelude::*;

use crate::enums::Powertrain;

/// A vehicle model the factory builds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vehicle_models")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub body_type: String,
    pub model_year: i32,
    /// A service is due this many months after the last one (or after the car was made).
    pub service_interval_months: i32,
    /// … or this many kilometres after it, whichever comes first.
    pub service_interval_km: i32,
    /// What drives it: whether it can be charged.
    pub powertrain: Powertrain,
    /// Whether its climate can be started remotely (preconditioning).
    pub remote_climate: bool,
    /// Range on a full battery (WLTP), km; none without a traction battery.
    pub electric_range_km: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
