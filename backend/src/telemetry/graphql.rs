//! GraphQL of telemetry: a vehicle's latest values, its series and its health alerts (fields the
//! top-level schema adds to `Vehicle`), and the live `vehicleTelemetry` subscription.

use async_graphql::{Context, Enum, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Duration, Utc};
use entity::{HealthAlertKind, health_alerts, vehicle_telemetry, vehicles};
use futures::stream::{Stream, StreamExt};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::alerts::describe;
use super::reading::TelemetrySignal;
use super::store::{self, Point};
use crate::app::{App, AppState};
use crate::auth::{Allow, Scope, Viewer};
use crate::domain::{Locale, Vin};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, locale, viewer};
use crate::i18n;
use crate::platform::events::{DomainEvent, Topic};
use crate::policy::{self, Access};
use crate::workshops::fault_codes::FaultCode;

/// Raw readings, or hourly summaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum TelemetryResolution {
    /// Each reading as stored (kept for `CAAS_TELEMETRY_RAW_DAYS`).
    Raw,
    /// Minimum, maximum and average per hour.
    Hour,
}

/// Most raw points one answer holds.
const MAX_RAW_POINTS: u64 = 5_000;
/// The longest series one answer covers.
const MAX_SPAN_DAYS: i64 = 366;
/// Most alerts one answer holds.
const MAX_ALERTS: u64 = 100;

/// A car's latest values (each signal as last reported).
pub struct TelemetrySnapshot(pub vehicle_telemetry::Model);

#[Object]
impl TelemetrySnapshot {
    /// When the newest reading was measured.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }

    /// Odometer (`Vehicle.TraveledDistance`), km.
    async fn odometer_km(&self) -> Option<f64> {
        self.0.odometer_km
    }

    /// Traction battery (`Vehicle.Powertrain.TractionBattery.StateOfCharge.Current`), %.
    async fn state_of_charge_percent(&self) -> Option<f64> {
        self.0.state_of_charge
    }

    /// Tank (`Vehicle.Powertrain.FuelSystem.RelativeLevel`), %.
    async fn fuel_level_percent(&self) -> Option<f64> {
        self.0.fuel_level
    }

    /// Speed (`Vehicle.Speed`), km/h.
    async fn speed_kmh(&self) -> Option<f64> {
        self.0.speed_kmh
    }

    /// 12 V battery (`Vehicle.LowVoltageBattery.CurrentVoltage`), volts.
    async fn low_voltage_battery_volts(&self) -> Option<f64> {
        self.0.low_voltage_battery
    }

    /// The fault codes the car reports now (`Vehicle.OBD.DTCList`).
    async fn fault_codes(&self) -> Vec<String> {
        self.0
            .fault_codes
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|code| !code.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// A point of a series.
#[derive(SimpleObject)]
pub struct TelemetryPoint {
    /// The reading's time, or the hour's start.
    at: DateTime<Utc>,
    /// The value, or the hour's average.
    value: f64,
    /// The lowest (the value itself for a raw reading).
    min: f64,
    /// The highest.
    max: f64,
    /// Readings behind it.
    samples: i32,
}

impl From<Point> for TelemetryPoint {
    fn from(point: Point) -> Self {
        Self { at: point.at, value: point.value, min: point.min, max: point.max, samples: point.samples }
    }
}

/// An episode of a health rule: open until its condition clears.
pub struct HealthAlert(pub health_alerts::Model);

#[Object]
impl HealthAlert {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What it is about.
    async fn kind(&self) -> HealthAlertKind {
        self.0.kind
    }

    /// The fault code, for a fault.
    async fn fault_code(&self) -> Option<&str> {
        self.0.fault_code.as_deref()
    }

    /// What it is about, in the viewer's language.
    async fn description(&self, ctx: &Context<'_>) -> String {
        describe_alert(&self.0, locale(ctx))
    }

    /// The value that fired it: state of charge (%), mileage (km) or hours silent.
    async fn value(&self) -> Option<f64> {
        self.0.value
    }

    /// When it opened.
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }

    /// When its condition cleared.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }

    /// Whether its condition still holds.
    async fn open(&self) -> bool {
        self.0.closed_at.is_none()
    }

    /// Whether the owner should book a workshop for it.
    async fn suggests_workshop(&self) -> bool {
        self.0.suggests_workshop
    }
}

/// What `alert` is about for people in `locale`: the fault code and its meaning, or the
/// `health-alert-<kind>` text with the value that fired it.
fn describe_alert(alert: &health_alerts::Model, locale: Locale) -> String {
    let kind = match alert.kind {
        HealthAlertKind::FaultCode => {
            let code = alert.fault_code.as_deref().and_then(|code| FaultCode::parse(code).ok());
            return code.map(|code| format!("{}: {}", code.as_str(), describe(&code, locale))).unwrap_or_default();
        }
        HealthAlertKind::BatteryLow => "battery_low",
        HealthAlertKind::ServiceDue => "service_due",
        HealthAlertKind::Silent => "silent",
    };
    let value = alert.value.map(|value| value.round() as i64);
    i18n::text(locale, &format!("health-alert-{kind}"), &json!({ "value": value }))
}

/// The car's latest values, for those who may see its telemetry.
pub async fn latest_telemetry(ctx: &Context<'_>, vehicle: &vehicles::Model) -> ApiResult<Option<TelemetrySnapshot>> {
    policy::vehicle(app(ctx), viewer(ctx), vehicle, Access::Telemetry).await?;
    Ok(vehicle_telemetry::Entity::find_by_id(vehicle.id).one(&app(ctx).db).await?.map(TelemetrySnapshot))
}

/// A series of one signal of the car over `[from, to)`.
pub async fn telemetry(
    ctx: &Context<'_>,
    vehicle: &vehicles::Model,
    signal: TelemetrySignal,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    resolution: TelemetryResolution,
) -> ApiResult<Vec<TelemetryPoint>> {
    let app = app(ctx);
    policy::vehicle(app, viewer(ctx), vehicle, Access::Telemetry).await?;
    if to <= from {
        return Err(ApiError::bad_input("to", "`to` must be after `from`"));
    }
    if to - from > Duration::days(MAX_SPAN_DAYS) {
        return Err(ApiError::bad_input("from", "a series covers a year at most"));
    }
    let points = match resolution {
        TelemetryResolution::Hour => store::hourly_series(&app.db, vehicle.id, signal, (from, to)).await?,
        TelemetryResolution::Raw => {
            let points = store::raw_series(&app.db, vehicle.id, signal, (from, to), MAX_RAW_POINTS + 1).await?;
            if points.len() as u64 > MAX_RAW_POINTS {
                return Err(ApiError::bad_input(
                    "resolution",
                    "more than 5000 readings: ask for a shorter time or hourly",
                ));
            }
            points
        }
    };
    Ok(points.into_iter().map(TelemetryPoint::from).collect())
}

/// The car's health alerts, newest first; `open` picks open or closed ones.
pub async fn health_alerts(
    ctx: &Context<'_>,
    vehicle: &vehicles::Model,
    open: Option<bool>,
) -> ApiResult<Vec<HealthAlert>> {
    let app = app(ctx);
    policy::vehicle(app, viewer(ctx), vehicle, Access::Telemetry).await?;
    let mut query = health_alerts::Entity::find().filter(health_alerts::Column::VehicleId.eq(vehicle.id));
    query = match open {
        Some(true) => query.filter(health_alerts::Column::ClosedAt.is_null()),
        Some(false) => query.filter(health_alerts::Column::ClosedAt.is_not_null()),
        None => query,
    };
    let rows = query.order_by_desc(health_alerts::Column::OpenedAt).limit(MAX_ALERTS).all(&app.db).await?;
    Ok(rows.into_iter().map(HealthAlert).collect())
}

/// A change to a car's telemetry or health, as it happens.
pub struct TelemetryUpdate {
    vin: String,
    reading: Option<TelemetrySnapshot>,
    alert: Option<HealthAlert>,
}

#[Object]
impl TelemetryUpdate {
    /// The car.
    async fn vin(&self) -> &str {
        &self.vin
    }

    /// Its latest values, when a reading arrived.
    async fn reading(&self) -> Option<&TelemetrySnapshot> {
        self.reading.as_ref()
    }

    /// The alert, when one opened or closed.
    async fn alert(&self) -> Option<&HealthAlert> {
        self.alert.as_ref()
    }
}

/// The subscriptions of telemetry.
#[derive(Default)]
pub struct TelemetrySubscription;

#[Subscription]
impl TelemetrySubscription {
    /// A car's readings and health alerts as they arrive (those who may see its telemetry).
    #[graphql(guard = "Allow::any_user().or_partner(Scope::TelemetryRead)")]
    async fn vehicle_telemetry(
        &self,
        ctx: &Context<'_>,
        vin: String,
    ) -> Result<impl Stream<Item = TelemetryUpdate> + use<>, ApiError> {
        let app: AppState = ctx.data_unchecked::<AppState>().clone();
        let vin = Vin::parse(&vin).map_err(|err| ApiError::bad_input("vin", err.to_string()))?;
        let vehicle = vehicles::Entity::find()
            .filter(vehicles::Column::Vin.eq(vin.as_str()))
            .one(&app.db)
            .await?
            .ok_or(ApiError::NotFound("vehicle"))?;
        policy::vehicle(&app, Viewer::of(ctx), &vehicle, Access::Telemetry).await?;
        let events = app.events.subscribe_topic(Topic::Vehicle(vehicle.id));
        let vin = vehicle.vin.clone();
        Ok(events.filter_map(move |(_, event)| {
            let (app, vin) = (app.clone(), vin.clone());
            async move { update_of(&app, vin, event).await }
        }))
    }
}

async fn update_of(app: &App, vin: String, event: DomainEvent) -> Option<TelemetryUpdate> {
    match event {
        DomainEvent::TelemetryReported { vehicle_id, .. } => {
            let latest = vehicle_telemetry::Entity::find_by_id(vehicle_id).one(&app.db).await.ok()??;
            Some(TelemetryUpdate { vin, reading: Some(TelemetrySnapshot(latest)), alert: None })
        }
        DomainEvent::HealthAlertChanged { alert_id, .. } => {
            let alert = health_alerts::Entity::find_by_id(alert_id).one(&app.db).await.ok()??;
            Some(TelemetryUpdate { vin, reading: None, alert: Some(HealthAlert(alert)) })
        }
        _ => None,
    }
}
