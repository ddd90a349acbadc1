//! The figures, computed from rows already loaded (`report` loads them): pure functions, so each
//! definition reads in one place (docs/analytics.md states them).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, TimeZone, Utc};
use entity::{ActivationStatus, DurationKind, activations, invoices, orders, repair_orders, user_actions};
use uuid::Uuid;

/// A UTC calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// The month `at` falls in.
    pub fn of(at: DateTime<Utc>) -> Self {
        Self { year: at.year(), month: at.month() }
    }

    /// Its first instant.
    pub fn start(self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0).single().unwrap_or_default()
    }

    /// The month after.
    pub fn next(self) -> Self {
        if self.month == 12 { Self { year: self.year + 1, month: 1 } } else { Self { month: self.month + 1, ..self } }
    }

    /// `YYYY-MM`.
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// Whether `at` falls in it.
    pub fn contains(self, at: DateTime<Utc>) -> bool {
        at >= self.start() && at < self.next().start()
    }
}

/// The rows the figures are computed from.
#[derive(Default)]
pub struct Rows {
    /// Page and action events of the months.
    pub actions: Vec<user_actions::Model>,
    /// Every activation (subscriptions started before the range count for recurring revenue).
    pub activations: Vec<activations::Model>,
    /// Invoices and credit notes of the months.
    pub invoices: Vec<invoices::Model>,
    /// Orders created in the months.
    pub orders: Vec<orders::Model>,
    /// Repair orders closed in the months.
    pub repair_orders: Vec<repair_orders::Model>,
    /// Each user's region.
    pub user_regions: HashMap<Uuid, Uuid>,
    /// Each price's net amount.
    pub price_net: HashMap<Uuid, i64>,
    /// Each workshop's region.
    pub workshop_regions: HashMap<Uuid, Uuid>,
}

/// One region's figures for one month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthFigures {
    /// Times the catalog page was shown.
    pub catalog_views: i64,
    /// Features bought (not trials).
    pub purchases: i64,
    /// Trials started.
    pub trials_started: i64,
    /// Of those trials, the ones the same car later bought.
    pub trials_converted: i64,
    /// Activations asked for in the month that were switched on.
    pub activations_succeeded: i64,
    /// Activations asked for in the month that failed.
    pub activations_failed: i64,
    /// Failures by reason code.
    pub failure_reasons: BTreeMap<String, i64>,
    /// Invoiced net, VAT and gross (credit notes subtract), minor units.
    pub revenue_net: i64,
    /// VAT invoiced.
    pub revenue_vat: i64,
    /// Gross invoiced.
    pub revenue_gross: i64,
    /// Monthly recurring revenue at the month's end, net: monthly subscriptions plus a twelfth of
    /// annual ones.
    pub mrr_net: i64,
    /// Subscriptions running at the month's start.
    pub subscriptions_at_start: i64,
    /// Of those, the ones that ended in the month.
    pub subscriptions_ended: i64,
}

/// Sales of one dealership in one month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DealershipSales {
    /// Orders placed (not cancelled).
    pub orders: i64,
    /// Their net prices, minor units.
    pub net: i64,
}

/// Jobs of one workshop in one month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkshopJobs {
    /// Repair orders closed.
    pub closed: i64,
    /// Their approved net amounts, minor units.
    pub net: i64,
}

/// Everything, keyed by month and region (dealership, workshop).
#[derive(Debug, Default)]
pub struct Figures {
    /// By (month, region).
    pub months: BTreeMap<(Month, Uuid), MonthFigures>,
    /// By (month, region, dealership).
    pub sales: BTreeMap<(Month, Uuid, Uuid), DealershipSales>,
    /// By (month, region, workshop).
    pub jobs: BTreeMap<(Month, Uuid, Uuid), WorkshopJobs>,
}

fn is_subscription(activation: &activations::Model) -> bool {
    matches!(activation.duration_kind, DurationKind::Monthly | DurationKind::Annual)
        && activation.status != ActivationStatus::Failed
}

/// Whether a subscription was running at `at`.
fn running_at(activation: &activations::Model, at: DateTime<Utc>) -> bool {
    is_subscription(activation)
        && activation.starts_at.is_some_and(|start| start <= at)
        && activation.ends_at.is_none_or(|end| end > at)
}

/// Whether an activation was ever switched on.
fn succeeded(activation: &activations::Model) -> bool {
    activation.starts_at.is_some() && activation.status != ActivationStatus::Failed
}

/// The figures of one month and region, when they are asked for.
fn cell(
    months: &mut BTreeMap<(Month, Uuid), MonthFigures>,
    month: Month,
    region: Option<Uuid>,
) -> Option<&mut MonthFigures> {
    months.get_mut(&(month, region?))
}

/// Whether the trial `trial` was followed by a purchase of the same feature for the same car.
fn converted(trial: &activations::Model, all: &[activations::Model]) -> bool {
    all.iter().any(|later| {
        later.vehicle_id == trial.vehicle_id
            && later.feature_id == trial.feature_id
            && later.duration_kind != DurationKind::Trial
            && later.created_at > trial.created_at
    })
}

/// The figures of `months` (each in the regions given) from `rows`.
pub fn compute(rows: &Rows, months: &[Month], regions: &[Uuid]) -> Figures {
    let mut figures = Figures::default();
    for &month in months {
        for &region in regions {
            figures.months.insert((month, region), MonthFigures::default());
        }
    }
    let region_of_user = |user: &Uuid| rows.user_regions.get(user).copied();
    for action in rows.actions.iter().filter(|action| action.kind == "PAGE" && action.name == "catalog") {
        if let Some(f) = cell(&mut figures.months, Month::of(action.occurred_at), Some(action.region_id)) {
            f.catalog_views += 1;
        }
    }
    for activation in &rows.activations {
        let month = Month::of(activation.created_at);
        let Some(f) = cell(&mut figures.months, month, region_of_user(&activation.purchased_by)) else { continue };
        if activation.duration_kind == DurationKind::Trial {
            f.trials_started += 1;
            f.trials_converted += i64::from(converted(activation, &rows.activations));
        } else {
            f.purchases += 1;
        }
        if activation.status == ActivationStatus::Failed {
            f.activations_failed += 1;
            let reason = activation.failure_code.clone().unwrap_or_else(|| "UNKNOWN".to_owned());
            *f.failure_reasons.entry(reason).or_default() += 1;
        } else if succeeded(activation) {
            f.activations_succeeded += 1;
        }
    }
    for invoice in &rows.invoices {
        if let Some(f) = cell(&mut figures.months, Month::of(invoice.issued_at), Some(invoice.region_id)) {
            f.revenue_net += invoice.net_minor;
            f.revenue_vat += invoice.vat_minor;
            f.revenue_gross += invoice.gross_minor;
        }
    }
    for &month in months {
        let (start, end) = (month.start(), month.next().start());
        for activation in rows.activations.iter().filter(|activation| is_subscription(activation)) {
            let Some(f) = cell(&mut figures.months, month, region_of_user(&activation.purchased_by)) else { continue };
            let net = activation.price_id.and_then(|price| rows.price_net.get(&price)).copied().unwrap_or(0);
            let monthly = if activation.duration_kind == DurationKind::Annual { net / 12 } else { net };
            if running_at(activation, end - chrono::Duration::seconds(1)) {
                f.mrr_net += monthly;
            }
            if running_at(activation, start) {
                f.subscriptions_at_start += 1;
                f.subscriptions_ended += i64::from(activation.ends_at.is_some_and(|ends| ends < end));
            }
        }
    }
    let wanted = |month: Month, region: Uuid| months.contains(&month) && regions.contains(&region);
    for order in rows.orders.iter().filter(|order| order.status != entity::OrderStatus::Cancelled) {
        let month = Month::of(order.created_at);
        if wanted(month, order.region_id) {
            let sales = figures.sales.entry((month, order.region_id, order.dealership_id)).or_default();
            sales.orders += 1;
            sales.net += order.price_net_minor;
        }
    }
    for job in rows.repair_orders.iter().filter(|job| job.status == entity::RepairOrderStatus::Closed) {
        let (Some(closed), Some(&region)) = (job.closed_at, rows.workshop_regions.get(&job.workshop_id)) else {
            continue;
        };
        let month = Month::of(closed);
        if wanted(month, region) {
            let jobs = figures.jobs.entry((month, region, job.workshop_id)).or_default();
            jobs.closed += 1;
            jobs.net += job.approved_net_minor.unwrap_or(0);
        }
    }
    figures
}

/// `part` of `whole` in basis points (0 when there is no whole).
pub fn basis_points(part: i64, whole: i64) -> i64 {
    if whole == 0 { 0 } else { part * 10_000 / whole }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_over_the_year_and_hold_their_instants() {
        let december = Month { year: 2026, month: 12 };
        assert_eq!(december.next(), Month { year: 2027, month: 1 });
        assert_eq!(december.label(), "2026-12");
        assert!(december.contains(december.start()));
        assert!(!december.contains(december.next().start()));
        assert_eq!(basis_points(1, 3), 3333);
        assert_eq!(basis_points(5, 0), 0);
    }
}
