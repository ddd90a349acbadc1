//! Business figures: a month of activity (catalog views from the web app, purchases, a trial that
//! converts, invoices, the demo's history) gives, for every region and month, the figures computed
//! independently here from the raw rows; the CSV carries the same.

use std::collections::HashMap;

use caas_tests::{TestApp, spawn_app};
use chrono::{DateTime, Datelike, Duration, Utc};
use entity::{ActivationStatus, DurationKind};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use uuid::Uuid;

const RECORD: &str = "mutation($a: [UserActionInput!]!) { recordUserActions(actions: $a) }";
const REPORT: &str = "query($from: NaiveDate!, $to: NaiveDate!, $region: String) { analytics(from: $from, to: $to, regionCode: $region) { months { month regionCode catalogViews purchases conversionBasisPoints trialsStarted trialsConverted activationsSucceeded activationsFailed failureReasons { code count } revenueNet { amountMinor } revenueVat { amountMinor } revenueGross { amountMinor } monthlyRecurringRevenue { amountMinor } subscriptionsAtStart subscriptionsEnded } dealershipSales { month regionCode dealership orders net { amountMinor } } workshopJobs { month workshop jobsClosed } monthsCsv } }";
const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";

fn views(count: usize, at: DateTime<Utc>) -> Value {
    let mut events: Vec<Value> =
        (0..count).map(|_| json!({ "kind": "PAGE", "name": "catalog", "occurredAt": at })).collect();
    events.push(json!({ "kind": "ACTION", "name": "feature.purchase", "occurredAt": at }));
    json!({ "a": events })
}

async fn buy(app: &TestApp, token: &str, vin: &str, code: &str, kind: &str, key: &str) -> String {
    let input =
        json!({ "input": { "vin": vin, "featureCode": code, "duration": { "kind": kind }, "idempotencyKey": key } });
    app.graphql_as(token, PURCHASE, input).await.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned()
}

fn month_of(at: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}

fn in_month(at: DateTime<Utc>, label: &str) -> bool {
    month_of(at) == label
}

/// The month's bounds from its label.
fn bounds(label: &str) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = DateTime::parse_from_rfc3339(&format!("{label}-01T00:00:00Z")).expect("month").with_timezone(&Utc);
    let next = if start.month() == 12 {
        start.with_year(start.year() + 1).and_then(|d| d.with_month(1))
    } else {
        start.with_month(start.month() + 1)
    };
    (start, next.expect("next month"))
}

#[tokio::test]
async fn the_figures_of_each_month_and_region_equal_those_computed_from_the_raw_rows() {
    let app = spawn_app().await;
    let now = app.app.clock.now();
    let anna = app.token("customer@demo.caas").await;
    let lucia = app.token("customer2@demo.caas").await;
    assert_eq!(
        app.graphql_as(&anna, RECORD, views(4, now - Duration::minutes(5))).await.data()["recordUserActions"],
        5
    );
    assert_eq!(app.graphql_as(&lucia, RECORD, views(2, now)).await.data()["recordUserActions"], 3);
    let too_old = app.graphql_as(&anna, RECORD, views(1, now - Duration::days(3))).await;
    assert_eq!(too_old.data()["recordUserActions"], 0, "events older than 48 hours are dropped");
    let bad = json!({ "a": [{ "kind": "PAGE", "name": "Anna Becker's page", "occurredAt": now }] });
    assert_eq!(app.graphql_as(&anna, RECORD, bad).await.error_code(), Some("BAD_USER_INPUT".to_owned()));

    let vins = app.vins_of("customer@demo.caas").await;
    let permanent = buy(&app, &anna, &vins[0], "PARKING_ASSISTANT", "PERMANENT", "an-1").await;
    let trial = app
        .graphql_as(
            &anna,
            "mutation($vin: String!) { startTrial(vin: $vin, featureCode: \"AMBIENT_LIGHTING\") { id } }",
            json!({ "vin": vins[0] }),
        )
        .await;
    let trial = trial.data()["startTrial"]["id"].as_str().expect("the trial").to_owned();
    // Both on before the figures are read, so the rows read after them are the same.
    for id in [&permanent, &trial] {
        app.eventually("the purchase to be on", || async {
            let status =
                app.graphql_as(&anna, "query($id: ID!) { activation(id: $id) { status } }", json!({ "id": id })).await;
            (status.data()["activation"]["status"] == "ACTIVE").then_some(())
        })
        .await;
    }

    let admin = app.token("admin@demo.caas").await;
    let from = (now - Duration::days(400)).date_naive();
    let report = app.graphql_as(&admin, REPORT, json!({ "from": from, "to": now.date_naive() })).await;
    let report = report.data()["analytics"].clone();
    let months = report["months"].as_array().expect("months").clone();

    // The raw rows, and each figure computed from them here.
    let db = &app.app.db;
    let users: HashMap<Uuid, Uuid> =
        entity::users::Entity::find().all(db).await.expect("users").into_iter().map(|u| (u.id, u.region_id)).collect();
    let regions: HashMap<String, Uuid> =
        entity::regions::Entity::find().all(db).await.expect("regions").into_iter().map(|r| (r.code, r.id)).collect();
    let activations = entity::activations::Entity::find().all(db).await.expect("activations");
    let invoices = entity::invoices::Entity::find().all(db).await.expect("invoices");
    let actions = entity::user_actions::Entity::find().all(db).await.expect("actions");
    let prices: HashMap<Uuid, i64> = entity::prices::Entity::find()
        .all(db)
        .await
        .expect("prices")
        .into_iter()
        .map(|p| (p.id, p.net_minor))
        .collect();
    let (first, last) = ((now - Duration::days(400)), now);
    let month_count = (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32 + 1;
    assert_eq!(months.len(), regions.len() * month_count as usize, "every region in each month of the range");
    let mut busy = 0;
    for row in &months {
        let label = row["month"].as_str().expect("month");
        let region = regions[row["regionCode"].as_str().expect("region")];
        let (start, end) = bounds(label);
        let of_region = |user: &Uuid| users.get(user) == Some(&region);
        let bought: Vec<&entity::activations::Model> =
            activations.iter().filter(|a| in_month(a.created_at, label) && of_region(&a.purchased_by)).collect();
        let trials: Vec<&&entity::activations::Model> =
            bought.iter().filter(|a| a.duration_kind == DurationKind::Trial).collect();
        let converted = trials
            .iter()
            .filter(|t| {
                activations.iter().any(|a| {
                    a.vehicle_id == t.vehicle_id
                        && a.feature_id == t.feature_id
                        && a.duration_kind != DurationKind::Trial
                        && a.created_at > t.created_at
                })
            })
            .count();
        let failed = bought.iter().filter(|a| a.status == ActivationStatus::Failed).count();
        let succeeded = bought.iter().filter(|a| a.status != ActivationStatus::Failed && a.starts_at.is_some()).count();
        let month_invoices: Vec<&entity::invoices::Model> =
            invoices.iter().filter(|i| in_month(i.issued_at, label) && i.region_id == region).collect();
        let running = |a: &entity::activations::Model, at: DateTime<Utc>| {
            matches!(a.duration_kind, DurationKind::Monthly | DurationKind::Annual)
                && a.status != ActivationStatus::Failed
                && a.starts_at.is_some_and(|s| s <= at)
                && a.ends_at.is_none_or(|e| e > at)
        };
        let subscriptions: Vec<&entity::activations::Model> =
            activations.iter().filter(|a| of_region(&a.purchased_by)).collect();
        let mrr: i64 = subscriptions
            .iter()
            .filter(|a| running(a, end - Duration::seconds(1)))
            .map(|a| {
                let net = a.price_id.and_then(|p| prices.get(&p)).copied().unwrap_or(0);
                if a.duration_kind == DurationKind::Annual { net / 12 } else { net }
            })
            .sum();
        let at_start: Vec<&&entity::activations::Model> = subscriptions.iter().filter(|a| running(a, start)).collect();
        let ended = at_start.iter().filter(|a| a.ends_at.is_some_and(|e| e < end)).count();
        let catalog_views = actions
            .iter()
            .filter(|a| {
                a.kind == "PAGE" && a.name == "catalog" && a.region_id == region && in_month(a.occurred_at, label)
            })
            .count();
        let purchases = bought.len() - trials.len();
        let expected = json!({
            "catalogViews": catalog_views,
            "purchases": purchases,
            "conversionBasisPoints": (purchases * 10_000).checked_div(catalog_views).unwrap_or(0),
            "trialsStarted": trials.len(),
            "trialsConverted": converted,
            "activationsSucceeded": succeeded,
            "activationsFailed": failed,
            "revenueNet": month_invoices.iter().map(|i| i.net_minor).sum::<i64>(),
            "revenueVat": month_invoices.iter().map(|i| i.vat_minor).sum::<i64>(),
            "revenueGross": month_invoices.iter().map(|i| i.gross_minor).sum::<i64>(),
            "mrr": mrr,
            "subscriptionsAtStart": at_start.len(),
            "subscriptionsEnded": ended,
        });
        let actual = json!({
            "catalogViews": row["catalogViews"],
            "purchases": row["purchases"],
            "conversionBasisPoints": row["conversionBasisPoints"],
            "trialsStarted": row["trialsStarted"],
            "trialsConverted": row["trialsConverted"],
            "activationsSucceeded": row["activationsSucceeded"],
            "activationsFailed": row["activationsFailed"],
            "revenueNet": row["revenueNet"]["amountMinor"],
            "revenueVat": row["revenueVat"]["amountMinor"],
            "revenueGross": row["revenueGross"]["amountMinor"],
            "mrr": row["monthlyRecurringRevenue"]["amountMinor"],
            "subscriptionsAtStart": row["subscriptionsAtStart"],
            "subscriptionsEnded": row["subscriptionsEnded"],
        });
        assert_eq!(actual, expected, "{label} in {}", row["regionCode"]);
        if expected
            != json!({ "catalogViews": 0, "purchases": 0, "conversionBasisPoints": 0, "trialsStarted": 0, "trialsConverted": 0, "activationsSucceeded": 0, "activationsFailed": 0, "revenueNet": 0, "revenueVat": 0, "revenueGross": 0, "mrr": 0, "subscriptionsAtStart": 0, "subscriptionsEnded": 0 })
        {
            busy += 1;
        }
    }
    assert!(busy >= 3, "the demo's history and this month's activity fill several months: {busy}");
    let this_month = months
        .iter()
        .find(|row| row["month"] == month_of(now) && row["regionCode"] == "DE")
        .expect("this month in Germany");
    assert!(this_month["catalogViews"].as_i64() >= Some(4) && this_month["purchases"].as_i64() >= Some(1));

    let csv = report["monthsCsv"].as_str().expect("csv");
    let mut lines = csv.lines();
    assert!(lines.next().expect("header").starts_with("month,region,currency,catalog_views,purchases"));
    assert_eq!(lines.count(), months.len(), "one CSV line per month and region");
    let german = app
        .graphql_as(&admin, REPORT, json!({ "from": now.date_naive(), "to": now.date_naive(), "region": "de" }))
        .await;
    let german = german.data()["analytics"]["months"].as_array().expect("months").clone();
    assert_eq!(german.len(), 1);
    assert_eq!(german[0]["catalogViews"], this_month["catalogViews"]);
    let customer = app.graphql_as(&anna, REPORT, json!({ "from": from, "to": now.date_naive() })).await;
    assert_eq!(customer.error_code(), Some("FORBIDDEN".to_owned()));
    let backwards = app.graphql_as(&admin, REPORT, json!({ "from": now.date_naive(), "to": from })).await;
    assert_eq!(backwards.error_code(), Some("BAD_USER_INPUT".to_owned()));
}
