//! Diagnostic sessions on a repair order: an OBD-II read-out, a visual inspection or a test drive,
//! with the fault codes found (each validated and decoded), symptoms, the technician's notes and a
//! cost estimate. The customer sees them in the car's expediente.

use entity::{DiagnosticStatus, DiagnosticType, RepairOrderStatus, diagnostic_sessions};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::fault_codes::FaultCode;
use super::jobs;
use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::policy;

/// A session to record.
pub struct SessionInput {
    /// How it was run.
    pub session_type: DiagnosticType,
    /// The fault codes read, e.g. `P0301`.
    pub fault_codes: Vec<String>,
    /// What the customer or technician observed.
    pub symptoms: String,
    /// The technician's findings.
    pub technician_notes: String,
    /// What fixing it is expected to cost, net, in minor units.
    pub cost_estimate_minor: i64,
}

/// Parses every code, naming the first that is not one.
pub fn parse_codes(codes: &[String]) -> ApiResult<Vec<FaultCode>> {
    if codes.len() > 50 {
        return Err(ApiError::bad_input("faultCodes", "a session records at most 50 fault codes"));
    }
    let mut parsed: Vec<FaultCode> = Vec::with_capacity(codes.len());
    for code in codes {
        let code = FaultCode::parse(code).map_err(|err| ApiError::bad_input("faultCodes", err.to_string()))?;
        if !parsed.contains(&code) {
            parsed.push(code);
        }
    }
    Ok(parsed)
}

fn text(value: &str, field: &'static str) -> ApiResult<String> {
    let value = value.trim();
    if value.chars().count() <= 4_000 {
        Ok(value.to_owned())
    } else {
        Err(ApiError::bad_input(field, "a text has at most 4,000 characters"))
    }
}

/// Records a finished diagnostic session on repair order `job_id` (its workshop's staff, while the
/// job is open).
pub async fn record(
    app: &App,
    viewer: &Viewer,
    job_id: Uuid,
    input: SessionInput,
) -> ApiResult<diagnostic_sessions::Model> {
    let job = jobs::find(&app.db, job_id).await?;
    let staff = policy::workshop_staff(viewer, job.workshop_id)?;
    if matches!(job.status, RepairOrderStatus::Invoiced | RepairOrderStatus::Closed | RepairOrderStatus::Cancelled) {
        return Err(ApiError::Conflict("the work on this repair order is finished".into()));
    }
    let codes = parse_codes(&input.fault_codes)?;
    if !(0..=10_000_000).contains(&input.cost_estimate_minor) {
        return Err(ApiError::bad_input("costEstimate", "a price is 0 to 100,000.00"));
    }
    let now = app.clock.now();
    let codes: Vec<&str> = codes.iter().map(FaultCode::as_str).collect();
    Ok(diagnostic_sessions::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(job.workshop_id),
        vehicle_id: Set(job.vehicle_id),
        repair_order_id: Set(Some(job.id)),
        session_type: Set(input.session_type),
        fault_codes: Set(serde_json::json!(codes)),
        symptoms: Set(text(&input.symptoms, "symptoms")?),
        technician_notes: Set(text(&input.technician_notes, "technicianNotes")?),
        cost_estimate_minor: Set(input.cost_estimate_minor),
        currency: Set(job.currency.clone()),
        status: Set(DiagnosticStatus::Closed),
        recorded_by: Set(staff.id),
        created_at: Set(now),
        closed_at: Set(Some(now)),
    }
    .insert(&app.db)
    .await?)
}

/// The diagnostic sessions of a vehicle, newest first.
pub async fn of_vehicle(db: &impl ConnectionTrait, vehicle_id: Uuid) -> ApiResult<Vec<diagnostic_sessions::Model>> {
    Ok(diagnostic_sessions::Entity::find()
        .filter(diagnostic_sessions::Column::VehicleId.eq(vehicle_id))
        .order_by_desc(diagnostic_sessions::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The diagnostic sessions of a repair order, oldest first.
pub async fn of_job(db: &impl ConnectionTrait, job_id: Uuid) -> ApiResult<Vec<diagnostic_sessions::Model>> {
    Ok(diagnostic_sessions::Entity::find()
        .filter(diagnostic_sessions::Column::RepairOrderId.eq(job_id))
        .order_by_asc(diagnostic_sessions::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The codes a stored session holds (a code stored before the table changed is kept as written).
pub fn codes_of(session: &diagnostic_sessions::Model) -> Vec<String> {
    session.fault_codes.as_array().into_iter().flatten().filter_map(|code| code.as_str().map(String::from)).collect()
}
