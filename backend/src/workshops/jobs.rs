//! What every step of a repair order (job card) shares: finding it, its lines and their totals,
//! and recording a step — the new status, a timeline entry, and the event its live followers get.

use entity::{RepairLineStatus, RepairOrderStatus, regions, repair_order_events, repair_order_lines, repair_orders};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::app::App;
use crate::domain::money::vat_of;
use crate::error::{ApiError, ApiResult};
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;

/// Over this share of the approved estimate, the work needs the customer's approval again
/// (German practice, BGB § 650: a cost estimate may be exceeded by about 15 % at most).
pub const TOLERANCE_PERCENT: i64 = 15;

/// A repair order by id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<repair_orders::Model> {
    repair_orders::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("repair order"))
}

/// The lines of a repair order, in order.
pub async fn lines(db: &impl ConnectionTrait, job_id: Uuid) -> ApiResult<Vec<repair_order_lines::Model>> {
    Ok(repair_order_lines::Entity::find()
        .filter(repair_order_lines::Column::RepairOrderId.eq(job_id))
        .order_by_asc(repair_order_lines::Column::Position)
        .all(db)
        .await?)
}

/// The timeline of a repair order, oldest first.
pub async fn timeline(db: &impl ConnectionTrait, job_id: Uuid) -> ApiResult<Vec<repair_order_events::Model>> {
    Ok(repair_order_events::Entity::find()
        .filter(repair_order_events::Column::RepairOrderId.eq(job_id))
        .order_by_asc(repair_order_events::Column::OccurredAt)
        .order_by_asc(repair_order_events::Column::Id)
        .all(db)
        .await?)
}

/// Net, VAT and gross of some lines, VAT worked out per line as the invoice will.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Without VAT.
    pub net: i64,
    /// The VAT.
    pub vat: i64,
}

impl Totals {
    /// The totals of `lines` at `vat_bp`.
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a repair_order_lines::Model>, vat_bp: i32) -> Self {
        lines.into_iter().fold(Self::default(), |sum, line| Self {
            net: sum.net + line.net_minor,
            vat: sum.vat + vat_of(line.net_minor, vat_bp),
        })
    }

    /// With VAT.
    pub fn gross(self) -> i64 {
        self.net + self.vat
    }
}

/// The lines the estimate counts now: all but the declined ones.
pub fn estimated(lines: &[repair_order_lines::Model]) -> impl Iterator<Item = &repair_order_lines::Model> {
    lines.iter().filter(|line| line.status != RepairLineStatus::Declined)
}

/// The lines the customer agreed to (and the invoice charges).
pub fn approved(lines: &[repair_order_lines::Model]) -> impl Iterator<Item = &repair_order_lines::Model> {
    lines.iter().filter(|line| line.status == RepairLineStatus::Approved)
}

/// Whether `estimate_net` goes past `approved_net` by more than the tolerance.
pub fn exceeds_approval(approved_net: i64, estimate_net: i64) -> bool {
    i128::from(estimate_net) * 100 > i128::from(approved_net) * i128::from(100 + TOLERANCE_PERCENT)
}

/// The VAT rate of the workshop's region, in basis points.
pub async fn vat_rate(db: &impl ConnectionTrait, region_id: Uuid) -> ApiResult<i32> {
    let region = regions::Entity::find_by_id(region_id).one(db).await?.ok_or(ApiError::NotFound("region"))?;
    Ok(region.vat_rate_bp)
}

/// Why a repair order moved, as its timeline tells it (`repair-step-…` in the reader's language).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The car arrived.
    CheckedIn,
    /// The workshop looked at it.
    Inspected,
    /// The estimate went to the customer.
    EstimateSent,
    /// The work would cost more than 15 % over the approved estimate: asked again.
    ReapprovalNeeded,
    /// The customer approved.
    EstimateApproved,
    /// The customer declined the estimate.
    EstimateDeclined,
    /// The customer declined the additional work.
    ExtraWorkDeclined,
    /// Work started.
    WorkStarted,
    /// Done, ready for collection.
    Ready,
    /// Invoiced.
    Invoiced,
    /// Collected; the job is over.
    Collected,
    /// Called off.
    Cancelled,
}

impl Step {
    /// The code stored and told, e.g. `reapproval_needed`.
    pub fn code(self) -> &'static str {
        match self {
            Self::CheckedIn => "checked_in",
            Self::Inspected => "inspected",
            Self::EstimateSent => "estimate_sent",
            Self::ReapprovalNeeded => "reapproval_needed",
            Self::EstimateApproved => "estimate_approved",
            Self::EstimateDeclined => "estimate_declined",
            Self::ExtraWorkDeclined => "extra_work_declined",
            Self::WorkStarted => "work_started",
            Self::Ready => "ready",
            Self::Invoiced => "invoiced",
            Self::Collected => "collected",
            Self::Cancelled => "cancelled",
        }
    }

    /// The step of a plain move of the workshop's to `status`.
    pub fn of_move(status: RepairOrderStatus) -> Self {
        match status {
            RepairOrderStatus::CheckedIn => Self::CheckedIn,
            RepairOrderStatus::Inspected => Self::Inspected,
            RepairOrderStatus::Estimated => Self::EstimateSent,
            RepairOrderStatus::Approved => Self::EstimateApproved,
            RepairOrderStatus::InProgress => Self::WorkStarted,
            RepairOrderStatus::Ready => Self::Ready,
            RepairOrderStatus::Invoiced => Self::Invoiced,
            RepairOrderStatus::Closed => Self::Collected,
            RepairOrderStatus::Cancelled => Self::Cancelled,
        }
    }
}

/// Moves `job` to `status` inside the caller's transaction: the row, a timeline entry with the
/// `step` and the workshop's `note`, and the event for live followers (sent once the transaction
/// commits).
pub async fn record_step(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    job: repair_orders::Model,
    status: RepairOrderStatus,
    (step, note, actor): (Step, &str, Option<Uuid>),
) -> ApiResult<repair_orders::Model> {
    let now = app.clock.now();
    let mut row: repair_orders::ActiveModel = job.into();
    row.status = Set(status);
    row.updated_at = Set(now);
    if matches!(status, RepairOrderStatus::Closed | RepairOrderStatus::Cancelled) {
        row.closed_at = Set(Some(now));
    }
    let job = row.update(db).await?;
    let entry = repair_order_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        repair_order_id: Set(job.id),
        status: Set(status),
        step: Set(step.code().to_owned()),
        note: Set(note.chars().take(500).collect()),
        actor_id: Set(actor),
        occurred_at: Set(now),
    }
    .insert(db)
    .await?;
    outbox.push(DomainEvent::RepairOrderChanged { repair_order_id: job.id, status, event_id: entry.id });
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Locale;

    #[test]
    fn every_step_is_told_in_every_language() {
        use RepairOrderStatus::*;
        let mut steps: Vec<Step> =
            [CheckedIn, Inspected, Estimated, Approved, InProgress, Ready, Invoiced, Closed, Cancelled]
                .into_iter()
                .map(Step::of_move)
                .collect();
        steps.extend([Step::ReapprovalNeeded, Step::EstimateDeclined, Step::ExtraWorkDeclined]);
        for step in steps {
            let id = format!("repair-step-{}", step.code());
            let english = crate::i18n::find(Locale::En, &id, &serde_json::json!({})).expect("English");
            for locale in [Locale::De, Locale::Es] {
                let told = crate::i18n::find(locale, &id, &serde_json::json!({})).expect("translated");
                assert_ne!(told, english, "{locale} {id}");
            }
        }
    }

    #[test]
    fn fifteen_percent_more_is_within_the_estimate_and_a_cent_more_is_not() {
        assert!(!exceeds_approval(100_000, 115_000));
        assert!(exceeds_approval(100_000, 115_001));
        assert!(exceeds_approval(100_000, 120_000));
        assert!(!exceeds_approval(100_000, 90_000));
        assert!(exceeds_approval(0, 1), "nothing approved: any cost needs approval");
    }
}
