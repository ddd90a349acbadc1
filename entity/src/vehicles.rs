//! `vehicles`: A vehicle, identified by its VIN.

use sea_orm::entity::prelude::*;

use crate::enums::VehicleStatus;

/// A vehicle, identified by its VIN.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vehicles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub vin: String,
    pub model_id: Uuid,
    pub firmware_version: String,
    pub status: VehicleStatus,
    pub owner_id: Option<Uuid>,
    pub dealership_id: Option<Uuid>,
    pub region_id: Uuid,
    pub plate: Option<String>,
    pub color: String,
    pub mileage_km: i32,
    /// When the next service is due, as the latest maintenance record (or the first service) set it.
    pub service_due_at: Option<DateTimeUtc>,
    /// At what mileage it is due.
    pub service_due_km: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
