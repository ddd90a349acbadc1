//! The business figures of a range of months, of one region or all: revenue, conversion from the
//! catalog to a purchase and activations that succeeded or failed, drawn as charts; then the
//! tables by month and region, by dealership and by workshop, each downloadable as CSV.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::api::ops::{Analytics, Regions, analytics, regions};
use crate::api::{QueryState, use_query};
use crate::components::download::save_file;
use crate::components::forms::text;
use crate::components::{BarChart, Layout, empty, error_view, loading, stale_note};
use crate::i18n::{Locale, money, t, tf};
use crate::state::use_app;

/// A share in basis points as a percentage, e.g. `12.5 %` (en) or `12,5 %` (de, es).
fn percent(locale: Locale, basis_points: i64) -> String {
    let (whole, rest) = (basis_points / 100, (basis_points % 100).abs());
    let separator = if locale == Locale::En { '.' } else { ',' };
    match rest {
        0 => format!("{whole} %"),
        r if r % 10 == 0 => format!("{whole}{separator}{} %", r / 10),
        r => format!("{whole}{separator}{r:02} %"),
    }
}

/// `YYYY-MM` of the month `back` months before the current one (UTC).
fn month_before(back: u32) -> String {
    let now = js_sys::Date::new_0();
    let months = now.get_utc_full_year() * 12 + now.get_utc_month();
    let then = months.saturating_sub(back);
    format!("{:04}-{:02}", then / 12, then % 12 + 1)
}

/// The months asked for and the region (empty: all).
#[derive(Clone, PartialEq)]
struct Range {
    from: String,
    to: String,
    region: String,
}

/// The analytics page.
#[function_component(AnalyticsPage)]
pub fn analytics_page() -> Html {
    let app = use_app();
    let locale = app.locale;
    let range = use_state(|| Range { from: month_before(5), to: month_before(0), region: String::new() });
    let (from, to, region) = (use_node_ref(), use_node_ref(), use_node_ref());
    let regions = match use_query::<Regions>(regions::Variables, 0) {
        QueryState::Ready(loaded) => loaded.data.regions.clone(),
        _ => Vec::new(),
    };
    let onsubmit = {
        let (range, from, to, region) = (range.clone(), from.clone(), to.clone(), region.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            range.set(Range { from: text(&from), to: text(&to), region: text(&region) });
        })
    };
    let variables = analytics::Variables {
        from: format!("{}-01", range.from),
        to: format!("{}-01", range.to),
        region_code: Some(range.region.clone()).filter(|code| !code.is_empty()),
    };
    let content = match use_query::<Analytics>(variables, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => html! {
            <>
                { stale_note(locale, loaded.stale) }
                { report(locale, &loaded.data.analytics) }
            </>
        },
    };
    html! {
        <Layout title="page.analytics">
            <form class="filters card" id="analytics-range" {onsubmit}>
                <label for="analytics-from">{ t(locale, "analytics.from") }</label>
                <input id="analytics-from" type="month" ref={from} value={range.from.clone()} required=true />
                <label for="analytics-to">{ t(locale, "analytics.to") }</label>
                <input id="analytics-to" type="month" ref={to} value={range.to.clone()} required=true />
                <label for="analytics-region">{ t(locale, "profile.region") }</label>
                <select id="analytics-region" ref={region}>
                    <option value="" selected={range.region.is_empty()}>{ t(locale, "analytics.all_regions") }</option>
                    { for regions.iter().map(|r| html! { <option value={r.code.clone()} selected={r.code == range.region}>{ r.name.clone() }</option> }) }
                </select>
                <button type="submit">{ t(locale, "analytics.show") }</button>
            </form>
            { content }
        </Layout>
    }
}

/// Sums of the months over the regions shown.
#[derive(Default)]
struct MonthTotals {
    views: i64,
    purchases: i64,
    succeeded: i64,
    failed: i64,
    /// Gross revenue in minor units, per currency.
    gross: BTreeMap<String, i64>,
}

/// The charts, then the three tables.
fn report(locale: Locale, report: &analytics::AnalyticsAnalytics) -> Html {
    let mut by_month: BTreeMap<&str, MonthTotals> = BTreeMap::new();
    for row in &report.months {
        let totals = by_month.entry(row.month.as_str()).or_default();
        totals.views += row.catalog_views;
        totals.purchases += row.purchases;
        totals.succeeded += row.activations_succeeded;
        totals.failed += row.activations_failed;
        *totals.gross.entry(row.revenue_gross.currency.clone()).or_default() += row.revenue_gross.amount_minor;
    }
    let months: Vec<String> = by_month.keys().map(|month| (*month).to_owned()).collect();
    let currencies: Vec<String> = {
        let mut all: Vec<String> = by_month.values().flat_map(|m| m.gross.keys().cloned()).collect();
        all.sort();
        all.dedup();
        all
    };
    let single_currency = currencies.first().cloned().unwrap_or_default();
    let revenue_series = currencies
        .iter()
        .zip(["primary", "secondary"].iter().cycle())
        .map(|(currency, class)| {
            let values =
                by_month.values().map(|m| m.gross.get(currency).copied().unwrap_or(0) as f64 / 100.0).collect();
            (currency.clone(), *class, values)
        })
        .collect();
    let revenue_format = move |major: f64| {
        let currency = if currencies.len() == 1 { single_currency.as_str() } else { "" };
        money(locale, (major * 100.0).round() as i64, currency).trim().to_owned()
    };
    let conversion: Vec<f64> =
        by_month.values().map(|m| if m.views > 0 { (m.purchases * 10_000 / m.views) as f64 } else { 0.0 }).collect();
    let conversion_format = move |bp: f64| percent(locale, bp.round() as i64);
    let count_format = |count: f64| format!("{}", count.round() as i64);
    let succeeded = by_month.values().map(|m| m.succeeded as f64).collect();
    let failed = by_month.values().map(|m| m.failed as f64).collect();
    let chart = |id: &'static str,
                 title: String,
                 series: Vec<(String, &'static str, Vec<f64>)>,
                 format: &dyn Fn(f64) -> String| {
        let mut chart = BarChart {
            id,
            title,
            months: &months,
            series,
            format,
            empty: t(locale, "analytics.no_data"),
            summary: String::new(),
        };
        let (first, last) = (months.first().cloned().unwrap_or_default(), months.last().cloned().unwrap_or_default());
        let high = format(chart.highest());
        chart.summary = tf(
            locale,
            "analytics.chart_summary",
            &[("title", &chart.title), ("from", &first), ("to", &last), ("max", &high)],
        );
        chart.view()
    };
    let charts = html! {
        <section class="charts">
            { chart("chart-revenue", t(locale, "analytics.revenue_gross"), revenue_series, &revenue_format) }
            { chart("chart-conversion", t(locale, "analytics.conversion"),
                vec![(t(locale, "analytics.conversion"), "primary", conversion)], &conversion_format) }
            { chart("chart-activations", t(locale, "analytics.activations"), vec![
                (t(locale, "analytics.succeeded"), "ok", succeeded),
                (t(locale, "analytics.failed"), "bad", failed),
            ], &count_format) }
        </section>
    };
    let cell = |text: String| html! { <td>{ text }</td> };
    let amount = |m: &analytics::AnalyticsAnalyticsMonthsRevenueGross| money(locale, m.amount_minor, &m.currency);
    html! {
        <>
            if report.months.is_empty() { { empty(locale, "analytics.no_data") } } else { { charts } }
            <section class="card report" id="table-months">
                <h2>{ t(locale, "analytics.by_month") }</h2>
                { download_button(locale, "months", &report.months_csv) }
                <div class="table-scroll" tabindex="0" role="region" aria-label={t(locale, "analytics.by_month")}>
                    <table>
                        <thead><tr>
                            { for ["analytics.month", "analytics.region", "analytics.catalog_views", "analytics.purchases",
                                "analytics.conversion", "analytics.succeeded", "analytics.failed", "analytics.trials",
                                "analytics.trials_converted", "analytics.churn", "analytics.revenue_gross",
                                "analytics.revenue_net", "analytics.mrr"].iter().map(|key| html! { <th scope="col">{ t(locale, key) }</th> }) }
                        </tr></thead>
                        <tbody>
                            { for report.months.iter().map(|row| html! {
                                <tr>
                                    { cell(row.month.clone()) }{ cell(row.region_code.clone()) }
                                    { cell(row.catalog_views.to_string()) }{ cell(row.purchases.to_string()) }
                                    { cell(percent(locale, row.conversion_basis_points)) }
                                    { cell(row.activations_succeeded.to_string()) }{ cell(row.activations_failed.to_string()) }
                                    { cell(row.trials_started.to_string()) }{ cell(row.trials_converted.to_string()) }
                                    { cell(percent(locale, row.churn_basis_points)) }
                                    { cell(amount(&row.revenue_gross)) }
                                    { cell(money(locale, row.revenue_net.amount_minor, &row.revenue_net.currency)) }
                                    { cell(money(locale, row.monthly_recurring_revenue.amount_minor, &row.monthly_recurring_revenue.currency)) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </section>
            <section class="card report" id="table-dealerships">
                <h2>{ t(locale, "analytics.by_dealership") }</h2>
                { download_button(locale, "dealership-sales", &report.dealership_sales_csv) }
                if report.dealership_sales.is_empty() { { empty(locale, "analytics.no_data") } } else {
                    <div class="table-scroll" tabindex="0" role="region" aria-label={t(locale, "analytics.by_dealership")}>
                        <table>
                            <thead><tr>
                                { for ["analytics.month", "analytics.region", "analytics.dealership", "analytics.orders", "analytics.net"]
                                    .iter().map(|key| html! { <th scope="col">{ t(locale, key) }</th> }) }
                            </tr></thead>
                            <tbody>
                                { for report.dealership_sales.iter().map(|row| html! {
                                    <tr>
                                        { cell(row.month.clone()) }{ cell(row.region_code.clone()) }{ cell(row.dealership.clone()) }
                                        { cell(row.orders.to_string()) }{ cell(money(locale, row.net.amount_minor, &row.net.currency)) }
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                }
            </section>
            <section class="card report" id="table-workshops">
                <h2>{ t(locale, "analytics.by_workshop") }</h2>
                { download_button(locale, "workshop-jobs", &report.workshop_jobs_csv) }
                if report.workshop_jobs.is_empty() { { empty(locale, "analytics.no_data") } } else {
                    <div class="table-scroll" tabindex="0" role="region" aria-label={t(locale, "analytics.by_workshop")}>
                        <table>
                            <thead><tr>
                                { for ["analytics.month", "analytics.region", "analytics.workshop", "analytics.jobs", "analytics.net"]
                                    .iter().map(|key| html! { <th scope="col">{ t(locale, key) }</th> }) }
                            </tr></thead>
                            <tbody>
                                { for report.workshop_jobs.iter().map(|row| html! {
                                    <tr>
                                        { cell(row.month.clone()) }{ cell(row.region_code.clone()) }{ cell(row.workshop.clone()) }
                                        { cell(row.jobs_closed.to_string()) }{ cell(money(locale, row.net.amount_minor, &row.net.currency)) }
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                }
            </section>
        </>
    }
}

/// A button that saves a table's CSV as `caas-NAME.csv`.
fn download_button(locale: Locale, name: &'static str, csv: &str) -> Html {
    let csv = csv.to_owned();
    let onclick = Callback::from(move |_: MouseEvent| {
        save_file(&format!("caas-{name}.csv"), "text/csv", &csv);
    });
    html! {
        <button type="button" class="secondary download-csv" data-table={name} {onclick}>{ t(locale, "analytics.download_csv") }</button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_written_as_percentages_in_the_language() {
        assert_eq!(percent(Locale::En, 1250), "12.5 %");
        assert_eq!(percent(Locale::De, 1250), "12,5 %");
        assert_eq!(percent(Locale::Es, 1207), "12,07 %");
        assert_eq!(percent(Locale::En, 300), "3 %");
        assert_eq!(percent(Locale::En, 0), "0 %");
    }
}
