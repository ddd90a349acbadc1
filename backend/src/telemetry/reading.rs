//! A reading as it arrives — the version-1 envelope, its signature, its signals by their COVESA VSS
//! names — checked into a [`Reading`], or refused with the [`Rejection`] it is counted under.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::integrations::telemetry::{CarKeys, VERSION};
use crate::workshops::fault_codes::FaultCode;

/// A numeric signal a car reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum TelemetrySignal {
    /// `Vehicle.TraveledDistance`: the odometer, km.
    TraveledDistance,
    /// `Vehicle.Powertrain.TractionBattery.StateOfCharge.Current`: the traction battery, %.
    StateOfCharge,
    /// `Vehicle.Powertrain.FuelSystem.RelativeLevel`: the tank, %.
    FuelLevel,
    /// `Vehicle.Speed`: km/h.
    Speed,
    /// `Vehicle.LowVoltageBattery.CurrentVoltage`: the 12 V battery, volts.
    LowVoltageBattery,
}

/// The VSS name of the fault-code list (`["P0301", …]`; an empty list: no fault).
pub const DTC_LIST: &str = "Vehicle.OBD.DTCList";

/// Most fault codes one reading may carry.
const MAX_CODES: usize = 32;

impl TelemetrySignal {
    /// Every numeric signal.
    pub const ALL: [Self; 5] =
        [Self::TraveledDistance, Self::StateOfCharge, Self::FuelLevel, Self::Speed, Self::LowVoltageBattery];

    /// Its COVESA VSS name.
    pub fn vss_name(self) -> &'static str {
        match self {
            Self::TraveledDistance => "Vehicle.TraveledDistance",
            Self::StateOfCharge => "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current",
            Self::FuelLevel => "Vehicle.Powertrain.FuelSystem.RelativeLevel",
            Self::Speed => "Vehicle.Speed",
            Self::LowVoltageBattery => "Vehicle.LowVoltageBattery.CurrentVoltage",
        }
    }

    /// The column it is stored in.
    pub fn column(self) -> &'static str {
        match self {
            Self::TraveledDistance => "odometer_km",
            Self::StateOfCharge => "state_of_charge",
            Self::FuelLevel => "fuel_level",
            Self::Speed => "speed_kmh",
            Self::LowVoltageBattery => "low_voltage_battery",
        }
    }

    /// The values a car can truly report.
    fn range(self) -> (f64, f64) {
        match self {
            Self::TraveledDistance => (0.0, 5_000_000.0),
            Self::StateOfCharge | Self::FuelLevel => (0.0, 100.0),
            Self::Speed => (0.0, 500.0),
            Self::LowVoltageBattery => (0.0, 60.0),
        }
    }

    fn by_vss_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|signal| signal.vss_name() == name)
    }
}

/// The values of one reading, `None` for signals it did not carry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SignalValues {
    /// Per numeric signal, in the order of [`TelemetrySignal::ALL`].
    pub numbers: [Option<f64>; 5],
    /// The fault codes, when the reading carried the list.
    pub fault_codes: Option<Vec<FaultCode>>,
}

impl SignalValues {
    /// The value of `signal`.
    pub fn get(&self, signal: TelemetrySignal) -> Option<f64> {
        self.numbers[signal as usize]
    }

    /// The fault codes as stored (comma-separated).
    pub fn fault_codes_text(&self) -> Option<String> {
        self.fault_codes.as_ref().map(|codes| codes.iter().map(FaultCode::as_str).collect::<Vec<_>>().join(","))
    }
}

/// A checked reading of one car.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The car's counter.
    pub sequence: i64,
    /// When it was measured.
    pub recorded_at: DateTime<Utc>,
    /// What it says.
    pub values: SignalValues,
}

/// Why a reading was refused (each is counted in `/metrics` under its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// Not a version-1 envelope, or not JSON.
    Malformed,
    /// No such car.
    UnknownVehicle,
    /// The signature is not the car's.
    BadSignature,
    /// A signal this platform does not know.
    UnknownSignal,
    /// A value no car can report.
    OutOfRange,
    /// Measured too far in the future.
    Future,
    /// Measured before the raw readings kept.
    TooOld,
    /// Already stored (the same car and sequence).
    Duplicate,
}

impl Rejection {
    /// The metric label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::UnknownVehicle => "unknown_vehicle",
            Self::BadSignature => "bad_signature",
            Self::UnknownSignal => "unknown_signal",
            Self::OutOfRange => "out_of_range",
            Self::Future => "future",
            Self::TooOld => "too_old",
            Self::Duplicate => "duplicate",
        }
    }
}

/// How far ahead of the server's clock a car's may run.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);

#[derive(Deserialize)]
struct Envelope<'a> {
    v: u32,
    #[serde(borrow)]
    reading: &'a RawValue,
    sig: &'a str,
}

#[derive(Deserialize)]
struct Body<'a> {
    seq: i64,
    ts: DateTime<Utc>,
    #[serde(borrow)]
    signals: HashMap<&'a str, Value>,
}

/// The bounds a reading's time must fall in.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// Readings measured before are refused as too old.
    pub oldest: DateTime<Utc>,
    /// Readings measured after are refused as from the future.
    pub newest: DateTime<Utc>,
}

impl Window {
    /// The window around `now` keeping `raw_days` of raw readings.
    pub fn around(now: DateTime<Utc>, raw_days: i64) -> Self {
        Self { oldest: now - Duration::days(raw_days.max(1)), newest: now + CLOCK_SKEW }
    }
}

/// Checks `payload`, sent for car `vin`, into a reading.
pub fn check(payload: &[u8], vin: &str, keys: &CarKeys, window: Window) -> Result<Reading, Rejection> {
    let envelope: Envelope<'_> = serde_json::from_slice(payload).map_err(|_| Rejection::Malformed)?;
    if envelope.v != VERSION {
        return Err(Rejection::Malformed);
    }
    let signed = envelope.reading.get().as_bytes();
    if !keys.verify(vin, signed, envelope.sig) {
        return Err(Rejection::BadSignature);
    }
    let body: Body<'_> = serde_json::from_slice(signed).map_err(|_| Rejection::Malformed)?;
    if body.seq < 0 || body.signals.is_empty() {
        return Err(Rejection::Malformed);
    }
    if body.ts > window.newest {
        return Err(Rejection::Future);
    }
    if body.ts < window.oldest {
        return Err(Rejection::TooOld);
    }
    let mut values = SignalValues::default();
    for (name, value) in body.signals {
        if name == DTC_LIST {
            values.fault_codes = Some(fault_codes(&value)?);
            continue;
        }
        let signal = TelemetrySignal::by_vss_name(name).ok_or(Rejection::UnknownSignal)?;
        let number = value.as_f64().ok_or(Rejection::Malformed)?;
        let (low, high) = signal.range();
        if !(low..=high).contains(&number) {
            return Err(Rejection::OutOfRange);
        }
        values.numbers[signal as usize] = Some(number);
    }
    Ok(Reading { sequence: body.seq, recorded_at: body.ts, values })
}

fn fault_codes(value: &Value) -> Result<Vec<FaultCode>, Rejection> {
    let list = value.as_array().ok_or(Rejection::Malformed)?;
    if list.len() > MAX_CODES {
        return Err(Rejection::OutOfRange);
    }
    let mut codes = Vec::with_capacity(list.len());
    for code in list {
        let code = FaultCode::parse(code.as_str().ok_or(Rejection::Malformed)?).map_err(|_| Rejection::OutOfRange)?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes.sort_by(|a: &FaultCode, b| a.as_str().cmp(b.as_str()));
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::integrations::telemetry::{OutgoingReading, signed_message};

    const VIN: &str = "WCAAS000000000001";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn message(keys: &CarKeys, ts: DateTime<Utc>, signals: Value) -> Vec<u8> {
        let signals: BTreeMap<String, Value> = serde_json::from_value(signals).unwrap();
        signed_message(keys, VIN, &OutgoingReading { seq: 7, ts, signals })
    }

    fn checked(payload: &[u8]) -> Result<Reading, Rejection> {
        check(payload, VIN, &CarKeys::new(b"secret"), Window::around(now(), 7))
    }

    #[test]
    fn a_signed_reading_is_read_with_its_signals() {
        let keys = CarKeys::new(b"secret");
        let payload = message(
            &keys,
            now(),
            json!({ "Vehicle.TraveledDistance": 12480.5, "Vehicle.OBD.DTCList": ["p0301", "P0171", "P0301"] }),
        );
        let reading = checked(&payload).expect("accepted");
        assert_eq!(reading.sequence, 7);
        assert_eq!(reading.recorded_at, now());
        assert_eq!(reading.values.get(TelemetrySignal::TraveledDistance), Some(12480.5));
        assert_eq!(reading.values.get(TelemetrySignal::StateOfCharge), None);
        assert_eq!(reading.values.fault_codes_text().as_deref(), Some("P0171,P0301"), "upper-case, once, sorted");
    }

    #[test]
    fn every_kind_of_bad_reading_is_refused_for_its_reason() {
        let keys = CarKeys::new(b"secret");
        let good = |signals: Value| message(&keys, now(), signals);
        assert_eq!(checked(b"{not json"), Err(Rejection::Malformed));
        assert_eq!(checked(br#"{"v":2,"reading":{},"sig":""}"#), Err(Rejection::Malformed));
        let forged = message(&CarKeys::new(b"other"), now(), json!({ "Vehicle.Speed": 3 }));
        assert_eq!(checked(&forged), Err(Rejection::BadSignature));
        let tampered = String::from_utf8(good(json!({ "Vehicle.Speed": 3 }))).unwrap().replace(":3", ":4");
        assert_eq!(checked(tampered.as_bytes()), Err(Rejection::BadSignature));
        assert_eq!(checked(&good(json!({ "Vehicle.Wings": 2 }))), Err(Rejection::UnknownSignal));
        assert_eq!(checked(&good(json!({ "Vehicle.Speed": 900 }))), Err(Rejection::OutOfRange));
        assert_eq!(
            checked(&good(json!({ "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current": -1 }))),
            Err(Rejection::OutOfRange)
        );
        assert_eq!(checked(&good(json!({ "Vehicle.OBD.DTCList": ["X9999"] }))), Err(Rejection::OutOfRange));
        assert_eq!(checked(&good(json!({ "Vehicle.Speed": "fast" }))), Err(Rejection::Malformed));
        assert_eq!(checked(&good(json!({}))), Err(Rejection::Malformed));
        let future = message(&keys, now() + Duration::minutes(6), json!({ "Vehicle.Speed": 3 }));
        assert_eq!(checked(&future), Err(Rejection::Future));
        let skewed = message(&keys, now() + Duration::minutes(4), json!({ "Vehicle.Speed": 3 }));
        assert!(checked(&skewed).is_ok(), "a car's clock may run a little ahead");
        let old = message(&keys, now() - Duration::days(8), json!({ "Vehicle.Speed": 3 }));
        assert_eq!(checked(&old), Err(Rejection::TooOld));
    }
}
