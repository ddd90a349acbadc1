//! Memory, start time and size: the server's resident memory idle and under load, the time from
//! starting the process to `/readyz` (first start on an empty database: migrations and demo seed;
//! then a restart), and the size of the release binary.

use std::time::Duration;

use serde::Serialize;

use crate::RunArgs;
use crate::child::{BenchDatabase, Child};
use crate::load;

/// Start times measured before the other suites run (the database is still empty).
pub struct StartTimes {
    first: Duration,
    restarts: Vec<f64>,
}

/// The footprint on one database.
#[derive(Clone, Debug, Serialize)]
pub struct Footprint {
    /// `SQLite` or `PostgreSQL`.
    pub database: String,
    /// First start on an empty database, ms (migrations and the demo seed included).
    pub first_start_ms: f64,
    /// Restarts on the seeded database, ms (median of the runs).
    pub restart_ms: f64,
    /// Resident memory after start, idle, MiB.
    pub idle_rss_mib: f64,
    /// Largest resident memory seen during the load, MiB.
    pub loaded_rss_mib: f64,
    /// Server CPU under the load, cores busy.
    pub loaded_cpu_cores: f64,
}

/// Starts the server on the empty database, then restarts it `runs` times.
pub async fn start_times(database: &BenchDatabase) -> anyhow::Result<StartTimes> {
    let first = Child::start(&database.url, &[]).await?;
    let first_time = first.ready_after;
    first.stop().await;
    let mut restarts = Vec::new();
    for _ in 0..5 {
        let child = Child::start(&database.url, &[]).await?;
        restarts.push(child.ready_after.as_secs_f64() * 1000.0);
        child.stop().await;
    }
    Ok(StartTimes { first: first_time, restarts })
}

/// Memory idle and under a load of the catalog query.
pub async fn measure(server: &Child, database: &str, starts: StartTimes, args: &RunArgs) -> anyhow::Result<Footprint> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.rss_kib();
    let target = crate::read_path::catalog_target(server).await?;
    let client = load::client(args.connections);
    let cpu_before = server.cpu_seconds();
    let load = tokio::spawn({
        let (client, target, connections, seconds) = (client.clone(), target.clone(), args.connections, args.seconds);
        async move { load::closed_loop(&client, &target, connections, seconds).await }
    });
    let mut peak = 0;
    while !load.is_finished() {
        peak = peak.max(server.rss_kib());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    load.await?;
    let cpu = (server.cpu_seconds() - cpu_before) / args.seconds;
    Ok(Footprint {
        database: database.to_owned(),
        first_start_ms: starts.first.as_secs_f64() * 1000.0,
        restart_ms: load::median(&starts.restarts),
        idle_rss_mib: idle as f64 / 1024.0,
        loaded_rss_mib: peak as f64 / 1024.0,
        loaded_cpu_cores: cpu,
    })
}

/// The size of the release `caas` binary, when it is built.
pub fn binary_size() -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let caas = exe.parent()?.join("caas");
    std::fs::metadata(caas).ok().map(|meta| meta.len())
}
