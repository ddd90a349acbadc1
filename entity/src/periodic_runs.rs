//! `periodic_runs`: the periods a periodic task has run, one row each.

use sea_orm::entity::prelude::*;

/// One period of a periodic task, claimed by the instance that ran it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "periodic_runs")]
pub struct Model {
    /// The task, e.g. `scheduler`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub task: String,
    /// The period: seconds since the epoch divided by the task's interval.
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: i64,
    /// The instance that ran it.
    pub instance: String,
    /// When it started.
    pub started_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
