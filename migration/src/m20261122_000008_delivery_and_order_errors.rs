//! When a notification's next delivery attempt is due, and the last error an order ran into (a
//! refused registration, an unavailable factory) so that staff can see and retry it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("notifications")
                    .add_column(timestamp_with_time_zone_null("next_attempt_at"))
                    .take(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("orders").add_column(string_len_null("last_error", 300)).take())
            .await?;
        manager.create_index(index("notifications", &["status", "next_attempt_at"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop().name("idx_notifications_status_next_attempt_at").table("notifications").to_owned(),
            )
            .await?;
        manager.alter_table(Table::alter().table("orders").drop_column("last_error").take()).await?;
        manager.alter_table(Table::alter().table("notifications").drop_column("next_attempt_at").take()).await
    }
}
