//! Invoice numbers start again at 1 each year in each region (`ES-2027-000001`), as tax offices
//! expect: the per-region counter becomes a counter per region and year, continued from the
//! invoices already issued. And one live payment of each kind per sale, enforced by the database:
//! two final payments taken at once with different keys would both pass the service's check of
//! what is due. And saved payment cards: a customer's card is saved at the gateway (its customer
//! record and a confirmed setup) and charged later by its id; we keep the ids and what the card
//! looks like, never its number.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, fk, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

const ONE_LIVE_PAYMENT: &str = "uq_payments_live_order_kind";
/// The year inside an invoice number `<region>-<year>-<6-digit sequence>`, in SQL both databases read.
const NUMBER_YEAR: &str = "CAST(SUBSTR(number, LENGTH(number) - 10, 4) AS INTEGER)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sequences = Table::create()
            .table("invoice_sequences")
            .col(uuid("region_id"))
            .col(integer("year"))
            .col(big_integer("next_sequence"))
            .primary_key(Index::create().col("region_id").col("year"))
            .foreign_key(&mut fk("invoice_sequences", "region_id", "regions", true))
            .take();
        manager.create_table(sequences).await?;
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "INSERT INTO invoice_sequences (region_id, year, next_sequence) \
             SELECT region_id, {NUMBER_YEAR}, MAX(sequence) + 1 FROM invoices GROUP BY region_id, {NUMBER_YEAR}"
        ))
        .await?;
        manager.drop_index(Index::drop().name("uq_invoices_region_id_sequence").table("invoices").to_owned()).await?;
        manager.drop_table(Table::drop().table("invoice_counters").to_owned()).await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX {ONE_LIVE_PAYMENT} ON payments (order_id, kind) \
             WHERE order_id IS NOT NULL AND status IN ('PENDING', 'AUTHORIZED', 'CAPTURED', 'SETTLED')"
        ))
        .await?;
        let cards = table("payment_cards")
            .col(uuid_uniq("user_id"))
            .col(string_len("customer_ref", 128))
            .col(string_len_null("payment_method_ref", 128))
            .col(string_len_null("brand", 32))
            .col(string_len_null("last4", 4))
            .col(integer_null("exp_month"))
            .col(integer_null("exp_year"))
            .col(at("created_at"))
            .col(at("updated_at"))
            .foreign_key(&mut fk("payment_cards", "user_id", "users", true))
            .take();
        manager.create_table(cards).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("payment_cards").to_owned()).await?;
        manager.drop_index(Index::drop().name(ONE_LIVE_PAYMENT).table("payments").to_owned()).await?;
        let counters = Table::create()
            .table("invoice_counters")
            .col(uuid("region_id").primary_key())
            .col(big_integer("next_sequence"))
            .foreign_key(&mut fk("invoice_counters", "region_id", "regions", true))
            .take();
        manager.create_table(counters).await?;
        // One counter per region again, past every number of every year.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO invoice_counters (region_id, next_sequence) \
                 SELECT region_id, MAX(sequence) + 1 FROM invoices GROUP BY region_id",
            )
            .await?;
        manager.drop_table(Table::drop().table("invoice_sequences").to_owned()).await?;
        manager.create_index(unique("invoices", &["region_id", "sequence"])).await
    }
}
