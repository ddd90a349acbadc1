//! The factory: orders are placed with a synchronous HTTP call; manufacturing progress comes back as
//! signed webhooks. The protocol is documented in `docs/integrations/factory.md`.

pub mod client;
pub mod simulator;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::OrderStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Header with the Unix time a webhook was signed at.
pub const TIMESTAMP_HEADER: &str = "x-factory-timestamp";
/// Header with the webhook's signature, `v1=<hex>`.
pub const SIGNATURE_HEADER: &str = "x-factory-signature";

/// The stages the factory reports by webhook, in order (ORDERED is its synchronous confirmation).
pub const STAGES: [OrderStatus; 6] = [
    OrderStatus::InProduction,
    OrderStatus::Painting,
    OrderStatus::Assembly,
    OrderStatus::QualityCheck,
    OrderStatus::Shipped,
    OrderStatus::Ready,
];

/// An order for the factory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FactoryOrder {
    /// Our order id; the factory answers a repeated order with the first confirmation.
    pub order_ref: Uuid,
    /// Our order number, printed on the factory's papers.
    pub order_number: String,
    /// The model's code, e.g. `AURORA`.
    pub model_code: String,
    /// Colour, trim and options.
    pub configuration: serde_json::Value,
}

/// The factory's answer to an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FactoryConfirmation {
    /// The factory's id of the order; webhooks carry it.
    pub factory_order_id: String,
    /// The VIN the car will carry.
    pub vin: String,
    /// The firmware it is built with.
    pub firmware_version: String,
    /// When the factory expects it to be ready.
    pub estimated_ready_at: DateTime<Utc>,
}

/// A status webhook of the factory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FactoryEvent {
    /// Unique per event; a redelivery carries the same id.
    pub event_id: String,
    /// The factory's order id.
    pub factory_order_id: String,
    /// Our order id.
    pub order_ref: Uuid,
    /// The stage reached.
    pub stage: OrderStatus,
    /// When it was reached.
    pub occurred_at: DateTime<Utc>,
}

/// Why an order could not be placed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FactoryError {
    /// The factory could not be reached or failed; the call may be retried (orders are idempotent).
    #[error("the factory is unavailable: {0}")]
    Unavailable(String),
    /// The factory refused the order.
    #[error("the factory refused the order: {0}")]
    Rejected(String),
}

/// The factory's order API.
#[async_trait]
pub trait Factory: Send + Sync + 'static {
    /// Places an order (idempotent by `order_ref`).
    async fn place_order(&self, order: &FactoryOrder) -> Result<FactoryConfirmation, FactoryError>;
}
