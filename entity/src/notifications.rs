//! `notifications`: A message to a user on one channel.

use sea_orm::entity::prelude::*;

use crate::enums::{NotificationChannel, NotificationStatus};

/// A message to a user on one channel.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub channel: NotificationChannel,
    pub template: String,
    pub payload: Json,
    pub status: NotificationStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub read_at: Option<DateTimeUtc>,
    /// When the next delivery attempt is due (e-mail and other pushed channels).
    pub next_attempt_at: Option<DateTimeUtc>,
    /// The provider's id of a message sent (an SMS), matched by its delivery receipt.
    pub provider_ref: Option<String>,
    /// When the provider reported it delivered to the handset.
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
