//! Sending a remote command: the checks (owner, model, settings), the stored command with its key
//! and audit entry, and what the owner may read back.

use std::ops::RangeInclusive;

use entity::{
    VehicleCommandKind, VehicleCommandStatus, vehicle_commands, vehicle_models, vehicle_remote_states, vehicles,
};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::fleet::capabilities::refusal;
use crate::fleet::service::vehicle_for;
use crate::idempotency::{self, Remembered};
use crate::platform::db::begin_write;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;
use crate::policy::{self, Access};

/// Climate targets the cars take, °C (in half degrees).
pub const TARGET_CELSIUS: RangeInclusive<f64> = 15.0..=28.0;
/// How long the climate may run, minutes.
pub const CLIMATE_MINUTES: RangeInclusive<i32> = 5..=30;
/// How long it runs when the owner does not say.
const DEFAULT_CLIMATE_MINUTES: i32 = 15;

/// An owner's remote command, as asked.
pub struct CommandRequest {
    /// The car.
    pub vin: String,
    /// What to do.
    pub kind: VehicleCommandKind,
    /// `CLIMATE_ON`'s target, °C.
    pub target_celsius: Option<f64>,
    /// `CLIMATE_ON`'s duration, minutes (15 when not given).
    pub duration_minutes: Option<i32>,
    /// The client's key: the same request sent again runs once.
    pub idempotency_key: String,
}

/// A command's settings, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settings {
    target_decicelsius: Option<i32>,
    duration_minutes: Option<i32>,
}

fn settings(kind: VehicleCommandKind, target: Option<f64>, minutes: Option<i32>) -> ApiResult<Settings> {
    if kind != VehicleCommandKind::ClimateOn {
        if target.is_some() {
            return Err(ApiError::bad_input("targetCelsius", "a target temperature goes with CLIMATE_ON only"));
        }
        if minutes.is_some() {
            return Err(ApiError::bad_input("durationMinutes", "a duration goes with CLIMATE_ON only"));
        }
        return Ok(Settings { target_decicelsius: None, duration_minutes: None });
    }
    let target = target.ok_or_else(|| ApiError::bad_input("targetCelsius", "CLIMATE_ON needs a target temperature"))?;
    if !TARGET_CELSIUS.contains(&target) {
        return Err(ApiError::bad_input("targetCelsius", "the target temperature is 15 to 28 °C"));
    }
    let minutes = minutes.unwrap_or(DEFAULT_CLIMATE_MINUTES);
    if !CLIMATE_MINUTES.contains(&minutes) {
        return Err(ApiError::bad_input("durationMinutes", "the climate runs 5 to 30 minutes"));
    }
    // Rounded to the half degree the cars' climate takes; within 15..=28, so it fits an i32.
    let target_decicelsius = ((target * 2.0).round() * 5.0) as i32;
    Ok(Settings { target_decicelsius: Some(target_decicelsius), duration_minutes: Some(minutes) })
}

fn request_hash(vehicle: &vehicles::Model, kind: VehicleCommandKind, settings: Settings) -> String {
    idempotency::request_hash(&format!(
        "vehicleCommand|{}|{kind:?}|{:?}|{:?}",
        vehicle.vin, settings.target_decicelsius, settings.duration_minutes
    ))
}

/// The command an earlier request with this key stored, if any.
async fn replay(app: &App, owner: Uuid, key: &str, hash: &str) -> ApiResult<Option<vehicle_commands::Model>> {
    let Some(response) = idempotency::earlier(&app.db, owner, key, hash).await? else { return Ok(None) };
    let Some(id) = response["commandId"].as_str().and_then(|id| id.parse::<Uuid>().ok()) else { return Ok(None) };
    Ok(vehicle_commands::Entity::find_by_id(id).one(&app.db).await?)
}

/// Stores an owner's remote command for the sender to take; the same key again answers the same
/// command without sending it twice.
#[tracing::instrument(skip(app, viewer, request), fields(vin = %request.vin, kind = ?request.kind))]
pub async fn send(app: &App, viewer: &Viewer, request: CommandRequest) -> ApiResult<vehicle_commands::Model> {
    let owner = viewer.user()?.id;
    let key = idempotency::parse_key(&request.idempotency_key)?;
    let vehicle = vehicle_for(app, viewer, &request.vin, Access::Basic).await?;
    policy::control_vehicle(viewer, &vehicle)?;
    let settings = settings(request.kind, request.target_celsius, request.duration_minutes)?;
    let hash = request_hash(&vehicle, request.kind, settings);
    if let Some(earlier) = replay(app, owner, &key, &hash).await? {
        return Ok(earlier);
    }
    let model =
        vehicle_models::Entity::find_by_id(vehicle.model_id).one(&app.db).await?.ok_or(ApiError::NotFound("model"))?;
    if let Some(why) = refusal(&model, request.kind) {
        return Err(ApiError::Refused { reason: "NOT_SUPPORTED", message: why.to_owned() });
    }
    let now = app.clock.now();
    let txn = begin_write(&app.db).await?;
    let command = vehicle_commands::ActiveModel {
        id: Set(Uuid::now_v7()),
        vehicle_id: Set(vehicle.id),
        requested_by: Set(owner),
        kind: Set(request.kind),
        target_decicelsius: Set(settings.target_decicelsius),
        duration_minutes: Set(settings.duration_minutes),
        status: Set(VehicleCommandStatus::Queued),
        failure_code: Set(None),
        failure_message: Set(None),
        attempts: Set(0),
        lease_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        completed_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let remembered = Remembered {
        owner,
        key: &key,
        operation: "sendVehicleCommand",
        hash: &hash,
        response: json!({ "commandId": command.id }),
    };
    if !idempotency::remember(&txn, remembered, now).await? {
        // The same key raced us: the first request's command is the one.
        drop(txn);
        return replay(app, owner, &key, &hash).await?.ok_or(ApiError::Conflict("try again".into()));
    }
    let details = json!({
        "commandId": command.id,
        "kind": command.kind,
        "targetDecicelsius": command.target_decicelsius,
        "durationMinutes": command.duration_minutes,
    });
    audit::record(app, &txn, viewer, "vehicle.remote_command", Subject { kind: "vehicle", id: &vehicle.vin }, details)
        .await?;
    let mut outbox = Outbox::new();
    outbox.push(DomainEvent::VehicleCommandChanged { command: Box::new(command.clone()) });
    outbox.push(DomainEvent::VehicleCommandQueued);
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(command)
}

/// A command with its car, if `viewer` may see it.
pub async fn command(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<(vehicle_commands::Model, vehicles::Model)> {
    viewer.user()?;
    let command = vehicle_commands::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("command"))?;
    let vehicle =
        vehicles::Entity::find_by_id(command.vehicle_id).one(&app.db).await?.ok_or(ApiError::NotFound("command"))?;
    if !policy::see_vehicle_command(viewer, &command, &vehicle) {
        // Not told apart from a command that does not exist.
        return Err(ApiError::NotFound("command"));
    }
    Ok((command, vehicle))
}

/// The car's last reported lock, climate and charging state (its owner, support, admins).
pub async fn remote_state(
    app: &App,
    viewer: &Viewer,
    vehicle: &vehicles::Model,
) -> ApiResult<Option<vehicle_remote_states::Model>> {
    if !policy::see_remote_state(viewer, vehicle) {
        return Err(ApiError::Forbidden("only the car's owner sees whether it is locked".into()));
    }
    Ok(vehicle_remote_states::Entity::find_by_id(vehicle.id).one(&app.db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn climate_settings_are_bounded_rounded_and_only_for_the_climate() {
        use VehicleCommandKind::*;
        let climate = settings(ClimateOn, Some(21.3), None).expect("valid");
        assert_eq!(climate, Settings { target_decicelsius: Some(215), duration_minutes: Some(15) });
        assert_eq!(settings(ClimateOn, Some(15.0), Some(30)).expect("valid").target_decicelsius, Some(150));
        for (target, minutes) in [(Some(14.9), None), (Some(28.5), None), (Some(f64::NAN), None), (None, None)] {
            let error = settings(ClimateOn, target, minutes).expect_err("refused");
            assert_eq!(error.code(), "BAD_USER_INPUT");
        }
        assert!(settings(ClimateOn, Some(20.0), Some(4)).is_err());
        assert!(settings(ClimateOn, Some(20.0), Some(31)).is_err());
        assert!(settings(Lock, Some(20.0), None).is_err());
        assert!(settings(Lock, None, Some(10)).is_err());
        assert_eq!(
            settings(Lock, None, None).expect("valid"),
            Settings { target_decicelsius: None, duration_minutes: None }
        );
    }
}
