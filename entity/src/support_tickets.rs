//! `support_tickets`: A ticket for support, e.g. opened by a failed activation.

use sea_orm::entity::prelude::*;

use crate::enums::TicketStatus;

/// A ticket for support, e.g. opened by a failed activation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub activation_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub status: TicketStatus,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    /// The support member dealing with it.
    pub assigned_to: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
