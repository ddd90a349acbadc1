//! `workshop_hours`: When a workshop is open on a weekday (local time, minutes after midnight).

use sea_orm::entity::prelude::*;

/// When a workshop is open on a weekday (local time, minutes after midnight).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_hours")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workshop_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    /// 0 = Monday … 6 = Sunday.
    pub weekday: i16,
    pub opens_minute: i16,
    pub closes_minute: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
