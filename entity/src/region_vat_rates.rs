//! `region_vat_rates`: A region's VAT rate from the date it applies.

use sea_orm::entity::prelude::*;

/// A region's VAT rate from the date it applies; the region's current rate is the latest one due.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region_vat_rates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    /// Basis points: 1900 is 19 %.
    pub rate_bp: i32,
    pub applies_from: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
