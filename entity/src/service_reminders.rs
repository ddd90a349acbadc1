//! `service_reminders`: A service reminder sent to a vehicle's owner: once per due date and stage.

use sea_orm::entity::prelude::*;

/// A service reminder sent to a vehicle's owner: once per due date and stage.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vehicle_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub due_at: DateTimeUtc,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
