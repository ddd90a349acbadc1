//! The GraphQL types of a workshop's work on a car: the booking and the repair order (job card)
//! with its estimate lines, amounts and timeline. Both reach each other, so they live together.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};
use entity::{
    BookingStatus, MaintenanceKind, RepairLineKind, RepairLineStatus, RepairOrderStatus, bookings as booking_rows,
    invoices, maintenance_records, repair_order_events, repair_order_lines, repair_orders as job_rows, service_types,
    users, vehicles, workshop_resources, workshops,
};

use super::diagnostics::DiagnosticSession;
use super::maintenance::MaintenanceRecord;
use super::setup::{ServiceType, WorkshopResource};
use crate::accounts::graphql::{User, Workshop};
use crate::billing::graphql::Invoice;
use crate::domain::Locale;
use crate::domain::Money;
use crate::error::ApiResult;
use crate::fleet::graphql::Vehicle;
use crate::graphql::context::{app, load_by_id, load_children, load_existing, load_many_by_id, locale, viewer};
use crate::graphql::loaders::{
    DiagnosticsOfRepairOrder, EventsOfRepairOrder, HoldsOfBooking, LinesOfRepairOrder, RepairOrdersOfBooking,
};
use crate::policy::{self, Access};
use crate::workshops::estimates::percent_over;
use crate::workshops::jobs::{self, Totals};

/// Net, VAT and gross of an estimate.
#[derive(SimpleObject)]
pub struct Amounts {
    /// Without VAT.
    pub net: Money,
    /// The VAT of the workshop's region.
    pub vat: Money,
    /// With VAT.
    pub gross: Money,
}

impl Amounts {
    fn of(totals: Totals, currency: &str) -> Self {
        Self {
            net: Money::new(totals.net, currency),
            vat: Money::new(totals.vat, currency),
            gross: Money::new(totals.gross(), currency),
        }
    }
}

/// What an estimate amounts to, worked out from a repair order's lines.
pub(super) async fn estimate_of(
    ctx: &Context<'_>,
    job: &job_rows::Model,
) -> ApiResult<(Vec<repair_order_lines::Model>, i32)> {
    let lines = load_children(ctx, LinesOfRepairOrder(job.id)).await?;
    let workshop = load_existing::<workshops::Entity>(ctx, job.workshop_id, "workshop").await?;
    let region = load_existing::<entity::regions::Entity>(ctx, workshop.region_id, "region").await?;
    Ok((lines, region.vat_rate_bp))
}

/// The lines of `job`, in order.
pub(super) async fn lines_of(ctx: &Context<'_>, job: &job_rows::Model) -> ApiResult<Vec<RepairOrderLine>> {
    let lines = load_children(ctx, LinesOfRepairOrder(job.id)).await?;
    Ok(lines.into_iter().map(|line| RepairOrderLine(line, job.currency.clone())).collect())
}

/// What the estimate of `job` amounts to now (every line not declined).
pub(super) async fn estimate_amounts(ctx: &Context<'_>, job: &job_rows::Model) -> ApiResult<Amounts> {
    let (lines, vat_bp) = estimate_of(ctx, job).await?;
    Ok(Amounts::of(Totals::of(jobs::estimated(&lines), vat_bp), &job.currency))
}

/// How far the estimate of `job` goes beyond what was approved, in whole percent.
pub(super) async fn over_percent(ctx: &Context<'_>, job: &job_rows::Model) -> ApiResult<Option<i32>> {
    let Some(approved) = job.approved_net_minor else { return Ok(None) };
    let (lines, vat_bp) = estimate_of(ctx, job).await?;
    let estimate = Totals::of(jobs::estimated(&lines), vat_bp).net;
    Ok(Some(i32::try_from(percent_over(approved, estimate)).unwrap_or(i32::MAX)))
}

/// What the customer approved of `job`, once they did.
pub(super) async fn approved_amounts(ctx: &Context<'_>, job: &job_rows::Model) -> ApiResult<Option<Amounts>> {
    if job.approved_net_minor.is_none() {
        return Ok(None);
    }
    let (lines, vat_bp) = estimate_of(ctx, job).await?;
    Ok(Some(Amounts::of(Totals::of(jobs::approved(&lines), vat_bp), &job.currency)))
}

/// A repair order (job card).
pub struct RepairOrder(pub job_rows::Model);

#[Object]
impl RepairOrder {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The workshop's number for it, e.g. `2026-00017`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Where it stands.
    async fn status(&self) -> RepairOrderStatus {
        self.0.status
    }

    /// The workshop.
    async fn workshop(&self, ctx: &Context<'_>) -> ApiResult<Workshop> {
        load_existing::<workshops::Entity>(ctx, self.0.workshop_id, "workshop").await.map(Workshop::from)
    }

    /// The car.
    async fn vehicle(&self, ctx: &Context<'_>) -> ApiResult<Vehicle> {
        let vehicle = load_existing::<vehicles::Entity>(ctx, self.0.vehicle_id, "vehicle").await?;
        policy::vehicle(app(ctx), viewer(ctx), &vehicle, Access::Basic).await?;
        Ok(Vehicle::from(vehicle))
    }

    /// The customer (the car's owner at check-in).
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(id) = self.0.customer_id else { return Ok(None) };
        Ok(load_by_id::<users::Entity>(ctx, id).await?.map(User))
    }

    /// The booking it came from.
    async fn booking(&self, ctx: &Context<'_>) -> ApiResult<Option<Booking>> {
        let Some(id) = self.0.booking_id else { return Ok(None) };
        Ok(load_by_id::<booking_rows::Entity>(ctx, id).await?.map(Booking))
    }

    /// The odometer at check-in.
    async fn odometer_km(&self) -> i32 {
        self.0.odometer_km
    }

    /// What the customer said is wrong or wanted done.
    async fn complaint(&self) -> &str {
        &self.0.complaint
    }

    /// The maintenance it records when invoiced; null for repairs only.
    async fn service_kind(&self) -> Option<MaintenanceKind> {
        self.0.service_kind
    }

    /// The estimate's lines, in order.
    async fn lines(&self, ctx: &Context<'_>) -> ApiResult<Vec<RepairOrderLine>> {
        lines_of(ctx, &self.0).await
    }

    /// What the estimate amounts to now (every line not declined).
    async fn estimate(&self, ctx: &Context<'_>) -> ApiResult<Amounts> {
        estimate_amounts(ctx, &self.0).await
    }

    /// What the customer approved (null before they did).
    async fn approved(&self, ctx: &Context<'_>) -> ApiResult<Option<Amounts>> {
        approved_amounts(ctx, &self.0).await
    }

    /// Whether an estimate waits for the customer's decision.
    async fn approval_pending(&self) -> bool {
        self.0.status == RepairOrderStatus::Estimated
    }

    /// Whether the pending decision is about work beyond the approved estimate (more than 15 %).
    async fn reapproval(&self) -> bool {
        self.0.status == RepairOrderStatus::Estimated && self.0.resume_status.is_some()
    }

    /// How far the estimate now goes beyond the approved one, in whole percent (null before an
    /// approval).
    async fn over_approved_percent(&self, ctx: &Context<'_>) -> ApiResult<Option<i32>> {
        over_percent(ctx, &self.0).await
    }

    /// Diagnostic sessions recorded on it.
    async fn diagnostics(&self, ctx: &Context<'_>) -> ApiResult<Vec<DiagnosticSession>> {
        let rows = load_children(ctx, DiagnosticsOfRepairOrder(self.0.id)).await?;
        Ok(rows.into_iter().map(DiagnosticSession).collect())
    }

    /// What happened, oldest first.
    async fn timeline(&self, ctx: &Context<'_>) -> ApiResult<Vec<RepairOrderEvent>> {
        let rows = load_children(ctx, EventsOfRepairOrder(self.0.id)).await?;
        Ok(rows.into_iter().map(RepairOrderEvent).collect())
    }

    /// The invoice, once issued (the workshop is its seller).
    async fn invoice(&self, ctx: &Context<'_>) -> ApiResult<Option<Invoice>> {
        let Some(id) = self.0.invoice_id else { return Ok(None) };
        Ok(load_by_id::<invoices::Entity>(ctx, id).await?.map(Invoice))
    }

    /// The maintenance record it produced.
    async fn maintenance_record(&self, ctx: &Context<'_>) -> ApiResult<Option<MaintenanceRecord>> {
        let Some(id) = self.0.maintenance_record_id else { return Ok(None) };
        Ok(load_by_id::<maintenance_records::Entity>(ctx, id).await?.map(MaintenanceRecord))
    }

    /// When the car was checked in.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A line of an estimate.
pub struct RepairOrderLine(pub repair_order_lines::Model, pub String);

#[Object]
impl RepairOrderLine {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Labour or part.
    async fn kind(&self) -> RepairLineKind {
        self.0.kind
    }

    /// What is done or fitted.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Hours (labour) or pieces (parts), to two decimals.
    async fn quantity(&self) -> f64 {
        f64::from(self.0.quantity_hundredths) / 100.0
    }

    /// Hourly rate or price of one piece, without VAT.
    async fn unit_net(&self) -> Money {
        Money::new(self.0.unit_net_minor, &self.1)
    }

    /// Quantity × unit price, without VAT.
    async fn net(&self) -> Money {
        Money::new(self.0.net_minor, &self.1)
    }

    /// Proposed, approved, or declined by the customer.
    async fn status(&self) -> RepairLineStatus {
        self.0.status
    }
}

/// A step of a repair order.
pub struct RepairOrderEvent(repair_order_events::Model);

#[Object]
impl RepairOrderEvent {
    /// The status it reached.
    async fn status(&self) -> RepairOrderStatus {
        self.0.status
    }

    /// What happened, in your language (e.g. "The customer approved the estimate").
    async fn summary(&self, ctx: &Context<'_>) -> String {
        step_summary(locale(ctx), &self.0.step)
    }

    /// What the workshop wrote about the step (empty when it wrote nothing).
    async fn note(&self) -> &str {
        &self.0.note
    }

    /// When.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}

/// A timeline step's `code` told in `locale`.
pub fn step_summary(locale: Locale, code: &str) -> String {
    crate::i18n::text(locale, &format!("repair-step-{code}"), &serde_json::json!({}))
}

/// A workshop appointment.
pub struct Booking(pub booking_rows::Model);

impl Booking {
    /// `at` in the workshop's time zone: the same instant, read as its wall-clock time.
    async fn at_workshop(&self, ctx: &Context<'_>, at: DateTime<Utc>) -> ApiResult<DateTime<FixedOffset>> {
        let workshop = load_existing::<workshops::Entity>(ctx, self.0.workshop_id, "workshop").await?;
        Ok(at.with_timezone(&crate::workshops::setup::time_zone(&workshop)).fixed_offset())
    }
}

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

    /// When it starts, in the workshop's time zone.
    async fn starts_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<FixedOffset>> {
        self.at_workshop(ctx, self.0.starts_at).await
    }

    /// When it ends, in the workshop's time zone.
    async fn ends_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<FixedOffset>> {
        self.at_workshop(ctx, self.0.ends_at).await
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
        let held = load_children(ctx, HoldsOfBooking(self.0.id)).await?;
        let rows = load_many_by_id::<workshop_resources::Entity>(ctx, held.iter().map(|h| h.resource_id)).await?;
        Ok(rows.into_iter().map(WorkshopResource).collect())
    }

    /// The repair order opened when the car was checked in.
    async fn repair_order(&self, ctx: &Context<'_>) -> ApiResult<Option<RepairOrder>> {
        let jobs = load_children(ctx, RepairOrdersOfBooking(self.0.id)).await?;
        Ok(jobs.into_iter().find(|job| policy::repair_order(viewer(ctx), job)).map(RepairOrder))
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
