//! The telemetry tables: readings stored in bulk (a reading already stored is skipped by its key),
//! each car's latest values, the mileage on the vehicle, hourly series and the down-sampling of
//! readings that aged out. Statements that differ between the databases are written for each.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeZone, Utc};
use entity::{telemetry_hourly, telemetry_readings, vehicle_telemetry, vehicles};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement, Value,
};
use uuid::Uuid;

use super::reading::{Reading, TelemetrySignal};

/// Rows per INSERT: far below PostgreSQL's 65,535 parameters.
const CHUNK: usize = 1_000;

/// Stores `readings` (car, reading) received at `received_at`; returns the keys of those newly
/// stored — a reading whose (car, sequence) is already there is not.
pub async fn insert_readings(
    db: &impl ConnectionTrait,
    readings: &[(Uuid, &Reading)],
    received_at: DateTime<Utc>,
) -> Result<HashSet<(Uuid, i64)>, DbErr> {
    use telemetry_readings::Column as C;
    let mut stored = HashSet::with_capacity(readings.len());
    for chunk in readings.chunks(CHUNK) {
        let mut insert = Query::insert();
        insert.into_table(telemetry_readings::Entity).columns([
            C::VehicleId,
            C::Sequence,
            C::RecordedAt,
            C::ReceivedAt,
            C::OdometerKm,
            C::StateOfCharge,
            C::FuelLevel,
            C::SpeedKmh,
            C::LowVoltageBattery,
            C::FaultCodes,
        ]);
        for (vehicle_id, reading) in chunk {
            let values = &reading.values;
            let mut row: Vec<Expr> =
                vec![(*vehicle_id).into(), reading.sequence.into(), reading.recorded_at.into(), received_at.into()];
            row.extend(TelemetrySignal::ALL.iter().map(|signal| values.get(*signal).into()));
            row.push(values.fault_codes_text().into());
            insert.values_panic(row);
        }
        insert.on_conflict(OnConflict::columns([C::VehicleId, C::Sequence]).do_nothing().to_owned());
        insert.returning(Query::returning().columns([C::VehicleId, C::Sequence]));
        for row in db.query_all_raw(db.get_database_backend().build(&insert)).await? {
            stored.insert((row.try_get("", "vehicle_id")?, row.try_get("", "sequence")?));
        }
    }
    Ok(stored)
}

/// The latest values of the cars `ids` that reported before.
pub async fn latest_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, vehicle_telemetry::Model>, DbErr> {
    let rows = vehicle_telemetry::Entity::find()
        .filter(vehicle_telemetry::Column::VehicleId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.vehicle_id, row)).collect())
}

/// Writes each car's latest values, unless another writer stored a later reading meanwhile.
pub async fn upsert_latest(db: &impl ConnectionTrait, rows: Vec<vehicle_telemetry::Model>) -> Result<(), DbErr> {
    use vehicle_telemetry::Column as C;
    for chunk in rows.chunks(CHUNK) {
        let models = chunk.iter().cloned().map(vehicle_telemetry::ActiveModel::from);
        let mut on_conflict = OnConflict::column(C::VehicleId);
        on_conflict
            .update_columns([
                C::Sequence,
                C::RecordedAt,
                C::ReceivedAt,
                C::OdometerKm,
                C::StateOfCharge,
                C::FuelLevel,
                C::SpeedKmh,
                C::LowVoltageBattery,
                C::FaultCodes,
            ])
            .action_and_where(Expr::cust("excluded.recorded_at > vehicle_telemetry.recorded_at"));
        vehicle_telemetry::Entity::insert_many(models).on_conflict(on_conflict).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Raises each car's mileage to the km given, never lowering it.
pub async fn raise_mileage(db: &impl ConnectionTrait, raises: &[(Uuid, i32)], now: DateTime<Utc>) -> Result<(), DbErr> {
    if raises.is_empty() {
        return Ok(());
    }
    if db.get_database_backend() == DbBackend::Postgres {
        // One statement for the whole batch.
        let mut values = Vec::with_capacity(raises.len() * 2 + 1);
        let rows: Vec<String> = raises
            .iter()
            .enumerate()
            .map(|(index, (id, km))| {
                values.push(Value::from(*id));
                values.push(Value::from(*km));
                format!("(${}::uuid, ${}::int4)", index * 2 + 1, index * 2 + 2)
            })
            .collect();
        values.push(Value::from(now));
        let sql = format!(
            "UPDATE vehicles SET mileage_km = raised.km, updated_at = ${} FROM (VALUES {}) AS raised(id, km) \
             WHERE vehicles.id = raised.id AND vehicles.mileage_km < raised.km",
            values.len(),
            rows.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await?;
        return Ok(());
    }
    for (id, km) in raises {
        vehicles::Entity::update_many()
            .col_expr(vehicles::Column::MileageKm, Expr::value(*km))
            .col_expr(vehicles::Column::UpdatedAt, Expr::value(now))
            .filter(vehicles::Column::Id.eq(*id))
            .filter(vehicles::Column::MileageKm.lt(*km))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The hour (its start, seconds since 1970) of `recorded_at`, as SQL of `backend`.
fn hour_of_recorded_at(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "(floor(extract(epoch from recorded_at) / 3600) * 3600)::bigint",
        _ => "((CAST(strftime('%s', recorded_at) AS INTEGER) / 3600) * 3600)",
    }
}

/// One point of a series: a raw reading (min = max = value, one sample) or an hour.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The reading's time, or the hour's start.
    pub at: DateTime<Utc>,
    /// The value, or the hour's average.
    pub value: f64,
    /// The hour's lowest.
    pub min: f64,
    /// The hour's highest.
    pub max: f64,
    /// Readings behind the point.
    pub samples: i32,
}

/// The raw readings of `signal` of a car in `[from, to)`, oldest first, at most `limit`.
pub async fn raw_series(
    db: &impl ConnectionTrait,
    vehicle_id: Uuid,
    signal: TelemetrySignal,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    limit: u64,
) -> Result<Vec<Point>, DbErr> {
    let column = Expr::col(sea_orm::sea_query::Alias::new(signal.column()));
    let rows = telemetry_readings::Entity::find()
        .select_only()
        .column(telemetry_readings::Column::RecordedAt)
        .column_as(column.clone(), "value")
        .filter(telemetry_readings::Column::VehicleId.eq(vehicle_id))
        .filter(telemetry_readings::Column::RecordedAt.gte(from))
        .filter(telemetry_readings::Column::RecordedAt.lt(to))
        .filter(column.is_not_null())
        .order_by_asc(telemetry_readings::Column::RecordedAt)
        .limit(limit)
        .into_tuple::<(DateTime<Utc>, f64)>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(at, value)| Point { at, value, min: value, max: value, samples: 1 }).collect())
}

/// The hourly series of `signal` of a car in `[from, to)`: hours already down-sampled, and the
/// hours still raw grouped on the fly.
pub async fn hourly_series(
    db: &impl ConnectionTrait,
    vehicle_id: Uuid,
    signal: TelemetrySignal,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Point>, DbErr> {
    let (first_hour, end) = (from.timestamp().div_euclid(3600) * 3600, to.timestamp());
    let stored = telemetry_hourly::Entity::find()
        .filter(telemetry_hourly::Column::VehicleId.eq(vehicle_id))
        .filter(telemetry_hourly::Column::Signal.eq(signal.column()))
        .filter(telemetry_hourly::Column::HourStart.gte(first_hour))
        .filter(telemetry_hourly::Column::HourStart.lt(end))
        .all(db)
        .await?;
    let backend = db.get_database_backend();
    let hour = hour_of_recorded_at(backend);
    let column = signal.column();
    let (p1, p2, p3) = if backend == DbBackend::Postgres { ("$1", "$2", "$3") } else { ("?", "?", "?") };
    let sql = format!(
        "SELECT {hour} AS hour, MIN({column}) AS low, MAX({column}) AS high, AVG({column}) AS mean, \
         COUNT({column}) AS samples FROM telemetry_readings \
         WHERE vehicle_id = {p1} AND recorded_at >= {p2} AND recorded_at < {p3} AND {column} IS NOT NULL \
         GROUP BY 1 ORDER BY 1"
    );
    let start = Utc.timestamp_opt(first_hour, 0).single().unwrap_or(from);
    let values = vec![Value::from(vehicle_id), Value::from(start), Value::from(to)];
    let mut hours: std::collections::BTreeMap<i64, Point> = stored
        .into_iter()
        .map(|row| (row.hour_start, point(row.hour_start, row.avg_value, row.min_value, row.max_value, row.samples)))
        .collect();
    for row in db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await? {
        let (start, samples): (i64, i64) = (row.try_get("", "hour")?, row.try_get("", "samples")?);
        let raw =
            point(start, row.try_get("", "mean")?, row.try_get("", "low")?, row.try_get("", "high")?, samples as i32);
        hours.entry(start).and_modify(|kept| *kept = combine(kept, &raw)).or_insert(raw);
    }
    Ok(hours.into_values().collect())
}

fn point(hour_start: i64, value: f64, min: f64, max: f64, samples: i32) -> Point {
    let at = Utc.timestamp_opt(hour_start, 0).single().unwrap_or_default();
    Point { at, value, min, max, samples }
}

/// Two summaries of the same hour as one.
fn combine(a: &Point, b: &Point) -> Point {
    let samples = a.samples + b.samples;
    let value = (a.value * f64::from(a.samples) + b.value * f64::from(b.samples)) / f64::from(Ord::max(samples, 1));
    Point { at: a.at, value, min: a.min.min(b.min), max: a.max.max(b.max), samples }
}

/// Summarises every raw reading measured before `cutoff` (an hour's start) into hourly rows and
/// deletes them; returns how many readings were summarised.
pub async fn downsample_before(db: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let hour = hour_of_recorded_at(backend);
    let (least, greatest, p1) =
        if backend == DbBackend::Postgres { ("LEAST", "GREATEST", "$1") } else { ("min", "max", "?") };
    for signal in TelemetrySignal::ALL {
        let column = signal.column();
        let sql = format!(
            "INSERT INTO telemetry_hourly (vehicle_id, signal, hour_start, min_value, max_value, avg_value, samples) \
             SELECT vehicle_id, '{column}', {hour}, MIN({column}), MAX({column}), AVG({column}), COUNT({column}) \
             FROM telemetry_readings WHERE recorded_at < {p1} AND {column} IS NOT NULL GROUP BY vehicle_id, {hour} \
             ON CONFLICT (vehicle_id, signal, hour_start) DO UPDATE SET \
             min_value = {least}(telemetry_hourly.min_value, excluded.min_value), \
             max_value = {greatest}(telemetry_hourly.max_value, excluded.max_value), \
             avg_value = (telemetry_hourly.avg_value * telemetry_hourly.samples + excluded.avg_value * excluded.samples) \
               / (telemetry_hourly.samples + excluded.samples), \
             samples = telemetry_hourly.samples + excluded.samples"
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, [Value::from(cutoff)])).await?;
    }
    let deleted = telemetry_readings::Entity::delete_many()
        .filter(telemetry_readings::Column::RecordedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
