//! The read path: GraphQL queries against baseline handlers, side by side in one run.
//!
//! - trivial `{ __typename }` against a handler returning the same bytes (P1), target ≥ 0.75×;
//! - the web app's own `catalog(vin)` and `expediente(vin)` queries, as the customer who owns the
//!   car, against a handler running the very statements the query sent (P2), target ≥ 1.0× for
//!   the catalog and ≥ 0.8× for the expediente.
//!
//! Each figure is the median of `runs` alternating measurements (GraphQL, baseline, baseline,
//! GraphQL, …), then p50/p99 latency at 50 % and 80 % of the GraphQL maximum. The server's CPU
//! time per GraphQL request (its process's CPU over the run ÷ the answers) is measured in the same
//! runs; on PostgreSQL the catalog's target is ≤ 1.0 ms and the expediente's ≤ 0.5 ms.

use serde::Serialize;
use serde_json::json;

use crate::RunArgs;
use crate::child::Child;
use crate::load::{self, Target, median};
use crate::server::TRIVIAL_ANSWER;

const CATALOG: &str = include_str!("../../frontend/graphql/catalog.graphql");
const EXPEDIENTE: &str = include_str!("../../frontend/graphql/expediente.graphql");

/// The figures of one query on one database.
#[derive(Clone, Debug, Serialize)]
pub struct ReadResult {
    /// `SQLite` or `PostgreSQL`.
    pub database: String,
    /// `trivial`, `catalog` or `expediente`.
    pub query: String,
    /// `plain` (P1) or `same SQL` (P2).
    pub baseline: String,
    /// SQL statements the query sends.
    pub statements: usize,
    /// Requests per second of each GraphQL run.
    pub graphql_rps: Vec<f64>,
    /// Requests per second of each baseline run.
    pub baseline_rps: Vec<f64>,
    /// Median GraphQL ÷ median baseline.
    pub ratio: f64,
    /// The target ratio.
    pub target: f64,
    /// p50 and p99 latency (ms) at 50 % of the GraphQL maximum.
    pub at_50: (f64, f64),
    /// p50 and p99 latency (ms) at 80 % of the GraphQL maximum.
    pub at_80: (f64, f64),
    /// Requests that failed or answered wrongly, over every run.
    pub failures: u64,
    /// Server CPU per GraphQL request (µs) of each GraphQL run.
    pub cpu_per_request_us: Vec<f64>,
    /// The CPU target per request (µs), where there is one.
    pub cpu_target_us: Option<f64>,
}

struct Case {
    query: &'static str,
    baseline: &'static str,
    graphql: Target,
    reference: Target,
    statements: usize,
    target: f64,
}

/// The CPU budget per request (µs) of `query` on `database` (issue targets: PostgreSQL only).
fn cpu_target_us(database: &str, query: &str) -> Option<f64> {
    match (database, query) {
        ("PostgreSQL", "catalog") => Some(1000.0),
        ("PostgreSQL", "expediente") => Some(500.0),
        _ => None,
    }
}

/// The demo customer's token and the VIN of their first car.
async fn customer_and_car(server: &Child) -> anyhow::Result<(String, String)> {
    let token = server.token("customer@demo.caas").await?;
    let vins = server.graphql(Some(&token), "{ myVehicles { nodes { vin } } }", json!({})).await?;
    let vin = vins["myVehicles"]["nodes"][0]["vin"].as_str().unwrap_or_default().to_owned();
    Ok((token, vin))
}

/// A per-car query of the web app (`catalog` or `expediente`) as the car's owner.
fn car_query(server: &Child, token: &str, vin: &str, query: &str, field: &str) -> Target {
    Target {
        url: format!("{}/graphql", server.address),
        body: json!({ "query": query, "variables": { "vin": vin } }).to_string(),
        token: Some(token.to_owned()),
        expect: format!("{{\"data\":{{\"{field}\""),
        refusal: false,
    }
}

/// The catalog query of the demo customer's first car.
pub async fn catalog_target(server: &Child) -> anyhow::Result<Target> {
    let (token, vin) = customer_and_car(server).await?;
    Ok(car_query(server, &token, &vin, CATALOG, "catalog"))
}

/// Runs the read-path benchmark against `server`.
pub async fn run(server: &Child, database: &str, args: &RunArgs) -> anyhow::Result<Vec<ReadResult>> {
    let (token, vin) = customer_and_car(server).await?;
    let graphql_url = format!("{}/graphql", server.address);
    let mut cases = vec![Case {
        query: "trivial",
        baseline: "plain",
        graphql: Target {
            url: graphql_url.clone(),
            body: json!({ "query": "{ __typename }" }).to_string(),
            token: None,
            expect: TRIVIAL_ANSWER.into(),
            refusal: false,
        },
        reference: Target {
            url: format!("{}/bench/plain", server.address),
            body: "{}".into(),
            token: None,
            expect: TRIVIAL_ANSWER.into(),
            refusal: false,
        },
        statements: 0,
        target: 0.75,
    }];
    for (name, query, field) in [("catalog", CATALOG, "catalog"), ("expediente", EXPEDIENTE, "expediente")] {
        let statements = record(server, &token, name, query, &vin).await?;
        cases.push(Case {
            query: name,
            baseline: "same SQL",
            graphql: car_query(server, &token, &vin, query, field),
            reference: Target {
                url: format!("{}/bench/sql/{name}", server.address),
                body: "{}".into(),
                token: None,
                expect: "{\"data\":[".into(),
                refusal: false,
            },
            statements,
            target: if name == "catalog" { 1.0 } else { 0.8 },
        });
    }

    let client = load::client(args.connections);
    let mut results = Vec::new();
    for case in cases {
        eprintln!("read path: {} on {database}", case.query);
        // Warm both paths (connections, caches, statement preparation) before measuring.
        load::closed_loop(&client, &case.graphql, args.connections, 1.0).await;
        load::closed_loop(&client, &case.reference, args.connections, 1.0).await;
        let (mut graphql, mut reference, mut cpu, mut failures) = (Vec::new(), Vec::new(), Vec::new(), 0);
        for run in 0..args.runs {
            let order = if run % 2 == 0 { [&case.graphql, &case.reference] } else { [&case.reference, &case.graphql] };
            for target in order {
                let cpu_before = server.cpu_seconds();
                let outcome = load::closed_loop(&client, target, args.connections, args.seconds).await;
                let cpu_used = server.cpu_seconds() - cpu_before;
                failures += outcome.failed;
                let rps = outcome.throughput();
                if std::ptr::eq(target, &case.graphql) {
                    graphql.push(rps);
                    cpu.push(cpu_used * 1e6 / outcome.ok.max(1) as f64);
                } else {
                    reference.push(rps);
                }
            }
        }
        let maximum = median(&graphql);
        let latency_at = |share: f64| {
            let client = client.clone();
            let target = case.graphql.clone();
            let connections = args.connections * 2;
            let seconds = args.seconds;
            async move {
                let outcome = load::open_loop(&client, &target, maximum * share, connections, seconds).await;
                (outcome.failed, (outcome.percentile_ms(50.0), outcome.percentile_ms(99.0)))
            }
        };
        let (failed_50, at_50) = latency_at(0.5).await;
        let (failed_80, at_80) = latency_at(0.8).await;
        failures += failed_50 + failed_80;
        results.push(ReadResult {
            database: database.to_owned(),
            query: case.query.to_owned(),
            baseline: case.baseline.to_owned(),
            statements: case.statements,
            ratio: maximum / median(&reference),
            graphql_rps: graphql,
            baseline_rps: reference,
            target: case.target,
            at_50,
            at_80,
            failures,
            cpu_target_us: cpu_target_us(database, case.query),
            cpu_per_request_us: cpu,
        });
    }
    Ok(results)
}

/// Records the statements `query` sends, under `name`, for the same-SQL handler; the server keeps
/// the shortest of three recordings (background workers may add statements while one runs).
async fn record(server: &Child, token: &str, name: &str, query: &str, vin: &str) -> anyhow::Result<usize> {
    let mut kept = 0;
    for _ in 0..3 {
        server.client.post(format!("{}/bench/record/start", server.address)).send().await?.error_for_status()?;
        server.graphql(Some(token), query, json!({ "vin": vin })).await?;
        let recorded: serde_json::Value = server
            .client
            .post(format!("{}/bench/record/{name}", server.address))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        kept = recorded["statements"].as_array().map_or(0, Vec::len);
    }
    Ok(kept)
}
