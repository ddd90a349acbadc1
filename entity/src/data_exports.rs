//! `data_exports`: A person's request for a copy of everything the platform holds about them.

use sea_orm::entity::prelude::*;

use crate::enums::ExportStatus;

/// A person's request for a copy of everything the platform holds about them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_exports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub status: ExportStatus,
    /// The UTC day of the request (`YYYY-MM-DD`): one export per person and day.
    pub requested_on: String,
    pub requested_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// When the download link lapses and the document is deleted.
    pub expires_at: Option<DateTimeUtc>,
    /// SHA-256 (hex) of the download link's secret.
    pub token_hash: Option<String>,
    /// The JSON document, until it expires.
    #[sea_orm(column_type = "Text", nullable)]
    pub document: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
