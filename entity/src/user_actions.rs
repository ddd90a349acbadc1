//! `user_actions`: A page seen or an action taken in the web app, for the business figures.

use sea_orm::entity::prelude::*;

/// A page seen or an action taken in the web app, for the business figures: no personal data
/// beyond the user's id.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_actions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// `PAGE` or `ACTION`.
    pub kind: String,
    /// e.g. `catalog` (a page) or `feature.purchase` (an action).
    pub name: String,
    /// The user's region when it happened.
    pub region_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
