//! Vehicle telemetry: raw readings keyed by (car, sequence) — the key is the de-duplication —
//! with an index for (car, time); hourly min/max/average of each signal once raw readings age
//! out; each car's latest values; health alerts, at most one open per car and episode.
//!
//! `telemetry_readings` existed without any writer; it is made anew with one column per signal.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, status, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns of a reading's values, nullable: a reading carries the signals the car sent.
fn signal_columns(table: &mut TableCreateStatement) {
    table
        .col(double_null("odometer_km"))
        .col(double_null("state_of_charge"))
        .col(double_null("fuel_level"))
        .col(double_null("speed_kmh"))
        .col(double_null("low_voltage_battery"))
        // The fault codes reported, comma-separated; NULL when the reading did not carry the list.
        .col(string_len_null("fault_codes", 400));
}

fn readings() -> TableCreateStatement {
    let mut table = Table::create()
        .table("telemetry_readings")
        .col(uuid("vehicle_id"))
        .col(big_integer("sequence"))
        .col(at("recorded_at"))
        .col(at("received_at"))
        .primary_key(Index::create().col("vehicle_id").col("sequence"))
        .foreign_key(&mut fk("telemetry_readings", "vehicle_id", "vehicles", true))
        .take();
    signal_columns(&mut table);
    table
}

fn latest() -> TableCreateStatement {
    let mut table = Table::create()
        .table("vehicle_telemetry")
        .col(uuid("vehicle_id").primary_key())
        .col(big_integer("sequence"))
        .col(at("recorded_at"))
        .col(at("received_at"))
        .foreign_key(&mut fk("vehicle_telemetry", "vehicle_id", "vehicles", true))
        .take();
    signal_columns(&mut table);
    table
}

fn hourly() -> TableCreateStatement {
    Table::create()
        .table("telemetry_hourly")
        .col(uuid("vehicle_id"))
        .col(string_len("signal", 32))
        // The hour's start, in seconds since 1970 (UTC): the same integer on both databases.
        .col(big_integer("hour_start"))
        .col(double("min_value"))
        .col(double("max_value"))
        .col(double("avg_value"))
        .col(integer("samples"))
        .primary_key(Index::create().col("vehicle_id").col("signal").col("hour_start"))
        .foreign_key(&mut fk("telemetry_hourly", "vehicle_id", "vehicles", true))
        .take()
}

fn alerts() -> TableCreateStatement {
    table("health_alerts")
        .col(uuid("vehicle_id"))
        .col(status("kind"))
        .col(string_len_null("fault_code", 8))
        // What makes two alerts the same episode: the kind, and the code for a fault.
        .col(string_len("episode", 48))
        .col(double_null("value"))
        .col(at("opened_at"))
        .col(at_null("closed_at"))
        .col(boolean("suggests_workshop"))
        .col(uuid_null("booking_id"))
        .col(uuid_null("diagnostic_session_id"))
        .foreign_key(&mut fk("health_alerts", "vehicle_id", "vehicles", true))
        .take()
}

/// The series' index. Named apart from the old table's: SQLite dropped that one with its table,
/// yet a pooled connection can still hold the old statement creating the same name.
fn by_car_and_time() -> IndexCreateStatement {
    Index::create().name("idx_telemetry_series").table("telemetry_readings").col("vehicle_id").col("recorded_at").take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["telemetry_readings"]).await?;
        create(
            manager,
            vec![readings(), latest(), hourly(), alerts()],
            vec![by_car_and_time(), index("health_alerts", &["vehicle_id", "opened_at"])],
        )
        .await?;
        // One open alert per car and episode, whichever instance evaluates the rule (both
        // databases have partial indexes).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_health_alerts_open_episode ON health_alerts (vehicle_id, episode) \
                 WHERE closed_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["health_alerts", "telemetry_hourly", "vehicle_telemetry", "telemetry_readings"]).await?;
        let old = table("telemetry_readings")
            .col(uuid("vehicle_id"))
            .col(at("recorded_at"))
            .col(integer("mileage_km"))
            .col(small_integer_null("battery_pct"))
            .col(small_integer_null("fuel_pct"))
            .col(json("fault_codes"))
            .foreign_key(&mut fk("telemetry_readings", "vehicle_id", "vehicles", true))
            .take();
        create(manager, vec![old], vec![index("telemetry_readings", &["vehicle_id", "recorded_at"])]).await
    }
}
