//! `vehicle_models`: A vehicle model the factory builds.

use sea_orm::entity::prelude::*;

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
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
