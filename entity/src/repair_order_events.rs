//! `repair_order_events`: A step in a repair order's life, as its timeline shows it.

use sea_orm::entity::prelude::*;

use crate::enums::RepairOrderStatus;

/// A step in a repair order's life, as its timeline shows it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repair_order_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub repair_order_id: Uuid,
    pub status: RepairOrderStatus,
    /// Why it moved (`estimate_approved`, `reapproval_needed`, …), told in the reader's language.
    pub step: String,
    /// The workshop's own words, if it wrote any.
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub actor_id: Option<Uuid>,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
