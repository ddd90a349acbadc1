//! Running the platform: disabled accounts, features' "new since" and retirement, owners' consents
//! with scopes, data exports (one per person and day, enforced by a unique key), account erasures
//! with their grace period, tombstones of erased e-mail addresses, sealed buyer records, ticket
//! assignees and comments, VAT rates by the date they apply from, and the web app's user actions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns added to existing tables: (table, column).
fn added_columns() -> Vec<(&'static str, ColumnDef)> {
    vec![
        ("users", at_null("disabled_at")),
        ("features", at_null("new_since")),
        ("features", at_null("retired_at")),
        ("prices", at_null("withdrawn_at")),
        // Grants made before owners consented were admin grants of every read scope.
        (
            "partner_vehicle_grants",
            string_len("scopes", 200).default("vehicles:read,expediente:read,telemetry:read").take(),
        ),
        ("partner_vehicle_grants", uuid_null("granted_by")),
        ("support_tickets", uuid_null("assigned_to")),
    ]
}

fn data_exports() -> TableCreateStatement {
    table("data_exports")
        .col(uuid("user_id"))
        .col(status("status"))
        // The UTC day of the request, `YYYY-MM-DD`: with the user, unique (one export a day).
        .col(string_len("requested_on", 10))
        .col(at("requested_at"))
        .col(at_null("finished_at"))
        .col(at_null("expires_at"))
        .col(string_len_null("token_hash", 64))
        .col(text_null("document"))
        .foreign_key(&mut fk("data_exports", "user_id", "users", true))
        .take()
}

fn erasures() -> TableCreateStatement {
    Table::create()
        .table("account_erasures")
        .col(uuid("user_id").primary_key())
        .col(at("requested_at"))
        .col(at("due_at"))
        .col(at_null("cancelled_at"))
        .col(at_null("completed_at"))
        .foreign_key(&mut fk("account_erasures", "user_id", "users", true))
        .take()
}

fn tombstones() -> TableCreateStatement {
    Table::create().table("erased_emails").col(string_len("email_hash", 64).primary_key()).col(at("erased_at")).take()
}

fn retained_buyers() -> TableCreateStatement {
    Table::create()
        .table("retained_buyers")
        .col(uuid("user_id").primary_key())
        // The erased buyer's name and e-mail, sealed (AES-256-GCM, base64): invoices must keep
        // them for the tax authorities, nobody else reads them.
        .col(text("sealed"))
        .col(at("retain_until"))
        .foreign_key(&mut fk("retained_buyers", "user_id", "users", true))
        .take()
}

fn ticket_comments() -> TableCreateStatement {
    table("ticket_comments")
        .col(uuid("ticket_id"))
        .col(uuid("author_id"))
        .col(text("body"))
        .col(at("created_at"))
        .foreign_key(&mut fk("ticket_comments", "ticket_id", "support_tickets", true))
        .take()
}

fn vat_rates() -> TableCreateStatement {
    table("region_vat_rates")
        .col(uuid("region_id"))
        .col(integer("rate_bp"))
        .col(at("applies_from"))
        .col(at("created_at"))
        .foreign_key(&mut fk("region_vat_rates", "region_id", "regions", true))
        .take()
}

fn user_actions() -> TableCreateStatement {
    table("user_actions")
        .col(uuid("user_id"))
        .col(status("kind"))
        .col(string_len("name", 64))
        .col(uuid("region_id"))
        .col(at("occurred_at"))
        .col(at("received_at"))
        .foreign_key(&mut fk("user_actions", "user_id", "users", true))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for (table, column) in added_columns() {
            manager.alter_table(Table::alter().table(table).add_column(column).take()).await?;
        }
        let one_a_day = Index::create()
            .name("uq_data_exports_user_day")
            .table("data_exports")
            .col("user_id")
            .col("requested_on")
            .unique()
            .take();
        create(
            manager,
            vec![
                data_exports(),
                erasures(),
                tombstones(),
                retained_buyers(),
                ticket_comments(),
                vat_rates(),
                user_actions(),
            ],
            vec![
                one_a_day,
                index("user_actions", &["occurred_at"]),
                index("account_erasures", &["due_at"]),
                index("ticket_comments", &["ticket_id", "created_at"]),
                unique("region_vat_rates", &["region_id", "applies_from"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(
            manager,
            &[
                "user_actions",
                "region_vat_rates",
                "ticket_comments",
                "retained_buyers",
                "erased_emails",
                "account_erasures",
                "data_exports",
            ],
        )
        .await?;
        for (table, column) in added_columns().into_iter().rev() {
            let name = column.get_column_name();
            manager.alter_table(Table::alter().table(table).drop_column(Alias::new(name)).take()).await?;
        }
        Ok(())
    }
}
