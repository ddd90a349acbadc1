//! Feature activations and their OTA jobs, payments, invoices with lines and gapless counters,
//! support tickets.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, minor, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let activations = table("activations")
            .col(uuid("vehicle_id"))
            .col(uuid("feature_id"))
            .col(uuid_null("price_id"))
            .col(status("duration_kind"))
            .col(integer("duration_days"))
            .col(status("status"))
            .col(uuid("purchased_by"))
            .col(at_null("starts_at"))
            .col(at_null("ends_at"))
            .col(boolean("cancel_at_period_end"))
            .col(string_len_null("failure_reason", 300))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut fk("activations", "vehicle_id", "vehicles", false))
            .foreign_key(&mut fk("activations", "feature_id", "features", false))
            .foreign_key(&mut fk("activations", "price_id", "prices", false))
            .foreign_key(&mut fk("activations", "purchased_by", "users", false))
            .take();
        let ota_jobs = table("ota_jobs")
            .col(uuid("activation_id"))
            .col(status("command"))
            .col(status("status"))
            .col(integer("attempts"))
            .col(integer("max_attempts"))
            .col(at("next_attempt_at"))
            .col(string_len_null("lease_owner", 64))
            .col(at_null("lease_expires_at"))
            .col(string_len_null("last_error", 300))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut fk("ota_jobs", "activation_id", "activations", true))
            .take();
        let payments = table("payments")
            .col(status("kind"))
            .col(status("status"))
            .col(minor("amount_minor"))
            .col(string_len("currency", 3))
            .col(uuid("payer_id"))
            .col(uuid_null("order_id"))
            .col(uuid_null("activation_id"))
            .col(string_len_null("provider_ref", 128))
            .col(string_len_uniq("idempotency_key", 128))
            .col(string_len_null("failure_reason", 300))
            .col(at("created_at"))
            .col(at("updated_at"))
            .col(at_null("captured_at"))
            .col(at_null("settled_at"))
            .foreign_key(&mut fk("payments", "payer_id", "users", false))
            .foreign_key(&mut fk("payments", "order_id", "orders", false))
            .foreign_key(&mut fk("payments", "activation_id", "activations", false))
            .take();
        let counters = Table::create()
            .table("invoice_counters")
            .col(uuid("region_id").primary_key())
            .col(big_integer("next_sequence"))
            .foreign_key(&mut fk("invoice_counters", "region_id", "regions", true))
            .take();
        let invoices = table("invoices")
            .col(uuid("region_id"))
            .col(big_integer("sequence"))
            .col(string_len("number", 32))
            .col(status("kind"))
            .col(uuid_null("credits_invoice_id"))
            .col(uuid("customer_id"))
            .col(uuid_null("vehicle_id"))
            .col(uuid_null("payment_id"))
            .col(string_len("currency", 3))
            .col(minor("net_minor"))
            .col(minor("vat_minor"))
            .col(minor("gross_minor"))
            .col(at("issued_at"))
            .foreign_key(&mut fk("invoices", "region_id", "regions", false))
            .foreign_key(&mut fk("invoices", "credits_invoice_id", "invoices", false))
            .foreign_key(&mut fk("invoices", "customer_id", "users", false))
            .foreign_key(&mut fk("invoices", "vehicle_id", "vehicles", false))
            .foreign_key(&mut fk("invoices", "payment_id", "payments", false))
            .take();
        let lines = table("invoice_lines")
            .col(uuid("invoice_id"))
            .col(integer("position"))
            .col(string_len("description", 300))
            .col(integer("quantity"))
            .col(minor("unit_net_minor"))
            .col(minor("net_minor"))
            .col(integer("vat_rate_bp"))
            .col(minor("vat_minor"))
            .col(minor("gross_minor"))
            .col(uuid_null("activation_id"))
            .foreign_key(&mut fk("invoice_lines", "invoice_id", "invoices", true))
            .foreign_key(&mut fk("invoice_lines", "activation_id", "activations", false))
            .take();
        let tickets = table("support_tickets")
            .col(uuid_null("activation_id"))
            .col(uuid_null("vehicle_id"))
            .col(status("status"))
            .col(string_len("subject", 200))
            .col(text("details"))
            .col(at("created_at"))
            .col(at_null("resolved_at"))
            .foreign_key(&mut fk("support_tickets", "activation_id", "activations", false))
            .foreign_key(&mut fk("support_tickets", "vehicle_id", "vehicles", false))
            .take();
        create(
            manager,
            vec![activations, ota_jobs, payments, counters, invoices, lines, tickets],
            vec![
                index("activations", &["vehicle_id", "status"]),
                index("activations", &["feature_id"]),
                index("activations", &["status", "ends_at"]),
                index("ota_jobs", &["status", "next_attempt_at"]),
                index("ota_jobs", &["activation_id"]),
                index("payments", &["order_id"]),
                index("payments", &["activation_id"]),
                index("payments", &["status"]),
                unique("payments", &["provider_ref"]),
                unique("invoices", &["region_id", "sequence"]),
                unique("invoices", &["number"]),
                index("invoices", &["customer_id", "issued_at"]),
                index("invoices", &["vehicle_id"]),
                index("invoice_lines", &["invoice_id"]),
                index("support_tickets", &["status", "created_at"]),
                index("support_tickets", &["activation_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(
            manager,
            &[
                "support_tickets",
                "invoice_lines",
                "invoices",
                "invoice_counters",
                "payments",
                "ota_jobs",
                "activations",
            ],
        )
        .await
    }
}
