//! The fields that domains above the fleet add to `Vehicle` (GraphQL's `extend type`), gathered in
//! the one `#[ComplexObject]` a type may have: each field is its domain's function, so that the
//! fleet never imports a domain that builds on it.

use async_graphql::{ComplexObject, Context};
use chrono::{DateTime, Utc};

use crate::activation::graphql::{Activation, activations_of};
use crate::consents::graphql::{VehicleConsent, consents_of};
use crate::error::ApiResult;
use crate::fleet::graphql::Vehicle;
use crate::remote::graphql::{self as remote, VehicleRemoteState};
use crate::telemetry::graphql::{
    self as telemetry, HealthAlert, TelemetryPoint, TelemetryResolution, TelemetrySnapshot,
};
use crate::telemetry::reading::TelemetrySignal;

#[ComplexObject]
impl Vehicle {
    /// The features of this vehicle, newest first: those of its current ownership (a resale never
    /// shows one owner's purchases to the next); history, so not for workshops.
    async fn activations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Activation>> {
        activations_of(ctx, self.row()).await
    }

    /// What the car reported last, each signal as last reported (its owner, staff, a workshop
    /// working on it, a partner with `telemetry:read`).
    async fn latest_telemetry(&self, ctx: &Context<'_>) -> ApiResult<Option<TelemetrySnapshot>> {
        telemetry::latest_telemetry(ctx, self.row()).await
    }

    /// One signal over `[from, to)`, oldest first: each reading (`RAW`, for the days raw readings
    /// are kept, 5,000 at most) or per hour (`HOUR`, a year at most).
    async fn telemetry(
        &self,
        ctx: &Context<'_>,
        signal: TelemetrySignal,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        #[graphql(default_with = "TelemetryResolution::Hour")] resolution: TelemetryResolution,
    ) -> ApiResult<Vec<TelemetryPoint>> {
        telemetry::telemetry(ctx, self.row(), signal, (from, to), resolution).await
    }

    /// Health alerts, newest first (100 at most): `open: true` only open ones, `false` only past ones.
    async fn health_alerts(&self, ctx: &Context<'_>, open: Option<bool>) -> ApiResult<Vec<HealthAlert>> {
        telemetry::health_alerts(ctx, self.row(), open).await
    }

    /// What the car last reported of its locks, climate and charging (its owner, support,
    /// admins); none before its first report.
    async fn remote_state(&self, ctx: &Context<'_>) -> ApiResult<Option<VehicleRemoteState>> {
        remote::remote_state(ctx, self.row()).await
    }

    /// The partners its owner lets read it, with what each may read (its owner, platform staff).
    async fn consents(&self, ctx: &Context<'_>) -> ApiResult<Vec<VehicleConsent>> {
        consents_of(ctx, self.row()).await
    }
}
