//! What the activation engine keeps per activation: how far a subscription has been billed, since
//! when a settlement is overdue, and why an activation ended; and the payment method of a payment.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["billed_until", "unpaid_since", "end_reason"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = || Table::alter().table("activations").take();
        manager.alter_table(table().add_column(timestamp_with_time_zone_null("billed_until")).take()).await?;
        manager.alter_table(table().add_column(timestamp_with_time_zone_null("unpaid_since")).take()).await?;
        manager.alter_table(table().add_column(string_len_null("end_reason", 32)).take()).await?;
        manager
            .alter_table(Table::alter().table("payments").add_column(string_len_null("payment_method", 64)).take())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("payments").drop_column("payment_method").take()).await?;
        for column in COLUMNS {
            manager.alter_table(Table::alter().table("activations").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
