//! The workshop's whole job: its set-up (bookable resources, opening hours, closed days, service
//! types priced per region), bookings that hold a resource for a time range, repair orders (job
//! cards) with estimate lines and a timeline, diagnostic sessions on a repair order, invoices with
//! the workshop as seller, and the service due date and mileage each vehicle carries.
//!
//! No resource is ever booked twice for overlapping times, and the database says so: on
//! PostgreSQL an exclusion constraint over the time range, on SQLite a trigger (SQLite runs one
//! writer at a time, so the check and the insert cannot interleave with another's).
//!
//! `bookings` and `diagnostic_sessions` existed without any writer; they are made anew with the
//! columns the job needs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::helpers::{at, at_null, create, drop, fk, index, minor, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The name both databases give an overlap of a resource's bookings (the services look for it).
const OVERLAP: &str = "resource_bookings_overlap";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["diagnostic_sessions", "bookings"]).await?;
        add_columns(manager).await?;
        create(manager, set_up_tables(), set_up_indexes()).await?;
        create(manager, work_tables(), work_indexes()).await?;
        forbid_overlaps(manager).await?;
        backfill_service_due(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(
            manager,
            &[
                "service_reminders",
                "diagnostic_sessions",
                "repair_order_events",
                "repair_order_lines",
                "repair_orders",
                "resource_bookings",
                "bookings",
                "workshop_sequences",
                "service_type_prices",
                "service_types",
                "workshop_closed_days",
                "workshop_hours",
                "workshop_resources",
            ],
        )
        .await?;
        // SQLite drops no column an index covers.
        for (table, name) in [
            ("workshops", "uq_workshops_code"),
            ("invoices", "idx_invoices_workshop_id"),
            ("vehicles", "idx_vehicles_service_due_at"),
        ] {
            manager.drop_index(Index::drop().name(name).table(table).to_owned()).await?;
        }
        for (table, column) in ADDED_COLUMNS.iter().rev() {
            manager.alter_table(Table::alter().table(*table).drop_column(*column).take()).await?;
        }
        create(manager, vec![old_bookings(), old_diagnostics()], Vec::new()).await
    }
}

/// Columns added to existing tables, in the order they are added.
const ADDED_COLUMNS: [(&str, &str); 11] = [
    ("workshops", "code"),
    ("workshops", "time_zone"),
    ("workshops", "slot_minutes"),
    ("workshops", "address"),
    ("workshops", "phone"),
    ("vehicle_models", "service_interval_months"),
    ("vehicle_models", "service_interval_km"),
    ("vehicles", "service_due_at"),
    ("vehicles", "service_due_km"),
    ("users", "workshop_admin"),
    ("invoices", "workshop_id"),
];

async fn add_columns(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let columns = [
        ("workshops", string_len("code", 12).default("").take()),
        ("workshops", string_len("time_zone", 64).default("Europe/Berlin").take()),
        ("workshops", integer("slot_minutes").default(30).take()),
        ("workshops", text("address").default("").take()),
        ("workshops", string_len("phone", 32).default("").take()),
        ("vehicle_models", integer("service_interval_months").default(12).take()),
        ("vehicle_models", integer("service_interval_km").default(15_000).take()),
        ("vehicles", at_null("service_due_at")),
        ("vehicles", integer_null("service_due_km")),
        ("users", boolean("workshop_admin").default(false).take()),
        ("invoices", uuid_null("workshop_id")),
    ];
    for (table, column) in columns {
        manager.alter_table(Table::alter().table(table).add_column(column).take()).await?;
    }
    // Existing workshops get a code from their id; its admin changes it in the set-up.
    let db = manager.get_connection();
    let code = match manager.get_database_backend() {
        DbBackend::Postgres => "'W' || upper(substr(replace(id::text, '-', ''), 25, 8))",
        _ => "'W' || upper(substr(hex(id), 25, 8))",
    };
    db.execute_unprepared(&format!("UPDATE workshops SET code = {code} WHERE code = ''")).await?;
    manager.create_index(unique("workshops", &["code"])).await?;
    manager.create_index(index("invoices", &["workshop_id"])).await
}

fn set_up_tables() -> Vec<TableCreateStatement> {
    let resources = table("workshop_resources")
        .col(uuid("workshop_id"))
        .col(status("kind"))
        .col(string_len("name", 80))
        .col(boolean("active"))
        .col(at("created_at"))
        .foreign_key(&mut fk("workshop_resources", "workshop_id", "workshops", true))
        .take();
    let hours = Table::create()
        .table("workshop_hours")
        .col(uuid("workshop_id"))
        .col(small_integer("weekday"))
        .col(small_integer("opens_minute"))
        .col(small_integer("closes_minute"))
        .primary_key(Index::create().col("workshop_id").col("weekday"))
        .foreign_key(&mut fk("workshop_hours", "workshop_id", "workshops", true))
        .take();
    let closed = Table::create()
        .table("workshop_closed_days")
        .col(uuid("workshop_id"))
        .col(date("day"))
        .col(string_len("reason", 120))
        .primary_key(Index::create().col("workshop_id").col("day"))
        .foreign_key(&mut fk("workshop_closed_days", "workshop_id", "workshops", true))
        .take();
    let services = table("service_types")
        .col(uuid("workshop_id"))
        .col(string_len("name", 120))
        .col(integer("duration_minutes"))
        .col(string_len_null("maintenance_kind", 32))
        .col(status("resource_kind"))
        .col(boolean("active"))
        .col(at("created_at"))
        .foreign_key(&mut fk("service_types", "workshop_id", "workshops", true))
        .take();
    let prices = Table::create()
        .table("service_type_prices")
        .col(uuid("service_type_id"))
        .col(uuid("region_id"))
        .col(minor("net_minor"))
        .primary_key(Index::create().col("service_type_id").col("region_id"))
        .foreign_key(&mut fk("service_type_prices", "service_type_id", "service_types", true))
        .foreign_key(&mut fk("service_type_prices", "region_id", "regions", false))
        .take();
    // Gapless numbers per workshop, kind (`INVOICE`, `JOB`) and year, taken like the regions' ones.
    let sequences = Table::create()
        .table("workshop_sequences")
        .col(uuid("workshop_id"))
        .col(status("kind"))
        .col(integer("year"))
        .col(big_integer("next_sequence"))
        .primary_key(Index::create().col("workshop_id").col("kind").col("year"))
        .foreign_key(&mut fk("workshop_sequences", "workshop_id", "workshops", true))
        .take();
    vec![resources, hours, closed, services, prices, sequences]
}

fn set_up_indexes() -> Vec<IndexCreateStatement> {
    vec![unique("workshop_resources", &["workshop_id", "name"]), unique("service_types", &["workshop_id", "name"])]
}

fn work_tables() -> Vec<TableCreateStatement> {
    let bookings = table("bookings")
        .col(uuid("workshop_id"))
        .col(uuid("vehicle_id"))
        .col(uuid_null("customer_id"))
        .col(uuid("service_type_id"))
        .col(at("starts_at"))
        .col(at("ends_at"))
        .col(status("status"))
        .col(text("notes"))
        .col(string_len("contact_name", 120))
        .col(string_len("contact_phone", 32))
        .col(string_len("contact_email", 254))
        .col(boolean("loan_car"))
        .col(uuid("booked_by"))
        .col(text_null("cancel_reason"))
        .col(at_null("reminder_day_sent_at"))
        .col(at_null("reminder_hour_sent_at"))
        .col(at("created_at"))
        .col(at("updated_at"))
        .foreign_key(&mut fk("bookings", "workshop_id", "workshops", false))
        .foreign_key(&mut fk("bookings", "vehicle_id", "vehicles", false))
        .foreign_key(&mut fk("bookings", "customer_id", "users", false))
        .foreign_key(&mut fk("bookings", "service_type_id", "service_types", false))
        .foreign_key(&mut fk("bookings", "booked_by", "users", false))
        .take();
    // What a booking holds: one row per resource (the bay, a loan car) and time range.
    let held = table("resource_bookings")
        .col(uuid("resource_id"))
        .col(uuid("booking_id"))
        .col(at("starts_at"))
        .col(at("ends_at"))
        .foreign_key(&mut fk("resource_bookings", "resource_id", "workshop_resources", false))
        .foreign_key(&mut fk("resource_bookings", "booking_id", "bookings", true))
        .take();
    vec![bookings, held, repair_orders(), repair_order_lines(), repair_order_events(), diagnostics(), reminders()]
}

fn repair_orders() -> TableCreateStatement {
    table("repair_orders")
        .col(uuid("workshop_id"))
        .col(uuid("vehicle_id"))
        .col(uuid_null("booking_id"))
        .col(uuid_null("customer_id"))
        .col(string_len("number", 32))
        .col(status("status"))
        .col(integer("odometer_km"))
        .col(text("complaint"))
        .col(string_len_null("service_kind", 32))
        .col(string_len("currency", 3))
        .col(big_integer_null("approved_net_minor"))
        .col(at_null("approval_requested_at"))
        .col(uuid_null("approval_link_id"))
        .col(string_len_null("approval_token_hash", 64))
        .col(at_null("approval_expires_at"))
        .col(string_len_null("resume_status", 32))
        .col(uuid_null("invoice_id"))
        .col(uuid_null("maintenance_record_id"))
        .col(uuid("created_by"))
        .col(at("created_at"))
        .col(at("updated_at"))
        .col(at_null("closed_at"))
        .foreign_key(&mut fk("repair_orders", "workshop_id", "workshops", false))
        .foreign_key(&mut fk("repair_orders", "vehicle_id", "vehicles", false))
        .foreign_key(&mut fk("repair_orders", "booking_id", "bookings", false))
        .foreign_key(&mut fk("repair_orders", "customer_id", "users", false))
        .foreign_key(&mut fk("repair_orders", "invoice_id", "invoices", false))
        .foreign_key(&mut fk("repair_orders", "maintenance_record_id", "maintenance_records", false))
        .foreign_key(&mut fk("repair_orders", "created_by", "users", false))
        .take()
}

fn repair_order_lines() -> TableCreateStatement {
    table("repair_order_lines")
        .col(uuid("repair_order_id"))
        .col(integer("position"))
        .col(status("kind"))
        .col(string_len("description", 300))
        .col(integer("quantity_hundredths"))
        .col(minor("unit_net_minor"))
        .col(minor("net_minor"))
        .col(status("status"))
        .col(at("created_at"))
        .foreign_key(&mut fk("repair_order_lines", "repair_order_id", "repair_orders", true))
        .take()
}

fn repair_order_events() -> TableCreateStatement {
    table("repair_order_events")
        .col(uuid("repair_order_id"))
        .col(status("status"))
        .col(string_len("step", 32))
        .col(text("note"))
        .col(uuid_null("actor_id"))
        .col(at("occurred_at"))
        .foreign_key(&mut fk("repair_order_events", "repair_order_id", "repair_orders", true))
        .take()
}

fn diagnostics() -> TableCreateStatement {
    table("diagnostic_sessions")
        .col(uuid("workshop_id"))
        .col(uuid("vehicle_id"))
        .col(uuid_null("repair_order_id"))
        .col(status("session_type"))
        .col(json("fault_codes"))
        .col(text("symptoms"))
        .col(text("technician_notes"))
        .col(minor("cost_estimate_minor"))
        .col(string_len("currency", 3))
        .col(status("status"))
        .col(uuid("recorded_by"))
        .col(at("created_at"))
        .col(at_null("closed_at"))
        .foreign_key(&mut fk("diagnostic_sessions", "workshop_id", "workshops", false))
        .foreign_key(&mut fk("diagnostic_sessions", "vehicle_id", "vehicles", false))
        .foreign_key(&mut fk("diagnostic_sessions", "repair_order_id", "repair_orders", false))
        .foreign_key(&mut fk("diagnostic_sessions", "recorded_by", "users", false))
        .take()
}

/// Service reminders sent: one per vehicle, due date (a service done sets a new one) and stage.
fn reminders() -> TableCreateStatement {
    Table::create()
        .table("service_reminders")
        .col(uuid("vehicle_id"))
        .col(at("due_at"))
        .col(status("stage"))
        .col(at("sent_at"))
        .primary_key(Index::create().col("vehicle_id").col("due_at").col("stage"))
        .foreign_key(&mut fk("service_reminders", "vehicle_id", "vehicles", true))
        .take()
}

fn work_indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("bookings", &["workshop_id", "starts_at"]),
        index("bookings", &["vehicle_id"]),
        index("bookings", &["customer_id"]),
        index("bookings", &["status", "starts_at"]),
        index("resource_bookings", &["resource_id", "starts_at"]),
        index("resource_bookings", &["booking_id"]),
        unique("repair_orders", &["workshop_id", "number"]),
        unique("repair_orders", &["booking_id"]),
        index("repair_orders", &["vehicle_id"]),
        index("repair_orders", &["customer_id"]),
        index("repair_orders", &["workshop_id", "status"]),
        unique("repair_orders", &["approval_token_hash"]),
        index("repair_order_lines", &["repair_order_id", "position"]),
        index("repair_order_events", &["repair_order_id", "occurred_at"]),
        index("diagnostic_sessions", &["vehicle_id", "created_at"]),
        index("diagnostic_sessions", &["repair_order_id"]),
        index("vehicles", &["service_due_at"]),
    ]
}

async fn forbid_overlaps(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Postgres => {
            // `=` on a UUID inside a GiST index needs btree_gist (a trusted extension since 13).
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS btree_gist").await?;
            db.execute_unprepared(&format!(
                "ALTER TABLE resource_bookings ADD CONSTRAINT {OVERLAP} \
                 EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
            ))
            .await?;
        }
        _ => {
            for (event, other_row) in [("INSERT", ""), ("UPDATE", " AND held.id <> NEW.id")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {OVERLAP}_{} BEFORE {event} ON resource_bookings \
                     WHEN EXISTS (SELECT 1 FROM resource_bookings held WHERE held.resource_id = NEW.resource_id \
                       AND held.starts_at < NEW.ends_at AND held.ends_at > NEW.starts_at{other_row}) \
                     BEGIN SELECT RAISE(ABORT, '{OVERLAP}'); END",
                    event.to_lowercase()
                ))
                .await?;
            }
        }
    }
    Ok(())
}

/// Every vehicle's next service: the latest record's due date and mileage, else the first service
/// a year (15,000 km) after the car was made.
async fn backfill_service_due(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let latest = |column: &str| {
        format!(
            "(SELECT r.{column} FROM maintenance_records r WHERE r.vehicle_id = vehicles.id \
             ORDER BY r.performed_at DESC LIMIT 1)"
        )
    };
    let first_service = match manager.get_database_backend() {
        DbBackend::Postgres => "created_at + interval '12 months'",
        _ => "strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, '+12 months')",
    };
    db.execute_unprepared(&format!(
        "UPDATE vehicles SET service_due_at = COALESCE({}, {first_service}), \
         service_due_km = COALESCE({}, 15000)",
        latest("next_due_at"),
        latest("next_due_km"),
    ))
    .await?;
    Ok(())
}

fn old_bookings() -> TableCreateStatement {
    table("bookings")
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
        .take()
}

fn old_diagnostics() -> TableCreateStatement {
    table("diagnostic_sessions")
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
        .take()
}
