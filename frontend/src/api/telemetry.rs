//! A car's telemetry and health alerts: the answer of `VehicleHealth` and the events of
//! `VehicleTelemetry`, read field by field into types they share (see `api::workshop`: a reading
//! or an alert is the same whether it was asked for or came live), and what an event changes.

use js_sys::Array;
use wasm_bindgen::JsValue;

use super::json::field;
use super::json::{Answer, flag, list, maybe_number, maybe_text, number, object, text};

/// When an RFC 3339 instant is, in milliseconds since 1970 (for drawing and ordering).
fn milliseconds(rfc3339: &str) -> f64 {
    js_sys::Date::parse(rfc3339)
}

/// The list of texts `faultCodes`, joined by the browser (the page only shows them).
fn codes(value: &JsValue) -> String {
    let codes = field(value, "faultCodes");
    if Array::is_array(&codes) { Array::from(&codes).join(", ").into() } else { String::new() }
}

/// The car's latest values; a signal it did not report is `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// When it was read.
    pub recorded_at: String,
    /// [`Snapshot::recorded_at`] in milliseconds since 1970.
    pub recorded_ms: f64,
    /// The odometer.
    pub odometer_km: Option<f64>,
    /// The traction battery's state of charge.
    pub state_of_charge_percent: Option<f64>,
    /// The fuel tank's level.
    pub fuel_level_percent: Option<f64>,
    /// The 12 V battery's voltage.
    pub low_voltage_battery_volts: Option<f64>,
    /// The active fault codes, e.g. `P0301, P0420` (empty when there are none).
    pub fault_codes: String,
}

/// A point of a signal's history: one reading, or an hour's average with its minimum and maximum.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// When (the start of the hour for hourly points).
    pub at: String,
    /// [`Point::at`] in milliseconds since 1970.
    pub at_ms: f64,
    /// The value (the average for hourly points).
    pub value: f64,
    /// The lowest value.
    pub min: f64,
    /// The highest value.
    pub max: f64,
}

/// A health alert.
#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    /// Stable id.
    pub id: String,
    /// `FAULT_CODE`, `BATTERY_LOW`, `SERVICE_DUE` or `SILENT`.
    pub kind: String,
    /// What it is about, in the reader's language (a fault code's meaning starts with the code).
    pub description: String,
    /// When it opened.
    pub opened_at: String,
    /// When it closed.
    pub closed_at: Option<String>,
    /// Whether it is still open.
    pub open: bool,
    /// Whether the car should see a workshop.
    pub suggests_workshop: bool,
}

/// A car's latest values, alerts and charts (`VehicleHealth`'s answer).
#[derive(Clone, Debug, PartialEq)]
pub struct Health {
    /// Its VIN.
    pub vin: String,
    /// Its plate, once registered.
    pub plate: Option<String>,
    /// Its model's name.
    pub model: String,
    /// Its latest values, once it has reported any.
    pub latest: Option<Snapshot>,
    /// Its alerts, newest first.
    pub alerts: Vec<Alert>,
    /// The odometer over the period asked for, in km.
    pub mileage: Vec<Point>,
    /// The traction battery's state of charge over the period, in %.
    pub battery: Vec<Point>,
}

/// What a car just reported (`VehicleTelemetry`'s event).
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// Its new values.
    pub reading: Option<Snapshot>,
    /// An alert opened or closed by them.
    pub alert: Option<Alert>,
}

impl Health {
    /// Takes in values the car just reported: they are the latest (a signal they lack keeps its
    /// last value) unless older, and, on `raw` charts, a point of each signal they have.
    pub fn hear_reading(&mut self, reading: Snapshot, raw: bool) {
        if raw {
            let signals =
                [(&mut self.mileage, reading.odometer_km), (&mut self.battery, reading.state_of_charge_percent)];
            for (points, value) in signals {
                let newer = points.last().is_none_or(|last| last.at_ms < reading.recorded_ms);
                if let Some(value) = value.filter(|_| newer) {
                    let at = reading.recorded_at.clone();
                    points.push(Point { at, at_ms: reading.recorded_ms, value, min: value, max: value });
                }
            }
        }
        self.latest = Some(match self.latest.take() {
            Some(latest) if latest.recorded_ms > reading.recorded_ms => latest,
            Some(older) => Snapshot {
                odometer_km: reading.odometer_km.or(older.odometer_km),
                state_of_charge_percent: reading.state_of_charge_percent.or(older.state_of_charge_percent),
                fuel_level_percent: reading.fuel_level_percent.or(older.fuel_level_percent),
                low_voltage_battery_volts: reading.low_voltage_battery_volts.or(older.low_voltage_battery_volts),
                ..reading
            },
            None => reading,
        });
    }

    /// Takes in an alert just opened (first in the list) or changed (in its place).
    pub fn hear_alert(&mut self, alert: Alert) {
        match self.alerts.iter_mut().find(|known| known.id == alert.id) {
            Some(known) => *known = alert,
            None => self.alerts.insert(0, alert),
        }
    }
}

impl Snapshot {
    fn read(value: &JsValue) -> Self {
        let recorded_at = text(value, "recordedAt");
        Self {
            recorded_ms: milliseconds(&recorded_at),
            recorded_at,
            odometer_km: maybe_number(value, "odometerKm"),
            state_of_charge_percent: maybe_number(value, "stateOfChargePercent"),
            fuel_level_percent: maybe_number(value, "fuelLevelPercent"),
            low_voltage_battery_volts: maybe_number(value, "lowVoltageBatteryVolts"),
            fault_codes: codes(value),
        }
    }
}

impl Point {
    fn read(value: &JsValue) -> Self {
        let at = text(value, "at");
        Self {
            at_ms: milliseconds(&at),
            at,
            value: number(value, "value"),
            min: number(value, "min"),
            max: number(value, "max"),
        }
    }
}

impl Alert {
    fn read(value: &JsValue) -> Self {
        Self {
            id: text(value, "id"),
            kind: text(value, "kind"),
            description: text(value, "description"),
            opened_at: text(value, "openedAt"),
            closed_at: maybe_text(value, "closedAt"),
            open: flag(value, "open"),
            suggests_workshop: flag(value, "suggestsWorkshop"),
        }
    }
}

impl Answer for Health {
    fn read(data: &JsValue) -> Option<Self> {
        let car = object(data, "vehicle")?;
        Some(Self {
            vin: text(&car, "vin"),
            plate: maybe_text(&car, "plate"),
            model: object(&car, "model").map(|model| text(&model, "name")).unwrap_or_default(),
            latest: object(&car, "latestTelemetry").map(|latest| Snapshot::read(&latest)),
            alerts: list(&car, "healthAlerts", Alert::read),
            mileage: list(&car, "mileage", Point::read),
            battery: list(&car, "battery", Point::read),
        })
    }
}

impl Answer for Update {
    fn read(data: &JsValue) -> Option<Self> {
        let update = object(data, "vehicleTelemetry")?;
        Some(Self {
            reading: object(&update, "reading").map(|reading| Snapshot::read(&reading)),
            alert: object(&update, "alert").map(|alert| Alert::read(&alert)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(recorded_ms: f64, odometer_km: Option<f64>, volts: Option<f64>) -> Snapshot {
        Snapshot {
            recorded_at: format!("at {recorded_ms}"),
            recorded_ms,
            odometer_km,
            state_of_charge_percent: volts.map(|_| 80.0),
            fuel_level_percent: None,
            low_voltage_battery_volts: volts,
            fault_codes: format!("P{recorded_ms}"),
        }
    }

    fn alert(id: &str, open: bool) -> Alert {
        Alert {
            id: id.into(),
            kind: "FAULT_CODE".into(),
            description: String::new(),
            opened_at: String::new(),
            closed_at: None,
            open,
            suggests_workshop: false,
        }
    }

    fn car() -> Health {
        Health {
            vin: "WCAAUR1S3TB000001".into(),
            plate: None,
            model: "Cirrus".into(),
            latest: None,
            alerts: vec![alert("a", true), alert("b", false)],
            mileage: Vec::new(),
            battery: Vec::new(),
        }
    }

    #[test]
    fn the_newest_reading_is_the_latest_and_keeps_the_signals_it_lacks_from_the_one_before() {
        let mut car = car();
        car.hear_reading(reading(1.0, Some(100.0), Some(12.6)), false);
        car.hear_reading(reading(3.0, Some(101.0), None), false);
        car.hear_reading(reading(2.0, Some(100.5), Some(12.4)), false);
        let latest = car.latest.expect("values");
        assert_eq!(
            (latest.recorded_ms, latest.odometer_km, latest.low_voltage_battery_volts),
            (3.0, Some(101.0), Some(12.6))
        );
        assert_eq!(latest.fault_codes, "P3", "the codes active at the newest reading");
        assert!(car.mileage.is_empty(), "hourly charts wait for the next load");
    }

    #[test]
    fn a_live_reading_extends_the_raw_charts_of_the_signals_it_has() {
        let mut car = car();
        car.hear_reading(reading(1_000.0, Some(12_480.0), None), true);
        car.hear_reading(reading(2_000.0, Some(12_481.5), Some(12.6)), true);
        assert_eq!(car.mileage.iter().map(|p| p.value).collect::<Vec<_>>(), [12_480.0, 12_481.5]);
        assert_eq!(car.battery.len(), 1);
        assert_eq!((car.battery[0].min, car.battery[0].max, car.battery[0].at_ms), (80.0, 80.0, 2_000.0));
        // Heard again after a reconnection, or older than what is drawn: not added twice.
        car.hear_reading(reading(2_000.0, Some(12_481.5), Some(12.6)), true);
        car.hear_reading(reading(1_500.0, Some(12_481.0), None), true);
        assert_eq!((car.mileage.len(), car.battery.len()), (2, 1));
    }

    #[test]
    fn an_alert_heard_live_replaces_its_loaded_self_and_a_new_one_comes_first() {
        let mut car = car();
        car.hear_alert(alert("c", true));
        car.hear_alert(alert("a", false));
        let ids: Vec<(&str, bool)> = car.alerts.iter().map(|alert| (alert.id.as_str(), alert.open)).collect();
        assert_eq!(ids, [("c", true), ("a", false), ("b", false)]);
    }
}
