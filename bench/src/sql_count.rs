//! SQL statements per query as its lists grow: the DataLoaders keep a nested query at one
//! statement per relation, however many items it returns (guarded by `tests/api/n_plus_one.rs`).

use serde::Serialize;
use serde_json::json;

use crate::child::Child;

/// The web of relations a partner dashboard might ask for: cars, their model, region, dealership,
/// owner, and every activation with its feature and that feature's models (the query
/// `tests/api/n_plus_one.rs` guards).
const NESTED: &str = include_str!("../../tests/queries/nested_vehicles.graphql");

/// Statements for one size of the lists.
#[derive(Clone, Debug, Serialize)]
pub struct SqlCount {
    /// `SQLite` or `PostgreSQL`.
    pub database: String,
    /// Cars returned.
    pub vehicles: usize,
    /// Cars and activations returned.
    pub items: usize,
    /// SQL statements of the query (the fewest of three runs: background workers share the counter).
    pub statements: f64,
}

/// Measures the nested query with about 10, 100 and 1,000 items.
pub async fn run(server: &Child, database: &str) -> anyhow::Result<Vec<SqlCount>> {
    let token = server.token("customer@demo.caas").await?;
    let mut counts = Vec::new();
    let mut added = 0;
    // Each added car brings nine activations: ten items.
    for wanted_cars in [1, 10, 100] {
        let more = wanted_cars - added;
        if more > 0 {
            let url = format!("{}/bench/vehicles/{more}", server.address);
            server.client.post(url).send().await?.error_for_status()?;
            added = wanted_cars;
        }
        let mut fewest = f64::MAX;
        let mut returned = (0, 0);
        for _ in 0..3 {
            let before = server.metric("caas_db_statements_total").await?;
            let data = server.graphql(Some(&token), NESTED, json!({})).await?;
            let after = server.metric("caas_db_statements_total").await?;
            fewest = fewest.min(after - before);
            let edges = data["myVehicles"]["edges"].as_array().cloned().unwrap_or_default();
            let activations: usize =
                edges.iter().map(|edge| edge["node"]["activations"].as_array().map_or(0, Vec::len)).sum();
            returned = (edges.len(), edges.len() + activations);
        }
        eprintln!("statements: {} items on {database}: {fewest}", returned.1);
        counts.push(SqlCount {
            database: database.to_owned(),
            vehicles: returned.0,
            items: returned.1,
            statements: fewest,
        });
    }
    Ok(counts)
}
