//! The assistant: FAQ entries (the platform's and each workshop's), the conversations people have
//! with it, and what its model cost each payer (a workshop, or the platform) per month.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, status, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn faq_entries() -> TableCreateStatement {
    table("faq_entries")
        .col(uuid_null("workshop_id"))
        .col(string_len("language", 2))
        .col(text("question"))
        .col(text("answer"))
        // A JSON array of short words.
        .col(text("tags"))
        .col(at("created_at"))
        .col(at("updated_at"))
        .foreign_key(&mut fk("faq_entries", "workshop_id", "workshops", true))
        .take()
}

fn assistant_conversations() -> TableCreateStatement {
    table("assistant_conversations")
        .col(uuid("user_id"))
        .col(string_len_null("vin", 17))
        .col(uuid_null("workshop_id"))
        .col(at("started_at"))
        .col(at("updated_at"))
        .foreign_key(&mut fk("assistant_conversations", "user_id", "users", true))
        .foreign_key(&mut fk("assistant_conversations", "workshop_id", "workshops", true))
        .take()
}

fn assistant_turns() -> TableCreateStatement {
    table("assistant_turns")
        .col(uuid("conversation_id"))
        .col(uuid_null("workshop_id"))
        .col(string_len("language", 2))
        .col(text("question"))
        .col(text("answer"))
        .col(status("status"))
        .col(status("mode"))
        .col(boolean("answered"))
        .col(text_null("notice"))
        // JSON: the sources cited and the offers made.
        .col(text("sources"))
        .col(string_len("offers", 64))
        .col(string_len_null("model", 100))
        .col(integer("prompt_tokens"))
        .col(integer("completion_tokens"))
        .col(big_integer("cost_micros"))
        .col(at("asked_at"))
        .col(at_null("answered_at"))
        .foreign_key(&mut fk("assistant_turns", "conversation_id", "assistant_conversations", true))
        .take()
}

fn assistant_spend() -> TableCreateStatement {
    Table::create()
        .table("assistant_spend")
        // A workshop's id, or "platform" for questions asked of no workshop.
        .col(string_len("payer", 36))
        // `YYYY-MM`, UTC.
        .col(string_len("month", 7))
        .col(big_integer("prompt_tokens"))
        .col(big_integer("completion_tokens"))
        .col(big_integer("cost_micros"))
        .col(at("updated_at"))
        .primary_key(Index::create().col("payer").col("month"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A workshop's own monthly cap for the model, in minor units; `NULL`: the configured default.
        let workshops = Table::alter().table("workshops").add_column(big_integer_null("assistant_cap_minor")).take();
        manager.alter_table(workshops).await?;
        create(
            manager,
            vec![faq_entries(), assistant_conversations(), assistant_turns(), assistant_spend()],
            vec![
                index("faq_entries", &["workshop_id", "language"]),
                index("assistant_conversations", &["user_id", "updated_at"]),
                index("assistant_turns", &["conversation_id", "asked_at"]),
                index("assistant_turns", &["workshop_id", "asked_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["assistant_spend", "assistant_turns", "assistant_conversations", "faq_entries"]).await?;
        let workshops = Table::alter().table("workshops").drop_column("assistant_cap_minor").take();
        manager.alter_table(workshops).await
    }
}
