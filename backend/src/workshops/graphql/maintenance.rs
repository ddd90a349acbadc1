//! GraphQL types of maintenance records.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{MaintenanceKind, maintenance_records, workshops};

use crate::accounts::graphql::Workshop;
use crate::error::ApiResult;
use crate::graphql::context::load_existing;

/// Maintenance a workshop performed.
pub struct MaintenanceRecord(pub maintenance_records::Model);

#[Object]
impl MaintenanceRecord {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The kind of work.
    async fn kind(&self) -> MaintenanceKind {
        self.0.kind
    }

    /// When it was done.
    async fn performed_at(&self) -> DateTime<Utc> {
        self.0.performed_at
    }

    /// Odometer reading at the time.
    async fn mileage_km(&self) -> i32 {
        self.0.mileage_km
    }

    /// The workshop's notes.
    async fn notes(&self) -> &str {
        &self.0.notes
    }

    /// When the next service is due.
    async fn next_due_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_due_at
    }

    /// At what odometer reading the next service is due.
    async fn next_due_km(&self) -> Option<i32> {
        self.0.next_due_km
    }

    /// The workshop that did it.
    async fn workshop(&self, ctx: &Context<'_>) -> ApiResult<Workshop> {
        load_existing::<workshops::Entity>(ctx, self.0.workshop_id, "workshop").await.map(Workshop::from)
    }
}
