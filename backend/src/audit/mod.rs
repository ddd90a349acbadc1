//! The audit trail: who did what, to what, when.

use entity::audit_events;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::app::App;
use crate::auth::Viewer;

/// What an audit event is about, e.g. `("vehicle", vin)`.
pub struct Subject<'a> {
    /// The kind of thing, e.g. `order`.
    pub kind: &'static str,
    /// Its id or natural key.
    pub id: &'a str,
}

/// Records that `actor` did `action` to `subject`, inside the caller's transaction when `db` is one.
pub async fn record(
    app: &App,
    db: &impl ConnectionTrait,
    actor: &Viewer,
    action: &str,
    subject: Subject<'_>,
    details: Value,
) -> Result<(), DbErr> {
    let (actor_user_id, actor_api_key_id) = match actor {
        Viewer::User(user) => (Some(user.id), None),
        Viewer::Partner(partner) => (None, Some(partner.key_id)),
        Viewer::Anonymous => (None, None),
    };
    audit_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_user_id: Set(actor_user_id),
        actor_api_key_id: Set(actor_api_key_id),
        action: Set(action.to_owned()),
        subject_type: Set(subject.kind.to_owned()),
        subject_id: Set(subject.id.to_owned()),
        details: Set(details),
        occurred_at: Set(app.clock.now()),
    }
    .insert(db)
    .await?;
    Ok(())
}
