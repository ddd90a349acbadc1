//! `voucher_batches`: Prepaid vouchers made together for one region and value.

use sea_orm::entity::prelude::*;

/// Prepaid vouchers made together for one region and value, to be sold through partners or shops.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "voucher_batches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub label: String,
    pub value_minor: i64,
    pub currency: String,
    pub quantity: i32,
    pub expires_at: DateTimeUtc,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
