//! `rate_limit_windows`: How much a client used in one window of a rate limit.

use sea_orm::entity::prelude::*;

/// How much a client (an address, a user, an API key) used in one fixed window of a rate limit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limit_windows")]
pub struct Model {
    /// The limit and the client, e.g. `ip:203.0.113.7` or `sign-in:203.0.113.7`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket: String,
    /// The window's start, in seconds since the Unix epoch.
    #[sea_orm(primary_key, auto_increment = false)]
    pub window_start: i64,
    /// The operations charged in the window.
    pub hits: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
