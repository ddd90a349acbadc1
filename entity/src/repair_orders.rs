//! `repair_orders`: A repair order (job card): a car checked in at a workshop, its estimate and work.

use sea_orm::entity::prelude::*;

use crate::enums::{MaintenanceKind, RepairOrderStatus};

/// A repair order (job card): a car checked in at a workshop, its estimate and work.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repair_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub vehicle_id: Uuid,
    pub booking_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub number: String,
    pub status: RepairOrderStatus,
    pub odometer_km: i32,
    #[sea_orm(column_type = "Text")]
    pub complaint: String,
    /// The maintenance recorded when the job is invoiced; `None` for repairs only.
    pub service_kind: Option<MaintenanceKind>,
    pub currency: String,
    /// The net the customer approved last (the base of the 15 % tolerance).
    pub approved_net_minor: Option<i64>,
    pub approval_requested_at: Option<DateTimeUtc>,
    /// The id the e-mailed approval link's token is derived from.
    pub approval_link_id: Option<Uuid>,
    pub approval_token_hash: Option<String>,
    pub approval_expires_at: Option<DateTimeUtc>,
    /// Where the job goes on once a re-approval is given or declined.
    pub resume_status: Option<RepairOrderStatus>,
    pub invoice_id: Option<Uuid>,
    pub maintenance_record_id: Option<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
