//! `bookings`: A workshop appointment: a car, a service type, a time range.

use sea_orm::entity::prelude::*;

use crate::enums::BookingStatus;

/// A workshop appointment: a car, a service type, a time range.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub vehicle_id: Uuid,
    /// The car's owner who booked, or for whom the workshop booked.
    pub customer_id: Option<Uuid>,
    pub service_type_id: Uuid,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub status: BookingStatus,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub loan_car: bool,
    pub booked_by: Uuid,
    #[sea_orm(column_type = "Text")]
    pub cancel_reason: Option<String>,
    pub reminder_day_sent_at: Option<DateTimeUtc>,
    pub reminder_hour_sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
