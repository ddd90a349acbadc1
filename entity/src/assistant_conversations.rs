//! `assistant_conversations`: a person's conversation with the assistant, about a car and with a
//! workshop's FAQ when they chose them.

use sea_orm::entity::prelude::*;

/// One conversation; its turns are `assistant_turns`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Whose it is: only they see it, and they may delete it.
    pub user_id: Uuid,
    /// The car it is about, if any.
    pub vin: Option<String>,
    /// The workshop whose FAQ it answers from, if any.
    pub workshop_id: Option<Uuid>,
    pub started_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
