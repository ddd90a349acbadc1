//! `feature_models`: A vehicle model a feature is compatible with.

use sea_orm::entity::prelude::*;

/// A vehicle model a feature is compatible with.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feature_models")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub feature_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub model_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
