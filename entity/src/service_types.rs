//! `service_types`: A service a workshop offers for booking, with its duration.

use sea_orm::entity::prelude::*;

use crate::enums::{MaintenanceKind, ResourceKind};

/// A service a workshop offers for booking, with its duration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_types")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub name: String,
    pub duration_minutes: i32,
    /// The maintenance it records when done; `None` for repairs that are not a service.
    pub maintenance_kind: Option<MaintenanceKind>,
    pub resource_kind: ResourceKind,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
