//! `service_type_prices`: The net price of a service type in a region.

use sea_orm::entity::prelude::*;

/// The net price of a service type in a region.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_type_prices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_type_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: Uuid,
    pub net_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
