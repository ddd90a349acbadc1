//! `prices`: The net price of a feature in a region for one duration model.

use sea_orm::entity::prelude::*;

use crate::enums::DurationKind;

/// The net price of a feature in a region for one duration model.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub feature_id: Uuid,
    pub region_id: Uuid,
    pub duration_kind: DurationKind,
    /// Days of FIXED_DAYS and TRIAL; 0 for the others.
    pub duration_days: i32,
    /// Net amount in minor units of the region's currency.
    pub net_minor: i64,
    pub created_at: DateTimeUtc,
    /// When an admin removed it from sale; what was bought at it keeps its terms.
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
