//! Sends stored remote commands to the cars. Woken when a command is stored, and every few seconds
//! for a command whose instance stopped while sending it: each is claimed by one instance at a time
//! and sent with its id (the car applies a repeated id once), then ended with the car's answer.

use chrono::{DateTime, Utc};
use entity::{VehicleCommandKind, VehicleCommandStatus, vehicle_commands, vehicle_remote_states, vehicles};
use futures::StreamExt;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::app::{App, AppState};
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::integrations::fleet::{IotError, RemoteAction, RemoteCommand, VehicleState};
use crate::platform::db::begin_write;
use crate::platform::events::{DomainEvent, Topic};
use crate::platform::outbox::Outbox;
use crate::platform::rounds;

/// How often stored commands are looked for without a wake-up.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);
/// How long an instance holds a command it is sending before another may take it over.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// A command not sent within this long is not sent at all: a door unlocked minutes after the
/// owner asked is not what they asked for.
pub const STALE_AFTER: chrono::Duration = chrono::Duration::minutes(2);
/// Commands sent at once: each mostly waits for a car.
const SENDING_AT_ONCE: usize = 16;
/// Commands looked at per round.
const ROUND: u64 = 64;

/// Why a command failed, for the owner: `(failure code, message)`.
const OFFLINE: (&str, &str) = ("VEHICLE_OFFLINE", "the car could not be reached; try again when it is online");
const REFUSED: (&str, &str) = ("REFUSED", "the car refused the command");
const EXPIRED: (&str, &str) = ("EXPIRED", "the car could not be reached in time; send the command again");

/// Runs until `stop`: sends stored commands as soon as one is stored, and every few seconds.
pub async fn run(app: AppState, stop: CancellationToken) {
    let mut queued = app.events.subscribe_topic(Topic::VehicleCommands);
    loop {
        if let Err(err) = drain(&app).await {
            tracing::warn!(error = %err, "sending remote commands failed; retrying");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            _ = queued.next() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Sends rounds of waiting commands until a round finds less than a full one, so that a backlog
/// does not wait for the next wake-up or poll (as the mail dispatcher's once did); answers how
/// many were looked at. Each command looked at is taken (or was taken by another instance), so
/// the rounds end.
pub async fn drain(app: &App) -> Result<usize, DbErr> {
    rounds::until_short(ROUND as usize, || send_due(app)).await
}

/// Sends a round of the commands waiting, or left by an instance that stopped; answers how many
/// it looked at.
pub async fn send_due(app: &App) -> Result<usize, DbErr> {
    let now = app.clock.now();
    let due = vehicle_commands::Entity::find()
        .filter(
            Condition::any().add(vehicle_commands::Column::Status.eq(VehicleCommandStatus::Queued)).add(
                Condition::all()
                    .add(vehicle_commands::Column::Status.eq(VehicleCommandStatus::Sending))
                    .add(vehicle_commands::Column::LeaseUntil.lt(now)),
            ),
        )
        .order_by_asc(vehicle_commands::Column::CreatedAt)
        .limit(ROUND)
        .all(&app.db)
        .await?;
    let count = due.len();
    let results: Vec<Result<(), DbErr>> = futures::stream::iter(due)
        .map(|command| send_one(app, command))
        .buffer_unordered(SENDING_AT_ONCE)
        .collect()
        .await;
    results.into_iter().collect::<Result<(), DbErr>>()?;
    Ok(count)
}

async fn send_one(app: &App, command: vehicle_commands::Model) -> Result<(), DbErr> {
    let now = app.clock.now();
    let Some(claimed) = claim(app, command, now).await? else { return Ok(()) };
    if claimed.created_at + STALE_AFTER < now {
        return finish(app, claimed, Err(EXPIRED)).await;
    }
    app.events.publish(DomainEvent::VehicleCommandChanged { command: Box::new(claimed.clone()) }).await;
    let Some(vehicle) = vehicles::Entity::find_by_id(claimed.vehicle_id).one(&app.db).await? else {
        return Ok(());
    };
    let answer = app.integrations.fleet.remote(&vehicle.vin, &remote_command(&claimed)).await;
    let outcome = match answer {
        Ok(state) => {
            record_state(app, &vehicle, &state, app.clock.now()).await?;
            Ok(())
        }
        Err(IotError::Transient(_)) => Err(OFFLINE),
        Err(IotError::Permanent(_)) => Err(REFUSED),
    };
    finish(app, claimed, outcome).await
}

/// Takes `command` for this instance (SENDING, leased); `None` when another instance took it first.
async fn claim(
    app: &App,
    command: vehicle_commands::Model,
    now: DateTime<Utc>,
) -> Result<Option<vehicle_commands::Model>, DbErr> {
    let lease_until = now + LEASE;
    let taken = vehicle_commands::Entity::update_many()
        .col_expr(vehicle_commands::Column::Status, Expr::value(VehicleCommandStatus::Sending))
        .col_expr(vehicle_commands::Column::LeaseUntil, Expr::value(lease_until))
        .col_expr(vehicle_commands::Column::Attempts, Expr::col(vehicle_commands::Column::Attempts).add(1))
        .col_expr(vehicle_commands::Column::UpdatedAt, Expr::value(now))
        .filter(vehicle_commands::Column::Id.eq(command.id))
        .filter(vehicle_commands::Column::Status.eq(command.status))
        .filter(vehicle_commands::Column::Attempts.eq(command.attempts))
        .exec(&app.db)
        .await?;
    Ok((taken.rows_affected == 1).then(|| vehicle_commands::Model {
        status: VehicleCommandStatus::Sending,
        lease_until: Some(lease_until),
        attempts: command.attempts + 1,
        updated_at: now,
        ..command
    }))
}

fn remote_command(command: &vehicle_commands::Model) -> RemoteCommand {
    let action = match command.kind {
        VehicleCommandKind::Lock => RemoteAction::Lock,
        VehicleCommandKind::Unlock => RemoteAction::Unlock,
        VehicleCommandKind::FlashLights => RemoteAction::FlashLights,
        VehicleCommandKind::ClimateOn => RemoteAction::ClimateOn,
        VehicleCommandKind::ClimateOff => RemoteAction::ClimateOff,
        VehicleCommandKind::ChargeStart => RemoteAction::ChargeStart,
        VehicleCommandKind::ChargeStop => RemoteAction::ChargeStop,
    };
    RemoteCommand {
        command_id: command.id.to_string(),
        action,
        target_celsius: command.target_decicelsius.map(|tenths| f64::from(tenths) / 10.0),
        duration_minutes: command.duration_minutes.and_then(|minutes| u32::try_from(minutes).ok()),
    }
}

/// Keeps what the car answered as its last known state.
async fn record_state(
    app: &App,
    vehicle: &vehicles::Model,
    state: &VehicleState,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // The car's own clock says until when; stored in tenths of a degree like the command.
    let target = state.climate.as_ref().map(|climate| (climate.target_celsius * 10.0).round() as i32);
    let row = vehicle_remote_states::ActiveModel {
        vehicle_id: Set(vehicle.id),
        locked: Set(state.locked),
        climate_on: Set(state.climate.is_some()),
        climate_target_decicelsius: Set(target),
        climate_until: Set(state.climate.as_ref().map(|climate| climate.until)),
        charging: Set(state.charging),
        online: Set(state.online),
        reported_at: Set(now),
    };
    use vehicle_remote_states::Column::*;
    let update = [Locked, ClimateOn, ClimateTargetDecicelsius, ClimateUntil, Charging, Online, ReportedAt];
    vehicle_remote_states::Entity::insert(row)
        .on_conflict(OnConflict::column(VehicleId).update_columns(update).to_owned())
        .exec_without_returning(&app.db)
        .await?;
    Ok(())
}

/// Ends a claimed command as the car answered (or did not), audited, and tells the live views.
async fn finish(
    app: &App,
    claimed: vehicle_commands::Model,
    outcome: Result<(), (&'static str, &'static str)>,
) -> Result<(), DbErr> {
    let now = app.clock.now();
    let (status, failure) = match outcome {
        Ok(()) => (VehicleCommandStatus::Succeeded, None),
        Err(failure) => (VehicleCommandStatus::Failed, Some(failure)),
    };
    let txn = begin_write(&app.db).await?;
    let mut row: vehicle_commands::ActiveModel = claimed.into();
    row.status = Set(status);
    row.failure_code = Set(failure.map(|(code, _)| code.to_owned()));
    row.failure_message = Set(failure.map(|(_, message)| message.to_owned()));
    row.lease_until = Set(None);
    row.updated_at = Set(now);
    row.completed_at = Set(Some(now));
    let ended = row.update(&txn).await?;
    let details = json!({ "commandId": ended.id, "status": ended.status, "failure": ended.failure_code });
    let command_id = ended.id.to_string();
    // The car's answer, by nobody: the request was audited with its owner.
    let subject = Subject { kind: "vehicle_command", id: &command_id };
    audit::record(app, &txn, &Viewer::Anonymous, "vehicle.remote_command_ended", subject, details).await?;
    let mut outbox = Outbox::new();
    outbox.push(DomainEvent::VehicleCommandChanged { command: Box::new(ended) });
    outbox.commit(txn, app.events.as_ref()).await
}

/// Whether a command in `status` has its result.
pub fn is_over(status: VehicleCommandStatus) -> bool {
    matches!(status, VehicleCommandStatus::Succeeded | VehicleCommandStatus::Failed)
}
