//! Health alerts, one per episode (Traccar's model): a rule fires when its condition starts and the
//! alert stays open — no second one — until the condition clears, which closes it. A new fault code
//! (also suggesting a workshop, and a diagnostic draft at the workshop where the car is booked), the
//! battery low, the service due by mileage, the car silent too long. The owner is told in the app,
//! by e-mail and on the car's display.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    BookingStatus, DiagnosticStatus, DiagnosticType, HealthAlertKind, NotificationChannel, bookings,
    diagnostic_sessions, health_alerts, regions, repair_orders, users, vehicle_telemetry, vehicles, workshops,
};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::reading::{SignalValues, TelemetrySignal};
use crate::app::App;
use crate::domain::Locale;
use crate::error::ApiResult;
use crate::notifications::service::notify;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;
use crate::workshops::fault_codes::FaultCode;

/// Points of state of charge above the threshold before a low battery counts as cleared (so a
/// car hovering at the threshold does not raise one alert per reading).
const BATTERY_HYSTERESIS: f64 = 5.0;

/// Where the owner hears of a new alert.
const CHANNELS: &[NotificationChannel] =
    &[NotificationChannel::InApp, NotificationChannel::Email, NotificationChannel::InCar];

/// What a car's newest reading tells the rules.
pub struct Observation<'a> {
    /// The car, with its mileage after this reading.
    pub vehicle: &'a vehicles::Model,
    /// The newest reading's values.
    pub values: &'a SignalValues,
}

/// An alert to open.
struct Opening {
    vehicle: vehicles::Model,
    kind: HealthAlertKind,
    fault_code: Option<FaultCode>,
    value: Option<f64>,
}

fn episode(kind: HealthAlertKind, code: Option<&FaultCode>) -> String {
    match code {
        Some(code) => format!("FAULT_CODE:{}", code.as_str()),
        None => format!("{kind:?}"),
    }
}

/// The open alerts of the cars `ids`, by car.
async fn open_alerts(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, Vec<health_alerts::Model>>> {
    let mut by_car: HashMap<Uuid, Vec<health_alerts::Model>> = HashMap::new();
    let rows = health_alerts::Entity::find()
        .filter(health_alerts::Column::VehicleId.is_in(ids))
        .filter(health_alerts::Column::ClosedAt.is_null())
        .all(db)
        .await?;
    for row in rows {
        by_car.entry(row.vehicle_id).or_default().push(row);
    }
    Ok(by_car)
}

/// Applies the rules to each car's newest reading: opens the alerts whose condition started,
/// closes those whose condition cleared.
pub async fn evaluate(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    observations: &[Observation<'_>],
) -> ApiResult<()> {
    let open = open_alerts(db, observations.iter().map(|seen| seen.vehicle.id).collect()).await?;
    let (mut openings, mut closings) = (Vec::new(), Vec::new());
    let battery_low = app.config.telemetry_battery_low_percent;
    for seen in observations {
        let mine = open.get(&seen.vehicle.id).map(Vec::as_slice).unwrap_or_default();
        let is_open = |kind| mine.iter().any(|alert| alert.kind == kind);
        let mut opening = |kind, fault_code, value| {
            openings.push(Opening { vehicle: seen.vehicle.clone(), kind, fault_code, value });
        };
        if let Some(codes) = &seen.values.fault_codes {
            for code in codes {
                if !mine.iter().any(|alert| alert.fault_code.as_deref() == Some(code.as_str())) {
                    opening(HealthAlertKind::FaultCode, Some(code.clone()), None);
                }
            }
            closings.extend(mine.iter().filter(|alert| {
                alert.kind == HealthAlertKind::FaultCode
                    && !codes.iter().any(|code| alert.fault_code.as_deref() == Some(code.as_str()))
            }));
        }
        if let Some(charge) = seen.values.get(TelemetrySignal::StateOfCharge) {
            if charge < battery_low && !is_open(HealthAlertKind::BatteryLow) {
                opening(HealthAlertKind::BatteryLow, None, Some(charge));
            } else if charge >= battery_low + BATTERY_HYSTERESIS {
                closings.extend(mine.iter().filter(|alert| alert.kind == HealthAlertKind::BatteryLow));
            }
        }
        let mileage = seen.vehicle.mileage_km;
        match seen.vehicle.service_due_km {
            Some(due) if mileage >= due => {
                if !is_open(HealthAlertKind::ServiceDue) {
                    opening(HealthAlertKind::ServiceDue, None, Some(f64::from(mileage)));
                }
            }
            _ => closings.extend(mine.iter().filter(|alert| alert.kind == HealthAlertKind::ServiceDue)),
        }
        closings.extend(mine.iter().filter(|alert| alert.kind == HealthAlertKind::Silent));
    }
    let now = app.clock.now();
    close(db, outbox, closings.into_iter().cloned().collect(), now).await?;
    for opening in openings {
        open_one(app, db, outbox, opening, now).await?;
    }
    Ok(())
}

/// Closes `alerts` at `now`.
async fn close(
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    alerts: Vec<health_alerts::Model>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if alerts.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = alerts.iter().map(|alert| alert.id).collect();
    health_alerts::Entity::update_many()
        .col_expr(health_alerts::Column::ClosedAt, Expr::value(now))
        .filter(health_alerts::Column::Id.is_in(ids))
        .filter(health_alerts::Column::ClosedAt.is_null())
        .exec(db)
        .await?;
    for alert in alerts {
        outbox.push(DomainEvent::HealthAlertChanged { vehicle_id: alert.vehicle_id, alert_id: alert.id });
    }
    Ok(())
}

/// Opens an alert unless the same episode is open already (another instance may have opened it a
/// moment ago: the database keeps one), then tells the owner.
async fn open_one(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    opening: Opening,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Opening { vehicle, kind, fault_code, value } = opening;
    let suggests_workshop = matches!(kind, HealthAlertKind::FaultCode | HealthAlertKind::ServiceDue);
    let booking = match kind {
        HealthAlertKind::FaultCode => upcoming_booking(db, vehicle.id, now).await?,
        _ => None,
    };
    let id = Uuid::now_v7();
    let diagnostic_session_id = match (&booking, &fault_code) {
        (Some(booking), Some(code)) => Some(diagnostic_draft(db, booking, code, now).await?),
        _ => None,
    };
    let alert = health_alerts::ActiveModel {
        id: Set(id),
        vehicle_id: Set(vehicle.id),
        kind: Set(kind),
        fault_code: Set(fault_code.as_ref().map(|code| code.as_str().to_owned())),
        episode: Set(episode(kind, fault_code.as_ref())),
        value: Set(value),
        opened_at: Set(now),
        closed_at: Set(None),
        suggests_workshop: Set(suggests_workshop),
        booking_id: Set(booking.as_ref().map(|booking| booking.id)),
        diagnostic_session_id: Set(diagnostic_session_id),
    };
    let mut once = OnConflict::columns([health_alerts::Column::VehicleId, health_alerts::Column::Episode]);
    once.target_and_where(Expr::col(health_alerts::Column::ClosedAt).is_null()).do_nothing();
    let inserted = health_alerts::Entity::insert(alert).on_conflict(once).exec_without_returning(db).await?;
    if inserted == 0 {
        return Ok(());
    }
    outbox.push(DomainEvent::HealthAlertChanged { vehicle_id: vehicle.id, alert_id: id });
    let Some(owner_id) = vehicle.owner_id else { return Ok(()) };
    let locale = match users::Entity::find_by_id(owner_id).one(db).await? {
        Some(owner) => Locale::from_tag(&owner.locale).unwrap_or_default(),
        None => return Ok(()),
    };
    let template = match kind {
        HealthAlertKind::FaultCode => "health.fault_code",
        HealthAlertKind::BatteryLow => "health.battery_low",
        HealthAlertKind::ServiceDue => "health.service_due",
        HealthAlertKind::Silent => "health.silent",
    };
    let payload = json!({
        "vin": vehicle.vin,
        "code": fault_code.as_ref().map(FaultCode::as_str),
        "description": fault_code.as_ref().map(|code| describe(code, locale)),
        "value": value.map(f64::round),
    });
    notify(app, db, outbox, owner_id, template, payload, CHANNELS).await
}

/// A code's meaning for people in `locale`: its description, else its subsystem.
pub fn describe(code: &FaultCode, locale: Locale) -> String {
    code.description(locale).unwrap_or_else(|| code.subsystem(locale)).to_owned()
}

/// The booking that brings the car to a workshop: the one it is checked in on now, else its next
/// requested or confirmed one not yet over.
async fn upcoming_booking(
    db: &impl ConnectionTrait,
    vehicle_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<Option<bookings::Model>> {
    let of_car = || bookings::Entity::find().filter(bookings::Column::VehicleId.eq(vehicle_id));
    let checked_in = of_car()
        .filter(bookings::Column::Status.eq(BookingStatus::CheckedIn))
        .order_by_desc(bookings::Column::StartsAt)
        .one(db)
        .await?;
    if checked_in.is_some() {
        return Ok(checked_in);
    }
    Ok(of_car()
        .filter(bookings::Column::Status.is_in([BookingStatus::Requested, BookingStatus::Confirmed]))
        .filter(bookings::Column::EndsAt.gt(now))
        .order_by_asc(bookings::Column::StartsAt)
        .one(db)
        .await?)
}

/// A diagnostic session draft at the booking's workshop with the code the car reported, for the
/// technician to start from when the car arrives.
async fn diagnostic_draft(
    db: &impl ConnectionTrait,
    booking: &bookings::Model,
    code: &FaultCode,
    now: DateTime<Utc>,
) -> ApiResult<Uuid> {
    let currency = match workshops::Entity::find_by_id(booking.workshop_id).one(db).await? {
        Some(workshop) => regions::Entity::find_by_id(workshop.region_id).one(db).await?.map(|region| region.currency),
        None => None,
    };
    // A car already checked in gets the draft on its repair order.
    let repair_order = repair_orders::Entity::find()
        .filter(repair_orders::Column::BookingId.eq(booking.id))
        .one(db)
        .await?
        .map(|order| order.id);
    let id = Uuid::now_v7();
    diagnostic_sessions::Entity::insert(diagnostic_sessions::ActiveModel {
        id: Set(id),
        workshop_id: Set(booking.workshop_id),
        vehicle_id: Set(booking.vehicle_id),
        repair_order_id: Set(repair_order),
        session_type: Set(DiagnosticType::Obd2),
        fault_codes: Set(json!([code.as_str()])),
        symptoms: Set(format!("Reported by the car: {}", code.as_str())),
        technician_notes: Set(String::new()),
        cost_estimate_minor: Set(0),
        currency: Set(currency.unwrap_or_else(|| "EUR".to_owned())),
        status: Set(DiagnosticStatus::Draft),
        recorded_by: Set(booking.booked_by),
        created_at: Set(now),
        closed_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Opens a silent alert for every owned car whose latest reading is older than `since`.
pub async fn open_silent(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    since: DateTime<Utc>,
) -> ApiResult<usize> {
    let quiet =
        vehicle_telemetry::Entity::find().filter(vehicle_telemetry::Column::RecordedAt.lt(since)).all(db).await?;
    if quiet.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = quiet.iter().map(|latest| latest.vehicle_id).collect();
    let open = open_alerts(db, ids.clone()).await?;
    let cars = vehicles::Entity::find().filter(vehicles::Column::Id.is_in(ids)).all(db).await?;
    let now = app.clock.now();
    let mut opened = 0;
    for (latest, vehicle) in quiet.iter().filter_map(|latest| {
        cars.iter().find(|car| car.id == latest.vehicle_id && car.owner_id.is_some()).map(|car| (latest, car))
    }) {
        let silent_already =
            open.get(&vehicle.id).is_some_and(|alerts| alerts.iter().any(|a| a.kind == HealthAlertKind::Silent));
        if silent_already {
            continue;
        }
        let hours = (now - latest.recorded_at).num_minutes() as f64 / 60.0;
        let opening =
            Opening { vehicle: vehicle.clone(), kind: HealthAlertKind::Silent, fault_code: None, value: Some(hours) };
        open_one(app, db, outbox, opening, now).await?;
        opened += 1;
    }
    Ok(opened)
}
