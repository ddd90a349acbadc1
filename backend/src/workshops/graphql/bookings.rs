//! GraphQL of bookings: free slots, booking one, and what follows (confirm, reschedule, cancel,
//! no-show); the customer's bookings and the workshop's calendar.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    BookingStatus, Role, bookings as booking_rows, repair_orders, service_types, users, vehicles, workshop_resources,
    workshops,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::repairs::RepairOrder;
use super::setup::{ServiceType, WorkshopResource};
use crate::accounts::graphql::{User, Workshop};
use crate::auth::Allow;
use crate::error::{ApiError, ApiResult};
use crate::fleet::graphql::Vehicle;
use crate::graphql::context::{app, load_by_id, load_existing, load_many_by_id, parse_id, viewer};
use crate::policy::{self, Access};
use crate::workshops::bookings::{self, BookingRequest, Contact};
use crate::workshops::slots::{self, Slot};

/// A time a service can start.
#[derive(SimpleObject)]
pub struct FreeSlot {
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// How many bays (or lifts) are still free then.
    pub free_resources: i32,
    /// How many loan cars are still free then.
    pub free_loan_cars: i32,
}

impl From<Slot> for FreeSlot {
    fn from(slot: Slot) -> Self {
        let count = |ids: Vec<uuid::Uuid>| i32::try_from(ids.len()).unwrap_or(i32::MAX);
        Self {
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            free_resources: count(slot.free_resources),
            free_loan_cars: count(slot.free_loan_cars),
        }
    }
}

/// A workshop appointment.
pub struct Booking(pub booking_rows::Model);

#[Object]
impl Booking {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Where.
    async fn workshop(&self, ctx: &Context<'_>) -> ApiResult<Workshop> {
        load_existing::<workshops::Entity>(ctx, self.0.workshop_id, "workshop").await.map(Workshop::from)
    }

    /// The service booked.
    async fn service_type(&self, ctx: &Context<'_>) -> ApiResult<ServiceType> {
        load_existing::<service_types::Entity>(ctx, self.0.service_type_id, "service type").await.map(ServiceType)
    }

    /// The car.
    async fn vehicle(&self, ctx: &Context<'_>) -> ApiResult<Vehicle> {
        let vehicle = load_existing::<vehicles::Entity>(ctx, self.0.vehicle_id, "vehicle").await?;
        policy::vehicle(app(ctx), viewer(ctx), &vehicle, Access::Basic).await?;
        Ok(Vehicle::from(vehicle))
    }

    /// The car's owner, when they have an account.
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(id) = self.0.customer_id else { return Ok(None) };
        Ok(load_by_id::<users::Entity>(ctx, id).await?.map(User))
    }

    /// Who brings the car.
    async fn contact_name(&self) -> &str {
        &self.0.contact_name
    }

    /// Their telephone number.
    async fn contact_phone(&self) -> &str {
        &self.0.contact_phone
    }

    /// Their e-mail address.
    async fn contact_email(&self) -> &str {
        &self.0.contact_email
    }

    /// When it starts.
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }

    /// When it ends.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }

    /// Where it stands.
    async fn status(&self) -> BookingStatus {
        self.0.status
    }

    /// What the customer wants done or has noticed.
    async fn notes(&self) -> &str {
        &self.0.notes
    }

    /// Whether a loan car is held for it.
    async fn loan_car(&self) -> bool {
        self.0.loan_car
    }

    /// Why it was cancelled.
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }

    /// The bay (or lift) and loan car it holds (its workshop's staff).
    async fn resources(&self, ctx: &Context<'_>) -> ApiResult<Vec<WorkshopResource>> {
        policy::workshop_staff(viewer(ctx), self.0.workshop_id)?;
        let held = bookings::held_by(&app(ctx).db, self.0.id).await?;
        let rows = load_many_by_id::<workshop_resources::Entity>(ctx, held.iter().map(|h| h.resource_id)).await?;
        Ok(rows.into_iter().map(WorkshopResource).collect())
    }

    /// The repair order opened when the car was checked in.
    async fn repair_order(&self, ctx: &Context<'_>) -> ApiResult<Option<RepairOrder>> {
        let job = repair_orders::Entity::find()
            .filter(repair_orders::Column::BookingId.eq(self.0.id))
            .one(&app(ctx).db)
            .await?;
        Ok(job.filter(|job| policy::repair_order(viewer(ctx), job)).map(RepairOrder))
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
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
        let found = slots::available(app(ctx), workshop_id, service_type_id, (from, to), loan_car).await?;
        Ok(found.into_iter().map(FreeSlot::from).collect())
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
