//! Remote control in GraphQL: `sendVehicleCommand`, `vehicleCommand(id)`, the live
//! `vehicleCommandProgress(commandId)` and the car's last known `remoteState`.

use std::time::Instant;

use async_graphql::{Context, ID, InputObject, Object, Subscription};
use chrono::{DateTime, Utc};
use entity::{Role, VehicleCommandKind, VehicleCommandStatus, vehicle_commands, vehicle_remote_states, vehicles};
use futures::stream::{Stream, StreamExt};

use super::sender;
use super::service::{self, CommandRequest};
use crate::app::AppState;
use crate::auth::{Allow, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, parse_id, viewer};
use crate::platform::events::{DomainEvent, Topic, changes_after};

/// An owner's remote command to their car.
#[derive(InputObject)]
pub struct VehicleCommandInput {
    /// The car.
    pub vin: String,
    /// What to do.
    pub kind: VehicleCommandKind,
    /// `CLIMATE_ON` only: the target temperature, 15 to 28 °C (rounded to the half degree).
    pub target_celsius: Option<f64>,
    /// `CLIMATE_ON` only: how long the climate runs, 5 to 30 minutes (15 when not given).
    pub duration_minutes: Option<i32>,
    /// The client's key: the same command sent again with it runs once (1 to 80 characters).
    pub idempotency_key: String,
}

/// A remote command and where it stands.
pub struct VehicleCommand(pub vehicle_commands::Model);

/// A remote command and where it stands.
#[Object]
impl VehicleCommand {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What it asks of the car.
    async fn kind(&self) -> VehicleCommandKind {
        self.0.kind
    }

    /// QUEUED, SENDING, SUCCEEDED or FAILED.
    async fn status(&self) -> VehicleCommandStatus {
        self.0.status
    }

    /// The climate's target temperature, °C (`CLIMATE_ON`).
    async fn target_celsius(&self) -> Option<f64> {
        self.0.target_decicelsius.map(|tenths| f64::from(tenths) / 10.0)
    }

    /// How long the climate runs, minutes (`CLIMATE_ON`).
    async fn duration_minutes(&self) -> Option<i32> {
        self.0.duration_minutes
    }

    /// Why it failed: `VEHICLE_OFFLINE` (the car could not be reached), `EXPIRED` (not reached in
    /// time) or `REFUSED` (the car would not).
    async fn failure_code(&self) -> Option<&str> {
        self.0.failure_code.as_deref()
    }

    /// The failure, in English.
    async fn failure_message(&self) -> Option<&str> {
        self.0.failure_message.as_deref()
    }

    /// Whether sending it again (with a new key) may work: the car could not be reached.
    async fn retryable(&self) -> bool {
        self.0.status == VehicleCommandStatus::Failed
            && self.0.failure_code.as_deref().is_some_and(|code| code != "REFUSED")
    }

    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the car answered (or it was given up).
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
}

/// What a car last reported of what its owner controls remotely.
pub struct VehicleRemoteState(pub vehicle_remote_states::Model);

/// What a car last reported of what its owner controls remotely.
#[Object]
impl VehicleRemoteState {
    /// Whether the doors are locked.
    async fn locked(&self) -> bool {
        self.0.locked
    }

    /// Whether the climate runs (it switches itself off at `climateUntil`).
    async fn climate_on(&self, ctx: &Context<'_>) -> bool {
        self.0.climate_on && self.0.climate_until.is_none_or(|until| until > app(ctx).clock.now())
    }

    /// The climate's target temperature, °C, while it runs.
    async fn climate_target_celsius(&self) -> Option<f64> {
        self.0.climate_target_decicelsius.map(|tenths| f64::from(tenths) / 10.0)
    }

    /// When the climate switches itself off.
    async fn climate_until(&self) -> Option<DateTime<Utc>> {
        self.0.climate_until
    }

    /// Whether it is charging.
    async fn charging(&self) -> bool {
        self.0.charging
    }

    /// Whether the car was online when it reported.
    async fn online(&self) -> bool {
        self.0.online
    }

    /// When the car reported this.
    async fn reported_at(&self) -> DateTime<Utc> {
        self.0.reported_at
    }
}

/// The car's last known remote state (its owner, support, admins).
pub async fn remote_state(ctx: &Context<'_>, vehicle: &vehicles::Model) -> ApiResult<Option<VehicleRemoteState>> {
    Ok(service::remote_state(app(ctx), viewer(ctx), vehicle).await?.map(VehicleRemoteState))
}

/// Remote commands.
#[derive(Default)]
pub struct RemoteQuery;

#[Object]
impl RemoteQuery {
    /// A remote command (the owner who sent it, support, admins).
    #[graphql(guard = "Allow::any_user()")]
    async fn vehicle_command(&self, ctx: &Context<'_>, id: ID) -> ApiResult<VehicleCommand> {
        let (command, _) = service::command(app(ctx), viewer(ctx), parse_id(&id, "id")?).await?;
        Ok(VehicleCommand(command))
    }
}

/// Sending remote commands.
#[derive(Default)]
pub struct RemoteMutation;

#[Object]
impl RemoteMutation {
    /// Sends a command to the signed-in owner's car: stored, then sent to the car; follow it with
    /// `vehicleCommandProgress`. `CONFLICT` with reason `NOT_SUPPORTED` when the model cannot do it.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn send_vehicle_command(&self, ctx: &Context<'_>, input: VehicleCommandInput) -> ApiResult<VehicleCommand> {
        let request = CommandRequest {
            vin: input.vin,
            kind: input.kind,
            target_celsius: input.target_celsius,
            duration_minutes: input.duration_minutes,
            idempotency_key: input.idempotency_key,
        };
        service::send(app(ctx), viewer(ctx), request).await.map(VehicleCommand)
    }
}

/// Live remote commands.
#[derive(Default)]
pub struct RemoteSubscription;

#[Subscription]
impl RemoteSubscription {
    /// A remote command as it goes: first where it stands, then each step, ending with SUCCEEDED
    /// or FAILED (the owner who sent it, support, admins).
    #[graphql(guard = "Allow::any_user()")]
    async fn vehicle_command_progress(
        &self,
        ctx: &Context<'_>,
        command_id: ID,
    ) -> Result<impl Stream<Item = VehicleCommand> + use<>, ApiError> {
        let id = parse_id(&command_id, "commandId")?;
        let app: AppState = ctx.data_unchecked::<AppState>().clone();
        // Subscribed before the command is read: no step between the two is missed.
        let events = app.events.subscribe_topic(Topic::VehicleCommand(id));
        let read_from = Instant::now();
        let (current, _) = service::command(&app, Viewer::of(ctx), id).await?;
        let step_of = |event: &DomainEvent| match event {
            DomainEvent::VehicleCommandChanged { command } => Some(command.status),
            _ => None,
        };
        let changes = changes_after(events, read_from, current.status, step_of).filter_map(|(_, event)| async move {
            match event {
                DomainEvent::VehicleCommandChanged { command } => Some(VehicleCommand(*command)),
                _ => None,
            }
        });
        let steps = futures::stream::once(async move { VehicleCommand(current) }).chain(changes).boxed();
        // Over as soon as the car answered: the last step is the result.
        Ok(futures::stream::unfold((steps, false), |(mut steps, over)| async move {
            if over {
                return None;
            }
            let step = steps.next().await?;
            let over = sender::is_over(step.0.status);
            Some((step, (steps, over)))
        }))
    }
}
