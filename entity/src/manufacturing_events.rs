//! `manufacturing_events`: A manufacturing stage reported by the factory for an order.

use sea_orm::entity::prelude::*;

use crate::enums::OrderStatus;

/// A manufacturing stage reported by the factory for an order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "manufacturing_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    #[sea_orm(unique)]
    pub event_id: String,
    pub stage: OrderStatus,
    pub occurred_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub payload: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
