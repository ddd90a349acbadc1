//! `features`: A feature (opción disponible) the firmware already contains and OTA switches on.

use sea_orm::entity::prelude::*;

/// A feature (opción disponible) the firmware already contains and OTA switches on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "features")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub category: String,
    pub requires_maintenance: bool,
    pub min_firmware: String,
    pub ota_parameters: Json,
    pub demo_media_url: Option<String>,
    pub available: bool,
    pub created_at: DateTimeUtc,
    /// From when the catalog shows the feature as new (for 30 days).
    pub new_since: Option<DateTimeUtc>,
    /// When an admin retired it: no longer sold; what was bought stays on.
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
