//! The way in: a batch of messages (from MQTT or the HTTP endpoint) is checked, de-duplicated by
//! (car, sequence) and stored in one transaction with the cars' latest values, their mileage and
//! the health rules' verdicts; every message is counted under what became of it.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use axum::body::Bytes;
use entity::{vehicle_telemetry, vehicles};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use secrecy::ExposeSecret;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::alerts::{self, Observation};
use super::reading::{self, Reading, Rejection, TelemetrySignal, Window};
use super::store;
use crate::app::{App, AppState};
use crate::error::ApiResult;
use crate::integrations::telemetry::CarKeys;
use crate::integrations::telemetry::client::{self, BrokerAddress, Delivery, Subscriber};
use crate::platform::db;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;

/// A message as it arrived.
#[derive(Clone, Debug)]
pub struct Incoming {
    /// The car it claims to come from (topic or URL).
    pub vin: String,
    /// The bytes sent.
    pub payload: Bytes,
}

/// What became of each message of a batch, in order.
pub type Outcomes = Vec<Result<(), Rejection>>;

/// Most messages stored in one transaction.
pub const BATCH: usize = 2_000;

/// Checks, stores and evaluates `batch`; counts each message in the metrics.
pub async fn ingest(app: &App, batch: &[Incoming]) -> ApiResult<Outcomes> {
    let keys = CarKeys::new(app.config.telemetry_secret.expose_secret().as_bytes());
    let now = app.clock.now();
    let window = Window::around(now, app.config.telemetry_raw_days);
    let cars = cars_of(app, batch).await?;
    let mut outcomes: Outcomes = Vec::with_capacity(batch.len());
    let mut accepted: Vec<(usize, &vehicles::Model, Reading)> = Vec::new();
    let mut seen = HashSet::new();
    for (index, message) in batch.iter().enumerate() {
        let checked = cars
            .get(message.vin.as_str())
            .ok_or(Rejection::UnknownVehicle)
            .and_then(|car| Ok((car, reading::check(&message.payload, &message.vin, &keys, window)?)))
            .and_then(|(car, reading)| {
                if seen.insert((car.id, reading.sequence)) { Ok((car, reading)) } else { Err(Rejection::Duplicate) }
            });
        match checked {
            Ok((car, reading)) => {
                accepted.push((index, car, reading));
                outcomes.push(Ok(()));
            }
            Err(rejection) => outcomes.push(Err(rejection)),
        }
    }
    if !accepted.is_empty() {
        let stored = store_accepted(app, &accepted).await?;
        for (index, car, reading) in &accepted {
            if !stored.contains(&(car.id, reading.sequence)) {
                outcomes[*index] = Err(Rejection::Duplicate);
            }
        }
    }
    count(app, &outcomes);
    Ok(outcomes)
}

async fn cars_of<'a>(app: &App, batch: &'a [Incoming]) -> Result<HashMap<&'a str, vehicles::Model>, DbErr> {
    let vins: HashSet<&str> = batch.iter().map(|message| message.vin.as_str()).collect();
    let rows = vehicles::Entity::find().filter(vehicles::Column::Vin.is_in(vins.iter().copied())).all(&app.db).await?;
    Ok(rows.into_iter().filter_map(|car| vins.get(car.vin.as_str()).map(|vin| (*vin, car))).collect())
}

fn count(app: &App, outcomes: &Outcomes) {
    let mut tally: HashMap<&str, usize> = HashMap::new();
    for outcome in outcomes {
        *tally.entry(outcome.err().map_or("stored", Rejection::label)).or_default() += 1;
    }
    for (outcome, count) in tally {
        app.metrics.count_readings(outcome, count);
    }
}

/// Stores the accepted readings; the keys newly stored.
async fn store_accepted(app: &App, accepted: &[(usize, &vehicles::Model, Reading)]) -> ApiResult<HashSet<(Uuid, i64)>> {
    let now = app.clock.now();
    let txn = db::begin_write(&app.db).await?;
    let rows: Vec<(Uuid, &Reading)> = accepted.iter().map(|(_, car, reading)| (car.id, reading)).collect();
    let stored = store::insert_readings(&txn, &rows, now).await?;
    // Each car's newest reading among those stored now.
    let mut newest: HashMap<Uuid, (&vehicles::Model, &Reading)> = HashMap::new();
    for (_, car, reading) in accepted.iter().filter(|(_, car, reading)| stored.contains(&(car.id, reading.sequence))) {
        let entry = newest.entry(car.id).or_insert((car, reading));
        if (reading.recorded_at, reading.sequence) > (entry.1.recorded_at, entry.1.sequence) {
            *entry = (car, reading);
        }
    }
    let mut ids: Vec<Uuid> = newest.keys().copied().collect();
    // The same order in every transaction: two instances never wait on each other in a circle.
    ids.sort_unstable();
    let before = store::latest_of(&txn, &ids).await?;
    let (mut latest_rows, mut raises, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for id in &ids {
        let (car, reading) = newest[id];
        let previous = before.get(id);
        if previous.is_some_and(|latest| latest.recorded_at >= reading.recorded_at) {
            continue; // a late reading: stored in the series, the present is newer
        }
        latest_rows.push(merged(previous, *id, reading, now));
        let mut car = car.clone();
        let km = reading.values.get(TelemetrySignal::TraveledDistance).map(|km| km.floor() as i32);
        if let Some(km) = km
            && km > car.mileage_km
        {
            raises.push((car.id, km));
            car.mileage_km = km;
        }
        changed.push((car, reading));
    }
    store::upsert_latest(&txn, latest_rows).await?;
    store::raise_mileage(&txn, &raises, now).await?;
    let mut outbox = Outbox::new();
    let observations: Vec<Observation<'_>> =
        changed.iter().map(|(car, reading)| Observation { vehicle: car, values: &reading.values }).collect();
    alerts::evaluate(app, &txn, &mut outbox, &observations).await?;
    for (car, reading) in &changed {
        outbox.push(DomainEvent::TelemetryReported { vehicle_id: car.id, sequence: reading.sequence });
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(stored)
}

/// The car's latest values after `reading`: each signal it carried, the others as they were.
fn merged(
    previous: Option<&vehicle_telemetry::Model>,
    vehicle_id: Uuid,
    reading: &Reading,
    now: chrono::DateTime<chrono::Utc>,
) -> vehicle_telemetry::Model {
    let values = &reading.values;
    let or_before = |signal, before: fn(&vehicle_telemetry::Model) -> Option<f64>| {
        values.get(signal).or_else(|| previous.and_then(before))
    };
    vehicle_telemetry::Model {
        vehicle_id,
        sequence: reading.sequence,
        recorded_at: reading.recorded_at,
        received_at: now,
        odometer_km: or_before(TelemetrySignal::TraveledDistance, |row| row.odometer_km),
        state_of_charge: or_before(TelemetrySignal::StateOfCharge, |row| row.state_of_charge),
        fuel_level: or_before(TelemetrySignal::FuelLevel, |row| row.fuel_level),
        speed_kmh: or_before(TelemetrySignal::Speed, |row| row.speed_kmh),
        low_voltage_battery: or_before(TelemetrySignal::LowVoltageBattery, |row| row.low_voltage_battery),
        fault_codes: values.fault_codes_text().or_else(|| previous.and_then(|row| row.fault_codes.clone())),
    }
}

/// Connections each instance keeps to the broker: the broker lets each have only so many
/// messages unacknowledged, and a batch is acknowledged once stored.
const MQTT_CONNECTIONS: usize = 8;
/// Batches stored at the same time, each for its own share of the cars: two writers never wait
/// for each other's rows (a car's latest values, its mileage).
const WRITERS: usize = 4;

/// The writer that stores car `vin`'s readings.
fn writer_of(vin: &str) -> usize {
    let hash = vin.bytes().fold(0_u32, |hash, byte| hash.wrapping_mul(31).wrapping_add(u32::from(byte)));
    hash as usize % WRITERS
}

/// Reads telemetry from the broker until `stop`, storing it in batches and acknowledging each
/// message once its batch is stored (a failed batch is tried again, never acknowledged unstored).
pub async fn run_mqtt(app: AppState, broker: BrokerAddress, stop: CancellationToken) {
    let (deliveries, mut received) = mpsc::unbounded_channel::<Delivery>();
    let subscriber = Subscriber {
        group: app.config.mqtt_group.clone(),
        instance: app.instance.clone(),
        durable: app.config.instance.is_some(),
        connections: MQTT_CONNECTIONS,
    };
    let connections = client::subscribe(&broker, &subscriber, deliveries, stop.clone());
    let (queues, writers): (Vec<_>, Vec<_>) = (0..WRITERS)
        .map(|_| {
            let (queue, batches) = mpsc::channel::<Vec<Delivery>>(2);
            (queue, tokio::spawn(write_batches(app.clone(), batches)))
        })
        .unzip();
    'receiving: while let Some(first) = received.recv().await {
        let mut shares: Vec<Vec<Delivery>> = (0..WRITERS).map(|_| Vec::new()).collect();
        shares[writer_of(&first.vin)].push(first);
        // Whatever else has arrived joins the batches, up to their size.
        let mut taken = 1;
        while taken < BATCH * WRITERS {
            let Ok(delivery) = received.try_recv() else { break };
            shares[writer_of(&delivery.vin)].push(delivery);
            taken += 1;
        }
        for (queue, share) in queues.iter().zip(shares) {
            if !share.is_empty() && queue.send(share).await.is_err() {
                break 'receiving;
            }
        }
    }
    drop(queues);
    for task in connections.into_iter().chain(writers) {
        let _ = task.await;
    }
}

async fn write_batches(app: AppState, mut batches: mpsc::Receiver<Vec<Delivery>>) {
    while let Some(batch) = batches.recv().await {
        let messages: Vec<Incoming> = batch
            .iter()
            .map(|delivery| Incoming { vin: delivery.vin.clone(), payload: delivery.payload.clone() })
            .collect();
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(100);
        while let Err(err) = ingest(&app, &messages).await {
            tracing::warn!(error = %err.message(), "storing telemetry failed; trying the batch again");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(10));
        }
        tracing::debug!(
            readings = batch.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "telemetry batch stored"
        );
        for delivery in batch {
            delivery.ack.send().await;
        }
    }
}
