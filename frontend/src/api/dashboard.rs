//! The answer of `Dashboard` (the customer's cars with their features, what each last reported
//! of its locks, charge and climate, and the unread notifications), read field by field (see
//! `api::workshop`). Enum values are read as text.

use wasm_bindgen::JsValue;

use super::json::{Answer, flag, list, maybe_number, maybe_text, object, text};
use super::workshop::named;

/// A feature of a car.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    /// The activation's id.
    pub id: String,
    /// `ACTIVE`, `PENDING`…
    pub status: String,
    /// The feature's name.
    pub name: String,
    /// When it ends (or its period does).
    pub ends_at: Option<String>,
    /// Whether it ends within a week.
    pub expiring_soon: bool,
}

/// What a car last reported of what its owner controls remotely.
#[derive(Clone, Debug, PartialEq)]
pub struct Remote {
    /// Whether the doors are locked.
    pub locked: bool,
    /// Whether the climate runs.
    pub climate_on: bool,
    /// Its target, °C, while it runs.
    pub target_celsius: Option<f64>,
    /// When it switches itself off.
    pub climate_until: Option<String>,
    /// Whether it is charging.
    pub charging: bool,
    /// Whether the car was online when it reported.
    pub online: bool,
    /// When it reported.
    pub reported_at: String,
}

/// A car of the customer's.
#[derive(Clone, Debug, PartialEq)]
pub struct Car {
    /// Its VIN.
    pub vin: String,
    /// Its plate, once registered.
    pub plate: Option<String>,
    /// `DELIVERED`…
    pub status: String,
    /// Its paint.
    pub color: String,
    /// Its model's name.
    pub model: String,
    /// Its features, newest first.
    pub features: Vec<Feature>,
    /// The remote commands its model takes (`LOCK`, `CLIMATE_ON`…).
    pub commands: Vec<String>,
    /// The traction battery's charge, %, as last reported.
    pub charge_percent: Option<f64>,
    /// Its model's range on a full battery, km.
    pub full_range_km: Option<f64>,
    /// What it last reported of its locks, climate and charging (none before its first report).
    pub remote: Option<Remote>,
}

impl Car {
    /// The range left, km: the charge's share of the full range, rounded.
    pub fn range_km(&self) -> Option<i64> {
        Some((self.charge_percent? * self.full_range_km? / 100.0).round() as i64)
    }
}

/// The dashboard.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    /// The cars.
    pub cars: Vec<Car>,
    /// How many notifications are unread (up to 5).
    pub unread: usize,
}

impl Answer for Dashboard {
    fn read(data: &JsValue) -> Option<Self> {
        let feature = |v: &JsValue| Feature {
            id: text(v, "id"),
            status: text(v, "status"),
            name: named(v, "feature").name,
            ends_at: maybe_text(v, "endsAt"),
            expiring_soon: flag(v, "expiringSoon"),
        };
        let remote = |v: JsValue| Remote {
            locked: flag(&v, "locked"),
            climate_on: flag(&v, "climateOn"),
            target_celsius: maybe_number(&v, "climateTargetCelsius"),
            climate_until: maybe_text(&v, "climateUntil"),
            charging: flag(&v, "charging"),
            online: flag(&v, "online"),
            reported_at: text(&v, "reportedAt"),
        };
        let car = |v: &JsValue| {
            let model = object(v, "model").unwrap_or_default();
            Car {
                vin: text(v, "vin"),
                plate: maybe_text(v, "plate"),
                status: text(v, "status"),
                color: text(v, "color"),
                model: text(&model, "name"),
                features: list(v, "activations", feature),
                commands: list(&model, "remoteCommands", |kind| kind.as_string().unwrap_or_default()),
                charge_percent: object(v, "latestTelemetry").and_then(|t| maybe_number(&t, "stateOfChargePercent")),
                full_range_km: maybe_number(&model, "electricRangeKm"),
                remote: object(v, "remoteState").map(remote),
            }
        };
        let unread = object(data, "notifications").map_or(0, |n| list(&n, "nodes", |_| ()).len());
        Some(Self { cars: list(&object(data, "myVehicles")?, "nodes", car), unread })
    }
}
