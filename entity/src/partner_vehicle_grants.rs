//! `partner_vehicle_grants`: A vehicle whose data its owner lets a partner read.

use sea_orm::entity::prelude::*;

/// A vehicle whose data its owner lets a partner read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_vehicle_grants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub vehicle_id: Uuid,
    pub granted_at: DateTimeUtc,
    /// The scopes granted, comma-separated (`vehicles:read,telemetry:read`).
    pub scopes: String,
    /// The owner who consented; `None` for a grant an admin made.
    pub granted_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
