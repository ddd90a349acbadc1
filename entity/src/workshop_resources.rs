//! `workshop_resources`: Something a booking can hold: a bay, a lift, a loan car.

use sea_orm::entity::prelude::*;

use crate::enums::ResourceKind;

/// Something a booking can hold: a bay, a lift, a loan car.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_resources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub kind: ResourceKind,
    pub name: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
