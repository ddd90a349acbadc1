//! Analytics over GraphQL: the web app's events recorded; the report for administrators, each of
//! its tables also as CSV.

use async_graphql::{Context, InputObject, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entity::Role;

use super::actions::{self, UserAction, UserActionKind};
use super::figures::{DealershipSales, MonthFigures, WorkshopJobs, basis_points};
use super::report::{self, Named, RegionMonth, Report};
use crate::auth::Allow;
use crate::domain::Money;
use crate::error::ApiResult;
use crate::graphql::context::{app, viewer};

/// One page or action event.
#[derive(InputObject)]
pub struct UserActionInput {
    /// A page shown or an action taken.
    pub kind: UserActionKind,
    /// Which, e.g. `catalog` or `feature.purchase`.
    pub name: String,
    /// When, by the device's clock.
    pub occurred_at: DateTime<Utc>,
}

/// A count of failures with one reason.
pub struct ReasonCount(String, i64);

#[Object]
impl ReasonCount {
    /// The failure code, e.g. `VEHICLE_OFFLINE`.
    async fn code(&self) -> &str {
        &self.0
    }

    /// How many.
    async fn count(&self) -> i64 {
        self.1
    }
}

/// One region's figures for one month, amounts in its currency.
pub struct AnalyticsMonth(RegionMonth);

impl AnalyticsMonth {
    fn f(&self) -> &MonthFigures {
        &self.0.figures
    }

    fn money(&self, minor: i64) -> Money {
        Money::new(minor, &self.0.region.currency)
    }
}

#[Object]
impl AnalyticsMonth {
    /// `YYYY-MM` (UTC).
    async fn month(&self) -> String {
        self.0.month.label()
    }

    /// The region's code.
    async fn region_code(&self) -> &str {
        &self.0.region.code
    }

    /// Times customers of the region opened a car's catalog.
    async fn catalog_views(&self) -> i64 {
        self.f().catalog_views
    }

    /// Features bought (trials not counted).
    async fn purchases(&self) -> i64 {
        self.f().purchases
    }

    /// Purchases per catalog view, in basis points.
    async fn conversion_basis_points(&self) -> i64 {
        basis_points(self.f().purchases, self.f().catalog_views)
    }

    /// Free trials started.
    async fn trials_started(&self) -> i64 {
        self.f().trials_started
    }

    /// Of those trials, the ones the same car went on to buy.
    async fn trials_converted(&self) -> i64 {
        self.f().trials_converted
    }

    /// Activations asked for in the month that were switched on.
    async fn activations_succeeded(&self) -> i64 {
        self.f().activations_succeeded
    }

    /// Activations asked for in the month that failed (never charged).
    async fn activations_failed(&self) -> i64 {
        self.f().activations_failed
    }

    /// Failures by reason.
    async fn failure_reasons(&self) -> Vec<ReasonCount> {
        self.f().failure_reasons.iter().map(|(code, n)| ReasonCount(code.clone(), *n)).collect()
    }

    /// Net invoiced (credit notes subtract).
    async fn revenue_net(&self) -> Money {
        self.money(self.f().revenue_net)
    }

    /// VAT invoiced.
    async fn revenue_vat(&self) -> Money {
        self.money(self.f().revenue_vat)
    }

    /// Gross invoiced.
    async fn revenue_gross(&self) -> Money {
        self.money(self.f().revenue_gross)
    }

    /// Monthly recurring revenue at the month's end, net.
    async fn monthly_recurring_revenue(&self) -> Money {
        self.money(self.f().mrr_net)
    }

    /// Subscriptions running at the month's start.
    async fn subscriptions_at_start(&self) -> i64 {
        self.f().subscriptions_at_start
    }

    /// Of those, the ones that ended in the month.
    async fn subscriptions_ended(&self) -> i64 {
        self.f().subscriptions_ended
    }

    /// Churn: subscriptions ended per subscription at the start, in basis points.
    async fn churn_basis_points(&self) -> i64 {
        basis_points(self.f().subscriptions_ended, self.f().subscriptions_at_start)
    }
}

/// A dealership's sales in one month.
pub struct DealershipMonth(Named<DealershipSales>);

#[Object]
impl DealershipMonth {
    /// `YYYY-MM`.
    async fn month(&self) -> String {
        self.0.month.label()
    }

    /// The region's code.
    async fn region_code(&self) -> &str {
        &self.0.region.code
    }

    /// The dealership.
    async fn dealership(&self) -> &str {
        &self.0.name
    }

    /// Orders placed and not cancelled.
    async fn orders(&self) -> i64 {
        self.0.figures.orders
    }

    /// Their net prices.
    async fn net(&self) -> Money {
        Money::new(self.0.figures.net, &self.0.region.currency)
    }
}

/// A workshop's jobs in one month.
pub struct WorkshopMonth(Named<WorkshopJobs>);

#[Object]
impl WorkshopMonth {
    /// `YYYY-MM`.
    async fn month(&self) -> String {
        self.0.month.label()
    }

    /// The region's code.
    async fn region_code(&self) -> &str {
        &self.0.region.code
    }

    /// The workshop.
    async fn workshop(&self) -> &str {
        &self.0.name
    }

    /// Repair orders closed.
    async fn jobs_closed(&self) -> i64 {
        self.0.figures.closed
    }

    /// Their approved net amounts.
    async fn net(&self) -> Money {
        Money::new(self.0.figures.net, &self.0.region.currency)
    }
}

/// Business figures for a range of months.
pub struct AnalyticsReport(Report);

#[Object]
impl AnalyticsReport {
    /// By month, then region.
    async fn months(&self) -> Vec<AnalyticsMonth> {
        self.0.months.iter().cloned().map(AnalyticsMonth).collect()
    }

    /// Sales by dealership.
    async fn dealership_sales(&self) -> Vec<DealershipMonth> {
        self.0.sales.iter().cloned().map(DealershipMonth).collect()
    }

    /// Workshop jobs.
    async fn workshop_jobs(&self) -> Vec<WorkshopMonth> {
        self.0.jobs.iter().cloned().map(WorkshopMonth).collect()
    }

    /// `months` as CSV (amounts in major units, two decimals).
    async fn months_csv(&self) -> ApiResult<String> {
        self.0.months_csv()
    }

    /// `dealershipSales` as CSV.
    async fn dealership_sales_csv(&self) -> ApiResult<String> {
        self.0.sales_csv()
    }

    /// `workshopJobs` as CSV.
    async fn workshop_jobs_csv(&self) -> ApiResult<String> {
        self.0.jobs_csv()
    }
}

/// Analytics queries.
#[derive(Default)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// Business figures of the months from `from`'s to `to`'s (UTC, 36 at most), of one region
    /// (its code) or all (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn analytics(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
        region_code: Option<String>,
    ) -> ApiResult<AnalyticsReport> {
        let months = report::months_between(from, to)?;
        report::report(app(ctx), &months, region_code.as_deref()).await.map(AnalyticsReport)
    }
}

/// Analytics mutations.
#[derive(Default)]
pub struct AnalyticsMutation;

#[Object]
impl AnalyticsMutation {
    /// Records a batch of your page and action events (100 at most); how many were kept.
    #[graphql(guard = "Allow::any_user()")]
    async fn record_user_actions(&self, ctx: &Context<'_>, actions: Vec<UserActionInput>) -> ApiResult<i32> {
        let actions = actions
            .into_iter()
            .map(|action| UserAction { kind: action.kind, name: action.name, occurred_at: action.occurred_at })
            .collect();
        let kept = actions::record(app(ctx), viewer(ctx), actions).await?;
        Ok(i32::try_from(kept).unwrap_or(i32::MAX))
    }
}
