//! A repair order's estimate: lines of labour (hours × rate) and parts (pieces × net price), VAT of
//! the workshop's region, the customer's approval in the app or through a one-time e-mailed link,
//! and the 15 % rule — work that would cost more than 15 % above the approved estimate waits for
//! the customer's approval again, and they are told at once.

use chrono::{DateTime, Duration, Utc};
use entity::{RepairLineKind, RepairLineStatus, RepairOrderStatus, Role, repair_order_lines, repair_orders, workshops};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::jobs::{self, Step, Totals};
use super::{notices, setup};
use crate::app::App;
use crate::auth::Viewer;
use crate::auth::secret::fingerprint;
use crate::domain::Money;
use crate::error::{ApiError, ApiResult};
use crate::notifications::dispatcher::ESTIMATE_LINK_KEY;
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;
use crate::policy;

/// How long an e-mailed approval link works.
pub const LINK_DAYS: i64 = 14;

/// A line to add to an estimate.
pub struct LineInput {
    /// Labour or part.
    pub kind: RepairLineKind,
    /// What is done or fitted, for the customer and the invoice.
    pub description: String,
    /// Hours (labour) or pieces (parts), in hundredths.
    pub quantity_hundredths: i32,
    /// Hourly rate or net price of one piece, in minor units.
    pub unit_net_minor: i64,
}

/// States in which the workshop may change the lines.
const EDITABLE: [RepairOrderStatus; 4] = [
    RepairOrderStatus::CheckedIn,
    RepairOrderStatus::Inspected,
    RepairOrderStatus::Approved,
    RepairOrderStatus::InProgress,
];

/// The net of `quantity_hundredths` at `unit_net_minor`, rounded to the cent (half away from zero).
pub fn line_net(quantity_hundredths: i32, unit_net_minor: i64) -> i64 {
    let product = i128::from(quantity_hundredths) * i128::from(unit_net_minor);
    let rounded = if product >= 0 { (product + 50) / 100 } else { (product - 50) / 100 };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// The repair order `job_id` if `viewer` works at its workshop and its lines may change now.
async fn editable(app: &App, viewer: &Viewer, job_id: Uuid) -> ApiResult<(repair_orders::Model, Uuid)> {
    let job = jobs::find(&app.db, job_id).await?;
    let staff = policy::workshop_staff(viewer, job.workshop_id)?;
    if job.status == RepairOrderStatus::Estimated {
        return Err(ApiError::Conflict("the customer is deciding on the estimate; change it once they have".into()));
    }
    if !EDITABLE.contains(&job.status) {
        return Err(ApiError::Conflict("the work on this repair order is finished".into()));
    }
    Ok((job, staff.id))
}

/// Adds a line. Once the customer approved the estimate, a line that takes the work more than 15 %
/// above it puts the order back to them for approval (and tells them at once); within 15 % it
/// counts as approved.
pub async fn add_line(app: &App, viewer: &Viewer, job_id: Uuid, input: LineInput) -> ApiResult<repair_orders::Model> {
    let (job, actor) = editable(app, viewer, job_id).await?;
    let description = input.description.trim();
    if !(1..=300).contains(&description.chars().count()) {
        return Err(ApiError::bad_input("description", "a line is described in 1 to 300 characters"));
    }
    if !(1..=100_000).contains(&input.quantity_hundredths) {
        return Err(ApiError::bad_input("quantity", "a quantity is more than 0 and at most 1,000"));
    }
    if !(0..=10_000_000).contains(&input.unit_net_minor) {
        return Err(ApiError::bad_input("unitNet", "a price is 0 to 100,000.00"));
    }
    let txn = begin_write(&app.db).await?;
    // Read again inside the transaction: the order may have moved since.
    let job = jobs::find(&txn, job.id).await?;
    if !EDITABLE.contains(&job.status) {
        return Err(ApiError::Conflict("this repair order was just changed; reload it".into()));
    }
    let position = jobs::lines(&txn, job.id).await?.iter().map(|line| line.position).max().unwrap_or(0) + 1;
    repair_order_lines::ActiveModel {
        id: Set(Uuid::now_v7()),
        repair_order_id: Set(job.id),
        position: Set(position),
        kind: Set(input.kind),
        description: Set(description.to_owned()),
        quantity_hundredths: Set(input.quantity_hundredths),
        unit_net_minor: Set(input.unit_net_minor),
        net_minor: Set(line_net(input.quantity_hundredths, input.unit_net_minor)),
        status: Set(RepairLineStatus::Proposed),
        created_at: Set(app.clock.now()),
    }
    .insert(&txn)
    .await?;
    let mut outbox = Outbox::new();
    let job = match job.status {
        RepairOrderStatus::Approved | RepairOrderStatus::InProgress => {
            hold_to_estimate(app, &txn, &mut outbox, job, actor).await?
        }
        _ => job,
    };
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(job)
}

/// Removes a line that is not yet invoiced (less work never needs a new approval).
pub async fn remove_line(app: &App, viewer: &Viewer, line_id: Uuid) -> ApiResult<repair_orders::Model> {
    let line = repair_order_lines::Entity::find_by_id(line_id).one(&app.db).await?.ok_or(ApiError::NotFound("line"))?;
    let (job, _) = editable(app, viewer, line.repair_order_id).await?;
    repair_order_lines::Entity::delete_by_id(line.id).exec(&app.db).await?;
    Ok(job)
}

/// After a line was added to approved work: within the tolerance the new lines count as approved,
/// beyond it the customer is asked again.
async fn hold_to_estimate(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    job: repair_orders::Model,
    actor: Uuid,
) -> ApiResult<repair_orders::Model> {
    let workshop = setup::workshop(db, job.workshop_id).await?;
    let lines = jobs::lines(db, job.id).await?;
    let vat_bp = jobs::vat_rate(db, workshop.region_id).await?;
    let estimate = Totals::of(jobs::estimated(&lines), vat_bp);
    let approved_net = job.approved_net_minor.unwrap_or(0);
    if !jobs::exceeds_approval(approved_net, estimate.net) {
        set_lines(db, job.id, RepairLineStatus::Proposed, RepairLineStatus::Approved).await?;
        return Ok(job);
    }
    let resume = job.status;
    let extra = json!({
        "approved": Money::new(Totals::of(jobs::approved(&lines), vat_bp).gross(), &job.currency).texts(),
        "estimate": Money::new(estimate.gross(), &job.currency).texts(),
        "over": percent_over(approved_net, estimate.net),
    });
    let step = ("repair.reapproval_needed", extra, Step::ReapprovalNeeded);
    request_approval(app, db, outbox, (&workshop, job), Some(resume), step, (actor, "")).await
}

/// How far `estimate` goes past `approved`, in whole percent.
pub fn percent_over(approved: i64, estimate: i64) -> i64 {
    if approved <= 0 { 100 } else { ((estimate - approved) * 100 + approved / 2) / approved }
}

async fn set_lines(
    db: &impl ConnectionTrait,
    job_id: Uuid,
    from: RepairLineStatus,
    to: RepairLineStatus,
) -> ApiResult<()> {
    repair_order_lines::Entity::update_many()
        .col_expr(repair_order_lines::Column::Status, Expr::value(to))
        .filter(repair_order_lines::Column::RepairOrderId.eq(job_id))
        .filter(repair_order_lines::Column::Status.eq(from))
        .exec(db)
        .await?;
    Ok(())
}

/// Sends the estimate of an inspected car to its customer for approval, with the workshop's `note`.
pub async fn submit(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    job: repair_orders::Model,
    (actor, note): (Uuid, &str),
) -> ApiResult<repair_orders::Model> {
    let workshop = setup::workshop(db, job.workshop_id).await?;
    let lines = jobs::lines(db, job.id).await?;
    if !lines.iter().any(|line| line.status == RepairLineStatus::Proposed) {
        return Err(ApiError::Conflict("an estimate needs at least one line".into()));
    }
    let vat_bp = jobs::vat_rate(db, workshop.region_id).await?;
    let estimate = Totals::of(jobs::estimated(&lines), vat_bp);
    let extra = json!({ "estimate": Money::new(estimate.gross(), &job.currency).texts() });
    let step = ("repair.estimate_ready", extra, Step::EstimateSent);
    request_approval(app, db, outbox, (&workshop, job), None, step, (actor, note)).await
}

/// Puts the order to the customer: a fresh one-time link (the older one stops working), the
/// status `ESTIMATED`, a message in the app and by e-mail with the link.
async fn request_approval(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    (workshop, job): (&workshops::Model, repair_orders::Model),
    resume: Option<RepairOrderStatus>,
    (template, extra, step): (&str, serde_json::Value, Step),
    (actor, note): (Uuid, &str),
) -> ApiResult<repair_orders::Model> {
    let now = app.clock.now();
    let link_id = Uuid::now_v7();
    let mut row: repair_orders::ActiveModel = job.into();
    row.approval_requested_at = Set(Some(now));
    row.approval_link_id = Set(Some(link_id));
    row.approval_token_hash = Set(Some(fingerprint(&app.link_signer.token(link_id))));
    row.approval_expires_at = Set(Some(now + Duration::days(LINK_DAYS)));
    row.resume_status = Set(resume);
    let job = row.update(db).await?;
    let job = jobs::record_step(app, db, outbox, job, RepairOrderStatus::Estimated, (step, note, Some(actor))).await?;
    let mut extra = extra;
    extra[ESTIMATE_LINK_KEY] = link_id.to_string().into();
    notices::tell_job_customer(app, db, outbox, (workshop, &job), template, extra, true).await?;
    Ok(job)
}

/// The customer of a repair order approves or declines its estimate in the app.
pub async fn decide(app: &App, viewer: &Viewer, job_id: Uuid, approve: bool) -> ApiResult<repair_orders::Model> {
    let customer = viewer.user_with_role(&[Role::Customer])?;
    let job = jobs::find(&app.db, job_id).await?;
    if job.customer_id != Some(customer.id) {
        return Err(ApiError::Forbidden("this repair order is outside your scope".into()));
    }
    apply_decision(app, job, approve, Some(customer.id)).await
}

/// The repair order whose e-mailed link has `token`, while the link works.
pub async fn by_link(app: &App, token: &str) -> ApiResult<repair_orders::Model> {
    let job = repair_orders::Entity::find()
        .filter(repair_orders::Column::ApprovalTokenHash.eq(fingerprint(token.trim())))
        .one(&app.db)
        .await?;
    let expired = |job: &repair_orders::Model| job.approval_expires_at.is_none_or(|at| at <= app.clock.now());
    match job {
        Some(job) if job.status == RepairOrderStatus::Estimated && !expired(&job) => Ok(job),
        _ => Err(ApiError::NotFound("estimate")),
    }
}

/// The customer decides through the e-mailed one-time link (no sign-in needed; the link is used up).
pub async fn decide_by_link(app: &App, token: &str, approve: bool) -> ApiResult<repair_orders::Model> {
    let job = by_link(app, token).await?;
    let customer = job.customer_id;
    apply_decision(app, job, approve, customer).await
}

async fn apply_decision(
    app: &App,
    job: repair_orders::Model,
    approve: bool,
    actor: Option<Uuid>,
) -> ApiResult<repair_orders::Model> {
    if job.status != RepairOrderStatus::Estimated {
        return Err(ApiError::Conflict("there is no estimate waiting for your decision".into()));
    }
    let txn = begin_write(&app.db).await?;
    let workshop = setup::workshop(&txn, job.workshop_id).await?;
    let resume = job.resume_status;
    let (lines_to, next, step, template) = match (approve, resume) {
        (true, _) => (
            RepairLineStatus::Approved,
            resume.unwrap_or(RepairOrderStatus::Approved),
            Step::EstimateApproved,
            "workshop.estimate_approved",
        ),
        (false, Some(resume)) => {
            (RepairLineStatus::Declined, resume, Step::ExtraWorkDeclined, "workshop.estimate_declined")
        }
        (false, None) => (
            RepairLineStatus::Proposed,
            RepairOrderStatus::Inspected,
            Step::EstimateDeclined,
            "workshop.estimate_declined",
        ),
    };
    // Claimed while the status is still ESTIMATED: of two decisions at once, one takes effect.
    let claimed = repair_orders::Entity::update_many()
        .col_expr(repair_orders::Column::ApprovalLinkId, Expr::value(Option::<Uuid>::None))
        .col_expr(repair_orders::Column::ApprovalTokenHash, Expr::value(Option::<String>::None))
        .col_expr(repair_orders::Column::ApprovalExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(repair_orders::Column::ResumeStatus, Expr::value(Option::<String>::None))
        .filter(repair_orders::Column::Id.eq(job.id))
        .filter(repair_orders::Column::Status.eq(RepairOrderStatus::Estimated))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ApiError::Conflict("there is no estimate waiting for your decision".into()));
    }
    set_lines(&txn, job.id, RepairLineStatus::Proposed, lines_to).await?;
    let mut job = jobs::find(&txn, job.id).await?;
    if approve {
        let lines = jobs::lines(&txn, job.id).await?;
        let mut row: repair_orders::ActiveModel = job.into();
        row.approved_net_minor = Set(Some(jobs::approved(&lines).map(|line| line.net_minor).sum()));
        job = row.update(&txn).await?;
    }
    let mut outbox = Outbox::new();
    let job = jobs::record_step(app, &txn, &mut outbox, job, next, (step, "", actor)).await?;
    notices::tell_job_workshop(app, &txn, &mut outbox, (&workshop, &job), template).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_quantity_times_price_rounded_to_the_cent() {
        assert_eq!(line_net(150, 9_500), 14_250, "1.5 h at 95.00");
        assert_eq!(line_net(100, 1_999), 1_999);
        assert_eq!(line_net(33, 1_000), 330);
        assert_eq!(line_net(125, 333), 416, "4.1625 rounds to 4.16");
        assert_eq!(line_net(150, 333), 500, "4.995 rounds half up to 5.00");
    }

    #[test]
    fn how_far_over_the_estimate_is_said_in_whole_percent() {
        assert_eq!(percent_over(100_000, 120_000), 20);
        assert_eq!(percent_over(30_000, 34_600), 15);
        assert_eq!(percent_over(0, 5_000), 100);
    }
}
