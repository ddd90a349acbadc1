//! `diagnostic_sessions`: A diagnostic session on a repair order, with its OBD-II fault codes.

use sea_orm::entity::prelude::*;

use crate::enums::{DiagnosticStatus, DiagnosticType};

/// A diagnostic session on a repair order, with its OBD-II fault codes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "diagnostic_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub vehicle_id: Uuid,
    pub repair_order_id: Option<Uuid>,
    pub session_type: DiagnosticType,
    /// The codes read, as a JSON array of strings (`["P0301", "P1234"]`).
    pub fault_codes: Json,
    #[sea_orm(column_type = "Text")]
    pub symptoms: String,
    #[sea_orm(column_type = "Text")]
    pub technician_notes: String,
    pub cost_estimate_minor: i64,
    pub currency: String,
    pub status: DiagnosticStatus,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
