//! GraphQL of bookings: free slots, booking one, and what follows (confirm, reschedule, cancel,
//! no-show); the customer's bookings and the workshop's calendar.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::Role;

use super::types::Booking;
use crate::auth::Allow;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, parse_id, viewer};
use crate::policy::{self};
use crate::workshops::bookings::{self, BookingRequest, Contact};
use crate::workshops::slots::{self, Slot};

/// A time a service can start, written in the workshop's time zone (its offset in the value: the
/// same instant, read as the workshop's wall-clock time).
#[derive(SimpleObject)]
pub struct FreeSlot {
    /// When it starts.
    pub starts_at: DateTime<FixedOffset>,
    /// When it ends.
    pub ends_at: DateTime<FixedOffset>,
    /// How many bays (or lifts) are still free then.
    pub free_resources: i32,
    /// How many loan cars are still free then.
    pub free_loan_cars: i32,
}

impl FreeSlot {
    fn of(slot: Slot, zone: Tz) -> Self {
        let count = |ids: Vec<uuid::Uuid>| i32::try_from(ids.len()).unwrap_or(i32::MAX);
        Self {
            starts_at: slot.starts_at.with_timezone(&zone).fixed_offset(),
            ends_at: slot.ends_at.with_timezone(&zone).fixed_offset(),
            free_resources: count(slot.free_resources),
            free_loan_cars: count(slot.free_loan_cars),
        }
    }
}

/// Queries of bookings.
#[derive(Default)]
pub struct BookingsQuery;

#[Object]
impl BookingsQuery {
    /// When service `serviceTypeId` can be booked at `workshopId` on the days `from` to `to` (the
    /// workshop's dates, at most 31 days), with what is still free; `loanCar` keeps the times a
    /// loan car is free too.
    #[graphql(guard = "Allow::any_user()")]
    async fn available_slots(
        &self,
        ctx: &Context<'_>,
        workshop_id: ID,
        service_type_id: ID,
        from: NaiveDate,
        to: NaiveDate,
        #[graphql(default)] loan_car: bool,
    ) -> ApiResult<Vec<FreeSlot>> {
        let workshop_id = parse_id(&workshop_id, "workshopId")?;
        let service_type_id = parse_id(&service_type_id, "serviceTypeId")?;
        let (zone, found) = slots::available(app(ctx), workshop_id, service_type_id, (from, to), loan_car).await?;
        Ok(found.into_iter().map(|slot| FreeSlot::of(slot, zone)).collect())
    }

    /// Your bookings, latest first.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn my_bookings(&self, ctx: &Context<'_>) -> ApiResult<Vec<Booking>> {
        Ok(bookings::mine(app(ctx), viewer(ctx)).await?.into_iter().map(Booking).collect())
    }

    /// Your workshop's bookings between `from` and `to` (at most 31 days): its calendar.
    #[graphql(guard = "Allow::users(&[Role::Workshop])")]
    async fn workshop_bookings(
        &self,
        ctx: &Context<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ApiResult<Vec<Booking>> {
        Ok(bookings::calendar(app(ctx), viewer(ctx), from, to).await?.into_iter().map(Booking).collect())
    }

    /// One booking (its customer, its workshop, platform staff).
    #[graphql(guard = "Allow::any_user()")]
    async fn booking(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Booking> {
        let booking = bookings::find(&app(ctx).db, parse_id(&id, "id")?).await?;
        if !policy::booking(viewer(ctx), &booking) {
            return Err(ApiError::Forbidden("this booking is outside your scope".into()));
        }
        Ok(Booking(booking))
    }
}

/// Who brings a car the workshop books for (walk-ins and callers).
#[derive(InputObject)]
pub struct ContactInput {
    /// Their name.
    pub name: String,
    /// Their telephone number.
    #[graphql(default)]
    pub phone: String,
    /// Their e-mail address.
    #[graphql(default)]
    pub email: String,
}

/// A booking to make.
#[derive(InputObject)]
pub struct BookServiceInput {
    /// The workshop.
    pub workshop_id: ID,
    /// The service.
    pub service_type_id: ID,
    /// The car's VIN.
    pub vin: String,
    /// One of the free slots' start.
    pub starts_at: DateTime<Utc>,
    /// What should be done, or what was noticed.
    #[graphql(default)]
    pub notes: String,
    /// Whether a loan car is wanted.
    #[graphql(default)]
    pub loan_car: bool,
    /// The bay to hold (workshop staff); absent: any free one.
    pub resource_id: Option<ID>,
    /// Who brings the car, when the workshop books for someone without an account.
    pub contact: Option<ContactInput>,
}

/// Changes to bookings.
#[derive(Default)]
pub struct BookingsMutation;

#[Object]
impl BookingsMutation {
    /// Books a free slot: a customer for their own car (the workshop confirms it), or workshop
    /// staff for any car (confirmed at once). A slot taken meanwhile is a `CONFLICT`.
    #[graphql(guard = "Allow::users(&[Role::Customer, Role::Workshop])")]
    async fn book_service(&self, ctx: &Context<'_>, input: BookServiceInput) -> ApiResult<Booking> {
        let request = BookingRequest {
            workshop_id: parse_id(&input.workshop_id, "workshopId")?,
            service_type_id: parse_id(&input.service_type_id, "serviceTypeId")?,
            vin: input.vin,
            starts_at: input.starts_at,
            notes: input.notes,
            loan_car: input.loan_car,
            resource_id: input.resource_id.as_ref().map(|id| parse_id(id, "resourceId")).transpose()?,
            contact: input.contact.map(|c| Contact { name: c.name, phone: c.phone, email: c.email }),
        };
        bookings::book(app(ctx), viewer(ctx), request).await.map(Booking)
    }

    /// Confirms a customer's booking request (its workshop's staff).
    #[graphql(guard = "Allow::users(&[Role::Workshop])")]
    async fn confirm_booking(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Booking> {
        bookings::confirm(app(ctx), viewer(ctx), parse_id(&id, "id")?).await.map(Booking)
    }

    /// Moves a booking to another free slot (and, for its workshop, another bay).
    #[graphql(guard = "Allow::users(&[Role::Customer, Role::Workshop])")]
    async fn reschedule_booking(
        &self,
        ctx: &Context<'_>,
        id: ID,
        starts_at: DateTime<Utc>,
        resource_id: Option<ID>,
    ) -> ApiResult<Booking> {
        let resource = resource_id.as_ref().map(|id| parse_id(id, "resourceId")).transpose()?;
        bookings::reschedule(app(ctx), viewer(ctx), parse_id(&id, "id")?, starts_at, resource).await.map(Booking)
    }

    /// Cancels a booking and frees its time.
    #[graphql(guard = "Allow::users(&[Role::Customer, Role::Workshop])")]
    async fn cancel_booking(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] reason: String,
    ) -> ApiResult<Booking> {
        bookings::cancel(app(ctx), viewer(ctx), parse_id(&id, "id")?, &reason).await.map(Booking)
    }

    /// Records that the car did not come (its workshop's staff, once its time has come).
    #[graphql(guard = "Allow::users(&[Role::Workshop])")]
    async fn mark_no_show(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Booking> {
        bookings::no_show(app(ctx), viewer(ctx), parse_id(&id, "id")?).await.map(Booking)
    }
}
