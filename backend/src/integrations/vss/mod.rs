//! The VSS (the workshops' vehicle service system): asked whether a vehicle's maintenance is up to
//! date before a maintenance-linked feature is sold. Query only.

pub mod client;
pub mod simulator;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::domain::maintenance::MaintenanceState;

/// The VSS's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceStatus {
    /// The vehicle.
    pub vin: String,
    /// Its state.
    pub status: MaintenanceState,
    /// When the next service is due.
    pub next_due_at: Option<DateTime<Utc>>,
    /// At what mileage it is due.
    pub next_due_km: Option<i32>,
}

/// Why the VSS gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the maintenance system is unavailable: {0}")]
pub struct VssUnavailable(pub String);

/// The VSS.
#[async_trait]
pub trait Vss: Send + Sync + 'static {
    /// The maintenance status of `vin`.
    async fn status(&self, vin: &str) -> Result<MaintenanceStatus, VssUnavailable>;
}
