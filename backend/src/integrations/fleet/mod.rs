//! The IoT API of the vehicles: commands pushed to a car (switch a feature on or off, show a
//! message, the owner's remote commands: lock, lights, climate, charging), status read back. The
//! firmware already contains every feature; a command only switches it.

pub mod client;
pub mod simulator;

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// What a command asks of the car.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeatureAction {
    /// Switch the feature on.
    Activate,
    /// Switch the feature off.
    Deactivate,
}

/// A feature command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureCommand {
    /// Unique per command; the car applies a repeated id once.
    pub command_id: String,
    /// On or off.
    pub action: FeatureAction,
    /// The feature's code.
    pub feature: String,
    /// The feature's OTA configuration.
    pub parameters: serde_json::Value,
}

/// What an owner's remote command asks of the car.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RemoteAction {
    /// Lock the doors.
    Lock,
    /// Unlock the doors.
    Unlock,
    /// Flash the lights.
    FlashLights,
    /// Start the climate (`targetCelsius`, `durationMinutes`).
    ClimateOn,
    /// Stop the climate.
    ClimateOff,
    /// Start charging.
    ChargeStart,
    /// Stop charging.
    ChargeStop,
}

/// An owner's remote command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteCommand {
    /// Unique per command; the car applies a repeated id once.
    pub command_id: String,
    /// What to do.
    pub action: RemoteAction,
    /// The climate's target temperature, °C (`CLIMATE_ON`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_celsius: Option<f64>,
    /// How long the climate runs (`CLIMATE_ON`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<u32>,
}

/// The climate while it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClimateState {
    /// Target temperature, °C.
    pub target_celsius: f64,
    /// When it switches itself off.
    pub until: chrono::DateTime<chrono::Utc>,
}

/// What the car reports about itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VehicleState {
    /// The VIN.
    pub vin: String,
    /// Installed firmware.
    pub firmware_version: String,
    /// Whether it is connected right now.
    pub online: bool,
    /// Feature code → switched on.
    pub features: BTreeMap<String, bool>,
    /// Whether the doors are locked.
    #[serde(default)]
    pub locked: bool,
    /// The climate, while it runs.
    #[serde(default)]
    pub climate: Option<ClimateState>,
    /// Whether it is charging.
    #[serde(default)]
    pub charging: bool,
}

/// Why a command did not take effect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IotError {
    /// The car could not be reached or did not answer in time: worth retrying.
    #[error("the vehicle did not take the command (try again): {0}")]
    Transient(String),
    /// The car refused the command: retrying will not help.
    #[error("the vehicle refused the command: {0}")]
    Permanent(String),
}

/// The vehicles' IoT API.
#[async_trait]
pub trait Fleet: Send + Sync + 'static {
    /// Sends a feature command and waits for the car's confirmation.
    async fn send(&self, vin: &str, command: &FeatureCommand) -> Result<VehicleState, IotError>;
    /// Shows a message on the car's display.
    async fn message(&self, vin: &str, text: &str) -> Result<(), IotError>;
    /// The car's reported state.
    async fn state(&self, vin: &str) -> Result<VehicleState, IotError>;
    /// Sends an owner's remote command and waits for the car's confirmation.
    async fn remote(&self, vin: &str, command: &RemoteCommand) -> Result<VehicleState, IotError>;
}
