//! Features (opciones disponibles), their texts per language, model compatibility and prices.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, create, drop, fk, index, minor, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let features = table("features")
            .col(string_len_uniq("code", 48))
            .col(string_len("category", 32))
            .col(boolean("requires_maintenance"))
            .col(string_len("min_firmware", 32))
            .col(json("ota_parameters"))
            .col(string_len_null("demo_media_url", 500))
            .col(boolean("available"))
            .col(at("created_at"))
            .take();
        let texts = Table::create()
            .table("feature_texts")
            .col(uuid("feature_id"))
            .col(string_len("locale", 5))
            .col(string_len("name", 120))
            .col(text("description"))
            .col(text("demo_text"))
            .primary_key(Index::create().col("feature_id").col("locale"))
            .foreign_key(&mut fk("feature_texts", "feature_id", "features", true))
            .take();
        let compatibility = Table::create()
            .table("feature_models")
            .col(uuid("feature_id"))
            .col(uuid("model_id"))
            .primary_key(Index::create().col("feature_id").col("model_id"))
            .foreign_key(&mut fk("feature_models", "feature_id", "features", true))
            .foreign_key(&mut fk("feature_models", "model_id", "vehicle_models", true))
            .take();
        let prices = table("prices")
            .col(uuid("feature_id"))
            .col(uuid("region_id"))
            .col(status("duration_kind"))
            .col(integer("duration_days"))
            .col(minor("net_minor"))
            .col(at("created_at"))
            .foreign_key(&mut fk("prices", "feature_id", "features", true))
            .foreign_key(&mut fk("prices", "region_id", "regions", false))
            .take();
        create(
            manager,
            vec![features, texts, compatibility, prices],
            vec![
                index("feature_models", &["model_id"]),
                unique("prices", &["feature_id", "region_id", "duration_kind", "duration_days"]),
                index("prices", &["region_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["prices", "feature_models", "feature_texts", "features"]).await
    }
}
