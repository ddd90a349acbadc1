//! An OTA job in hand: what a step knows about its activation, and the commands it sends to the
//! car. The engine drives jobs, `outcome` ends them; both use this module and neither the other's
//! internals.

use entity::{activations, features, ota_jobs, payments, regions, users, vehicles};
use serde_json::Value;
use uuid::Uuid;

use crate::app::App;
use crate::integrations::fleet::{FeatureAction, FeatureCommand, IotError};
use crate::platform::events::{ActivationPhase, ActivationState, DomainEvent};

/// Everything a job step needs about its activation, read for a whole batch of jobs at once.
#[derive(Clone)]
pub struct Context {
    /// The job, as claimed.
    pub job: ota_jobs::Model,
    /// The worker holding the job.
    pub worker: String,
    /// The activation.
    pub activation: activations::Model,
    /// Its vehicle.
    pub vehicle: vehicles::Model,
    /// Its feature.
    pub feature: features::Model,
    /// The charge paid up front, if any.
    pub payment: Option<payments::Model>,
    /// The feature's name in every language (`{"de": …, "en": …}`), for the messages.
    pub names: Value,
    /// Who bought the feature and their region, for the invoice; `None` if their account is gone.
    pub buyer: Option<(users::Model, regions::Model)>,
}

/// Whether the car reports the feature on; `None` when it cannot be asked.
pub async fn reports_on(app: &App, ctx: &Context) -> Option<bool> {
    let state = app.integrations.fleet.state(&ctx.vehicle.vin).await.ok()?;
    Some(state.features.get(&ctx.feature.code).copied().unwrap_or(false))
}

/// Sends the command and checks that the car reports the feature in the wanted state.
pub async fn send(app: &App, ctx: &Context, action: FeatureAction) -> Result<(), IotError> {
    let command = FeatureCommand {
        command_id: ctx.job.id.to_string(),
        action,
        feature: ctx.feature.code.clone(),
        parameters: ctx.feature.ota_parameters.clone(),
    };
    let state = app.integrations.fleet.send(&ctx.vehicle.vin, &command).await?;
    let wanted = action == FeatureAction::Activate;
    if state.features.get(&ctx.feature.code).copied().unwrap_or(false) == wanted {
        Ok(())
    } else {
        Err(IotError::Transient("the vehicle does not report the change".into()))
    }
}

/// Tells live subscribers about a step.
pub async fn progress(app: &App, activation_id: Uuid, phase: ActivationPhase, attempt: i32) {
    app.events.publish(DomainEvent::activation_progressed(activation_id, phase, attempt)).await;
}

/// Tells live subscribers about a step, with the state of the activation and its charge as the
/// step leaves them.
pub async fn progress_with_state(app: &App, ctx: &Context, phase: ActivationPhase, attempt: i32) {
    let state = ActivationState {
        activation: ctx.activation.clone(),
        charge: ctx.payment.as_ref().map(|payment| payment.status),
    };
    app.events.publish(DomainEvent::activation_progressed_to(state, phase, attempt)).await;
}
