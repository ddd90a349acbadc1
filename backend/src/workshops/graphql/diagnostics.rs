//! The GraphQL types of diagnostics: a session with its fault codes, each decoded in the reader's
//! language.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{DiagnosticStatus, DiagnosticType, diagnostic_sessions, workshops};

use crate::accounts::graphql::Workshop;
use crate::domain::Money;
use crate::error::ApiResult;
use crate::graphql::context::{load_existing, locale};
use crate::workshops::diagnostics;
use crate::workshops::fault_codes::{FaultCode, FaultOrigin, FaultSystem};

/// A diagnostic session: an OBD-II read-out, a visual inspection or a test drive.
pub struct DiagnosticSession(pub diagnostic_sessions::Model);

#[Object]
impl DiagnosticSession {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// How it was run.
    async fn session_type(&self) -> DiagnosticType {
        self.0.session_type
    }

    /// The fault codes read, decoded and described in your language.
    async fn fault_codes(&self) -> Vec<FaultCodeInfo> {
        diagnostics::codes_of(&self.0).into_iter().map(FaultCodeInfo).collect()
    }

    /// What was observed.
    async fn symptoms(&self) -> &str {
        &self.0.symptoms
    }

    /// The technician's findings.
    async fn technician_notes(&self) -> &str {
        &self.0.technician_notes
    }

    /// What fixing it is expected to cost, without VAT.
    async fn cost_estimate(&self) -> Money {
        Money::new(self.0.cost_estimate_minor, &self.0.currency)
    }

    /// Open or closed.
    async fn status(&self) -> DiagnosticStatus {
        self.0.status
    }

    /// The workshop that ran it.
    async fn workshop(&self, ctx: &Context<'_>) -> ApiResult<Workshop> {
        load_existing::<workshops::Entity>(ctx, self.0.workshop_id, "workshop").await.map(Workshop::from)
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// An OBD-II fault code (DTC), decoded: its system, whether SAE or the carmaker defines it, its
/// subsystem, and a description from the table the platform ships — null for codes it does not
/// hold (every manufacturer-specific code), never an invented text.
pub struct FaultCodeInfo(pub String);

#[Object(name = "FaultCode")]
impl FaultCodeInfo {
    /// The code, e.g. `P0301`.
    async fn code(&self) -> &str {
        &self.0
    }

    /// Powertrain, chassis, body or network (null if the stored code is not a valid one).
    async fn system(&self) -> Option<FaultSystem> {
        FaultCode::parse(&self.0).ok().map(|code| code.system())
    }

    /// Generic (SAE, every maker) or manufacturer-specific.
    async fn origin(&self) -> Option<FaultOrigin> {
        FaultCode::parse(&self.0).ok().map(|code| code.origin())
    }

    /// The subsystem, in your language.
    async fn subsystem(&self, ctx: &Context<'_>) -> Option<&'static str> {
        FaultCode::parse(&self.0).ok().map(|code| code.subsystem(locale(ctx)))
    }

    /// What it means, in your language; null when the table does not describe it.
    async fn description(&self, ctx: &Context<'_>) -> Option<&'static str> {
        FaultCode::parse(&self.0).ok().and_then(|code| code.description(locale(ctx)))
    }
}
