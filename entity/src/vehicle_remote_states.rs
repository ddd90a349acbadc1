//! `vehicle_remote_states`: what each car last reported of the things its owner controls remotely.

use sea_orm::entity::prelude::*;

/// A car's last reported lock, climate and charging state.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vehicle_remote_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vehicle_id: Uuid,
    pub locked: bool,
    pub climate_on: bool,
    /// The climate's target, in tenths of a degree Celsius, while it runs.
    pub climate_target_decicelsius: Option<i32>,
    /// When the climate switches itself off.
    pub climate_until: Option<DateTimeUtc>,
    pub charging: bool,
    /// Whether the car was connected when it reported.
    pub online: bool,
    pub reported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
