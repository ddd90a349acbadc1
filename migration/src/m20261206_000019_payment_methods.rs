//! Paying without a card: which methods a region offers, SEPA Direct Debit mandates as a saved method, the method and
//! the transfer reference of each payment, bank transfers as the gateway reported them (each event
//! once), prepaid voucher batches and their codes (stored hashed), and the customers' credit
//! ledger, where the database keeps a voucher from being credited twice and a payment from being
//! taken from credit twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, minor, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns added to existing tables: (table, column).
fn added_columns() -> Vec<(&'static str, ColumnDef)> {
    vec![
        ("regions", string_len("payment_methods", 100).default("CARD").take()),
        ("payment_cards", status("method_kind").default("CARD").take()),
        ("payment_cards", string_len_null("mandate_reference", 64)),
        ("payment_cards", at_null("mandate_accepted_at")),
        ("payments", status("method").default("CARD").take()),
        ("payments", string_len_null("transfer_reference", 32)),
        ("payments", minor("received_minor").default(0).take()),
    ]
}

fn voucher_batches() -> TableCreateStatement {
    table("voucher_batches")
        .col(uuid("region_id"))
        .col(string_len("label", 100))
        .col(minor("value_minor"))
        .col(string_len("currency", 3))
        .col(integer("quantity"))
        .col(at("expires_at"))
        .col(uuid("created_by"))
        .col(at("created_at"))
        .foreign_key(&mut fk("voucher_batches", "region_id", "regions", false))
        .take()
}

fn vouchers() -> TableCreateStatement {
    table("vouchers")
        .col(uuid("batch_id"))
        // SHA-256 of the normalised code: a code is a bearer value, shown once to the admin.
        .col(string_len("code_hash", 64))
        .col(string_len("code_hint", 8))
        .col(minor("value_minor"))
        .col(string_len("currency", 3))
        .col(uuid("region_id"))
        .col(at("expires_at"))
        .col(uuid_null("redeemed_by"))
        .col(at_null("redeemed_at"))
        .foreign_key(&mut fk("vouchers", "batch_id", "voucher_batches", true))
        .take()
}

fn credit_entries() -> TableCreateStatement {
    table("credit_entries")
        .col(uuid("user_id"))
        // Signed: a voucher or a released payment adds, a payment takes.
        .col(minor("amount_minor"))
        .col(string_len("currency", 3))
        .col(status("kind"))
        .col(uuid_null("voucher_id"))
        .col(uuid_null("payment_id"))
        .col(at("created_at"))
        .foreign_key(&mut fk("credit_entries", "user_id", "users", true))
        .take()
}

fn bank_transfers() -> TableCreateStatement {
    table("bank_transfers")
        .col(string_len("event_id", 100))
        .col(string_len("reference", 64))
        .col(minor("amount_minor"))
        .col(string_len("currency", 3))
        .col(string_len_null("sender", 100))
        .col(uuid_null("payment_id"))
        .col(status("status"))
        .col(string_len_null("held_reason", 32))
        .col(at("received_at"))
        .col(at_null("resolved_at"))
        .col(uuid_null("resolved_by"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for (table, column) in added_columns() {
            manager.alter_table(Table::alter().table(table).add_column(column).take()).await?;
        }
        create(
            manager,
            vec![voucher_batches(), vouchers(), credit_entries(), bank_transfers()],
            vec![
                unique("payments", &["transfer_reference"]),
                unique("vouchers", &["code_hash"]),
                index("vouchers", &["batch_id"]),
                // One credit per voucher, one debit and one release per payment.
                unique("credit_entries", &["voucher_id"]),
                unique("credit_entries", &["payment_id", "kind"]),
                index("credit_entries", &["user_id"]),
                unique("bank_transfers", &["event_id"]),
                index("bank_transfers", &["status", "received_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("uq_payments_transfer_reference").table("payments").to_owned()).await?;
        drop(manager, &["bank_transfers", "credit_entries", "vouchers", "voucher_batches"]).await?;
        for (table, column) in added_columns().into_iter().rev() {
            let name = column.get_column_name();
            manager.alter_table(Table::alter().table(table).drop_column(Alias::new(name)).take()).await?;
        }
        Ok(())
    }
}
