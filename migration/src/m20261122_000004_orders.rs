//! Vehicle sales (orders), their manufacturing timeline, and the webhook deliveries already applied.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, create, drop, fk, index, minor, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let orders = table("orders")
            .col(string_len_uniq("number", 24))
            .col(uuid("customer_id"))
            .col(uuid("dealership_id"))
            .col(uuid("region_id"))
            .col(uuid("model_id"))
            .col(uuid_null("vehicle_id"))
            .col(json("configuration"))
            .col(status("status"))
            .col(boolean("stock_sale"))
            .col(string_len_null("factory_order_ref", 64))
            .col(minor("price_net_minor"))
            .col(string_len("currency", 3))
            .col(uuid("created_by"))
            .col(string_len_null("cancel_reason", 300))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut fk("orders", "customer_id", "users", false))
            .foreign_key(&mut fk("orders", "dealership_id", "dealerships", false))
            .foreign_key(&mut fk("orders", "region_id", "regions", false))
            .foreign_key(&mut fk("orders", "model_id", "vehicle_models", false))
            .foreign_key(&mut fk("orders", "vehicle_id", "vehicles", false))
            .foreign_key(&mut fk("orders", "created_by", "users", false))
            .take();
        let events = table("manufacturing_events")
            .col(uuid("order_id"))
            .col(string_len_uniq("event_id", 64))
            .col(status("stage"))
            .col(at("occurred_at"))
            .col(at("received_at"))
            .col(json("payload"))
            .foreign_key(&mut fk("manufacturing_events", "order_id", "orders", true))
            .take();
        let webhooks = table("webhook_events")
            .col(string_len("source", 32))
            .col(string_len("event_id", 128))
            .col(at("received_at"))
            .take();
        create(
            manager,
            vec![orders, events, webhooks],
            vec![
                index("orders", &["dealership_id", "status"]),
                index("orders", &["customer_id"]),
                index("orders", &["vehicle_id"]),
                index("orders", &["created_at"]),
                unique("orders", &["factory_order_ref"]),
                index("manufacturing_events", &["order_id", "occurred_at"]),
                unique("webhook_events", &["source", "event_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["webhook_events", "manufacturing_events", "orders"]).await
    }
}
