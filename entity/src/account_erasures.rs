//! `account_erasures`: A person's request to be erased, carried out after a grace period.

use sea_orm::entity::prelude::*;

/// A person's request to be erased, carried out after a grace period unless cancelled.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_erasures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub requested_at: DateTimeUtc,
    /// When the account is anonymised.
    pub due_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
