//! The outbox: the events a transaction raises ([`Outbox`]) and the table they go through on a
//! shared bus — written in the transaction of their change, then published to
//! the broker by one relay at a time, in the order they were written, and deleted once the broker
//! has acknowledged them. A relay that dies between the two publishes again: delivery is at least
//! once, and receivers drop an event id they have already seen.

use chrono::Utc;
use entity::outbox_events;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::events::{DomainEvent, EventBus};

/// An event as it travels between instances: with its id, so a receiver can drop a duplicate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The event's id.
    pub id: Uuid,
    /// The event.
    pub event: DomainEvent,
}

/// Writes `events` into the outbox in `db` (the change's transaction).
pub async fn write(db: &impl ConnectionTrait, events: &[DomainEvent]) -> Result<(), DbErr> {
    let now = Utc::now();
    let rows = events.iter().map(|event| {
        let id = Uuid::now_v7();
        let payload = serde_json::to_string(&Envelope { id, event: event.clone() })
            .expect("a domain event is plain data and always serialises");
        outbox_events::ActiveModel {
            event_id: Set(id),
            subject: Set(event.topic().subject()),
            payload: Set(payload),
            created_at: Set(now),
            ..Default::default()
        }
    });
    outbox_events::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// The oldest `limit` events waiting, in the order they were written.
pub async fn oldest(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<outbox_events::Model>, DbErr> {
    outbox_events::Entity::find().order_by_asc(outbox_events::Column::Seq).limit(limit).all(db).await
}

/// Forgets the events the broker has taken.
pub async fn delete(db: &impl ConnectionTrait, published: &[i64]) -> Result<(), DbErr> {
    if published.is_empty() {
        return Ok(());
    }
    outbox_events::Entity::delete_many()
        .filter(outbox_events::Column::Seq.is_in(published.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Events raised inside a transaction, published once it has committed (so that a subscriber
/// never looks for a row that is not there yet). On a shared bus they are written to the outbox
/// table in the same transaction, so a crash after the commit loses none and a rollback sends none.
#[derive(Debug, Default)]
#[must_use = "commit the transaction through the outbox"]
pub struct Outbox(Vec<DomainEvent>);

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `event`.
    pub fn push(&mut self, event: DomainEvent) {
        self.0.push(event);
    }

    /// Commits `txn` with its events: written in it first when the bus is shared (then the relay
    /// publishes them), else published once it has committed.
    pub async fn commit(self, txn: DatabaseTransaction, bus: &dyn EventBus) -> Result<(), DbErr> {
        if bus.is_shared() && !self.0.is_empty() {
            write(&txn, &self.0).await?;
            txn.commit().await?;
            bus.outbox_written();
            return Ok(());
        }
        txn.commit().await?;
        for event in self.0 {
            bus.publish(event).await;
        }
        Ok(())
    }
}
