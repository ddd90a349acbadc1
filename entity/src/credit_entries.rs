//! `credit_entries`: The customers' credit ledger; the balance is the sum.

use sea_orm::entity::prelude::*;

use crate::enums::CreditKind;

/// A movement of a customer's credit: a voucher redeemed (+), a payment taken (−), a payment given
/// back (+). Unique by voucher, and by payment and kind.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub kind: CreditKind,
    pub voucher_id: Option<Uuid>,
    pub payment_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
