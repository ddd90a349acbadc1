//! GraphQL of repair orders: the job card with its estimate, diagnostics, timeline and invoice; the
//! workshop's board and steps; the customer's decision (in the app or by the e-mailed link); live
//! progress.

use std::time::Instant;

use async_graphql::{Context, ID, InputObject, Object, Subscription};
use chrono::{DateTime, Utc};
use entity::{
    DiagnosticType, RepairLineKind, RepairOrderStatus, Role, repair_order_events, repair_orders as job_rows,
    vehicle_models, vehicles, workshops,
};
use futures::stream::{Stream, StreamExt};
use sea_orm::EntityTrait;

use super::diagnostics::{DiagnosticSession, FaultCodeInfo};
use super::types::{
    Amounts, RepairOrder, RepairOrderLine, approved_amounts, estimate_amounts, lines_of, over_percent, step_summary,
};
use crate::app::AppState;
use crate::auth::{Allow, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, load_existing, locale, parse_id, viewer};
use crate::platform::events::{DomainEvent, Topic, changes_after};
use crate::workshops::diagnostics::{self, SessionInput};
use crate::workshops::estimates::{self, LineInput};
use crate::workshops::fault_codes::FaultCode;
use crate::workshops::jobs::{self};
use crate::workshops::repair_orders::{self, CheckIn};

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

    /// How far the estimate goes beyond the approved one, in whole percent (for a re-approval).
    async fn over_approved_percent(&self, ctx: &Context<'_>) -> ApiResult<Option<i32>> {
        over_percent(ctx, &self.0).await
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
    step: String,
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

    /// What happened, in your language.
    async fn summary(&self, ctx: &Context<'_>) -> String {
        step_summary(locale(ctx), &self.step)
    }

    /// What the workshop wrote about the step (empty when it wrote nothing).
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
            step: last.as_ref().map(|entry| entry.step.clone()).unwrap_or_default(),
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
                    step: entry.step,
                    note: entry.note,
                    occurred_at: entry.occurred_at,
                })
            }
        });
        Ok(futures::stream::once(async move { first }).chain(changes))
    }
}
