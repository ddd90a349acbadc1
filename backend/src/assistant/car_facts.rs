//! What the assistant may tell about a car the asker may read, as short passages in their language:
//! model and firmware, features on and when they end, maintenance, open health alerts with their
//! decoded fault codes, bookings and repair orders.

use chrono::{DateTime, Utc};
use entity::{
    ActivationStatus, BookingStatus, HealthAlertKind, RepairOrderStatus, activations, bookings, feature_texts,
    health_alerts, maintenance_records, repair_orders, vehicle_models, vehicles, workshops,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::retrieval::{Passage, Source};
use crate::app::App;
use crate::auth::Viewer;
use crate::domain::locale::Locale;
use crate::error::ApiResult;
use crate::policy::{self, Access};
use crate::workshops::fault_codes::FaultCode;

/// The car `vin` if `viewer` may read its history: what the assistant may tell about it.
pub async fn readable_car(app: &App, viewer: &Viewer, vin: &str) -> ApiResult<vehicles::Model> {
    crate::fleet::service::vehicle_for(app, viewer, vin, Access::History).await
}

/// The car's facts as passages in `locale`: model and firmware, features on and ending, maintenance,
/// open health alerts with their decoded fault codes (when the viewer may see its telemetry),
/// bookings and repair orders.
pub async fn car_passages(
    app: &App,
    viewer: &Viewer,
    car: &vehicles::Model,
    locale: Locale,
) -> ApiResult<Vec<Passage>> {
    let db = &app.db;
    let now = app.clock.now();
    let mut passages = vec![identity(db, car, locale).await?];
    passages.push(features(db, car, locale).await?);
    passages.push(maintenance(db, car, locale, now).await?);
    if policy::vehicle(app, viewer, car, Access::Telemetry).await.is_ok() {
        passages.extend(alerts(db, car, locale).await?);
    }
    passages.extend(bookings_of(db, car, locale, now).await?);
    passages.extend(repairs(db, car, locale).await?);
    Ok(passages)
}

fn car_fact(topic: &str, title: String, text: String) -> Passage {
    Passage { source: Source::Car { topic: topic.to_owned() }, title, text, tags: Vec::new() }
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

async fn identity(db: &impl ConnectionTrait, car: &vehicles::Model, locale: Locale) -> ApiResult<Passage> {
    let model = vehicle_models::Entity::find_by_id(car.model_id).one(db).await?;
    let name = model.as_ref().map_or_else(String::new, |model| format!("{} {}", model.name, model.model_year));
    let (fw, km) = (&car.firmware_version, car.mileage_km);
    let (title, text) = match locale {
        Locale::En => (
            "Your car: model, software version (firmware) and mileage".to_owned(),
            format!("Your car {vin} is a {name} with firmware {fw} and {km} km on the clock.", vin = car.vin),
        ),
        Locale::De => (
            "Ihr Auto: Modell, Softwareversion (Firmware) und Kilometerstand".to_owned(),
            format!("Ihr Auto {vin} ist ein {name} mit Firmware {fw} und {km} km Kilometerstand.", vin = car.vin),
        ),
        Locale::Es => (
            "Su coche: modelo, versión de software (firmware) y kilometraje".to_owned(),
            format!("Su coche {vin} es un {name} con firmware {fw} y {km} km.", vin = car.vin),
        ),
    };
    Ok(car_fact("car", title, text))
}

async fn features(db: &impl ConnectionTrait, car: &vehicles::Model, locale: Locale) -> ApiResult<Passage> {
    let live = activations::Entity::find()
        .filter(activations::Column::VehicleId.eq(car.id))
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .all(db)
        .await?;
    let names = feature_texts::Entity::find()
        .filter(feature_texts::Column::FeatureId.is_in(live.iter().map(|a| a.feature_id)))
        .filter(feature_texts::Column::Locale.eq(locale.tag()))
        .all(db)
        .await?;
    let name_of = |id: Uuid| names.iter().find(|text| text.feature_id == id).map_or("?", |text| text.name.as_str());
    let listed: Vec<String> = live
        .iter()
        .map(|activation| match (activation.ends_at, locale) {
            (Some(end), Locale::En) => format!("{} (until {})", name_of(activation.feature_id), day(end)),
            (Some(end), Locale::De) => format!("{} (bis {})", name_of(activation.feature_id), day(end)),
            (Some(end), Locale::Es) => format!("{} (hasta el {})", name_of(activation.feature_id), day(end)),
            (None, _) => name_of(activation.feature_id).to_owned(),
        })
        .collect();
    let list = listed.join(", ");
    let (title, text) = match (locale, listed.is_empty()) {
        (Locale::En, false) => ("Your car's active features and when they end", format!("Active on your car: {list}.")),
        (Locale::En, true) => ("Your car's active features", "No bought feature is active on your car.".to_owned()),
        (Locale::De, false) => {
            ("Aktive Funktionen Ihres Autos und wann sie enden", format!("Aktiv in Ihrem Auto: {list}."))
        }
        (Locale::De, true) => {
            ("Aktive Funktionen Ihres Autos", "In Ihrem Auto ist keine gekaufte Funktion aktiv.".into())
        }
        (Locale::Es, false) => {
            ("Funciones activas de su coche y cuándo terminan", format!("Activas en su coche: {list}."))
        }
        (Locale::Es, true) => {
            ("Funciones activas de su coche", "No hay ninguna función comprada activa en su coche.".into())
        }
    };
    Ok(car_fact("features", title.to_owned(), text))
}

async fn maintenance(
    db: &impl ConnectionTrait,
    car: &vehicles::Model,
    locale: Locale,
    now: DateTime<Utc>,
) -> ApiResult<Passage> {
    let last = maintenance_records::Entity::find()
        .filter(maintenance_records::Column::VehicleId.eq(car.id))
        .order_by_desc(maintenance_records::Column::PerformedAt)
        .one(db)
        .await?;
    let overdue =
        car.service_due_at.is_some_and(|due| due < now) || car.service_due_km.is_some_and(|due| car.mileage_km >= due);
    let due = match (car.service_due_at, car.service_due_km) {
        (Some(at), Some(km)) => format!("{} / {km} km", day(at)),
        (Some(at), None) => day(at),
        (None, Some(km)) => format!("{km} km"),
        (None, None) => "-".to_owned(),
    };
    let last = last.map(|record| (day(record.performed_at), record.mileage_km));
    let text = match locale {
        Locale::En => {
            let state = if overdue {
                format!("The service is overdue (it was due {due}).")
            } else {
                format!("The next service is due {due}.")
            };
            let before = last.map_or_else(
                || "No maintenance is recorded yet.".to_owned(),
                |(at, km)| format!("The last maintenance was on {at} at {km} km."),
            );
            format!(
                "{state} {before} Features that need maintenance up to date are sold only while the service is not overdue."
            )
        }
        Locale::De => {
            let state = if overdue {
                format!("Die Wartung ist überfällig (fällig war sie {due}).")
            } else {
                format!("Die nächste Wartung ist fällig: {due}.")
            };
            let before = last.map_or_else(
                || "Es ist noch keine Wartung eingetragen.".to_owned(),
                |(at, km)| format!("Die letzte Wartung war am {at} bei {km} km."),
            );
            format!(
                "{state} {before} Funktionen, die eine aktuelle Wartung verlangen, gibt es nur, solange die Wartung nicht überfällig ist."
            )
        }
        Locale::Es => {
            let state = if overdue {
                format!("El mantenimiento está vencido (vencía {due}).")
            } else {
                format!("El próximo mantenimiento vence: {due}.")
            };
            let before = last.map_or_else(
                || "Aún no hay ningún mantenimiento registrado.".to_owned(),
                |(at, km)| format!("El último mantenimiento fue el {at} con {km} km."),
            );
            format!(
                "{state} {before} Las funciones que exigen el mantenimiento al día solo se venden mientras no esté vencido."
            )
        }
    };
    let title = match locale {
        Locale::En => "Your car's maintenance: next service due, inspection, last service",
        Locale::De => "Wartung Ihres Autos: nächste Inspektion fällig, Service, letzte Wartung",
        Locale::Es => "Mantenimiento de su coche: próxima revisión, servicio, último mantenimiento",
    };
    Ok(car_fact("maintenance", title.to_owned(), text))
}

async fn alerts(db: &impl ConnectionTrait, car: &vehicles::Model, locale: Locale) -> ApiResult<Vec<Passage>> {
    let open = health_alerts::Entity::find()
        .filter(health_alerts::Column::VehicleId.eq(car.id))
        .filter(health_alerts::Column::ClosedAt.is_null())
        .order_by_asc(health_alerts::Column::OpenedAt)
        .all(db)
        .await?;
    Ok(open.iter().filter_map(|alert| alert_passage(alert, locale)).collect())
}

fn alert_passage(alert: &health_alerts::Model, locale: Locale) -> Option<Passage> {
    let since = day(alert.opened_at);
    let passage = match alert.kind {
        HealthAlertKind::FaultCode => {
            let code = FaultCode::parse(alert.fault_code.as_deref()?).ok()?;
            let meaning = crate::telemetry::alerts::describe(&code, locale);
            let code = code.as_str();
            let (title, text) = match locale {
                Locale::En => (
                    format!("Fault code {code} reported by your car: warning light, engine error, what it means"),
                    format!("Your car reports fault code {code} since {since}: {meaning}."),
                ),
                Locale::De => (
                    format!("Fehlercode {code} Ihres Autos: Warnleuchte, Motorfehler, was er bedeutet"),
                    format!("Ihr Auto meldet seit {since} den Fehlercode {code}: {meaning}."),
                ),
                Locale::Es => (
                    format!("Código de avería {code} de su coche: testigo, fallo del motor, qué significa"),
                    format!("Su coche indica el código de avería {code} desde el {since}: {meaning}."),
                ),
            };
            car_fact(&format!("fault-code {code}"), title, text)
        }
        HealthAlertKind::BatteryLow => {
            let (title, text) = match locale {
                Locale::En => ("Your car's battery is low", format!("Your car reported a low battery on {since}.")),
                Locale::De => (
                    "Batterie Ihres Autos schwach",
                    format!("Ihr Auto hat am {since} eine schwache Batterie gemeldet."),
                ),
                Locale::Es => ("Batería baja de su coche", format!("Su coche informó de batería baja el {since}.")),
            };
            car_fact("battery-low", title.to_owned(), text)
        }
        HealthAlertKind::ServiceDue => {
            let (title, text) = match locale {
                Locale::En => (
                    "Your car's service is due by mileage",
                    format!("Your car reached its service mileage on {since}."),
                ),
                Locale::De => (
                    "Wartung Ihres Autos nach Kilometern fällig",
                    format!("Ihr Auto hat am {since} den Kilometerstand für die Wartung erreicht."),
                ),
                Locale::Es => (
                    "Revisión de su coche vencida por kilometraje",
                    format!("Su coche alcanzó el kilometraje de revisión el {since}."),
                ),
            };
            car_fact("service-due", title.to_owned(), text)
        }
        HealthAlertKind::Silent => return None,
    };
    Some(passage)
}

async fn bookings_of(
    db: &impl ConnectionTrait,
    car: &vehicles::Model,
    locale: Locale,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Passage>> {
    let upcoming = bookings::Entity::find()
        .filter(bookings::Column::VehicleId.eq(car.id))
        .filter(bookings::Column::Status.is_in([
            BookingStatus::Requested,
            BookingStatus::Confirmed,
            BookingStatus::CheckedIn,
        ]))
        .filter(bookings::Column::EndsAt.gt(now))
        .order_by_asc(bookings::Column::StartsAt)
        .all(db)
        .await?;
    let mut passages = Vec::new();
    for booking in upcoming {
        let workshop = workshop_name(db, booking.workshop_id).await?;
        let at = booking.starts_at.format("%Y-%m-%d %H:%M UTC");
        let (title, text) = match locale {
            Locale::En => {
                ("Your car's workshop booking (appointment)", format!("Your car is booked in at {workshop} on {at}."))
            }
            Locale::De => {
                ("Werkstatttermin Ihres Autos (Buchung)", format!("Ihr Auto hat einen Termin bei {workshop} am {at}."))
            }
            Locale::Es => {
                ("Cita de taller de su coche (reserva)", format!("Su coche tiene cita en {workshop} el {at}."))
            }
        };
        passages.push(car_fact("booking", title.to_owned(), text));
    }
    Ok(passages)
}

async fn repairs(db: &impl ConnectionTrait, car: &vehicles::Model, locale: Locale) -> ApiResult<Vec<Passage>> {
    let open = repair_orders::Entity::find()
        .filter(repair_orders::Column::VehicleId.eq(car.id))
        .filter(repair_orders::Column::Status.is_not_in([RepairOrderStatus::Closed, RepairOrderStatus::Cancelled]))
        .all(db)
        .await?;
    let mut passages = Vec::new();
    for order in open {
        let workshop = workshop_name(db, order.workshop_id).await?;
        let status = format!("{:?}", order.status).to_lowercase();
        let number = &order.number;
        let (title, text) = match locale {
            Locale::En => {
                ("Your car's repair order at the workshop", format!("Repair order {number} at {workshop}: {status}."))
            }
            Locale::De => (
                "Werkstattauftrag (Reparatur) Ihres Autos",
                format!("Werkstattauftrag {number} bei {workshop}: {status}."),
            ),
            Locale::Es => (
                "Orden de reparación de su coche en el taller",
                format!("Orden de reparación {number} en {workshop}: {status}."),
            ),
        };
        passages.push(car_fact("repair-order", title.to_owned(), text));
    }
    Ok(passages)
}

async fn workshop_name(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<String> {
    Ok(workshops::Entity::find_by_id(id).one(db).await?.map_or_else(String::new, |workshop| workshop.name))
}
