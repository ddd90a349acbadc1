//! `leases`: which server instance runs a periodic task, and until when.

use sea_orm::entity::prelude::*;

/// A task's lease: its holder runs it; another instance takes it over once it has expired.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leases")]
pub struct Model {
    /// The task, e.g. `scheduler`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// The instance holding it.
    pub holder: String,
    /// When it lapses unless renewed.
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
