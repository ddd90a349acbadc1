//! The VSS simulator: answers from the maintenance records the workshops keep (in our database, read
//! only): the due date and mileage the latest record set on the vehicle, seen at the clock's now
//! with the car's mileage. Can be switched off to test what happens when the VSS is down.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use entity::vehicles;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio_util::sync::CancellationToken;

use super::MaintenanceStatus;
use crate::domain::maintenance::classify;
use crate::integrations::delivery;
use crate::platform::clock::Clock;

struct SimState {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    down: AtomicBool,
}

/// A running VSS.
#[derive(Clone)]
pub struct VssSimulator {
    state: Arc<SimState>,
}

impl VssSimulator {
    /// A VSS reading the records in `db`, at the time `clock` tells.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        Self { state: Arc::new(SimState { db, clock, down: AtomicBool::new(false) }) }
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
    let (next_due_at, next_due_km) = (car.service_due_at, car.service_due_km);
    let status = classify(next_due_at, next_due_km, car.mileage_km, state.clock.now());
    Json(MaintenanceStatus { vin, status, next_due_at, next_due_km }).into_response()
}

async fn set_down(State(state): State<Arc<SimState>>, Json(down): Json<bool>) -> StatusCode {
    state.down.store(down, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}
