//! The cars' side of telemetry, driven by the fleet simulator: every car on the road reports on a
//! timer — mileage grows while it drives, the battery drains and is charged again, a fault code
//! appears now and then (at a set rate) and clears after a while. Readings go to the broker when
//! one is configured, else over HTTP to the server's IoT endpoint, signed with each car's key.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::Utc;
use entity::{VehicleStatus, vehicles};
use rand::Rng;
use rand::seq::IndexedRandom;
use rumqttc::{AsyncClient, QoS};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::client::BrokerAddress;
use super::{CarKeys, OutgoingReading, signed_message, topic};

/// Codes a simulated car may report: a misfire, a lean mixture, a weak 12 V battery, a network fault.
const FAULTS: [&str; 4] = ["P0301", "P0171", "P0562", "U0100"];
/// Readings a fault stays before it clears.
const FAULT_READINGS: u32 = 20;

/// Where and how often the simulated cars report.
#[derive(Clone, Debug)]
pub struct TelemetrySimulatorConfig {
    /// Seconds between two reports of a car.
    pub interval: Duration,
    /// Chance that a report carries a new fault code.
    pub fault_rate: f64,
    /// The broker, when one is configured.
    pub broker: Option<BrokerAddress>,
    /// The server's base URL (for HTTP).
    pub server_url: String,
}

#[derive(Clone, Debug)]
struct SimCar {
    seq: i64,
    odometer_km: f64,
    state_of_charge: f64,
    charging: bool,
    fault: Option<(&'static str, u32)>,
}

impl SimCar {
    fn new(mileage_km: i32, rng: &mut impl Rng) -> Self {
        Self {
            seq: Utc::now().timestamp_millis(),
            odometer_km: f64::from(mileage_km),
            state_of_charge: rng.random_range(45.0..90.0),
            charging: false,
            fault: None,
        }
    }

    /// The car after `hours` more of its life, and what it reports.
    fn advance(&mut self, hours: f64, fault_rate: f64, rng: &mut impl Rng) -> OutgoingReading {
        let mut speed = 0.0;
        if self.charging {
            self.state_of_charge = (self.state_of_charge + 40.0 * hours).min(100.0);
            self.charging = self.state_of_charge < 90.0;
        } else if rng.random_bool(0.6) {
            speed = rng.random_range(25.0..120.0);
            let distance = speed * hours;
            self.odometer_km += distance;
            self.state_of_charge = (self.state_of_charge - distance * 0.25).max(0.0);
            self.charging = self.state_of_charge < 20.0;
        }
        self.fault = match self.fault {
            Some((code, left)) if left > 1 => Some((code, left - 1)),
            Some(_) => None,
            None if rng.random_bool(fault_rate.clamp(0.0, 1.0)) => {
                FAULTS.choose(rng).map(|code| (*code, FAULT_READINGS))
            }
            None => None,
        };
        self.seq += 1;
        let codes: Vec<&str> = self.fault.iter().map(|(code, _)| *code).collect();
        let signals = BTreeMap::from([
            ("Vehicle.TraveledDistance".to_owned(), json!((self.odometer_km * 10.0).round() / 10.0)),
            (
                "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current".to_owned(),
                json!((self.state_of_charge * 10.0).round() / 10.0),
            ),
            ("Vehicle.Speed".to_owned(), json!(speed.round())),
            ("Vehicle.LowVoltageBattery.CurrentVoltage".to_owned(), json!(rng.random_range(12.2..14.4_f64))),
            ("Vehicle.OBD.DTCList".to_owned(), json!(codes)),
        ]);
        OutgoingReading { seq: self.seq, ts: Utc::now(), signals }
    }
}

enum Transport {
    Mqtt(AsyncClient),
    Http(reqwest::Client, String),
}

impl Transport {
    async fn send(&self, vin: &str, message: Vec<u8>) {
        let sent = match self {
            Self::Mqtt(client) => {
                client.publish(topic(vin), QoS::AtLeastOnce, false, message).await.map_err(|e| e.to_string())
            }
            Self::Http(http, base) => http
                .post(format!("{base}/iot/v1/vehicles/{vin}/telemetry"))
                .header("content-type", "application/json")
                .body(message)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        };
        if let Err(err) = sent {
            tracing::debug!(error = %err, "a simulated car could not report");
        }
    }
}

/// Runs the simulated cars' reports until `stop`: the cars are the vehicles on the road (delivered)
/// at each round.
pub async fn run(config: TelemetrySimulatorConfig, keys: CarKeys, db: DatabaseConnection, stop: CancellationToken) {
    let transport = match &config.broker {
        Some(broker) => {
            let (client, mut events) =
                AsyncClient::new(broker.options(&format!("caas-fleet-{}", std::process::id())), 1024);
            let stop = stop.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        () = stop.cancelled() => break,
                        event = events.poll() => if event.is_err() {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        },
                    }
                }
            });
            Transport::Mqtt(client)
        }
        None => Transport::Http(reqwest::Client::new(), config.server_url.trim_end_matches('/').to_owned()),
    };
    let mut cars: HashMap<String, SimCar> = HashMap::new();
    let mut ticks = tokio::time::interval(config.interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let hours = config.interval.as_secs_f64() / 3600.0;
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = ticks.tick() => {}
        }
        let on_the_road =
            match vehicles::Entity::find().filter(vehicles::Column::Status.eq(VehicleStatus::Delivered)).all(&db).await
            {
                Ok(rows) => rows,
                Err(err) => {
                    tracing::debug!(error = %err, "the simulated fleet could not list its cars");
                    continue;
                }
            };
        for vehicle in on_the_road {
            let message = {
                let mut rng = rand::rng();
                let car = cars.entry(vehicle.vin.clone()).or_insert_with(|| SimCar::new(vehicle.mileage_km, &mut rng));
                signed_message(&keys, &vehicle.vin, &car.advance(hours, config.fault_rate, &mut rng))
            };
            transport.send(&vehicle.vin, message).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_driven_car_gains_mileage_and_charges_when_low() {
        let mut rng = rand::rng();
        let mut car = SimCar::new(1_000, &mut rng);
        let first = car.seq;
        let mut faults = 0;
        for _ in 0..500 {
            let reading = car.advance(0.1, 0.05, &mut rng);
            let soc =
                reading.signals["Vehicle.Powertrain.TractionBattery.StateOfCharge.Current"].as_f64().expect("soc");
            assert!((0.0..=100.0).contains(&soc));
            faults +=
                usize::from(reading.signals["Vehicle.OBD.DTCList"].as_array().is_some_and(|codes| !codes.is_empty()));
        }
        assert_eq!(car.seq, first + 500, "one sequence number per reading");
        assert!(car.odometer_km > 1_000.0, "it drove");
        assert!(faults > 0, "faults appear at the set rate");
    }
}
