//! Remote control of a car by its owner: what each model can do remotely, the commands sent (durable
//! from the request to the car's answer, idempotent by the owner's key) and each car's last
//! reported lock, climate and charging state.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, status, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn vehicle_commands() -> TableCreateStatement {
    table("vehicle_commands")
        .col(uuid("vehicle_id"))
        .col(uuid("requested_by"))
        .col(status("kind"))
        .col(integer_null("target_decicelsius"))
        .col(integer_null("duration_minutes"))
        .col(status("status"))
        .col(string_len_null("failure_code", 32))
        .col(string_len_null("failure_message", 300))
        .col(integer("attempts").default(0).take())
        .col(at_null("lease_until"))
        .col(at("created_at"))
        .col(at("updated_at"))
        .col(at_null("completed_at"))
        .foreign_key(&mut fk("vehicle_commands", "vehicle_id", "vehicles", true))
        .foreign_key(&mut fk("vehicle_commands", "requested_by", "users", true))
        .take()
}

fn vehicle_remote_states() -> TableCreateStatement {
    Table::create()
        .table("vehicle_remote_states")
        .col(pk_uuid("vehicle_id"))
        .col(boolean("locked"))
        .col(boolean("climate_on"))
        .col(integer_null("climate_target_decicelsius"))
        .col(at_null("climate_until"))
        .col(boolean("charging"))
        .col(boolean("online"))
        .col(at("reported_at"))
        .foreign_key(&mut fk("vehicle_remote_states", "vehicle_id", "vehicles", true))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let models = || Table::alter().table("vehicle_models").take();
        // Existing models: electric with remote climate, as every model built so far.
        manager
            .alter_table(models().add_column(string_len("powertrain", 32).default("ELECTRIC").take()).take())
            .await?;
        manager.alter_table(models().add_column(boolean("remote_climate").default(true).take()).take()).await?;
        manager.alter_table(models().add_column(integer_null("electric_range_km")).take()).await?;
        create(
            manager,
            vec![vehicle_commands(), vehicle_remote_states()],
            vec![index("vehicle_commands", &["vehicle_id", "created_at"]), index("vehicle_commands", &["status"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["vehicle_remote_states", "vehicle_commands"]).await?;
        let models = || Table::alter().table("vehicle_models").take();
        for column in ["electric_range_km", "remote_climate", "powertrain"] {
            manager.alter_table(models().drop_column(column).take()).await?;
        }
        Ok(())
    }
}
