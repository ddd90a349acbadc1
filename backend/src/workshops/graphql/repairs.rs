//! GraphQL of repair orders: the job card with its estimate, diagnostics, timeline and invoice; the
//! workshop's board and steps; the customer's decision (in the app or by the e-mailed link); live
//! progress.

use std::time::Instant;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{
    DiagnosticStatus, DiagnosticType, MaintenanceKind, RepairLineKind, RepairLineStatus, RepairOrderStatus, Role,
    bookings, diagnostic_sessions, invoices, maintenance_records, repair_order_events, repair_order_lines,
    repair_orders as job_rows, users, vehicle_models, vehicles, workshops,
};
use futures::stream::{Stream, StreamExt};
use sea_orm::EntityTrait;

use super::bookings::Booking;
use super::maintenance::MaintenanceRecord;
use crate::accounts::graphql::{User, Workshop};
use crate::app::AppState;
use crate::auth::{Allow, Viewer};
use crate::billing::graphql::Invoice;
use crate::domain::Money;
use crate::error::{ApiError, ApiResult};
use crate::fleet::graphql::Vehicle;
use crate::graphql::context::{app, load_by_id, load_children, load_existing, locale, parse_id, viewer};
use crate::graphql::loaders::{DiagnosticsOfRepairOrder, EventsOfRepairOrder, LinesOfRepairOrder};
use crate::platform::events::{DomainEvent, Topic, changes_after};
use crate::policy::{self, Access};
use crate::workshops::diagnostics::{self, SessionInput};
use crate::workshops::estimates::{self, LineInput, percent_over};
use crate::workshops::fault_codes::{FaultCode, FaultOrigin, FaultSystem};
use crate::workshops::jobs::{self, Totals};
use crate::workshops::repair_orders::{self, CheckIn};

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
async fn estimate_of(ctx: &Context<'_>, job: &job_rows::Model) -> ApiResult<(Vec<repair_order_lines::Model>, i32)> {
    let lines = load_children(ctx, LinesOfRepairOrder(job.id)).await?;
    let workshop = load_existing::<workshops::Entity>(ctx, job.workshop_id, "workshop").await?;
    let region = load_existing::<entity::regions::Entity>(ctx, workshop.region_id, "region").await?;
    Ok((lines, region.vat_rate_bp))
}

/// The lines of `job`, in order.
async fn lines_of(ctx: &Context<'_>, job: &job_rows::Model) -> ApiResult<Vec<RepairOrderLine>> {
    let lines = load_children(ctx, LinesOfRepairOrder(job.id)).await?;
    Ok(lines.into_iter().map(|line| RepairOrderLine(line, job.currency.clone())).collect())
}

/// What the estimate of `job` amounts to now (every line not declined).
async fn estimate_amounts(ctx: &Context<'_>, job: &job_rows::Model) -> ApiResult<Amounts> {
    let (lines, vat_bp) = estimate_of(ctx, job).await?;
    Ok(Amounts::of(Totals::of(jobs::estimated(&lines), vat_bp), &job.currency))
}

/// What the customer approved of `job`, once they did.
async fn approved_amounts(ctx: &Context<'_>, job: &job_rows::Model) -> ApiResult<Option<Amounts>> {
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
        Ok(load_by_id::<bookings::Entity>(ctx, id).await?.map(Booking))
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
        let Some(approved) = self.0.approved_net_minor else { return Ok(None) };
        let (lines, vat_bp) = estimate_of(ctx, &self.0).await?;
        let estimate = Totals::of(jobs::estimated(&lines), vat_bp).net;
        Ok(Some(i32::try_from(percent_over(approved, estimate)).unwrap_or(i32::MAX)))
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
pub struct RepairOrderLine(repair_order_lines::Model, String);

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

    /// What the workshop noted.
    async fn note(&self) -> &str {
        &self.0.note
    }

    /// When.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}

/// A diagnostic session: an OBD-II read-out, a visual inspection or a test drive.
pub struct DiagnosticSession(pub diagnostic_sessions::Model);

#[Object]
impl DiagnosticSession {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// How it was run.
    async fn session_type(&self) -> DiagnosticType {
        self.0.session_type
    }

    /// The fault codes read, decoded and described in your language.
    async fn fault_codes(&self) -> Vec<FaultCodeInfo> {
        diagnostics::codes_of(&self.0).into_iter().map(FaultCodeInfo).collect()
    }

    /// What was observed.
    async fn symptoms(&self) -> &str {
        &self.0.symptoms
    }

    /// The technician's findings.
    async fn technician_notes(&self) -> &str {
        &self.0.technician_notes
    }

    /// What fixing it is expected to cost, without VAT.
    async fn cost_estimate(&self) -> Money {
        Money::new(self.0.cost_estimate_minor, &self.0.currency)
    }

    /// Open or closed.
    async fn status(&self) -> DiagnosticStatus {
        self.0.status
    }

    /// The workshop that ran it.
    async fn workshop(&self, ctx: &Context<'_>) -> ApiResult<Workshop> {
        load_existing::<workshops::Entity>(ctx, self.0.workshop_id, "workshop").await.map(Workshop::from)
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// An OBD-II fault code (DTC), decoded: its system, whether SAE or the carmaker defines it, its
/// subsystem, and a description from the table the platform ships — null for codes it does not
/// hold (every manufacturer-specific code), never an invented text.
pub struct FaultCodeInfo(String);

#[Object(name = "FaultCode")]
impl FaultCodeInfo {
    /// The code, e.g. `P0301`.
    async fn code(&self) -> &str {
        &self.0
    }

    /// Powertrain, chassis, body or network (null if the stored code is not a valid one).
    async fn system(&self) -> Option<FaultSystem> {
        FaultCode::parse(&self.0).ok().map(|code| code.system())
    }

    /// Generic (SAE, every maker) or manufacturer-specific.
    async fn origin(&self) -> Option<FaultOrigin> {
        FaultCode::parse(&self.0).ok().map(|code| code.origin())
    }

    /// The subsystem, in your language.
    async fn subsystem(&self, ctx: &Context<'_>) -> Option<&'static str> {
        FaultCode::parse(&self.0).ok().map(|code| code.subsystem(locale(ctx)))
    }

    /// What it means, in your language; null when the table does not describe it.
    async fn description(&self, ctx: &Context<'_>) -> Option<&'static str> {
        FaultCode::parse(&self.0).ok().and_then(|code| code.description(locale(ctx)))
    }
}

/// A repair estimate opened through its e-mailed link: what the customer decides on, without
/// signing in and without their personal data.
pub struct EstimateByLink(job_rows::Model);

#[Object]
impl EstimateByLink {
    /// The repair order's number.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// The workshop's name.
    async fn workshop_name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(load_existing::<workshops::Entity>(ctx, self.0.workshop_id, "workshop").await?.name)
    }

    /// The car's model and plate.
    async fn car(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let car = load_existing::<vehicles::Entity>(ctx, self.0.vehicle_id, "vehicle").await?;
        let model = load_existing::<vehicle_models::Entity>(ctx, car.model_id, "vehicle model").await?;
        Ok(format!("{} {}", model.name, car.plate.unwrap_or_default()).trim().to_owned())
    }

    /// Whether the decision is about work beyond the approved estimate.
    async fn reapproval(&self) -> bool {
        self.0.resume_status.is_some()
    }

    /// The lines, in order.
    async fn lines(&self, ctx: &Context<'_>) -> ApiResult<Vec<RepairOrderLine>> {
        lines_of(ctx, &self.0).await
    }

    /// What it amounts to.
    async fn estimate(&self, ctx: &Context<'_>) -> ApiResult<Amounts> {
        estimate_amounts(ctx, &self.0).await
    }

    /// What was approved before (for a re-approval).
    async fn approved(&self, ctx: &Context<'_>) -> ApiResult<Option<Amounts>> {
        approved_amounts(ctx, &self.0).await
    }

    /// Until when the link works.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.approval_expires_at
    }
}

/// A change of a repair order, as it happens.
pub struct RepairOrderProgress {
    job: job_rows::Model,
    status: RepairOrderStatus,
    note: String,
    occurred_at: DateTime<Utc>,
}

#[Object]
impl RepairOrderProgress {
    /// The repair order now.
    async fn repair_order(&self) -> RepairOrder {
        RepairOrder(self.job.clone())
    }

    /// The status reached.
    async fn status(&self) -> RepairOrderStatus {
        self.status
    }

    /// What the workshop noted.
    async fn note(&self) -> &str {
        &self.note
    }

    /// When.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.occurred_at
    }
}

/// Queries of repair orders.
#[derive(Default)]
pub struct RepairsQuery;

#[Object]
impl RepairsQuery {
    /// Repair orders, newest first: your workshop's (those in `status`, every one when empty) —
    /// its board; a customer's own; every one for platform staff.
    #[graphql(guard = "Allow::users(&[Role::Customer, Role::Workshop, Role::Support, Role::Admin])")]
    async fn repair_orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] status: Vec<RepairOrderStatus>,
    ) -> ApiResult<Vec<RepairOrder>> {
        Ok(repair_orders::list(app(ctx), viewer(ctx), &status).await?.into_iter().map(RepairOrder).collect())
    }

    /// One repair order (its customer, its workshop, platform staff).
    #[graphql(guard = "Allow::any_user()")]
    async fn repair_order(&self, ctx: &Context<'_>, id: ID) -> ApiResult<RepairOrder> {
        repair_orders::visible(app(ctx), viewer(ctx), parse_id(&id, "id")?).await.map(RepairOrder)
    }

    /// The estimate an e-mailed one-time link opens (no sign-in; `NOT_FOUND` once it is used or
    /// expired).
    async fn estimate_by_link(&self, ctx: &Context<'_>, token: String) -> ApiResult<EstimateByLink> {
        estimates::by_link(app(ctx), &token).await.map(EstimateByLink)
    }

    /// Decodes an OBD-II fault code (e.g. `P0301`) in your language.
    #[graphql(guard = "Allow::any_user()")]
    async fn fault_code(&self, code: String) -> ApiResult<FaultCodeInfo> {
        let code = FaultCode::parse(&code).map_err(|err| ApiError::bad_input("code", err.to_string()))?;
        Ok(FaultCodeInfo(code.as_str().to_owned()))
    }
}

/// A car arriving at the workshop.
#[derive(InputObject)]
pub struct CheckInInput {
    /// Its booking, if it has one.
    pub booking_id: Option<ID>,
    /// A walk-in car's VIN.
    pub vin: Option<String>,
    /// The odometer reading now, in km (it becomes the car's mileage).
    pub odometer_km: i32,
    /// What the customer says is wrong or wants done.
    #[graphql(default)]
    pub complaint: String,
}

/// A line to add to an estimate.
#[derive(InputObject)]
pub struct RepairLineInput {
    /// Labour or part.
    pub kind: RepairLineKind,
    /// What is done or fitted.
    pub description: String,
    /// Hours (labour) or pieces (parts), up to two decimals, e.g. 1.5.
    pub quantity: f64,
    /// Hourly rate or price of one piece, without VAT, in minor units (cents).
    pub unit_net_minor: i64,
}

/// A diagnostic session to record.
#[derive(InputObject)]
pub struct DiagnosticSessionInput {
    /// How it was run.
    pub session_type: DiagnosticType,
    /// The fault codes read, e.g. `["P0301", "P1234"]`.
    #[graphql(default)]
    pub fault_codes: Vec<String>,
    /// What was observed.
    #[graphql(default)]
    pub symptoms: String,
    /// The technician's findings.
    #[graphql(default)]
    pub technician_notes: String,
    /// What fixing it is expected to cost, without VAT, in minor units.
    #[graphql(default)]
    pub cost_estimate_minor: i64,
}

fn hundredths(quantity: f64) -> ApiResult<i32> {
    let scaled = (quantity * 100.0).round();
    if quantity.is_finite() && (scaled - quantity * 100.0).abs() < 1e-6 && (1.0..=100_000.0).contains(&scaled) {
        Ok(scaled as i32)
    } else {
        Err(ApiError::bad_input("quantity", "a quantity is more than 0 and at most 1,000, with up to two decimals"))
    }
}

/// Changes to repair orders.
#[derive(Default)]
pub struct RepairsMutation;

#[Object]
impl RepairsMutation {
    /// Checks a car in at your workshop — by its booking, or a walk-in by VIN — with its odometer
    /// and the customer's complaint; opens its repair order.
    #[graphql(guard = "Allow::users(&[Role::Workshop])")]
    async fn check_in_vehicle(&self, ctx: &Context<'_>, input: CheckInInput) -> ApiResult<RepairOrder> {
        let request = CheckIn {
            booking_id: input.booking_id.as_ref().map(|id| parse_id(id, "bookingId")).transpose()?,
            vin: input.vin,
            odometer_km: input.odometer_km,
            complaint: input.complaint,
        };
        repair_orders::check_in(app(ctx), viewer(ctx), request).await.map(RepairOrder)
    }

    /// Adds a line to the estimate. After the customer approved, work beyond 15 % of the approved
    /// estimate is put to them again (and they are told at once).
    #[graphql(guard = "Allow::users(&[Role::Workshop])")]
    async fn add_repair_order_line(
        &self,
        ctx: &Context<'_>,
        repair_order_id: ID,
        input: RepairLineInput,
    ) -> ApiResult<RepairOrder> {
        let line = LineInput {
            kind: input.kind,
            description: input.description,
            quantity_hundredths: hundredths(input.quantity)?,
            unit_net_minor: input.unit_net_minor,
        };
        let id = parse_id(&repair_order_id, "repairOrderId")?;
        estimates::add_line(app(ctx), viewer(ctx), id, line).await.map(RepairOrder)
    }

    /// Removes a line of an estimate that is not invoiced.
    #[graphql(guard = "Allow::users(&[Role::Workshop])")]
    async fn remove_repair_order_line(&self, ctx: &Context<'_>, line_id: ID) -> ApiResult<RepairOrder> {
        estimates::remove_line(app(ctx), viewer(ctx), parse_id(&line_id, "lineId")?).await.map(RepairOrder)
    }

    /// Moves a repair order on by a step of its board (`ESTIMATED` sends the estimate to the
    /// customer; `INVOICED` issues the invoice and records the maintenance); `note` goes on its
    /// timeline.
    #[graphql(guard = "Allow::users(&[Role::Workshop])")]
    async fn move_repair_order(
        &self,
        ctx: &Context<'_>,
        id: ID,
        to: RepairOrderStatus,
        #[graphql(default)] note: String,
    ) -> ApiResult<RepairOrder> {
        repair_orders::advance(app(ctx), viewer(ctx), parse_id(&id, "id")?, to, &note).await.map(RepairOrder)
    }

    /// Approves or declines the estimate waiting for your decision.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn decide_estimate(&self, ctx: &Context<'_>, repair_order_id: ID, approve: bool) -> ApiResult<RepairOrder> {
        let id = parse_id(&repair_order_id, "repairOrderId")?;
        estimates::decide(app(ctx), viewer(ctx), id, approve).await.map(RepairOrder)
    }

    /// Approves or declines an estimate through its e-mailed one-time link (no sign-in).
    async fn decide_estimate_by_link(
        &self,
        ctx: &Context<'_>,
        token: String,
        approve: bool,
    ) -> ApiResult<EstimateByLink> {
        estimates::decide_by_link(app(ctx), &token, approve).await.map(EstimateByLink)
    }

    /// Records a diagnostic session on a repair order, with its fault codes.
    #[graphql(guard = "Allow::users(&[Role::Workshop])")]
    async fn record_diagnostic_session(
        &self,
        ctx: &Context<'_>,
        repair_order_id: ID,
        input: DiagnosticSessionInput,
    ) -> ApiResult<DiagnosticSession> {
        let session = SessionInput {
            session_type: input.session_type,
            fault_codes: input.fault_codes,
            symptoms: input.symptoms,
            technician_notes: input.technician_notes,
            cost_estimate_minor: input.cost_estimate_minor,
        };
        let id = parse_id(&repair_order_id, "repairOrderId")?;
        diagnostics::record(app(ctx), viewer(ctx), id, session).await.map(DiagnosticSession)
    }
}

/// Live repair orders.
#[derive(Default)]
pub struct RepairsSubscription;

#[Subscription]
impl RepairsSubscription {
    /// Every step of a repair order as it happens: first where it stands, then each change (its
    /// customer, its workshop, platform staff).
    #[graphql(guard = "Allow::any_user()")]
    async fn repair_order_progress(
        &self,
        ctx: &Context<'_>,
        repair_order_id: ID,
    ) -> Result<impl Stream<Item = RepairOrderProgress> + use<>, ApiError> {
        let id = parse_id(&repair_order_id, "repairOrderId")?;
        let app: AppState = ctx.data_unchecked::<AppState>().clone();
        repair_orders::visible(&app, Viewer::of(ctx), id).await?;
        // Subscribed before the current state is read: no change between the two is missed.
        let events = app.events.subscribe_topic(Topic::RepairOrder(id));
        let read_from = Instant::now();
        let job = jobs::find(&app.db, id).await?;
        let last = jobs::timeline(&app.db, id).await?.pop();
        let first = RepairOrderProgress {
            status: job.status,
            note: last.as_ref().map(|entry| entry.note.clone()).unwrap_or_default(),
            occurred_at: last.map_or(job.updated_at, |entry| entry.occurred_at),
            job,
        };
        // Each change is its own timeline entry: the view follows entries, not only statuses.
        let step_of = move |event: &DomainEvent| match event {
            DomainEvent::RepairOrderChanged { repair_order_id, event_id, .. } if *repair_order_id == id => {
                Some(*event_id)
            }
            _ => None,
        };
        let changes = changes_after(events, read_from, uuid::Uuid::nil(), step_of).filter_map(move |(_, event)| {
            let app = app.clone();
            async move {
                let DomainEvent::RepairOrderChanged { repair_order_id, event_id, .. } = event else { return None };
                let job = jobs::find(&app.db, repair_order_id).await.ok()?;
                let entry = repair_order_events::Entity::find_by_id(event_id).one(&app.db).await.ok()??;
                Some(RepairOrderProgress {
                    job,
                    status: entry.status,
                    note: entry.note,
                    occurred_at: entry.occurred_at,
                })
            }
        });
        Ok(futures::stream::once(async move { first }).chain(changes))
    }
}
