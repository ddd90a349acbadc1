//! `notification_preferences`: the channels a user chose for one kind of notice (a kind without a
//! row has its defaults).

use sea_orm::entity::prelude::*;

use crate::enums::NotificationKind;

/// A user's channels for one kind of notice.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: NotificationKind,
    pub email: bool,
    pub push: bool,
    pub sms: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
