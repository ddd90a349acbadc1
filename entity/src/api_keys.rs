//! `api_keys`: A partner API key: looked up by its public prefix, checked against its SHA-256.

use sea_orm::entity::prelude::*;

/// A partner API key: looked up by its public prefix, checked against its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub prefix: String,
    pub key_hash: String,
    /// Space-separated scopes, e.g. `vehicles:read catalog:read`.
    pub scopes: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
