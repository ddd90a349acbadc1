//! `repair_order_lines`: A line of a repair order's estimate: labour hours at a rate, or a part.

use sea_orm::entity::prelude::*;

use crate::enums::{RepairLineKind, RepairLineStatus};

/// A line of a repair order's estimate: labour hours at a rate, or a part.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repair_order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub repair_order_id: Uuid,
    pub position: i32,
    pub kind: RepairLineKind,
    pub description: String,
    /// Hours or pieces, in hundredths (1.5 h = 150).
    pub quantity_hundredths: i32,
    pub unit_net_minor: i64,
    pub net_minor: i64,
    pub status: RepairLineStatus,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
