//! `erased_emails`: The hash of an erased person's e-mail address, so it is not silently re-used.

use sea_orm::entity::prelude::*;

/// The hash of an erased person's e-mail address, so it is not silently re-used.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "erased_emails")]
pub struct Model {
    /// SHA-256 (hex) of the normalised address.
    #[sea_orm(primary_key, auto_increment = false)]
    pub email_hash: String,
    pub erased_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
