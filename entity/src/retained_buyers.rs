//! `retained_buyers`: What an erased buyer's invoices need, sealed for the tax authorities.

use sea_orm::entity::prelude::*;

/// What an erased buyer's invoices need (name, e-mail), sealed: kept for the legal retention
/// period and opened only on a tax authority's request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retained_buyers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// AES-256-GCM nonce and ciphertext, base64.
    #[sea_orm(column_type = "Text")]
    pub sealed: String,
    pub retain_until: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
