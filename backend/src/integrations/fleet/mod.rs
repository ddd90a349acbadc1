//! The IoT API of the vehicles: commands pushed to a car (switch a feature on or off, show a
//! message), status read back. The firmware already contains every feature; a command only
//! switches it.

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

/// What the car reports about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}
