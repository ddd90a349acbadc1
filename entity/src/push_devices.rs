//! `push_devices`: a browser a user receives Web Push notifications on.

use sea_orm::entity::prelude::*;

/// One push subscription of a user's browser.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "push_devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// The push service's URL for this subscription (unique: a browser registering again updates it).
    #[sea_orm(column_type = "Text", unique)]
    pub endpoint: String,
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The browser's authentication secret, base64url.
    pub auth: String,
    pub label: String,
    pub created_at: DateTimeUtc,
    pub last_pushed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
