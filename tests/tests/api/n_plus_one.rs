//! DataLoaders keep nested queries free of N+1: the number of SQL statements of a query does not
//! grow with the length of its lists.

use caas_tests::{TestApp, TestOptions, spawn_app_with};
use serde_json::json;

const NESTED: &str = include_str!("../../queries/nested_vehicles.graphql");

/// Gives the demo customer `count` more vehicles, each with nine activations.
async fn add_vehicles(app: &TestApp, count: u32) {
    caas::seed::fleet::add_cars(&app.app.db, "customer@demo.caas", count, 9).await.expect("more cars");
}

/// SQL statements the nested query costs, and how many vehicles it returned.
/// The counter is global, and background workers (the e-mail dispatcher's poll) may add to it while
/// the query runs: the fewest statements of three runs is the query's own count.
async fn statements_of_nested_query(app: &TestApp, token: &str) -> (f64, usize) {
    let mut fewest = f64::MAX;
    let mut vehicles = 0;
    for _ in 0..3 {
        let before = app.metric("caas_db_statements_total").await;
        let response = app.graphql_as(token, NESTED, json!({})).await;
        let after = app.metric("caas_db_statements_total").await;
        vehicles = response.data()["myVehicles"]["edges"].as_array().expect("edges").len();
        fewest = fewest.min(after - before);
    }
    (fewest, vehicles)
}

#[tokio::test]
async fn nested_lists_cost_at_most_one_statement_per_relation() {
    // The default configuration: batches are gathered without a timer, so a slow debug build
    // resolving a long list does not split a level's keys over several statements.
    let app = spawn_app_with(TestOptions {
        configure: Box::new(|config| {
            config.ota_workers = 0; // no polling OTA workers adding statements to the count
        }),
        ..TestOptions::default()
    })
    .await;
    let token = app.token("customer@demo.caas").await;
    let (few, few_vehicles) = statements_of_nested_query(&app, &token).await;
    add_vehicles(&app, 98).await;
    let (many, many_vehicles) = statements_of_nested_query(&app, &token).await;
    assert_eq!(few_vehicles, 2);
    assert_eq!(many_vehicles, 100);
    // At most one statement per relation of the query, however long the list: vehicles, models,
    // manuals, regions ×3 (of vehicles, dealerships, owners), dealerships, owners, activations,
    // features, texts, feature models, their models. (Loads of one table at two levels may merge
    // into one batch, so the count can be lower.) And the same for 100 cars with 882 activations:
    // N+1 would add about a hundred. One statement of slack, for the regions of two levels that
    // merged into one batch for 2 cars and not for 100 (12 runs on each database: 12 statements
    // for 100 cars, 11–12 for 2).
    const RELATIONS: f64 = 13.0;
    const MERGE_SLACK: f64 = 1.0;
    assert!(few <= RELATIONS, "{few} statements for 2 vehicles");
    assert!(
        many <= few + MERGE_SLACK,
        "{many} statements for 100 vehicles and {few} for 2: the count grows with the list"
    );
}
