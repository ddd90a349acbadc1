//! `orders`: A vehicle sale registered by a dealership.

use sea_orm::entity::prelude::*;

use crate::enums::OrderStatus;

/// A vehicle sale registered by a dealership.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub customer_id: Uuid,
    pub dealership_id: Uuid,
    pub region_id: Uuid,
    pub model_id: Uuid,
    pub vehicle_id: Option<Uuid>,
    pub configuration: Json,
    pub status: OrderStatus,
    pub stock_sale: bool,
    pub factory_order_ref: Option<String>,
    pub price_net_minor: i64,
    pub currency: String,
    pub created_by: Uuid,
    pub cancel_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The last error the order ran into (registration refused, factory unavailable).
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
