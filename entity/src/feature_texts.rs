//! `feature_texts`: The name, description and demo text of a feature in one language.

use sea_orm::entity::prelude::*;

/// The name, description and demo text of a feature in one language.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feature_texts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub feature_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub demo_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
