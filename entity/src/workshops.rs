//! `workshops`: A workshop: it records maintenance and runs diagnostics.

use sea_orm::entity::prelude::*;

/// A workshop: it records maintenance and runs diagnostics.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub region_id: Uuid,
    pub city: String,
    /// Short code, unique: the prefix of its invoice numbers (`MUCS-2026-000001`).
    pub code: String,
    /// IANA time zone its opening hours are in, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// The grid its bookings start on, in minutes.
    pub slot_minutes: i32,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub phone: String,
    pub created_at: DateTimeUtc,
    /// Its own monthly budget for the assistant's model, in minor units; `None`: the configured one.
    pub assistant_cap_minor: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
