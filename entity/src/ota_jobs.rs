//! `ota_jobs`: A durable OTA command for an activation, claimed by a worker with a lease.

use sea_orm::entity::prelude::*;

use crate::enums::{OtaCommand, OtaJobStatus};

/// A durable OTA command for an activation, claimed by a worker with a lease.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ota_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub activation_id: Uuid,
    pub command: OtaCommand,
    pub status: OtaJobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
