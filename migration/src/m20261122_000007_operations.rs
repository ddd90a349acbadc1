//! Notifications, the audit trail and idempotency keys.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let notifications = table("notifications")
            .col(uuid("user_id"))
            .col(status("channel"))
            .col(string_len("template", 64))
            .col(json("payload"))
            .col(status("status"))
            .col(integer("attempts"))
            .col(string_len_null("last_error", 300))
            .col(at("created_at"))
            .col(at_null("sent_at"))
            .col(at_null("read_at"))
            .foreign_key(&mut fk("notifications", "user_id", "users", true))
            .take();
        let audit = table("audit_events")
            .col(uuid_null("actor_user_id"))
            .col(uuid_null("actor_api_key_id"))
            .col(string_len("action", 64))
            .col(string_len("subject_type", 32))
            .col(string_len("subject_id", 64))
            .col(json("details"))
            .col(at("occurred_at"))
            .take();
        let idempotency = table("idempotency_keys")
            .col(uuid("owner_id"))
            .col(string_len("key", 128))
            .col(string_len("operation", 64))
            .col(string_len("request_hash", 64))
            .col(json_null("response"))
            .col(at("created_at"))
            .col(at_null("completed_at"))
            .take();
        create(
            manager,
            vec![notifications, audit, idempotency],
            vec![
                index("notifications", &["user_id", "created_at"]),
                index("notifications", &["status", "channel"]),
                index("audit_events", &["subject_type", "subject_id"]),
                index("audit_events", &["occurred_at"]),
                index("audit_events", &["actor_user_id"]),
                unique("idempotency_keys", &["owner_id", "key"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["idempotency_keys", "audit_events", "notifications"]).await
    }
}
