//! `invoice_counters`: The next gapless invoice sequence of a region.

use sea_orm::entity::prelude::*;

/// The next gapless invoice sequence of a region.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: Uuid,
    pub next_sequence: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
