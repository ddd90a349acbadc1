//! `faq_entries`: what the assistant answers from — the platform's FAQ and each workshop's own.

use sea_orm::entity::prelude::*;

/// One question with its answer, in one language.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "faq_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The workshop whose entry it is; `None`: the platform's.
    pub workshop_id: Option<Uuid>,
    /// `en`, `de` or `es`.
    pub language: String,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    #[sea_orm(column_type = "Text")]
    pub answer: String,
    /// A JSON array of short words that help find it.
    #[sea_orm(column_type = "Text")]
    pub tags: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
