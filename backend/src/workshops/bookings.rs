//! Bookings: a customer books a free slot for one of their cars (or the workshop books for a walk-in
//! or a caller); the workshop confirms; either side reschedules or cancels; the workshop marks a
//! no-show. A booking holds a resource (and a loan car when asked) for its time range, and the
//! database refuses a second hold that overlaps: no resource is ever double-booked, however many
//! requests or server instances race for it.

use chrono::{DateTime, Duration, Utc};
use entity::{BookingStatus, NotificationChannel, Role, bookings, resource_bookings, service_types, users, vehicles};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;

use super::notices;
use super::setup;
use super::slots::{CalendarData, LEAD_MINUTES, MAX_DAYS};
use crate::app::App;
use crate::auth::{UserViewer, Viewer};
use crate::domain::Email;
use crate::error::{ApiError, ApiResult};
use crate::fleet::service::{find_by_vin, parse_vin};
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;
use crate::policy;

/// Statuses in which a booking still holds its time.
pub const OPEN: [BookingStatus; 2] = [BookingStatus::Requested, BookingStatus::Confirmed];

/// How a workshop reaches the person who brings the car (walk-ins and callers without an account).
#[derive(Clone, Debug, Default)]
pub struct Contact {
    /// Their name.
    pub name: String,
    /// Their telephone number.
    pub phone: String,
    /// Their e-mail address.
    pub email: String,
}

/// A booking to make.
pub struct BookingRequest {
    /// The workshop.
    pub workshop_id: Uuid,
    /// The service booked.
    pub service_type_id: Uuid,
    /// The car.
    pub vin: String,
    /// When it starts: one of the free slots.
    pub starts_at: DateTime<Utc>,
    /// What the customer wants done or has noticed.
    pub notes: String,
    /// Whether a loan car is wanted.
    pub loan_car: bool,
    /// The bay or lift to hold (workshop staff choose on their calendar); `None`: any free one.
    pub resource_id: Option<Uuid>,
    /// For walk-ins and callers booked by the workshop.
    pub contact: Option<Contact>,
}

/// A booking by id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<bookings::Model> {
    bookings::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("booking"))
}

/// Books a slot: for their own car by a customer (it waits for the workshop's confirmation), or by
/// the workshop's staff for anyone's (confirmed at once).
pub async fn book(app: &App, viewer: &Viewer, request: BookingRequest) -> ApiResult<bookings::Model> {
    let user = viewer.user_with_role(&[Role::Customer, Role::Workshop])?;
    let by_workshop = user.role == Role::Workshop;
    if by_workshop {
        policy::workshop_staff(viewer, request.workshop_id)?;
    } else if request.resource_id.is_some() {
        return Err(ApiError::Forbidden("the workshop chooses the bay".into()));
    }
    let vehicle = find_by_vin(app, &parse_vin(&request.vin)?).await?;
    if !by_workshop && vehicle.owner_id != Some(user.id) {
        return Err(ApiError::Forbidden("you can book only for your own cars".into()));
    }
    let service = setup::service_type(&app.db, request.workshop_id, request.service_type_id).await?;
    if !service.active {
        return Err(ApiError::NotFound("service type"));
    }
    let contact = contact_for(app, user, &vehicle, request.contact.clone(), by_workshop).await?;
    let notes = notes_of(&request.notes)?;
    check_start(app, request.starts_at, by_workshop)?;
    let ends_at = request.starts_at + Duration::minutes(i64::from(service.duration_minutes));
    let window = (request.starts_at, ends_at);
    let status = if by_workshop { BookingStatus::Confirmed } else { BookingStatus::Requested };
    let now = app.clock.now();
    let booking = bookings::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(request.workshop_id),
        vehicle_id: Set(vehicle.id),
        customer_id: Set(vehicle.owner_id),
        service_type_id: Set(service.id),
        starts_at: Set(request.starts_at),
        ends_at: Set(ends_at),
        status: Set(status),
        notes: Set(notes),
        contact_name: Set(contact.name),
        contact_phone: Set(contact.phone),
        contact_email: Set(contact.email),
        loan_car: Set(request.loan_car),
        booked_by: Set(user.id),
        cancel_reason: Set(None),
        reminder_day_sent_at: Set(None),
        reminder_hour_sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let held = Hold { service: &service, window, resource_id: request.resource_id, loan_car: request.loan_car };
    let (txn, booking) = held.write(app, |txn| Box::pin(booking.clone().insert(txn))).await?;
    let mut outbox = Outbox::new();
    if by_workshop {
        notices::tell_booking_customer(app, &txn, &mut outbox, &booking, "booking.confirmed", APP_AND_EMAIL).await?;
    } else {
        notices::tell_booking_customer(app, &txn, &mut outbox, &booking, "booking.requested", IN_APP).await?;
        notices::tell_booking_workshop(app, &txn, &mut outbox, &booking, "workshop.booking_requested").await?;
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(booking)
}

const IN_APP: &[NotificationChannel] = &[NotificationChannel::InApp];
const APP_AND_EMAIL: &[NotificationChannel] = crate::notifications::service::APP_AND_EMAIL;

/// Who the workshop calls about the booking: the customer booking for themselves, else the contact
/// the workshop was given, else the car's owner.
async fn contact_for(
    app: &App,
    user: &UserViewer,
    vehicle: &vehicles::Model,
    given: Option<Contact>,
    by_workshop: bool,
) -> ApiResult<Contact> {
    let person = match (by_workshop, vehicle.owner_id) {
        (false, _) => Some(user.id),
        (true, owner) if given.is_none() => owner,
        _ => None,
    };
    if let Some(id) = person {
        let row = users::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("customer"))?;
        return Ok(Contact { name: row.name, phone: row.phone.unwrap_or_default(), email: row.email });
    }
    let Some(contact) = given else {
        return Err(ApiError::bad_input(
            "contact",
            "a car without an owner needs the name and number of who brings it",
        ));
    };
    let name = contact.name.trim().to_owned();
    if !(1..=120).contains(&name.chars().count()) {
        return Err(ApiError::bad_input("contact", "a name has 1 to 120 characters"));
    }
    let phone = contact.phone.trim().to_owned();
    if phone.chars().count() > 32 || !phone.chars().all(|c| c.is_ascii_digit() || " +-/()".contains(c)) {
        return Err(ApiError::bad_input("contact", "a telephone number has digits, spaces and + - / ( ) only"));
    }
    let email = match contact.email.trim() {
        "" => String::new(),
        text => Email::parse(text).map_err(|err| ApiError::bad_input("contact", err.to_string()))?.as_str().to_owned(),
    };
    Ok(Contact { name, phone, email })
}

/// A booking starts within the next year: for a customer not sooner than the workshop's lead time,
/// for the workshop from the day before (a walk-in written down after the fact).
fn check_start(app: &App, starts_at: DateTime<Utc>, by_workshop: bool) -> ApiResult<()> {
    let now = app.clock.now();
    let earliest = if by_workshop { now - Duration::days(1) } else { now + Duration::minutes(LEAD_MINUTES) };
    if (earliest..=now + Duration::days(366)).contains(&starts_at) {
        Ok(())
    } else {
        Err(ApiError::bad_input("startsAt", "pick a free time within the next year"))
    }
}

fn notes_of(text: &str) -> ApiResult<String> {
    let text = text.trim();
    if text.chars().count() <= 2_000 {
        Ok(text.to_owned())
    } else {
        Err(ApiError::bad_input("notes", "notes have at most 2,000 characters"))
    }
}

/// What a booking holds: a resource for the service's time range, and a loan car if wanted.
struct Hold<'a> {
    service: &'a service_types::Model,
    window: (DateTime<Utc>, DateTime<Utc>),
    resource_id: Option<Uuid>,
    loan_car: bool,
}

impl Hold<'_> {
    /// Writes the booking (`write`) and its holds in a transaction, which it hands back for the
    /// caller to add its notices and commit. The free resource is picked from what the transaction
    /// reads; when another request took it in between, the database refuses the overlap and
    /// another free one is tried — or, for a resource chosen by name, the request is refused with
    /// `CONFLICT`.
    async fn write<W>(&self, app: &App, write: W) -> ApiResult<(DatabaseTransaction, bookings::Model)>
    where
        W: for<'t> Fn(&'t DatabaseTransaction) -> futures::future::BoxFuture<'t, Result<bookings::Model, DbErr>>,
    {
        for attempt in 0..3 {
            let txn = begin_write(&app.db).await?;
            let (resource, loan_car) = self.pick(&txn).await?;
            let written = async {
                let booking = write(&txn).await?;
                for id in [Some(resource), loan_car].into_iter().flatten() {
                    hold(&txn, booking.id, id, self.window).await?;
                }
                Ok::<_, DbErr>(booking)
            }
            .await;
            match written {
                Ok(booking) => return Ok((txn, booking)),
                Err(err) => {
                    let err = taken(err);
                    let last = self.resource_id.is_some() || attempt == 2;
                    if !matches!(err, ApiError::Conflict(_)) || last {
                        return Err(err);
                    }
                }
            }
        }
        Err(slot_taken())
    }

    /// The resource (and loan car) this booking takes, as the transaction sees the calendar.
    async fn pick(&self, txn: &DatabaseTransaction) -> ApiResult<(Uuid, Option<Uuid>)> {
        let (starts_at, ends_at) = self.window;
        let data = CalendarData::read(txn, self.service, starts_at, ends_at).await?;
        let calendar = data.calendar();
        if !calendar.is_start(starts_at, i64::from(self.service.duration_minutes)) {
            return Err(ApiError::bad_input("startsAt", "the workshop offers no slot at this time; pick a free one"));
        }
        let free = calendar.free(&data.resources, starts_at, ends_at);
        let resource = match self.resource_id {
            Some(id) if !data.resources.contains(&id) => {
                return Err(ApiError::bad_input("resourceId", "this is not a bay of the workshop for this service"));
            }
            Some(id) => free.contains(&id).then_some(id),
            None => free.first().copied(),
        };
        let resource = resource.ok_or_else(slot_taken)?;
        let loan_car = match self.loan_car {
            true => Some(calendar.free(&data.loan_cars, starts_at, ends_at).first().copied().ok_or_else(|| {
                ApiError::Conflict("no loan car is free at this time; book without one or pick another slot".into())
            })?),
            false => None,
        };
        Ok((resource, loan_car))
    }
}

async fn hold(
    db: &impl ConnectionTrait,
    booking_id: Uuid,
    resource_id: Uuid,
    (starts_at, ends_at): (DateTime<Utc>, DateTime<Utc>),
) -> Result<(), DbErr> {
    resource_bookings::ActiveModel {
        id: Set(Uuid::now_v7()),
        resource_id: Set(resource_id),
        booking_id: Set(booking_id),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn slot_taken() -> ApiError {
    ApiError::Conflict("this slot was just taken; pick another".into())
}

/// The database refused a hold that overlaps another (PostgreSQL's exclusion constraint, SQLite's
/// trigger, both named `resource_bookings_overlap`): the slot was taken meanwhile.
fn taken(err: DbErr) -> ApiError {
    if err.to_string().contains("resource_bookings_overlap") { slot_taken() } else { ApiError::from(err) }
}

/// Frees what `booking_id` holds.
async fn release(db: &impl ConnectionTrait, booking_id: Uuid) -> Result<(), DbErr> {
    resource_bookings::Entity::delete_many()
        .filter(resource_bookings::Column::BookingId.eq(booking_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The booking `id` if `viewer` may act on it: its customer or its workshop's staff.
async fn actionable(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<(bookings::Model, bool)> {
    let booking = find(&app.db, id).await?;
    let user = viewer.user_with_role(&[Role::Customer, Role::Workshop])?;
    let by_workshop = user.role == Role::Workshop;
    if !policy::booking(viewer, &booking) {
        return Err(ApiError::Forbidden("this booking is outside your scope".into()));
    }
    if !OPEN.contains(&booking.status) {
        return Err(ApiError::Conflict("this booking is no longer open".into()));
    }
    Ok((booking, by_workshop))
}

/// The workshop confirms a customer's booking request.
pub async fn confirm(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<bookings::Model> {
    let booking = find(&app.db, id).await?;
    policy::workshop_staff(viewer, booking.workshop_id)?;
    match booking.status {
        BookingStatus::Confirmed => return Ok(booking),
        BookingStatus::Requested => {}
        _ => return Err(ApiError::Conflict("this booking is no longer open".into())),
    }
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let confirmed = set_status(app, &txn, booking, BookingStatus::Confirmed, None).await?;
    notices::tell_booking_customer(app, &txn, &mut outbox, &confirmed, "booking.confirmed", APP_AND_EMAIL).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(confirmed)
}

async fn set_status(
    app: &App,
    db: &impl ConnectionTrait,
    booking: bookings::Model,
    status: BookingStatus,
    cancel_reason: Option<String>,
) -> ApiResult<bookings::Model> {
    let mut row: bookings::ActiveModel = booking.into();
    row.status = Set(status);
    if cancel_reason.is_some() {
        row.cancel_reason = Set(cancel_reason);
    }
    row.updated_at = Set(app.clock.now());
    Ok(row.update(db).await?)
}

/// Moves a booking to another free slot (and, for the workshop, another bay). A customer's moved
/// booking waits for the workshop's confirmation again; its reminders are sent anew.
pub async fn reschedule(
    app: &App,
    viewer: &Viewer,
    id: Uuid,
    starts_at: DateTime<Utc>,
    resource_id: Option<Uuid>,
) -> ApiResult<bookings::Model> {
    let (booking, by_workshop) = actionable(app, viewer, id).await?;
    check_start(app, starts_at, by_workshop)?;
    if !by_workshop && resource_id.is_some() {
        return Err(ApiError::Forbidden("the workshop chooses the bay".into()));
    }
    let service = service_types::Entity::find_by_id(booking.service_type_id)
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("service type"))?;
    let ends_at = starts_at + Duration::minutes(i64::from(service.duration_minutes));
    let status = if by_workshop { BookingStatus::Confirmed } else { BookingStatus::Requested };
    let now = app.clock.now();
    let booking_id = booking.id;
    let hold = Hold { service: &service, window: (starts_at, ends_at), resource_id, loan_car: booking.loan_car };
    let (txn, moved) = hold
        .write(app, |txn| {
            let mut row: bookings::ActiveModel = booking.clone().into();
            row.starts_at = Set(starts_at);
            row.ends_at = Set(ends_at);
            row.status = Set(status);
            row.reminder_day_sent_at = Set(None);
            row.reminder_hour_sent_at = Set(None);
            row.updated_at = Set(now);
            Box::pin(async move {
                release(txn, booking_id).await?;
                row.update(txn).await
            })
        })
        .await?;
    let mut outbox = Outbox::new();
    notices::tell_booking_customer(app, &txn, &mut outbox, &moved, "booking.rescheduled", APP_AND_EMAIL).await?;
    if !by_workshop {
        notices::tell_booking_workshop(app, &txn, &mut outbox, &moved, "workshop.booking_requested").await?;
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(moved)
}

/// Cancels a booking (its customer or its workshop) and frees what it held.
pub async fn cancel(app: &App, viewer: &Viewer, id: Uuid, reason: &str) -> ApiResult<bookings::Model> {
    let (booking, by_workshop) = actionable(app, viewer, id).await?;
    let reason = notes_of(reason)?;
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    release(&txn, booking.id).await?;
    let cancelled = set_status(app, &txn, booking, BookingStatus::Cancelled, Some(reason)).await?;
    if by_workshop {
        notices::tell_booking_customer(app, &txn, &mut outbox, &cancelled, "booking.cancelled", APP_AND_EMAIL).await?;
    } else {
        notices::tell_booking_workshop(app, &txn, &mut outbox, &cancelled, "workshop.booking_cancelled").await?;
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(cancelled)
}

/// The workshop records that the car did not come; the rest of its time is freed.
pub async fn no_show(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<bookings::Model> {
    let booking = find(&app.db, id).await?;
    policy::workshop_staff(viewer, booking.workshop_id)?;
    if !OPEN.contains(&booking.status) {
        return Err(ApiError::Conflict("this booking is no longer open".into()));
    }
    if booking.starts_at > app.clock.now() {
        return Err(ApiError::Conflict("a booking is missed only once its time has come".into()));
    }
    let txn = begin_write(&app.db).await?;
    release(&txn, booking.id).await?;
    let missed = set_status(app, &txn, booking, BookingStatus::NoShow, None).await?;
    txn.commit().await?;
    Ok(missed)
}

/// Marks `booking` checked in (its car arrived) inside the caller's transaction.
pub async fn check_in(app: &App, db: &impl ConnectionTrait, booking: bookings::Model) -> ApiResult<bookings::Model> {
    set_status(app, db, booking, BookingStatus::CheckedIn, None).await
}

/// Marks `booking_id` completed (its job is over) inside the caller's transaction.
pub async fn complete(app: &App, db: &impl ConnectionTrait, booking_id: Option<Uuid>) -> ApiResult<()> {
    if let Some(id) = booking_id {
        let booking = find(db, id).await?;
        if booking.status == BookingStatus::CheckedIn {
            set_status(app, db, booking, BookingStatus::Completed, None).await?;
        }
    }
    Ok(())
}

/// The signed-in customer's bookings, latest first.
pub async fn mine(app: &App, viewer: &Viewer) -> ApiResult<Vec<bookings::Model>> {
    let me = viewer.user_with_role(&[Role::Customer])?;
    Ok(bookings::Entity::find()
        .filter(bookings::Column::CustomerId.eq(me.id))
        .order_by_desc(bookings::Column::StartsAt)
        .all(&app.db)
        .await?)
}

/// The bookings of the signed-in staff member's workshop that start between `from` and `to`, in
/// order: the calendar.
pub async fn calendar(
    app: &App,
    viewer: &Viewer,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> ApiResult<Vec<bookings::Model>> {
    let staff = viewer.user_with_role(&[Role::Workshop])?;
    let workshop_id = staff.workshop_id.ok_or_else(|| ApiError::Forbidden("you work for no workshop".into()))?;
    if to <= from || to - from > Duration::days(MAX_DAYS) {
        return Err(ApiError::bad_input("to", "ask for 1 to 31 days at a time"));
    }
    Ok(bookings::Entity::find()
        .filter(bookings::Column::WorkshopId.eq(workshop_id))
        .filter(bookings::Column::StartsAt.lt(to))
        .filter(bookings::Column::EndsAt.gt(from))
        .order_by_asc(bookings::Column::StartsAt)
        .all(&app.db)
        .await?)
}
