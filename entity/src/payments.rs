//! `payments`: A payment through the gateway, with its idempotency key.

use sea_orm::entity::prelude::*;

use crate::enums::{PaymentKind, PaymentMethodKind, PaymentStatus};

/// A payment through the gateway, with its idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: PaymentKind,
    pub status: PaymentStatus,
    pub amount_minor: i64,
    pub currency: String,
    pub payer_id: Uuid,
    pub order_id: Option<Uuid>,
    pub activation_id: Option<Uuid>,
    pub provider_ref: Option<String>,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub failure_reason: Option<String>,
    /// What the failure is told as (`card_declined`, `car_refused`, …); the reason above is the technical detail.
    pub failure_code: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub captured_at: Option<DateTimeUtc>,
    pub settled_at: Option<DateTimeUtc>,
    /// The payment method token charged.
    pub payment_method: Option<String>,
    /// How it is paid.
    pub method: PaymentMethodKind,
    /// The unique reference a bank transfer must carry.
    #[sea_orm(unique)]
    pub transfer_reference: Option<String>,
    /// What bank transfers brought so far.
    pub received_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
