//! Notices beyond e-mail: the devices a user receives Web Push on, each user's channels per kind of
//! notice, their quiet hours and the phone they opted in to text messages on, and the provider's
//! reference and delivery receipt of a message sent.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn push_devices() -> TableCreateStatement {
    table("push_devices")
        .col(uuid("user_id"))
        .col(text("endpoint"))
        .col(string_len("p256dh", 200))
        .col(string_len("auth", 100))
        .col(string_len("label", 120))
        .col(at("created_at"))
        .col(at_null("last_pushed_at"))
        .foreign_key(&mut fk("push_devices", "user_id", "users", true))
        .take()
}

fn notification_preferences() -> TableCreateStatement {
    Table::create()
        .table("notification_preferences")
        .col(uuid("user_id"))
        .col(status("kind"))
        .col(boolean("email"))
        .col(boolean("push"))
        .col(boolean("sms"))
        .col(at("updated_at"))
        .primary_key(Index::create().col("user_id").col("kind"))
        .foreign_key(&mut fk("notification_preferences", "user_id", "users", true))
        .take()
}

fn notification_settings() -> TableCreateStatement {
    Table::create()
        .table("notification_settings")
        .col(pk_uuid("user_id"))
        .col(string_len_null("sms_phone", 20))
        .col(at_null("sms_opted_in_at"))
        .col(string_len_null("quiet_from", 5))
        .col(string_len_null("quiet_until", 5))
        .col(string_len_null("time_zone", 64))
        .col(at("updated_at"))
        .foreign_key(&mut fk("notification_settings", "user_id", "users", true))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let notifications = || Table::alter().table("notifications").take();
        manager.alter_table(notifications().add_column(string_len_null("provider_ref", 64)).take()).await?;
        manager.alter_table(notifications().add_column(at_null("delivered_at")).take()).await?;
        create(
            manager,
            vec![push_devices(), notification_preferences(), notification_settings()],
            vec![
                unique("push_devices", &["endpoint"]),
                index("push_devices", &["user_id"]),
                index("notifications", &["provider_ref"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["notification_settings", "notification_preferences", "push_devices"]).await?;
        manager
            .drop_index(Index::drop().name("idx_notifications_provider_ref").table("notifications").to_owned())
            .await?;
        let notifications = || Table::alter().table("notifications").take();
        for column in ["delivered_at", "provider_ref"] {
            manager.alter_table(notifications().drop_column(column).take()).await?;
        }
        Ok(())
    }
}
