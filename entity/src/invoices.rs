//! `invoices`: An invoice or credit note, numbered without gaps per region.

use sea_orm::entity::prelude::*;

use crate::enums::InvoiceKind;

/// An invoice or credit note, numbered without gaps per region.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub sequence: i64,
    #[sea_orm(unique)]
    pub number: String,
    pub kind: InvoiceKind,
    pub credits_invoice_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub vehicle_id: Option<Uuid>,
    pub payment_id: Option<Uuid>,
    pub currency: String,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
    pub issued_at: DateTimeUtc,
    /// The workshop that sold the work, for a repair order's invoice; `None`: the platform.
    pub workshop_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
