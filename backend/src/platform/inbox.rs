//! The webhook inbox: every event an external system sends is applied once, whatever its retries,
//! because its id is recorded (uniquely) in the transaction that applies it.

use chrono::{DateTime, Utc};
use entity::webhook_events;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

/// The real time, for signature freshness: replay protection is about when a request travels,
/// not about the business time the `Clock` gives (which tests move).
pub fn wall_clock_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Records that the event `event_id` of `source`, received at `received_at`, is being applied;
/// `false` when it already was.
pub async fn first_delivery(
    db: &impl ConnectionTrait,
    source: &str,
    event_id: &str,
    received_at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let inserted = webhook_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        source: Set(source.to_owned()),
        event_id: Set(event_id.to_owned()),
        received_at: Set(received_at),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(err) => Err(err),
    }
}
