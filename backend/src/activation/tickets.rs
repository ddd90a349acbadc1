//! Support tickets: opened where an activation needs a person (a car that refused, a feature
//! that may still be on), worked and resolved by support.

use entity::{TicketStatus, support_tickets};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::app::App;
use crate::error::ApiResult;

/// Opens a ticket for support.
pub async fn open_ticket(
    app: &App,
    db: &impl ConnectionTrait,
    activation_id: Option<Uuid>,
    vehicle_id: Option<Uuid>,
    subject: &str,
    details: &str,
) -> ApiResult<support_tickets::Model> {
    Ok(support_tickets::ActiveModel {
        id: Set(Uuid::now_v7()),
        activation_id: Set(activation_id),
        vehicle_id: Set(vehicle_id),
        status: Set(TicketStatus::Open),
        subject: Set(subject.chars().take(200).collect()),
        details: Set(details.to_owned()),
        created_at: Set(app.clock.now()),
        resolved_at: Set(None),
        assigned_to: Set(None),
    }
    .insert(db)
    .await?)
}
