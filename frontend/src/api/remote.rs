//! Remote commands to a customer's car: sent with a key of the app's making (the same tap sent
//! again runs once), then followed live until the car did it or could not. Never queued offline: a
//! door must not unlock hours after its owner walked away.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use super::json::{Answer, flag, maybe_text, object, text};
use super::ops::send_vehicle_command::{OPERATION_NAME, QUERY};

/// A remote command as the API answers it (`sendVehicleCommand`, `vehicleCommandProgress`).
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// Stable id.
    pub id: String,
    /// `QUEUED`, `SENDING`, `SUCCEEDED` or `FAILED`.
    pub status: String,
    /// Why it failed: `VEHICLE_OFFLINE`, `EXPIRED` or `REFUSED`.
    pub failure_code: Option<String>,
    /// Whether sending it again (with a new key) may work.
    pub retryable: bool,
}

impl Command {
    /// Whether the command has ended (the car did it, or it failed).
    pub fn ended(&self) -> bool {
        matches!(self.status.as_str(), "SUCCEEDED" | "FAILED")
    }
}

/// The answer of either operation: the command under its only field.
impl Answer for Command {
    fn read(data: &JsValue) -> Option<Self> {
        let command = object(data, "sendVehicleCommand").or_else(|| object(data, "vehicleCommandProgress"))?;
        let id = text(&command, "id");
        (!id.is_empty()).then(|| Self {
            id,
            status: text(&command, "status"),
            failure_code: maybe_text(&command, "failureCode"),
            retryable: flag(&command, "retryable"),
        })
    }
}

/// A command the owner asked for: what, with which settings, and the key it is sent with.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The car.
    pub vin: String,
    /// `LOCK`, `CLIMATE_ON`…
    pub kind: &'static str,
    /// `CLIMATE_ON`'s target, °C.
    pub target_celsius: Option<f64>,
    /// `CLIMATE_ON`'s duration, minutes.
    pub duration_minutes: Option<i64>,
    /// The key: one per tap, the same when the request is sent again after no answer came.
    pub key: String,
}

impl Request {
    /// The request body of `SendVehicleCommand` (checked against the schema like every operation).
    /// The browser writes it: a serializer of decimal numbers (the target temperature) would cost
    /// the first bundle kilobytes.
    pub fn body(&self) -> String {
        let object = |pairs: &[(&str, JsValue)]| {
            let object = Object::new();
            for (name, value) in pairs.iter().filter(|(_, value)| !value.is_undefined()) {
                let _ = Reflect::set(&object, &(*name).into(), value);
            }
            object
        };
        let input = object(&[
            ("vin", self.vin.as_str().into()),
            ("kind", self.kind.into()),
            ("targetCelsius", self.target_celsius.map_or(JsValue::UNDEFINED, JsValue::from)),
            ("durationMinutes", self.duration_minutes.map_or(JsValue::UNDEFINED, |m| JsValue::from(m as f64))),
            ("idempotencyKey", self.key.as_str().into()),
        ]);
        super::client::body_of(QUERY, OPERATION_NAME, &object(&[("input", input.into())]))
    }
}

/// The climate's target the cars take: 15 to 28 °C, in half degrees.
pub fn climate_target(celsius: f64) -> f64 {
    ((celsius.clamp(15.0, 28.0)) * 2.0).round() / 2.0
}

#[cfg(test)]
mod tests {
    use super::climate_target;

    #[test]
    fn the_climate_target_is_a_half_degree_from_15_to_28() {
        assert_eq!(climate_target(21.0), 21.0);
        assert_eq!(climate_target(21.3), 21.5);
        assert_eq!(climate_target(21.2), 21.0);
        assert_eq!(climate_target(10.0), 15.0);
        assert_eq!(climate_target(40.0), 28.0);
    }
}
