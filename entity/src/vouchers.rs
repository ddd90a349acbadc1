//! `vouchers`: One prepaid voucher code (stored hashed), single use.

use sea_orm::entity::prelude::*;

/// One prepaid voucher code, stored as its hash; redeemed once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vouchers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub batch_id: Uuid,
    /// SHA-256 (hex) of the normalised code.
    #[sea_orm(unique)]
    pub code_hash: String,
    /// The code's last characters, to tell codes apart without showing them.
    pub code_hint: String,
    pub value_minor: i64,
    pub currency: String,
    pub region_id: Uuid,
    pub expires_at: DateTimeUtc,
    pub redeemed_by: Option<Uuid>,
    pub redeemed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
