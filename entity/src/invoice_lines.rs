//! `invoice_lines`: A line of an invoice.

use sea_orm::entity::prelude::*;

/// A line of an invoice.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub position: i32,
    pub description: String,
    pub quantity: i32,
    pub unit_net_minor: i64,
    pub net_minor: i64,
    pub vat_rate_bp: i32,
    pub vat_minor: i64,
    pub gross_minor: i64,
    pub activation_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
