//! The answer of `Dashboard` (the customer's cars with their features, and the unread
//! notifications), read field by field (see `api::workshop`). Enum values are read as text.

use wasm_bindgen::JsValue;

use super::json::{Answer, flag, list, maybe_text, object, text};
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
        let car = |v: &JsValue| Car {
            vin: text(v, "vin"),
            plate: maybe_text(v, "plate"),
            status: text(v, "status"),
            color: text(v, "color"),
            model: named(v, "model").name,
            features: list(v, "activations", feature),
        };
        let unread = object(data, "notifications").map_or(0, |n| list(&n, "nodes", |_| ()).len());
        Some(Self { cars: list(&object(data, "myVehicles")?, "nodes", car), unread })
    }
}
