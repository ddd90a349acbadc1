//! `notification_settings`: a user's phone for text messages (with their opt-in) and quiet hours.

use sea_orm::entity::prelude::*;

/// A user's text-message number and quiet hours.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// E.164, validated when set.
    pub sms_phone: Option<String>,
    /// When the user opted in to text messages; `None`: no text messages.
    pub sms_opted_in_at: Option<DateTimeUtc>,
    /// Quiet hours' start, `HH:MM` in `time_zone`.
    pub quiet_from: Option<String>,
    /// Quiet hours' end, `HH:MM` (the next day when before the start).
    pub quiet_until: Option<String>,
    /// IANA time zone of the quiet hours.
    pub time_zone: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
