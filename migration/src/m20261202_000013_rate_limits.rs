//! Rate limits held in the database, so that every server instance charges the same counters.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let windows = Table::create()
            .table("rate_limit_windows")
            .col(string_len("bucket", 160))
            .col(big_integer("window_start"))
            .col(big_integer("hits"))
            .primary_key(Index::create().col("bucket").col("window_start"))
            .take();
        manager.create_table(windows).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_limit_windows_window_start")
                    .table("rate_limit_windows")
                    .col("window_start")
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("rate_limit_windows").to_owned()).await
    }
}
