//! `assistant_spend`: what the assistant's model cost a payer (a workshop, or the platform) in a
//! month — what its monthly cap is checked against.

use sea_orm::entity::prelude::*;

/// Tokens and cost of one payer in one month.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_spend")]
pub struct Model {
    /// A workshop's id, or `platform`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub payer: String,
    /// `YYYY-MM`, UTC.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// In millionths of the currency unit.
    pub cost_micros: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
