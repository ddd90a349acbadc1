//! The workshop side: maintenance records (the source of the maintenance status), bookings and
//! diagnostic sessions with OBD-II fault codes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, minor, status, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let maintenance = table("maintenance_records")
            .col(uuid("vehicle_id"))
            .col(uuid("workshop_id"))
            .col(status("kind"))
            .col(at("performed_at"))
            .col(integer("mileage_km"))
            .col(text("notes"))
            .col(at_null("next_due_at"))
            .col(integer_null("next_due_km"))
            .col(uuid("recorded_by"))
            .col(at("created_at"))
            .foreign_key(&mut fk("maintenance_records", "vehicle_id", "vehicles", false))
            .foreign_key(&mut fk("maintenance_records", "workshop_id", "workshops", false))
            .foreign_key(&mut fk("maintenance_records", "recorded_by", "users", false))
            .take();
        let bookings = table("bookings")
            .col(uuid("workshop_id"))
            .col(uuid("vehicle_id"))
            .col(uuid_null("customer_id"))
            .col(at("starts_at"))
            .col(status("service_kind"))
            .col(status("status"))
            .col(text("notes"))
            .col(at("created_at"))
            .foreign_key(&mut fk("bookings", "workshop_id", "workshops", false))
            .foreign_key(&mut fk("bookings", "vehicle_id", "vehicles", false))
            .foreign_key(&mut fk("bookings", "customer_id", "users", false))
            .take();
        let diagnostics = table("diagnostic_sessions")
            .col(uuid("workshop_id"))
            .col(uuid("vehicle_id"))
            .col(uuid_null("booking_id"))
            .col(status("session_type"))
            .col(json("fault_codes"))
            .col(text("symptoms"))
            .col(text("technician_notes"))
            .col(minor("cost_estimate_minor"))
            .col(status("status"))
            .col(at("created_at"))
            .col(at_null("closed_at"))
            .foreign_key(&mut fk("diagnostic_sessions", "workshop_id", "workshops", false))
            .foreign_key(&mut fk("diagnostic_sessions", "vehicle_id", "vehicles", false))
            .foreign_key(&mut fk("diagnostic_sessions", "booking_id", "bookings", false))
            .take();
        create(
            manager,
            vec![maintenance, bookings, diagnostics],
            vec![
                index("maintenance_records", &["vehicle_id", "performed_at"]),
                index("maintenance_records", &["workshop_id"]),
                index("bookings", &["workshop_id", "starts_at"]),
                index("bookings", &["vehicle_id"]),
                index("diagnostic_sessions", &["workshop_id", "created_at"]),
                index("diagnostic_sessions", &["vehicle_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["diagnostic_sessions", "bookings", "maintenance_records"]).await
    }
}
