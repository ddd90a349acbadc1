//! The vehicle registration authority: a synchronous, per-country call that issues a plate or
//! refuses with a reason.

pub mod client;
pub mod simulator;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A request to register a vehicle to its holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationRequest {
    /// The vehicle.
    pub vin: String,
    /// ISO country code of the registering office, e.g. `DE`.
    pub country: String,
    /// The holder's full name.
    pub holder_name: String,
    /// The holder's e-mail, for the authority's correspondence.
    pub holder_email: String,
}

/// A registration the authority granted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    /// The authority's reference.
    pub registration_id: String,
    /// The issued plate, in the country's format.
    pub plate: String,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
}

/// Why no plate was issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    /// The authority refused, with its reason.
    #[error("the registration was refused: {0}")]
    Refused(String),
    /// The authority could not be reached.
    #[error("the registration authority is unavailable: {0}")]
    Unavailable(String),
}

/// The registration authority.
#[async_trait]
pub trait RegistrationAuthority: Send + Sync + 'static {
    /// Registers a vehicle (idempotent by VIN: a registered vehicle gets its plate again).
    async fn register(&self, request: &RegistrationRequest) -> Result<Registration, RegistrationError>;
}
