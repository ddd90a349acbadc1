//! A month of telemetry for the demo's cars on the road: hourly summaries for the older days, raw
//! readings every half hour for the last two, and the latest values — so the health page has
//! something to draw from the first start.

use chrono::{DateTime, Duration, DurationRound, Utc};
use entity::{telemetry_hourly, vehicle_telemetry, vehicles};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::telemetry::reading::{Reading, SignalValues, TelemetrySignal};
use crate::telemetry::store;

/// Days of history.
const DAYS: i64 = 30;
/// Days of it kept raw.
const RAW_DAYS: i64 = 2;
/// Km the car drives a day.
const KM_PER_DAY: f64 = 38.0;

/// The car's odometer and state of charge `hours_ago` hours before the present, drawn from smooth
/// daily rhythms (no randomness: the same demo every time).
fn state_at(mileage_km: i32, hours_ago: f64) -> (f64, f64) {
    let odometer = (f64::from(mileage_km) - KM_PER_DAY * hours_ago / 24.0).max(0.0);
    // Charged to 90 % every third night, drained by the driving in between.
    let cycle = (hours_ago / 72.0).fract();
    let charge = 35.0 + 55.0 * cycle + 3.0 * (hours_ago / 5.0).sin();
    (odometer, charge.clamp(5.0, 100.0))
}

fn values(odometer: f64, charge: f64) -> SignalValues {
    let mut values = SignalValues::default();
    values.numbers[TelemetrySignal::TraveledDistance as usize] = Some((odometer * 10.0).round() / 10.0);
    values.numbers[TelemetrySignal::StateOfCharge as usize] = Some((charge * 10.0).round() / 10.0);
    values.fault_codes = Some(Vec::new());
    values
}

/// Seeds the history of `car` up to `now`.
pub async fn history(db: &impl ConnectionTrait, now: DateTime<Utc>, car: &vehicles::Model) -> anyhow::Result<()> {
    let present = now.duration_trunc(Duration::minutes(30)).unwrap_or(now);
    let raw_from = present - Duration::days(RAW_DAYS);
    let mut hours = Vec::new();
    let mut hour = (present - Duration::days(DAYS)).duration_trunc(Duration::hours(1)).unwrap_or(present);
    while hour < raw_from {
        let hours_ago = (now - hour).num_minutes() as f64 / 60.0;
        let (odometer, charge) = state_at(car.mileage_km, hours_ago);
        let (later_odometer, later_charge) = state_at(car.mileage_km, hours_ago - 1.0);
        for (signal, low, high) in [
            (TelemetrySignal::TraveledDistance, odometer, later_odometer),
            (TelemetrySignal::StateOfCharge, charge.min(later_charge), charge.max(later_charge)),
        ] {
            hours.push(telemetry_hourly::ActiveModel {
                vehicle_id: Set(car.id),
                signal: Set(signal.column().to_owned()),
                hour_start: Set(hour.timestamp()),
                min_value: Set(low),
                max_value: Set(high),
                avg_value: Set((low + high) / 2.0),
                samples: Set(2),
            });
        }
        hour += Duration::hours(1);
    }
    for chunk in hours.chunks(500) {
        telemetry_hourly::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    let first_sequence = raw_from.timestamp();
    let mut readings = Vec::new();
    let mut at = raw_from;
    while at < present {
        let (odometer, charge) = state_at(car.mileage_km, (now - at).num_minutes() as f64 / 60.0);
        let sequence = first_sequence + readings.len() as i64;
        readings.push(Reading { sequence, recorded_at: at, values: values(odometer, charge) });
        at += Duration::minutes(30);
    }
    let rows: Vec<_> = readings.iter().map(|reading| (car.id, reading)).collect();
    store::insert_readings(db, &rows, now).await?;
    if let Some(last) = readings.last() {
        vehicle_telemetry::Entity::insert(vehicle_telemetry::ActiveModel {
            vehicle_id: Set(car.id),
            sequence: Set(last.sequence),
            recorded_at: Set(last.recorded_at),
            received_at: Set(now),
            odometer_km: Set(last.values.get(TelemetrySignal::TraveledDistance)),
            state_of_charge: Set(last.values.get(TelemetrySignal::StateOfCharge)),
            fuel_level: Set(None),
            speed_kmh: Set(Some(0.0)),
            low_voltage_battery: Set(Some(12.6)),
            fault_codes: Set(Some(String::new())),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}
