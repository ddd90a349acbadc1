//! The OTA engine end to end: activations per second from the customer's purchase (GraphQL) through
//! the engine — authorisation at the gateway, the command to the fleet simulator, ACTIVE — to the
//! capture, the invoice and the notices sent, measured against no-op jobs (claimed, loaded and ended without work) as the ceiling.
//! Then a campaign: one feature bought for every one of many new cars, with the fleet failing a
//! share of commands transiently, timed against its ideal (cars ÷ the failure-free throughput) and
//! checked against the invariants of PRODUCT.md.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::RunArgs;
use crate::child::Child;
use crate::load::median;
use crate::ota_routes::CheckReport;

/// The feature every purchase of the suite buys: paid up front, no maintenance gate.
const FEATURE: &str = "HEATED_SEATS";
const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";

/// The figures of one database.
#[derive(Clone, Debug, Serialize)]
pub struct OtaResult {
    /// `SQLite` or `PostgreSQL`.
    pub database: String,
    /// OTA workers of the server.
    pub workers: usize,
    /// Jobs a worker claims at once.
    pub claim_batch: usize,
    /// Activations per run.
    pub per_run: usize,
    /// No-op jobs per second, each run.
    pub noop_per_second: Vec<f64>,
    /// Activations per second end to end (to the last notice sent), each run.
    pub activations_per_second: Vec<f64>,
    /// Activations per second to the last job's end (the notices of the last ones may still be
    /// on their way), each run.
    pub engine_per_second: Vec<f64>,
    /// Purchases per second the API took while the engine ran, each run.
    pub purchases_per_second: Vec<f64>,
    /// Server CPU time per activation end to end, ms (median).
    pub cpu_ms_per_activation: f64,
    /// SQL statements per activation end to end (median).
    pub statements_per_activation: f64,
    /// The campaign, when run.
    pub campaign: Option<Campaign>,
}

/// A campaign with transient failures.
#[derive(Clone, Debug, Serialize)]
pub struct Campaign {
    /// Cars (one purchase each).
    pub cars: usize,
    /// Share of commands the fleet fails transiently.
    pub transient_failure_rate: f64,
    /// From the first purchase until the last notice was sent.
    pub seconds: f64,
    /// Cars ÷ the median failure-free throughput (also to the last notice).
    pub ideal_seconds: f64,
    /// Purchases answered per second.
    pub purchases_per_second: f64,
    /// From the last purchase answered until the last notice was sent.
    pub tail_seconds: f64,
    /// What the invariants check found.
    pub check: CheckReport,
    /// Purchases the API refused or failed (each is retried with the same key).
    pub purchase_retries: u64,
}

#[derive(Deserialize)]
struct Queued {
    queued_at_ms: i64,
}

#[derive(Deserialize)]
struct Status {
    busy_jobs: u64,
    pending_notifications: u64,
    last_finished_ms: Option<i64>,
    last_sent_ms: Option<i64>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Runs the suite against a server started here with `workers` OTA workers.
pub async fn run(database_url: &str, label: &str, args: &RunArgs) -> anyhow::Result<OtaResult> {
    let (workers, batch) = (args.ota_workers.to_string(), args.ota_claim_batch.to_string());
    let env = [
        ("CAAS_OTA_WORKERS", workers.as_str()),
        ("CAAS_OTA_CLAIM_BATCH", batch.as_str()),
        ("CAAS_SCHEDULER_INTERVAL", "3600"),
    ];
    let server = Child::start(database_url, &env).await?;
    let token = server.token("customer@demo.caas").await?;
    let mut result = OtaResult {
        database: label.to_owned(),
        workers: args.ota_workers,
        claim_batch: args.ota_claim_batch,
        per_run: args.ota_activations,
        noop_per_second: Vec::new(),
        activations_per_second: Vec::new(),
        engine_per_second: Vec::new(),
        purchases_per_second: Vec::new(),
        cpu_ms_per_activation: 0.0,
        statements_per_activation: 0.0,
        campaign: None,
    };
    let (mut cpu_ms, mut statements) = (Vec::new(), Vec::new());
    for run in 0..args.runs {
        let noop = noop_jobs(&server, args.ota_activations).await?;
        let vins = new_cars(&server, args.ota_activations).await?;
        wait_quiet(&server).await?;
        let cpu_before = server.cpu_seconds();
        let statements_before = server.metric("caas_db_statements_total").await?;
        let timed = buy_everywhere(&server, &token, &vins, args.connections, &format!("run{run}")).await?;
        cpu_ms.push((server.cpu_seconds() - cpu_before) * 1000.0 / vins.len() as f64);
        let statements_after = server.metric("caas_db_statements_total").await?;
        statements.push((statements_after - statements_before) / vins.len() as f64);
        eprintln!(
            "ota {label} run {run}: no-op {noop:.0}/s, end to end {:.0}/s (jobs {:.0}/s, purchases {:.0}/s)",
            timed.per_second, timed.engine_per_second, timed.purchases_per_second
        );
        result.noop_per_second.push(noop);
        result.activations_per_second.push(timed.per_second);
        result.engine_per_second.push(timed.engine_per_second);
        result.purchases_per_second.push(timed.purchases_per_second);
    }
    result.cpu_ms_per_activation = median(&cpu_ms);
    result.statements_per_activation = median(&statements);
    let campaign_here = match args.campaign_db {
        crate::Databases::Both => true,
        crate::Databases::Sqlite => label == "SQLite",
        crate::Databases::Postgres => label == "PostgreSQL",
    };
    if args.campaign > 0 && campaign_here {
        result.campaign = Some(campaign(&server, &token, args, median(&result.activations_per_second)).await?);
    }
    server.stop().await;
    Ok(result)
}

async fn status(server: &Child) -> anyhow::Result<Status> {
    let response = server.client.get(format!("{}/bench/ota/status", server.address)).send().await?;
    Ok(response.error_for_status()?.json().await?)
}

/// Waits until no job is left and the mail of earlier runs is out, so that runs do not overlap.
async fn wait_quiet(server: &Child) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let now = status(server).await?;
        if now.busy_jobs == 0 && now.pending_notifications == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the server did not go quiet: {} jobs, {} notifications", now.busy_jobs, now.pending_notifications);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until every job has ended and every notice is sent; answers when the last job ended and
/// when the last of both happened (Unix ms).
async fn wait_delivered(server: &Child, limit: Duration) -> anyhow::Result<(i64, i64)> {
    let deadline = Instant::now() + limit;
    loop {
        let now = status(server).await?;
        if now.busy_jobs == 0 && now.pending_notifications == 0 {
            let last_job = now.last_finished_ms.context("a job ended")?;
            return Ok((last_job, now.last_sent_ms.map_or(last_job, |sent| sent.max(last_job))));
        }
        if Instant::now() > deadline {
            bail!("{} jobs and {} notices still busy after {limit:?}", now.busy_jobs, now.pending_notifications);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until every job has ended; answers when the last one did (Unix ms).
async fn wait_engine_idle(server: &Child, limit: Duration) -> anyhow::Result<i64> {
    let deadline = Instant::now() + limit;
    loop {
        let now = status(server).await?;
        if now.busy_jobs == 0 {
            return now.last_finished_ms.context("a job ended");
        }
        if Instant::now() > deadline {
            bail!("{} jobs still busy after {limit:?}", now.busy_jobs);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Queues `count` no-op jobs and answers how many the engine ended per second.
async fn noop_jobs(server: &Child, count: usize) -> anyhow::Result<f64> {
    wait_quiet(server).await?;
    let url = format!("{}/bench/ota/noop/{count}", server.address);
    let queued: Queued = server.client.post(url).send().await?.error_for_status()?.json().await?;
    let last = wait_engine_idle(server, Duration::from_secs(600)).await?;
    Ok(count as f64 * 1000.0 / (last - queued.queued_at_ms).max(1) as f64)
}

pub(crate) async fn new_cars(server: &Child, count: usize) -> anyhow::Result<Vec<String>> {
    let url = format!("{}/bench/ota/cars/{count}", server.address);
    let vins: Vec<String> = server.client.post(url).send().await?.error_for_status()?.json().await?;
    if vins.len() != count {
        bail!("asked for {count} cars, got {}", vins.len());
    }
    Ok(vins)
}

/// How a round of purchases went.
struct Timed {
    /// Activations per second, from the first purchase to the last notice sent.
    per_second: f64,
    /// Activations per second, from the first purchase to the last job's end.
    engine_per_second: f64,
    /// Purchases answered per second.
    purchases_per_second: f64,
    /// From the first purchase to the last notice sent.
    seconds: f64,
    /// From the last purchase answered to the last notice sent.
    tail_seconds: f64,
    /// Purchases sent again after an error.
    retries: u64,
}

/// Buys the feature for every car, `connections` purchases at a time, and waits for the engine and
/// the notices.
async fn buy_everywhere(
    server: &Child,
    token: &str,
    vins: &[String],
    connections: usize,
    round: &str,
) -> anyhow::Result<Timed> {
    let client = crate::load::client(connections);
    let url = format!("{}/graphql", server.address);
    let started_ms = now_ms();
    let retries: Vec<anyhow::Result<u64>> = futures::stream::iter(vins)
        .map(|vin| buy(&client, &url, token, vin, round))
        .buffer_unordered(connections)
        .collect()
        .await;
    let bought_ms = now_ms();
    let retries = retries.into_iter().sum::<anyhow::Result<u64>>()?;
    let (last_job, last) = wait_delivered(server, Duration::from_secs(3600)).await?;
    let per_second = |until: i64| vins.len() as f64 * 1000.0 / (until - started_ms).max(1) as f64;
    Ok(Timed {
        per_second: per_second(last),
        engine_per_second: per_second(last_job),
        purchases_per_second: per_second(bought_ms),
        seconds: (last - started_ms).max(1) as f64 / 1000.0,
        tail_seconds: (last - bought_ms).max(0) as f64 / 1000.0,
        retries,
    })
}

/// One purchase, sent again (same key) until it is answered with an activation; answers the
/// number of retries. Any answer without one counts as a failure.
async fn buy(client: &reqwest::Client, url: &str, token: &str, vin: &str, round: &str) -> anyhow::Result<u64> {
    let input = json!({ "input": {
        "vin": vin, "featureCode": FEATURE, "duration": { "kind": "PERMANENT" },
        "idempotencyKey": format!("bench-{round}-{vin}"),
    } });
    let body = json!({ "query": PURCHASE, "variables": input });
    let mut retries = 0;
    loop {
        let answer = client.post(url).bearer_auth(token).json(&body).send().await;
        let last_error = match answer {
            Ok(response) => match response.json::<serde_json::Value>().await {
                Ok(answer) if answer["data"]["purchaseFeature"]["id"].is_string() => return Ok(retries),
                Ok(answer) => answer["errors"].to_string(),
                Err(error) => error.to_string(),
            },
            Err(error) => error.to_string(),
        };
        retries += 1;
        if retries > 20 {
            bail!("the purchase for {vin} kept failing: {last_error}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn set_fleet_failures(server: &Child, transient_failure_rate: f64) -> anyhow::Result<()> {
    let knobs = json!({ "transientFailureRate": transient_failure_rate });
    let url = format!("{}/bench/ota/fleet", server.address);
    server.client.put(url).json(&knobs).send().await?.error_for_status()?;
    Ok(())
}

async fn campaign(server: &Child, token: &str, args: &RunArgs, throughput: f64) -> anyhow::Result<Campaign> {
    eprintln!("ota campaign: {} cars, {} % transient failures", args.campaign, args.campaign_failures * 100.0);
    let vins = new_cars(server, args.campaign).await?;
    wait_quiet(server).await?;
    set_fleet_failures(server, args.campaign_failures).await?;
    let timed = buy_everywhere(server, token, &vins, args.connections, "campaign").await;
    set_fleet_failures(server, 0.0).await?;
    let timed = timed?;
    // In parts: a hundred thousand VINs are more than a request body may hold.
    let url = format!("{}/bench/ota/check", server.address);
    let mut check = CheckReport::default();
    for part in vins.chunks(5_000) {
        let request = json!({ "vins": part, "feature": FEATURE });
        let found: CheckReport =
            server.client.post(&url).json(&request).send().await?.error_for_status()?.json().await?;
        check.active += found.active;
        check.failed += found.failed;
        check.violations += found.violations;
        check.examples.extend(found.examples);
    }
    eprintln!("ota campaign: {:.1} s, check {check:?}", timed.seconds);
    Ok(Campaign {
        cars: vins.len(),
        transient_failure_rate: args.campaign_failures,
        seconds: timed.seconds,
        ideal_seconds: vins.len() as f64 / throughput,
        purchases_per_second: timed.purchases_per_second,
        tail_seconds: timed.tail_seconds,
        check,
        purchase_retries: timed.retries,
    })
}
