//! The report an administrator reads: rows loaded for a range of months and a region, the figures
//! computed, each table named and priced, and each table as CSV.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{
    activations, dealerships, invoices, orders, prices, regions, repair_orders, user_actions, users, workshops,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::figures::{self, DealershipSales, Month, MonthFigures, Rows, WorkshopJobs};
use crate::app::App;
use crate::error::{ApiError, ApiResult};

/// Most months one report covers.
pub const MAX_MONTHS: usize = 36;

/// One region's month.
#[derive(Clone, Debug)]
pub struct RegionMonth {
    /// The month.
    pub month: Month,
    /// The region.
    pub region: regions::Model,
    /// Its figures, in the region's currency.
    pub figures: MonthFigures,
}

/// A table row with the name of its dealership or workshop.
#[derive(Clone, Debug)]
pub struct Named<T> {
    /// The month.
    pub month: Month,
    /// The region.
    pub region: regions::Model,
    /// The dealership's or workshop's name.
    pub name: String,
    /// The figures.
    pub figures: T,
}

/// A report.
#[derive(Clone, Debug)]
pub struct Report {
    /// By month, then region code.
    pub months: Vec<RegionMonth>,
    /// Sales by month, region and dealership.
    pub sales: Vec<Named<DealershipSales>>,
    /// Jobs by month, region and workshop.
    pub jobs: Vec<Named<WorkshopJobs>>,
}

/// The months from `from`'s to `to`'s, both included.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> ApiResult<Vec<Month>> {
    let (first, last) = (
        Month::of(from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        Month::of(to.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
    );
    if last < first {
        return Err(ApiError::bad_input("to", "the range ends before it starts"));
    }
    let mut months = vec![first];
    while let Some(&current) = months.last() {
        if current == last {
            break;
        }
        if months.len() == MAX_MONTHS {
            return Err(ApiError::bad_input("to", "a report covers at most 36 months"));
        }
        months.push(current.next());
    }
    Ok(months)
}

/// Loads the rows of `months` and computes the report, for one region (its code) or all.
pub async fn report(app: &App, months: &[Month], region_code: Option<&str>) -> ApiResult<Report> {
    let all_regions = regions::Entity::find().all(&app.db).await?;
    let chosen: Vec<regions::Model> = match region_code {
        Some(code) => {
            let code = code.trim().to_uppercase();
            let region = all_regions.iter().find(|region| region.code == code).ok_or(ApiError::NotFound("region"))?;
            vec![region.clone()]
        }
        None => all_regions.clone(),
    };
    let (start, end) = match (months.first(), months.last()) {
        (Some(first), Some(last)) => (first.start(), last.next().start()),
        _ => return Err(ApiError::bad_input("from", "the range holds no month")),
    };
    let db = &app.db;
    let rows = Rows {
        actions: user_actions::Entity::find()
            .filter(user_actions::Column::OccurredAt.gte(start))
            .filter(user_actions::Column::OccurredAt.lt(end))
            .all(db)
            .await?,
        activations: activations::Entity::find().filter(activations::Column::CreatedAt.lt(end)).all(db).await?,
        invoices: invoices::Entity::find()
            .filter(invoices::Column::IssuedAt.gte(start))
            .filter(invoices::Column::IssuedAt.lt(end))
            .all(db)
            .await?,
        orders: orders::Entity::find()
            .filter(orders::Column::CreatedAt.gte(start))
            .filter(orders::Column::CreatedAt.lt(end))
            .all(db)
            .await?,
        repair_orders: repair_orders::Entity::find()
            .filter(repair_orders::Column::ClosedAt.gte(start))
            .filter(repair_orders::Column::ClosedAt.lt(end))
            .all(db)
            .await?,
        user_regions: users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::RegionId)
            .into_tuple::<(Uuid, Uuid)>()
            .all(db)
            .await?
            .into_iter()
            .collect(),
        price_net: prices::Entity::find().all(db).await?.into_iter().map(|price| (price.id, price.net_minor)).collect(),
        workshop_regions: workshops::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|workshop| (workshop.id, workshop.region_id))
            .collect(),
    };
    let region_ids: Vec<Uuid> = chosen.iter().map(|region| region.id).collect();
    let computed = figures::compute(&rows, months, &region_ids);
    let region_by_id: HashMap<Uuid, regions::Model> = all_regions.into_iter().map(|r| (r.id, r)).collect();
    let dealer_names: HashMap<Uuid, String> =
        dealerships::Entity::find().all(db).await?.into_iter().map(|d| (d.id, d.name)).collect();
    let workshop_names: HashMap<Uuid, String> =
        workshops::Entity::find().all(db).await?.into_iter().map(|w| (w.id, w.name)).collect();
    let mut region_months: Vec<RegionMonth> = computed
        .months
        .into_iter()
        .filter_map(|((month, region), figures)| {
            Some(RegionMonth { month, region: region_by_id.get(&region)?.clone(), figures })
        })
        .collect();
    region_months.sort_by(|a, b| (a.month, &a.region.code).cmp(&(b.month, &b.region.code)));
    let named = |month: Month, region: Uuid, name: Option<&String>| -> Option<(Month, regions::Model, String)> {
        Some((month, region_by_id.get(&region)?.clone(), name.cloned().unwrap_or_default()))
    };
    let sales = computed
        .sales
        .into_iter()
        .filter_map(|((month, region, dealer), figures)| {
            let (month, region, name) = named(month, region, dealer_names.get(&dealer))?;
            Some(Named { month, region, name, figures })
        })
        .collect();
    let jobs = computed
        .jobs
        .into_iter()
        .filter_map(|((month, region, workshop), figures)| {
            let (month, region, name) = named(month, region, workshop_names.get(&workshop))?;
            Some(Named { month, region, name, figures })
        })
        .collect();
    Ok(Report { months: region_months, sales, jobs })
}

/// An amount in minor units as the CSV shows it: major units with two decimals (`1234.50`).
fn amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

fn to_csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> ApiResult<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(ApiError::internal)?;
    for row in rows {
        writer.write_record(&row).map_err(ApiError::internal)?;
    }
    let bytes = writer.into_inner().map_err(|err| ApiError::internal(anyhow::anyhow!(err.to_string())))?;
    String::from_utf8(bytes).map_err(ApiError::internal)
}

impl Report {
    /// The figures by month and region, as CSV.
    pub fn months_csv(&self) -> ApiResult<String> {
        let header = [
            "month",
            "region",
            "currency",
            "catalog_views",
            "purchases",
            "conversion_percent",
            "trials_started",
            "trials_converted",
            "activations_succeeded",
            "activations_failed",
            "failure_reasons",
            "revenue_net",
            "revenue_vat",
            "revenue_gross",
            "mrr_net",
            "subscriptions_at_start",
            "subscriptions_ended",
            "churn_percent",
        ];
        let percent = |bp: i64| format!("{}.{:02}", bp / 100, bp % 100);
        to_csv(
            &header,
            self.months.iter().map(|row| {
                let f = &row.figures;
                let reasons: Vec<String> = f.failure_reasons.iter().map(|(code, n)| format!("{code}:{n}")).collect();
                vec![
                    row.month.label(),
                    row.region.code.clone(),
                    row.region.currency.clone(),
                    f.catalog_views.to_string(),
                    f.purchases.to_string(),
                    percent(figures::basis_points(f.purchases, f.catalog_views)),
                    f.trials_started.to_string(),
                    f.trials_converted.to_string(),
                    f.activations_succeeded.to_string(),
                    f.activations_failed.to_string(),
                    reasons.join(" "),
                    amount(f.revenue_net),
                    amount(f.revenue_vat),
                    amount(f.revenue_gross),
                    amount(f.mrr_net),
                    f.subscriptions_at_start.to_string(),
                    f.subscriptions_ended.to_string(),
                    percent(figures::basis_points(f.subscriptions_ended, f.subscriptions_at_start)),
                ]
            }),
        )
    }

    /// Sales by dealership, as CSV.
    pub fn sales_csv(&self) -> ApiResult<String> {
        to_csv(
            &["month", "region", "currency", "dealership", "orders", "net"],
            self.sales.iter().map(|row| {
                vec![
                    row.month.label(),
                    row.region.code.clone(),
                    row.region.currency.clone(),
                    row.name.clone(),
                    row.figures.orders.to_string(),
                    amount(row.figures.net),
                ]
            }),
        )
    }

    /// Workshop jobs, as CSV.
    pub fn jobs_csv(&self) -> ApiResult<String> {
        to_csv(
            &["month", "region", "currency", "workshop", "jobs_closed", "net"],
            self.jobs.iter().map(|row| {
                vec![
                    row.month.label(),
                    row.region.code.clone(),
                    row.region.currency.clone(),
                    row.name.clone(),
                    row.figures.closed.to_string(),
                    amount(row.figures.net),
                ]
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_ranges() {
        assert_eq!(amount(123_450), "1234.50");
        assert_eq!(amount(-5), "-0.05");
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let months = months_between(day(2026, 11, 15), day(2027, 2, 1)).expect("months");
        assert_eq!(months.iter().map(|m| m.label()).collect::<Vec<_>>(), ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert!(months_between(day(2027, 1, 1), day(2026, 1, 1)).is_err());
        assert!(months_between(day(2020, 1, 1), day(2026, 1, 1)).is_err());
    }
}
