//! Vehicle models with their manuals, vehicles, partner access grants and telemetry.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, create, drop, fk, index, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let vehicle_models = table("vehicle_models")
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 80))
            .col(string_len("body_type", 32))
            .col(integer("model_year"))
            .col(at("created_at"))
            .take();
        let model_manuals = table("model_manuals")
            .col(uuid("model_id"))
            .col(string_len("locale", 5))
            .col(string_len("title", 160))
            .col(string_len("url", 500))
            .foreign_key(&mut fk("model_manuals", "model_id", "vehicle_models", true))
            .take();
        let vehicles = table("vehicles")
            .col(string_len_uniq("vin", 17))
            .col(uuid("model_id"))
            .col(string_len("firmware_version", 32))
            .col(status("status"))
            .col(uuid_null("owner_id"))
            .col(uuid_null("dealership_id"))
            .col(uuid("region_id"))
            .col(string_len_null("plate", 16))
            .col(string_len("color", 40))
            .col(integer("mileage_km"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut fk("vehicles", "model_id", "vehicle_models", false))
            .foreign_key(&mut fk("vehicles", "owner_id", "users", false))
            .foreign_key(&mut fk("vehicles", "dealership_id", "dealerships", false))
            .foreign_key(&mut fk("vehicles", "region_id", "regions", false))
            .take();
        let grants = Table::create()
            .table("partner_vehicle_grants")
            .col(uuid("partner_id"))
            .col(uuid("vehicle_id"))
            .col(at("granted_at"))
            .primary_key(Index::create().col("partner_id").col("vehicle_id"))
            .foreign_key(&mut fk("partner_vehicle_grants", "partner_id", "partners", true))
            .foreign_key(&mut fk("partner_vehicle_grants", "vehicle_id", "vehicles", true))
            .take();
        let telemetry = table("telemetry_readings")
            .col(uuid("vehicle_id"))
            .col(at("recorded_at"))
            .col(integer("mileage_km"))
            .col(small_integer_null("battery_pct"))
            .col(small_integer_null("fuel_pct"))
            .col(json("fault_codes"))
            .foreign_key(&mut fk("telemetry_readings", "vehicle_id", "vehicles", true))
            .take();
        create(
            manager,
            vec![vehicle_models, model_manuals, vehicles, grants, telemetry],
            vec![
                unique("model_manuals", &["model_id", "locale"]),
                index("vehicles", &["owner_id"]),
                index("vehicles", &["dealership_id", "status"]),
                index("vehicles", &["model_id"]),
                index("partner_vehicle_grants", &["vehicle_id"]),
                index("telemetry_readings", &["vehicle_id", "recorded_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["telemetry_readings", "partner_vehicle_grants", "vehicles", "model_manuals", "vehicle_models"])
            .await
    }
}
