//! `assistant_turns`: a question asked of the assistant and its answer.

use sea_orm::entity::prelude::*;

use crate::{AssistantAnswerMode, AssistantTurnStatus};

/// One question and its answer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_turns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub conversation_id: Uuid,
    /// The workshop asked, if any: its staff see the question (without who asked).
    pub workshop_id: Option<Uuid>,
    /// The language it was answered in.
    pub language: String,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    /// The answer; while the model is answering, the retrieval answer it falls back to.
    #[sea_orm(column_type = "Text")]
    pub answer: String,
    pub status: AssistantTurnStatus,
    pub mode: AssistantAnswerMode,
    /// Whether the question was answered (not declined).
    pub answered: bool,
    /// Something the asker is told about the answer (e.g. the model's budget is used up).
    #[sea_orm(column_type = "Text", nullable)]
    pub notice: Option<String>,
    /// A JSON array of the sources cited.
    #[sea_orm(column_type = "Text")]
    pub sources: String,
    /// The offers made, comma-separated (`BOOK_SERVICE`, `CONTACT_WORKSHOP`).
    pub offers: String,
    /// The model that answered, if one did.
    pub model: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    /// What the model's answer cost, in millionths of the currency unit.
    pub cost_micros: i64,
    pub asked_at: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
