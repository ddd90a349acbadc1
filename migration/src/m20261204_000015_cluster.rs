//! What several server instances share: the outbox of domain events (written in the transaction
//! of the change, published to the broker after the commit) and the leases that let one instance
//! at a time run a periodic task, and the periods each task has run.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::at;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let outbox = Table::create()
            .table("outbox_events")
            .col(big_pk_auto("seq"))
            .col(uuid_uniq("event_id"))
            .col(string_len("subject", 160))
            .col(text("payload"))
            .col(at("created_at"))
            .take();
        manager.create_table(outbox).await?;
        let leases = Table::create()
            .table("leases")
            .col(string_len("name", 64).primary_key())
            .col(string_len("holder", 64))
            .col(at("expires_at"))
            .take();
        manager.create_table(leases).await?;
        // Each period of a periodic task, claimed by the run that does it: never run twice.
        let runs = Table::create()
            .table("periodic_runs")
            .col(string_len("task", 64))
            .col(big_integer("period"))
            .col(string_len("instance", 64))
            .col(at("started_at"))
            .primary_key(Index::create().col("task").col("period"))
            .take();
        manager.create_table(runs).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("periodic_runs").to_owned()).await?;
        manager.drop_table(Table::drop().table("leases").to_owned()).await?;
        manager.drop_table(Table::drop().table("outbox_events").to_owned()).await
    }
}
