//! `bank_transfers`: Bank transfers the gateway reported received, each event once.

use sea_orm::entity::prelude::*;

use crate::enums::TransferStatus;

/// A bank transfer the gateway reported received: matched to the payment of its reference, or held
/// for support.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bank_transfers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The gateway's event id: each transfer counts once.
    #[sea_orm(unique)]
    pub event_id: String,
    /// The reference as the sender wrote it.
    pub reference: String,
    pub amount_minor: i64,
    pub currency: String,
    pub sender: Option<String>,
    pub payment_id: Option<Uuid>,
    pub status: TransferStatus,
    /// Why it is held: `UNKNOWN_REFERENCE`, `OVERPAID`, `WRONG_CURRENCY`, `LATE`.
    pub held_reason: Option<String>,
    pub received_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
