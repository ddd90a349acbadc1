//! `outbox_events`: domain events written with the change they tell of, waiting for the broker.

use sea_orm::entity::prelude::*;

/// A domain event stored in the transaction that made it, until the relay has published it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_events")]
pub struct Model {
    /// The order of writing: the relay publishes the events of one thing in this order.
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The event's id: receivers drop an event they have already seen.
    #[sea_orm(unique)]
    pub event_id: Uuid,
    /// The broker subject, e.g. `caas.events.activation.<id>`.
    pub subject: String,
    /// The event, as JSON.
    pub payload: String,
    /// When it was written.
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
