//! `payment_cards`: A customer's saved payment card: its gateway ids and how it looks.

use sea_orm::entity::prelude::*;

use crate::enums::PaymentMethodKind;

/// A customer's saved payment card. The row is made with the gateway's customer record; the card
/// itself is filled in (and replaced) once the gateway confirmed its setup.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_cards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub user_id: Uuid,
    /// The gateway's customer id (`cus_…`).
    pub customer_ref: String,
    /// The saved method's id (`pm_…`), once a card is saved.
    pub payment_method_ref: Option<String>,
    pub brand: Option<String>,
    pub last4: Option<String>,
    pub exp_month: Option<i32>,
    pub exp_year: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A card or a SEPA Direct Debit mandate.
    pub method_kind: PaymentMethodKind,
    /// The mandate's reference, for a SEPA mandate.
    pub mandate_reference: Option<String>,
    /// When the debtor accepted the mandate text.
    pub mandate_accepted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
