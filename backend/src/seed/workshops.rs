//! The demo workshops: München (DE) and Madrid (ES), each with bays, a lift and a loan car, opening
//! hours, a closed day and its services priced in every region; München has a few bookings and
//! one repair order in progress (Anna's Borealis, inspected before delivery).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use entity::*;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};
use uuid::Uuid;

type Db = DatabaseTransaction;

/// A demo workshop to create.
pub struct DemoWorkshop<'a> {
    /// Trading name.
    pub name: &'a str,
    /// Its short code.
    pub code: &'a str,
    /// City.
    pub city: &'a str,
    /// Street address.
    pub address: &'a str,
    /// Telephone.
    pub phone: &'a str,
    /// Its region.
    pub region_id: Uuid,
    /// Its time zone.
    pub zone: Tz,
    /// Service names in its language: inspection, oil service, brakes, diagnosis.
    pub services: [&'a str; 4],
    /// Resource names: two bays, a lift, a loan car.
    pub resources: [&'a str; 4],
    /// Why it is closed on 25 December.
    pub holiday: &'a str,
}

/// What a demo workshop was made with.
pub struct SeededWorkshop {
    /// The workshop.
    pub workshop: workshops::Model,
    /// Bays, lift, loan car (in that order).
    pub resources: Vec<workshop_resources::Model>,
    /// Inspection, oil service, brakes, diagnosis (in that order).
    pub services: Vec<service_types::Model>,
}

/// Creates a workshop with its set-up. `prices` are (region id, price level in %).
pub async fn workshop(
    db: &Db,
    now: DateTime<Utc>,
    demo: DemoWorkshop<'_>,
    prices: &[(Uuid, i64)],
) -> anyhow::Result<SeededWorkshop> {
    let workshop = workshops::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(demo.name.into()),
        region_id: Set(demo.region_id),
        city: Set(demo.city.into()),
        code: Set(demo.code.into()),
        time_zone: Set(demo.zone.name().into()),
        slot_minutes: Set(30),
        address: Set(demo.address.into()),
        phone: Set(demo.phone.into()),
        created_at: Set(now),
        assistant_cap_minor: Set(None),
    }
    .insert(db)
    .await?;
    for weekday in 0..5 {
        hours(db, workshop.id, weekday, 8 * 60, 18 * 60).await?;
    }
    hours(db, workshop.id, 5, 9 * 60, 13 * 60).await?;
    workshop_closed_days::ActiveModel {
        workshop_id: Set(workshop.id),
        day: Set(next_christmas(now)),
        reason: Set(demo.holiday.into()),
    }
    .insert(db)
    .await?;
    let kinds = [ResourceKind::Bay, ResourceKind::Bay, ResourceKind::Lift, ResourceKind::LoanCar];
    let mut resources = Vec::new();
    for (kind, name) in kinds.into_iter().zip(demo.resources) {
        let resource = workshop_resources::ActiveModel {
            id: Set(Uuid::now_v7()),
            workshop_id: Set(workshop.id),
            kind: Set(kind),
            name: Set(name.into()),
            active: Set(true),
            created_at: Set(now),
        };
        resources.push(resource.insert(db).await?);
    }
    // Inspection (2 h), oil service (1 h), brakes (half a day, on the lift), diagnosis (1 h).
    let specs = [
        (120, Some(MaintenanceKind::Inspection), ResourceKind::Bay, 18_900),
        (60, Some(MaintenanceKind::OilService), ResourceKind::Bay, 8_900),
        (240, Some(MaintenanceKind::Brakes), ResourceKind::Lift, 29_900),
        (60, None, ResourceKind::Bay, 6_900),
    ];
    let mut services = Vec::new();
    for ((minutes, kind, resource_kind, net_eur_cents), name) in specs.into_iter().zip(demo.services) {
        let service = service_types::ActiveModel {
            id: Set(Uuid::now_v7()),
            workshop_id: Set(workshop.id),
            name: Set(name.into()),
            duration_minutes: Set(minutes),
            maintenance_kind: Set(kind),
            resource_kind: Set(resource_kind),
            active: Set(true),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
        for (region_id, level) in prices {
            service_type_prices::ActiveModel {
                service_type_id: Set(service.id),
                region_id: Set(*region_id),
                net_minor: Set(net_eur_cents * level / 100),
            }
            .insert(db)
            .await?;
        }
        services.push(service);
    }
    Ok(SeededWorkshop { workshop, resources, services })
}

async fn hours(db: &Db, workshop_id: Uuid, weekday: i16, opens: i16, closes: i16) -> anyhow::Result<()> {
    workshop_hours::ActiveModel {
        workshop_id: Set(workshop_id),
        weekday: Set(weekday),
        opens_minute: Set(opens),
        closes_minute: Set(closes),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn next_christmas(now: DateTime<Utc>) -> NaiveDate {
    let this_year = NaiveDate::from_ymd_opt(now.year(), 12, 25).unwrap_or_default();
    if this_year >= now.date_naive() {
        this_year
    } else {
        NaiveDate::from_ymd_opt(now.year() + 1, 12, 25).unwrap_or_default()
    }
}

/// The next working day (Monday to Friday) after `now` at `hour`:00 in `zone`, `days` working
/// days on.
pub fn working_day_at(now: DateTime<Utc>, zone: Tz, days: u32, hour: u32) -> DateTime<Utc> {
    let mut day = now.with_timezone(&zone).date_naive();
    let mut left = days;
    while left > 0 {
        day += Duration::days(1);
        let christmas = day.month() == 12 && day.day() == 25;
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !christmas {
            left -= 1;
        }
    }
    let time = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default();
    zone.from_local_datetime(&day.and_time(time)).earliest().map_or(now, |at| at.with_timezone(&Utc))
}

/// A booking holding `resource`.
pub struct DemoBooking<'a> {
    /// Where.
    pub workshop: &'a SeededWorkshop,
    /// The service (index into the workshop's services).
    pub service: usize,
    /// The car.
    pub vehicle: &'a vehicles::Model,
    /// Its owner, if any.
    pub customer: Option<&'a users::Model>,
    /// Who brings it, when it has no owner.
    pub contact: (&'a str, &'a str),
    /// When.
    pub starts_at: DateTime<Utc>,
    /// Its state.
    pub status: BookingStatus,
    /// What the customer wrote.
    pub notes: &'a str,
    /// Who booked it.
    pub booked_by: Uuid,
}

/// Creates a booking and the hold of the first resource of its service's kind.
pub async fn booking(db: &Db, now: DateTime<Utc>, demo: DemoBooking<'_>) -> anyhow::Result<bookings::Model> {
    let service = &demo.workshop.services[demo.service];
    let ends_at = demo.starts_at + Duration::minutes(i64::from(service.duration_minutes));
    let (name, phone, email) = match demo.customer {
        Some(customer) => (customer.name.clone(), customer.phone.clone().unwrap_or_default(), customer.email.clone()),
        None => (demo.contact.0.to_owned(), demo.contact.1.to_owned(), String::new()),
    };
    let booking = bookings::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(demo.workshop.workshop.id),
        vehicle_id: Set(demo.vehicle.id),
        customer_id: Set(demo.customer.map(|customer| customer.id)),
        service_type_id: Set(service.id),
        starts_at: Set(demo.starts_at),
        ends_at: Set(ends_at),
        status: Set(demo.status),
        notes: Set(demo.notes.into()),
        contact_name: Set(name),
        contact_phone: Set(phone),
        contact_email: Set(email),
        loan_car: Set(false),
        booked_by: Set(demo.booked_by),
        cancel_reason: Set(None),
        reminder_day_sent_at: Set(None),
        reminder_hour_sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let resource = demo.workshop.resources.iter().find(|resource| resource.kind == service.resource_kind);
    if let Some(resource) = resource {
        resource_bookings::ActiveModel {
            id: Set(Uuid::now_v7()),
            resource_id: Set(resource.id),
            booking_id: Set(booking.id),
            starts_at: Set(demo.starts_at),
            ends_at: Set(ends_at),
        }
        .insert(db)
        .await?;
    }
    Ok(booking)
}

/// A repair order in progress for a checked-in booking: an inspection estimate the customer
/// approved, with its timeline.
pub async fn job_in_progress(
    db: &Db,
    now: DateTime<Utc>,
    booking: &bookings::Model,
    vehicle: &vehicles::Model,
    (currency, mechanic): (&str, Uuid),
) -> anyhow::Result<repair_orders::Model> {
    let job = repair_orders::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(booking.workshop_id),
        vehicle_id: Set(vehicle.id),
        booking_id: Set(Some(booking.id)),
        customer_id: Set(booking.customer_id),
        number: Set(format!("{}-00001", now.year())),
        status: Set(RepairOrderStatus::InProgress),
        odometer_km: Set(vehicle.mileage_km),
        complaint: Set("Übergabeinspektion vor der Auslieferung; Scheibenwischer hinten quietscht.".into()),
        service_kind: Set(Some(MaintenanceKind::Inspection)),
        currency: Set(currency.into()),
        approved_net_minor: Set(Some(14_250 + 2_490)),
        approval_requested_at: Set(Some(booking.starts_at + Duration::minutes(40))),
        approval_link_id: Set(None),
        approval_token_hash: Set(None),
        approval_expires_at: Set(None),
        resume_status: Set(None),
        invoice_id: Set(None),
        maintenance_record_id: Set(None),
        created_by: Set(mechanic),
        created_at: Set(booking.starts_at),
        updated_at: Set(booking.starts_at + Duration::minutes(70)),
        closed_at: Set(None),
    }
    .insert(db)
    .await?;
    workshop_sequences::ActiveModel {
        workshop_id: Set(booking.workshop_id),
        kind: Set("JOB".into()),
        year: Set(now.year()),
        next_sequence: Set(2),
    }
    .insert(db)
    .await?;
    let lines = [
        (RepairLineKind::Labour, "Inspektion nach Herstellervorgabe", 150, 9_500),
        (RepairLineKind::Part, "Wischerblatt hinten", 100, 2_490),
    ];
    for (position, (kind, description, quantity, unit)) in (1..).zip(lines) {
        repair_order_lines::ActiveModel {
            id: Set(Uuid::now_v7()),
            repair_order_id: Set(job.id),
            position: Set(position),
            kind: Set(kind),
            description: Set(description.into()),
            quantity_hundredths: Set(quantity),
            unit_net_minor: Set(unit),
            net_minor: Set(i64::from(quantity) * unit / 100),
            status: Set(RepairLineStatus::Approved),
            created_at: Set(booking.starts_at + Duration::minutes(30)),
        }
        .insert(db)
        .await?;
    }
    let steps = [
        (RepairOrderStatus::CheckedIn, "checked_in", "", 0),
        (RepairOrderStatus::Inspected, "inspected", "Wischerblatt hinten rissig", 25),
        (RepairOrderStatus::Estimated, "estimate_sent", "", 40),
        (RepairOrderStatus::Approved, "estimate_approved", "", 55),
        (RepairOrderStatus::InProgress, "work_started", "", 70),
    ];
    for (status, step, note, minutes) in steps {
        repair_order_events::ActiveModel {
            id: Set(Uuid::now_v7()),
            repair_order_id: Set(job.id),
            status: Set(status),
            step: Set(step.into()),
            note: Set(note.into()),
            actor_id: Set(Some(mechanic)),
            occurred_at: Set(booking.starts_at + Duration::minutes(minutes)),
        }
        .insert(db)
        .await?;
    }
    Ok(job)
}
