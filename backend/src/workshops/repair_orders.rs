//! Repair orders (job cards): a car checked in — booked or walk-in — with its odometer (the car's
//! mileage from then on) and the customer's complaint, moved by the workshop through
//! `CHECKED_IN → INSPECTED → ESTIMATED → APPROVED → IN_PROGRESS → READY → INVOICED → CLOSED`, or
//! `CANCELLED` before it is invoiced. The customer decides on estimates ([`super::estimates`]).

use chrono::Datelike;
use entity::{RepairOrderStatus, Role, regions, repair_orders, service_types, vehicles};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

use super::jobs::Step;
use super::{bookings, estimates, invoicing, jobs, notices, setup};
use crate::app::App;
use crate::auth::Viewer;
use crate::billing::invoices::take_workshop_sequence;
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::fleet::service::{find_by_vin, parse_vin};
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;
use crate::policy;

/// A car arriving at the workshop.
pub struct CheckIn {
    /// Its booking, if it has one.
    pub booking_id: Option<Uuid>,
    /// A walk-in car's VIN (ignored with a booking).
    pub vin: Option<String>,
    /// The odometer reading now.
    pub odometer_km: i32,
    /// What the customer says is wrong or wants done.
    pub complaint: String,
}

/// Checks a car in at the signed-in staff member's workshop: opens its repair order, records the
/// odometer as the car's mileage, marks its booking checked in.
pub async fn check_in(app: &App, viewer: &Viewer, request: CheckIn) -> ApiResult<repair_orders::Model> {
    let staff = viewer.user_with_role(&[Role::Workshop])?;
    let workshop_id = staff.workshop_id.ok_or_else(|| ApiError::Forbidden("you work for no workshop".into()))?;
    let (booking, vehicle) = match (request.booking_id, &request.vin) {
        (Some(id), _) => {
            let booking = bookings::find(&app.db, id).await?;
            policy::workshop_staff(viewer, booking.workshop_id)?;
            if !bookings::OPEN.contains(&booking.status) {
                return Err(ApiError::Conflict("this booking is not open for check-in".into()));
            }
            let car = vehicles::Entity::find_by_id(booking.vehicle_id).one(&app.db).await?;
            (Some(booking), car.ok_or(ApiError::NotFound("vehicle"))?)
        }
        (None, Some(vin)) => (None, find_by_vin(app, &parse_vin(vin)?).await?),
        (None, None) => return Err(ApiError::bad_input("vin", "check in a booking or a car by its VIN")),
    };
    if !(vehicle.mileage_km..=2_000_000).contains(&request.odometer_km) {
        let message = format!("the odometer cannot read less than the car's last mileage, {} km", vehicle.mileage_km);
        return Err(ApiError::bad_input("odometerKm", message));
    }
    let complaint = request.complaint.trim().to_owned();
    if complaint.chars().count() > 4_000 {
        return Err(ApiError::bad_input("complaint", "a text has at most 4,000 characters"));
    }
    let workshop = setup::workshop(&app.db, workshop_id).await?;
    let region =
        regions::Entity::find_by_id(workshop.region_id).one(&app.db).await?.ok_or(ApiError::NotFound("region"))?;
    let service_kind = match &booking {
        Some(booking) => service_types::Entity::find_by_id(booking.service_type_id)
            .one(&app.db)
            .await?
            .and_then(|service| service.maintenance_kind),
        None => None,
    };
    let now = app.clock.now();
    let txn = begin_write(&app.db).await?;
    let sequence = take_workshop_sequence(&txn, workshop.id, "JOB", now.year()).await?;
    let job = repair_orders::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(workshop.id),
        vehicle_id: Set(vehicle.id),
        booking_id: Set(booking.as_ref().map(|booking| booking.id)),
        customer_id: Set(vehicle.owner_id),
        number: Set(format!("{}-{sequence:05}", now.year())),
        status: Set(RepairOrderStatus::CheckedIn),
        odometer_km: Set(request.odometer_km),
        complaint: Set(complaint),
        service_kind: Set(service_kind),
        currency: Set(region.currency),
        approved_net_minor: Set(None),
        approval_requested_at: Set(None),
        approval_link_id: Set(None),
        approval_token_hash: Set(None),
        approval_expires_at: Set(None),
        resume_status: Set(None),
        invoice_id: Set(None),
        maintenance_record_id: Set(None),
        created_by: Set(staff.id),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
    }
    .insert(&txn)
    .await
    .on_unique_violation("this booking is checked in already")?;
    let mut car: vehicles::ActiveModel = vehicle.into();
    car.mileage_km = Set(request.odometer_km);
    car.updated_at = Set(now);
    car.update(&txn).await?;
    if let Some(booking) = booking {
        bookings::check_in(app, &txn, booking).await?;
    }
    let mut outbox = Outbox::new();
    let job = jobs::record_step(
        app,
        &txn,
        &mut outbox,
        job,
        RepairOrderStatus::CheckedIn,
        (Step::CheckedIn, "", Some(staff.id)),
    )
    .await?;
    notices::tell_job_customer(app, &txn, &mut outbox, (&workshop, &job), "repair.checked_in", json!({}), false)
        .await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(job)
}

/// The steps the workshop takes itself, from where the order stands.
fn allowed(from: RepairOrderStatus, to: RepairOrderStatus) -> bool {
    use RepairOrderStatus::*;
    matches!(
        (from, to),
        (CheckedIn, Inspected)
            | (Inspected, Estimated)
            | (Approved, InProgress)
            | (InProgress, Ready)
            | (Ready, Invoiced)
            | (Invoiced, Closed)
            | (CheckedIn | Inspected | Estimated | Approved | InProgress | Ready, Cancelled)
    )
}

/// Moves repair order `id` to `to` (its workshop's staff): the estimate goes to the customer at
/// `ESTIMATED`, the invoice and maintenance record are made at `INVOICED`, the customer hears
/// when the car is ready. `note` goes on the timeline.
pub async fn advance(
    app: &App,
    viewer: &Viewer,
    id: Uuid,
    to: RepairOrderStatus,
    note: &str,
) -> ApiResult<repair_orders::Model> {
    let job = jobs::find(&app.db, id).await?;
    let staff = policy::workshop_staff(viewer, job.workshop_id)?;
    if job.status == to {
        return Ok(job);
    }
    if !allowed(job.status, to) {
        return Err(ApiError::Conflict("a repair order moves only by the next step of its board".into()));
    }
    let note = note.trim().chars().take(500).collect::<String>();
    let txn = begin_write(&app.db).await?;
    // Read again inside the transaction: of two moves at once, the second sees the first.
    let job = jobs::find(&txn, id).await?;
    if !allowed(job.status, to) {
        return Err(ApiError::Conflict("this repair order was just changed; reload it".into()));
    }
    let workshop = setup::workshop(&txn, job.workshop_id).await?;
    let mut outbox = Outbox::new();
    let actor = staff.id;
    let job = match to {
        RepairOrderStatus::Estimated => estimates::submit(app, &txn, &mut outbox, job, (actor, &note)).await?,
        RepairOrderStatus::Invoiced => {
            invoicing::invoice(app, &txn, &mut outbox, (&workshop, job), (actor, &note)).await?
        }
        _ => {
            let job =
                jobs::record_step(app, &txn, &mut outbox, job, to, (Step::of_move(to), &note, Some(actor))).await?;
            after_step(app, &txn, &mut outbox, (&workshop, &job)).await?;
            job
        }
    };
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(job)
}

/// What follows a step: the customer hears the car is ready; a closed or cancelled job completes
/// its booking.
async fn after_step(
    app: &App,
    db: &impl sea_orm::ConnectionTrait,
    outbox: &mut Outbox,
    (workshop, job): (&entity::workshops::Model, &repair_orders::Model),
) -> ApiResult<()> {
    match job.status {
        RepairOrderStatus::Ready => {
            notices::tell_job_customer(app, db, outbox, (workshop, job), "repair.ready", json!({}), true).await
        }
        RepairOrderStatus::Closed | RepairOrderStatus::Cancelled => bookings::complete(app, db, job.booking_id).await,
        _ => Ok(()),
    }
}

/// Repair order `id` if `viewer` may see it.
pub async fn visible(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<repair_orders::Model> {
    let job = jobs::find(&app.db, id).await?;
    policy::ensure_repair_order(viewer, &job)?;
    Ok(job)
}

/// The repair orders the viewer works with, newest first: their workshop's (in `statuses`, all
/// when empty), a customer's own, every one for platform staff.
pub async fn list(app: &App, viewer: &Viewer, statuses: &[RepairOrderStatus]) -> ApiResult<Vec<repair_orders::Model>> {
    let user = viewer.user()?;
    let mut select = repair_orders::Entity::find().order_by_desc(repair_orders::Column::CreatedAt);
    select = match user.role {
        Role::Workshop => select.filter(repair_orders::Column::WorkshopId.eq(user.workshop_id.unwrap_or_default())),
        Role::Customer => select.filter(repair_orders::Column::CustomerId.eq(user.id)),
        Role::Support | Role::Admin => select,
        Role::Dealer => return Err(ApiError::Forbidden("dealers do not see repair orders".into())),
    };
    if !statuses.is_empty() {
        select = select.filter(repair_orders::Column::Status.is_in(statuses.iter().copied()));
    }
    Ok(select.limit(200).all(&app.db).await?)
}

/// The repair orders of a vehicle, newest first.
pub async fn of_vehicle(db: &impl sea_orm::ConnectionTrait, vehicle_id: Uuid) -> ApiResult<Vec<repair_orders::Model>> {
    Ok(repair_orders::Entity::find()
        .filter(repair_orders::Column::VehicleId.eq(vehicle_id))
        .order_by_desc(repair_orders::Column::CreatedAt)
        .all(db)
        .await?)
}
