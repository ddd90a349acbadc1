//! Telling customers and workshop staff about bookings and repair orders, in their languages.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{NotificationChannel, Role, bookings, repair_orders, service_types, users, vehicles, workshops};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::setup;
use crate::app::App;
use crate::domain::Locale;
use crate::error::{ApiError, ApiResult};
use crate::i18n::in_every_language;
use crate::notifications::service::{APP_AND_EMAIL, notify};
use crate::platform::outbox::Outbox;

/// An instant as people at the workshop read it: its local date and time, written the reader's way.
pub fn local_time(at: DateTime<Utc>, zone: Tz) -> Value {
    let local = at.with_timezone(&zone);
    in_every_language(|locale| match locale {
        Locale::En => local.format("%-d %b %Y, %H:%M").to_string(),
        Locale::De => local.format("%d.%m.%Y, %H:%M").to_string(),
        Locale::Es => local.format("%d/%m/%Y, %H:%M").to_string(),
    })
}

/// The facts of a booking's messages: the workshop, its service, the car and when.
pub async fn booking_payload(db: &impl ConnectionTrait, booking: &bookings::Model) -> ApiResult<Value> {
    let workshop = setup::workshop(db, booking.workshop_id).await?;
    let service = service_types::Entity::find_by_id(booking.service_type_id).one(db).await?;
    let car = vehicles::Entity::find_by_id(booking.vehicle_id).one(db).await?.ok_or(ApiError::NotFound("vehicle"))?;
    Ok(json!({
        "workshop": workshop.name,
        "address": format!("{}, {}", workshop.address, workshop.city).trim_start_matches(", ").to_owned(),
        "service": service.map(|service| service.name).unwrap_or_default(),
        "when": local_time(booking.starts_at, setup::time_zone(&workshop)),
        "vin": car.vin,
        "plate": car.plate.unwrap_or_default(),
        "bookingId": booking.id,
    }))
}

/// Tells the booking's customer on `channels`.
pub async fn tell_booking_customer(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    booking: &bookings::Model,
    template: &str,
    channels: &[NotificationChannel],
) -> ApiResult<()> {
    let Some(customer_id) = booking.customer_id else { return Ok(()) };
    let payload = with_name(db, customer_id, booking_payload(db, booking).await?).await?;
    notify(app, db, outbox, customer_id, template, payload, channels).await
}

/// Tells the staff of the booking's workshop, in the app.
pub async fn tell_booking_workshop(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    booking: &bookings::Model,
    template: &str,
) -> ApiResult<()> {
    let payload = booking_payload(db, booking).await?;
    tell_staff(app, db, outbox, booking.workshop_id, template, payload).await
}

async fn tell_staff(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    workshop_id: uuid::Uuid,
    template: &str,
    payload: Value,
) -> ApiResult<()> {
    let staff = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Workshop))
        .filter(users::Column::WorkshopId.eq(workshop_id))
        .all(db)
        .await?;
    for member in staff {
        notify(app, db, outbox, member.id, template, payload.clone(), &[NotificationChannel::InApp]).await?;
    }
    Ok(())
}

async fn with_name(db: &impl ConnectionTrait, user_id: uuid::Uuid, mut payload: Value) -> ApiResult<Value> {
    let user = users::Entity::find_by_id(user_id).one(db).await?.ok_or(ApiError::NotFound("customer"))?;
    payload["name"] = user.name.into();
    Ok(payload)
}

/// The facts of a repair order's messages; `extra` adds the change's own.
pub async fn job_payload(
    db: &impl ConnectionTrait,
    workshop: &workshops::Model,
    job: &repair_orders::Model,
    extra: Value,
) -> ApiResult<Value> {
    let car = vehicles::Entity::find_by_id(job.vehicle_id).one(db).await?.ok_or(ApiError::NotFound("vehicle"))?;
    let mut payload = json!({
        "workshop": workshop.name,
        "job": job.number,
        "repairOrderId": job.id,
        "vin": car.vin,
        "plate": car.plate.unwrap_or_default(),
    });
    if let (Value::Object(base), Value::Object(extra)) = (&mut payload, extra) {
        base.extend(extra);
    }
    Ok(payload)
}

/// Tells the repair order's customer, in the app and (with `by_email`) by e-mail.
pub async fn tell_job_customer(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    (workshop, job): (&workshops::Model, &repair_orders::Model),
    template: &str,
    extra: Value,
    by_email: bool,
) -> ApiResult<()> {
    let Some(customer_id) = job.customer_id else { return Ok(()) };
    let payload = with_name(db, customer_id, job_payload(db, workshop, job, extra).await?).await?;
    let channels = if by_email { APP_AND_EMAIL } else { &[NotificationChannel::InApp] };
    notify(app, db, outbox, customer_id, template, payload, channels).await
}

/// Tells the repair order's workshop staff, in the app.
pub async fn tell_job_workshop(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    (workshop, job): (&workshops::Model, &repair_orders::Model),
    template: &str,
) -> ApiResult<()> {
    let payload = job_payload(db, workshop, job, json!({})).await?;
    tell_staff(app, db, outbox, workshop.id, template, payload).await
}
