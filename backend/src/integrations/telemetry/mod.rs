//! Telemetry from the cars: the topic scheme, the wire format (version 1) and each car's signing
//! key; the MQTT subscriber the server reads with ([`client`]) and the cars' side, which the fleet
//! simulator drives ([`simulator`]).
//!
//! A car publishes each reading with QoS 1 to `caas/v1/vehicles/{vin}/telemetry` (or POSTs the
//! same bytes to `/iot/v1/vehicles/{vin}/telemetry`):
//!
//! ```json
//! {"v":1,"reading":{"seq":42,"ts":"2026-12-06T10:00:00Z","signals":{"Vehicle.TraveledDistance":12480.4}},"sig":"…"}
//! ```
//!
//! `sig` is the hex HMAC-SHA256 of the exact bytes of `reading` under the car's key, which the
//! carmaker derives from one secret and the VIN when it builds the car: the server needs no key
//! table, and a key leaked from one car signs for that car only.

pub mod client;
pub mod simulator;

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

/// The wire format's version.
pub const VERSION: u32 = 1;

const TOPIC_PREFIX: &str = "caas/v1/vehicles/";
const TOPIC_SUFFIX: &str = "/telemetry";

/// The shared subscription the instances of `group` join: the broker hands each reading to one of
/// them.
pub fn shared_subscription(group: &str) -> String {
    format!("$share/{group}/{TOPIC_PREFIX}+{TOPIC_SUFFIX}")
}

/// The topic car `vin` publishes its readings to.
pub fn topic(vin: &str) -> String {
    format!("{TOPIC_PREFIX}{vin}{TOPIC_SUFFIX}")
}

/// The VIN in a telemetry topic.
pub fn vin_of_topic(topic: &str) -> Option<&str> {
    topic.strip_prefix(TOPIC_PREFIX)?.strip_suffix(TOPIC_SUFFIX).filter(|vin| !vin.contains('/'))
}

/// Derives each car's signing key from the carmaker's telemetry secret.
#[derive(Clone)]
pub struct CarKeys {
    secret: Vec<u8>,
}

type HmacSha256 = Hmac<Sha256>;

impl CarKeys {
    /// Keys derived from `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self { secret: secret.to_vec() }
    }

    fn mac_for(&self, vin: &str) -> HmacSha256 {
        let mut derive = HmacSha256::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        derive.update(b"caas-telemetry-v1:");
        derive.update(vin.as_bytes());
        let key = derive.finalize().into_bytes();
        HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length")
    }

    /// The hex signature car `vin` puts on `reading` (the exact bytes sent).
    pub fn sign(&self, vin: &str, reading: &[u8]) -> String {
        let mut mac = self.mac_for(vin);
        mac.update(reading);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `signature` is car `vin`'s on `reading` (compared in constant time).
    pub fn verify(&self, vin: &str, reading: &[u8], signature: &str) -> bool {
        let Ok(expected) = hex::decode(signature) else { return false };
        let mut mac = self.mac_for(vin);
        mac.update(reading);
        mac.verify_slice(&expected).is_ok()
    }
}

/// A reading as a car sends it.
#[derive(Clone, Debug, Serialize)]
pub struct OutgoingReading {
    /// The car's counter, one more for each reading.
    pub seq: i64,
    /// When it was measured.
    pub ts: DateTime<Utc>,
    /// VSS signal name → value.
    pub signals: BTreeMap<String, serde_json::Value>,
}

/// The signed message car `vin` publishes for `reading`.
pub fn signed_message(keys: &CarKeys, vin: &str, reading: &OutgoingReading) -> Vec<u8> {
    let body = serde_json::json!({
        "seq": reading.seq,
        "ts": reading.ts.to_rfc3339_opts(SecondsFormat::Millis, true),
        "signals": reading.signals,
    })
    .to_string();
    let sig = keys.sign(vin, body.as_bytes());
    format!(r#"{{"v":{VERSION},"reading":{body},"sig":"{sig}"}}"#).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_name_their_car_and_nothing_else_matches() {
        assert_eq!(topic("WCAAS000000000001"), "caas/v1/vehicles/WCAAS000000000001/telemetry");
        assert_eq!(vin_of_topic("caas/v1/vehicles/WCAAS000000000001/telemetry"), Some("WCAAS000000000001"));
        assert_eq!(vin_of_topic("caas/v1/vehicles/a/b/telemetry"), None);
        assert_eq!(vin_of_topic("caas/v2/vehicles/X/telemetry"), None);
        assert_eq!(shared_subscription("caas"), "$share/caas/caas/v1/vehicles/+/telemetry");
    }

    #[test]
    fn a_car_key_signs_for_its_car_only() {
        let keys = CarKeys::new(b"secret");
        let signature = keys.sign("VIN1", b"{}");
        assert!(keys.verify("VIN1", b"{}", &signature));
        assert!(!keys.verify("VIN2", b"{}", &signature), "another car's key");
        assert!(!keys.verify("VIN1", b"{ }", &signature), "other bytes");
        assert!(!CarKeys::new(b"other").verify("VIN1", b"{}", &signature), "another carmaker secret");
        assert!(!keys.verify("VIN1", b"{}", "not hex"));
    }
}
