//! The CaaS benchmark suite.
//!
//! `cargo run --release -p caas-bench -- [--runs N] [--seconds S] [--db sqlite|postgres|both]
//! [--write docs/PERFORMANCE.md]` starts the real server as a second process (this binary's
//! `server` command, with baseline handlers beside the GraphQL API), loads it over loopback with a
//! client that checks every answer (a GraphQL error inside a 200 is a failure), prints Markdown
//! tables and writes every figure to `target/bench/results.json`.

mod assistant;
mod attack;
mod child;
mod footprint;
mod instructions;
mod load;
mod ota;
mod ota_routes;
mod read_path;
mod report;
mod rollout;
mod server;
mod sql_count;
mod subscriptions;
mod telemetry;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "caas-bench", about = "Benchmarks of the CaaS server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the API with the baseline handlers (started by the suite itself).
    #[command(hide = true)]
    Server(server::ServerArgs),
    /// Runs one canonical operation in process (the instruction counts run it under callgrind).
    Ops(instructions::OpsArgs),
}

/// Which databases to benchmark.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Databases {
    /// SQLite only.
    Sqlite,
    /// PostgreSQL only (`BENCH_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).
    Postgres,
    /// Both.
    Both,
}

/// How the suite runs.
#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// Measurements per figure (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Seconds per throughput measurement.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Concurrent subscriptions of the subscriptions suite (0 skips it).
    #[arg(long, default_value_t = 10_000)]
    pub subscriptions: usize,
    /// Seconds of events in the subscriptions suite.
    #[arg(long, default_value_t = 10)]
    pub event_seconds: u32,
    /// OTA workers of the server in the OTA engine suite.
    #[arg(long, default_value_t = 16)]
    pub ota_workers: usize,
    /// OTA jobs a worker claims at once in the OTA engine suite (`CAAS_OTA_CLAIM_BATCH`).
    #[arg(long, default_value_t = 32)]
    pub ota_claim_batch: usize,
    /// Activations per run of the OTA engine suite.
    #[arg(long, default_value_t = 2_000)]
    pub ota_activations: usize,
    /// Cars of the OTA campaign (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    pub campaign: usize,
    /// The databases the campaign runs on.
    #[arg(long, value_enum, default_value_t = Databases::Both)]
    pub campaign_db: Databases,
    /// Share of the campaign's commands the fleet fails transiently.
    #[arg(long, default_value_t = 0.05)]
    pub campaign_failures: f64,
    /// Cars publishing in the telemetry suite.
    /// Cars of the `rollout` suite's campaign.
    #[arg(long, default_value_t = 100_000)]
    pub rollout_cars: usize,
    /// Its rate, cars per minute.
    #[arg(long, default_value_t = 9_000)]
    pub rollout_rate: i64,
    #[arg(long, default_value_t = 2_000)]
    pub telemetry_cars: usize,
    /// Readings per run of the telemetry suite.
    #[arg(long, default_value_t = 200_000)]
    pub telemetry_readings: usize,
    /// The databases to run against.
    #[arg(long, value_enum, default_value_t = Databases::Both)]
    pub db: Databases,
    /// Run only these suites (comma-separated: read, sql, footprint, subscriptions, cluster, ota,
    /// telemetry, instructions, attack, assistant).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Also put the report between the `<!-- SECTION:start -->` and `<!-- SECTION:end -->` markers
    /// of this Markdown file.
    #[arg(long)]
    pub write: Option<PathBuf>,
    /// The markers' name in `--write`'s file.
    #[arg(long, default_value = "bench")]
    pub section: String,
    /// An earlier run's `results.json`: its instruction counts are shown beside this run's.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
}

/// The server's allocator (`backend/src/main.rs`), so that the server measured is the one deployed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Server(args)) => server::run(args).await,
        Some(Command::Ops(args)) => instructions::ops(args).await,
        None => run(cli.run).await,
    }
}

/// The subscriptions suite on one instance and on two, both on NATS (`BENCH_NATS_URL`, default
/// `nats://127.0.0.1:4222`), side by side; nothing when NATS is not reachable.
async fn cluster_subscriptions(
    database: &child::BenchDatabase,
    args: &RunArgs,
) -> anyhow::Result<Vec<subscriptions::SubscriptionResult>> {
    let nats = std::env::var("BENCH_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let reachable = nats
        .strip_prefix("nats://")
        .is_some_and(|address| std::net::TcpStream::connect(address.trim_end_matches('/')).is_ok());
    if !reachable {
        eprintln!("cluster: NATS is not reachable at {nats}; skipped");
        return Ok(Vec::new());
    }
    let env = [("CAAS_NATS_URL", nats.as_str())];
    let label = format!("{} + NATS", database.label);
    let (count, seconds) = (args.subscriptions, args.event_seconds);
    eprintln!("cluster: {count} subscriptions on one instance, then on two");
    let one = child::Child::start(&database.url, &env).await?;
    let alone = subscriptions::run_on(&[&one], &label, count, seconds).await?;
    one.stop().await;
    let a = child::Child::start(&database.url, &env).await?;
    let b = child::Child::start(&database.url, &env).await?;
    let pair = subscriptions::run_on(&[&a, &b], &label, count, seconds).await?;
    a.stop().await;
    b.stop().await;
    Ok(vec![alone, pair])
}

impl RunArgs {
    fn runs_suite(&self, suite: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|only| only == suite)
    }

    /// Whether a suite that needs the server runs (every suite but `instructions`).
    fn runs_server_suites(&self) -> bool {
        self.only.is_empty() || self.only.iter().any(|only| only != "instructions")
    }
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    let mut results = report::Results { commit: report::measured_commit(), ..Default::default() };
    if let Some(path) = &args.baseline {
        results.instructions_before = Some(report::Baseline::read(path)?);
    }
    let mut assistant_api = Vec::new();
    let mut rollouts = Vec::new();
    let databases = if args.runs_server_suites() { child::databases(args.db).await? } else { Vec::new() };
    for database in databases {
        eprintln!("== {} ==", database.label);
        let starts = if args.runs_suite("footprint") { Some(footprint::start_times(&database).await?) } else { None };
        let server = child::Child::start(&database.url, &[]).await?;
        if args.runs_suite("read") {
            results.read_path.extend(read_path::run(&server, &database.label, &args).await?);
        }
        if let Some(starts) = starts {
            results.footprint.push(footprint::measure(&server, &database.label, starts, &args).await?);
        }
        server.stop().await;
        if args.runs_suite("sql") {
            let server = child::Child::start(&database.url, &[]).await?;
            results.sql_count.extend(sql_count::run(&server, &database.label).await?);
            server.stop().await;
        }
        if args.subscriptions > 0 && args.runs_suite("subscriptions") {
            eprintln!("subscriptions: {} on {}", args.subscriptions, database.label);
            let server = child::Child::start(&database.url, &[]).await?;
            let result = subscriptions::run(&server, &database.label, args.subscriptions, args.event_seconds).await?;
            results.subscriptions.push(result);
            server.stop().await;
        }
        if args.subscriptions > 0 && args.runs_suite("cluster") && database.label == "PostgreSQL" {
            results.cluster.extend(cluster_subscriptions(&database, &args).await?);
        }
        if args.runs_suite("attack") {
            let server = child::Child::start(&database.url, &[]).await?;
            results.attacks.extend(attack::run(&server, &database.label, &args).await?);
            server.stop().await;
        }
        if args.runs_suite("telemetry") && database.label == "PostgreSQL" {
            let runs = args.runs.clamp(1, 3);
            let result = telemetry::run(&database, args.telemetry_cars, args.telemetry_readings, runs).await?;
            results.telemetry.extend(result);
        }
        if args.runs_suite("ota") {
            results.ota.push(ota::run(&database.url, &database.label, &args).await?);
        }
        if args.runs_suite("rollout") {
            rollouts.push(rollout::run(&database.url, &database.label, args.rollout_cars, args.rollout_rate).await?);
        }
        if args.runs_suite("assistant") {
            // Without the per-person limit of questions a minute: one client asks them all.
            let server = child::Child::start(&database.url, &[("CAAS_ASSISTANT_PER_MINUTE", "0")]).await?;
            assistant_api.push(assistant::over_api(&server, &database.label, args.runs).await?);
            server.stop().await;
        }
    }
    if args.runs_suite("instructions") {
        results.instructions = instructions::run()?;
    }
    let assistant = if args.runs_suite("assistant") {
        eprintln!("assistant: the evaluation set, {} passes", args.runs);
        let mut result = assistant::run(args.runs)?;
        result.api = assistant_api;
        Some(result)
    } else {
        None
    };
    if args.runs_server_suites() {
        results.binary_bytes = footprint::binary_size();
    }
    let mut markdown = report::markdown(&results);
    if !rollouts.is_empty() {
        markdown.push_str(&rollout::Rollout::markdown(&rollouts));
        std::fs::create_dir_all("target/bench")?;
        std::fs::write("target/bench/rollout.json", serde_json::to_string_pretty(&rollouts)?)?;
    }
    if let Some(assistant) = &assistant {
        markdown.push_str(&assistant.markdown());
        assistant.save()?;
    }
    print!("{markdown}");
    report::save(&results, &markdown, args.write.as_deref(), &args.section)?;
    Ok(())
}
