//! `users`: A person who signs in: customer, dealership or workshop staff, support or admin.

use sea_orm::entity::prelude::*;

use crate::enums::Role;

/// A person who signs in: customer, dealership or workshop staff, support or admin.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    /// Argon2id PHC string; `None` until the user sets a password.
    pub password_hash: Option<String>,
    pub name: String,
    pub role: Role,
    pub locale: String,
    pub region_id: Uuid,
    pub dealership_id: Option<Uuid>,
    pub workshop_id: Option<Uuid>,
    /// A WORKSHOP user who may set the workshop up (resources, hours, services, prices).
    pub workshop_admin: bool,
    pub phone: Option<String>,
    pub created_at: DateTimeUtc,
    /// Set when the account was anonymised (GDPR erasure).
    pub erased_at: Option<DateTimeUtc>,
    /// Set while an admin has disabled the account: it cannot sign in and its sessions are refused.
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
