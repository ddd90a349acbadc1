//! The VSS simulator: answers from the maintenance records the workshops keep (in our database, read
//! only), by date and mileage. Can be switched off to test what happens when the VSS is down.
//! Usable alone: `caas simulate vss` (with `DATABASE_URL`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::{Duration, Utc};
use entity::{maintenance_records, vehicles};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use tokio_util::sync::CancellationToken;

use super::{MaintenanceState, MaintenanceStatus};
use crate::integrations::delivery;

/// Service intervals for a car without records: a year or 15,000 km from new.
const FIRST_SERVICE_DAYS: i64 = 365;
const FIRST_SERVICE_KM: i32 = 15_000;

struct SimState {
    db: DatabaseConnection,
    down: AtomicBool,
}

/// A running VSS.
#[derive(Clone)]
pub struct VssSimulator {
    state: Arc<SimState>,
}

/// The state for a due date and mileage, seen at `now` with `mileage`.
pub fn classify(
    next_due_at: Option<chrono::DateTime<Utc>>,
    next_due_km: Option<i32>,
    mileage: i32,
    now: chrono::DateTime<Utc>,
) -> MaintenanceState {
    let overdue = next_due_at.is_some_and(|at| at <= now) || next_due_km.is_some_and(|km| mileage >= km);
    let due = next_due_at.is_some_and(|at| at <= now + Duration::days(30))
        || next_due_km.is_some_and(|km| mileage + 1_000 >= km);
    if overdue {
        MaintenanceState::Overdue
    } else if due {
        MaintenanceState::Due
    } else {
        MaintenanceState::UpToDate
    }
}

impl VssSimulator {
    /// A VSS reading the records in `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { state: Arc::new(SimState { db, down: AtomicBool::new(false) }) }
    }

    /// Serves on `address` until `stop`; returns the bound address.
    pub async fn start(&self, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
        delivery::serve(self.router(), address, stop).await
    }

    /// The HTTP API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/vehicles/{vin}/maintenance-status", get(status))
            .route("/control/down", put(set_down))
            .with_state(self.state.clone())
    }

    /// Takes the VSS down (or brings it back).
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }
}

async fn status(State(state): State<Arc<SimState>>, Path(vin): Path<String>) -> Response {
    if state.down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "maintenance system down").into_response();
    }
    let Ok(Some(car)) = vehicles::Entity::find().filter(vehicles::Column::Vin.eq(&vin)).one(&state.db).await else {
        return (StatusCode::NOT_FOUND, "unknown vehicle").into_response();
    };
    let latest = maintenance_records::Entity::find()
        .filter(maintenance_records::Column::VehicleId.eq(car.id))
        .order_by_desc(maintenance_records::Column::PerformedAt)
        .one(&state.db)
        .await;
    let Ok(latest) = latest else { return StatusCode::SERVICE_UNAVAILABLE.into_response() };
    let (next_due_at, next_due_km) = match latest {
        Some(record) => (record.next_due_at, record.next_due_km),
        None => (Some(car.created_at + Duration::days(FIRST_SERVICE_DAYS)), Some(FIRST_SERVICE_KM)),
    };
    let status = classify(next_due_at, next_due_km, car.mileage_km, Utc::now());
    Json(MaintenanceStatus { vin, status, next_due_at, next_due_km }).into_response()
}

async fn set_down(State(state): State<Arc<SimState>>, Json(down): Json<bool>) -> StatusCode {
    state.down.store(down, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_date_and_mileage() {
        let now = Utc::now();
        assert_eq!(classify(Some(now + Duration::days(200)), Some(50_000), 10_000, now), MaintenanceState::UpToDate);
        assert_eq!(classify(Some(now + Duration::days(10)), Some(50_000), 10_000, now), MaintenanceState::Due);
        assert_eq!(classify(Some(now + Duration::days(200)), Some(10_500), 10_000, now), MaintenanceState::Due);
        assert_eq!(classify(Some(now - Duration::days(1)), Some(50_000), 10_000, now), MaintenanceState::Overdue);
        assert_eq!(classify(Some(now + Duration::days(200)), Some(9_000), 10_000, now), MaintenanceState::Overdue);
    }
}
