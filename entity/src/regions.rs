//! `regions`: A country the platform sells in: currency, VAT rate and default language.

use sea_orm::entity::prelude::*;

/// A country the platform sells in: currency, VAT rate and default language.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub currency: String,
    /// VAT rate in basis points: 1900 is 19 %.
    pub vat_rate_bp: i32,
    pub default_locale: String,
    pub created_at: DateTimeUtc,
    /// The payment methods offered here, comma-separated (`CARD,SEPA_DEBIT,BANK_TRANSFER,CREDIT`).
    pub payment_methods: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
