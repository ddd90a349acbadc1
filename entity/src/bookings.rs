//! `bookings`: A workshop appointment.

use sea_orm::entity::prelude::*;

use crate::enums::{BookingStatus, MaintenanceKind};

/// A workshop appointment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub vehicle_id: Uuid,
    pub customer_id: Option<Uuid>,
    pub starts_at: DateTimeUtc,
    pub service_kind: MaintenanceKind,
    pub status: BookingStatus,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
