//! The fleet campaign suite: a campaign over many new cars (100,000 by default) at a configured
//! rate below the engine's capacity, approved by a second admin and run by the server's own runner
//! on the real clock; its wall time (from its start to its last car's outcome, by the server's own
//! timestamps) against the time its rate implies for the cars it started (target ≤ 1.05×), and the
//! fleet simulator's own record of the cars switched on and the gateway's of charges against the
//! campaign's counts.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::child::Child;
use crate::ota::new_cars;

/// The target: wall time within this many times what the rate implies.
pub const TARGET_RATIO: f64 = 1.05;

const CREATE: &str = "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }";
const APPROVE: &str = "mutation($id: ID!) { approveCampaign(id: $id) { state } }";
const VIEW: &str = "query($id: ID!) { campaign(id: $id) { state startedAt finishedAt \
    counts { total running succeeded alreadyDone failed timedOut skipped } } }";

/// One campaign's run.
#[derive(Debug, Default, Serialize)]
pub struct Rollout {
    /// The database.
    pub database: String,
    /// Cars in the campaign.
    pub cars: i64,
    /// Cars started (a command sent): what the rate paces.
    pub started: i64,
    /// The configured rate.
    pub rate_per_minute: i64,
    /// From its start to its completion, seconds (server timestamps).
    pub wall_seconds: f64,
    /// `started` at the rate, seconds.
    pub implied_seconds: f64,
    /// Cars done.
    pub succeeded: i64,
    /// Cars failed or timed out.
    pub failed: i64,
    /// Cars the fleet simulator reports with the feature on.
    pub fleet_on: i64,
    /// Charges the gateway holds for the campaign's activations.
    pub charged: i64,
    /// The commit measured.
    pub commit: String,
}

impl Rollout {
    /// Wall time over the time the rate implies.
    pub fn ratio(&self) -> f64 {
        self.wall_seconds / self.implied_seconds.max(f64::MIN_POSITIVE)
    }

    /// The table.
    pub fn markdown(runs: &[Self]) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "\n### A fleet campaign at its configured rate (one run)\n");
        let _ = writeln!(
            out,
            "| database | cars | started | rate/min | wall time | the rate implies | ratio (target ≤ {TARGET_RATIO}×) | done | failed | on in the fleet | charged |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for run in runs {
            let verdict = if run.ratio() <= TARGET_RATIO { "met" } else { "**not met**" };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.1} s | {:.1} s | {:.3}× {verdict} | {} | {} | {} | {} |",
                run.database,
                run.cars,
                run.started,
                run.rate_per_minute,
                run.wall_seconds,
                run.implied_seconds,
                run.ratio(),
                run.succeeded,
                run.failed,
                run.fleet_on,
                run.charged
            );
        }
        out
    }
}

/// Runs one campaign of `cars` new cars at `rate_per_minute` on `database_url`.
pub async fn run(database_url: &str, label: &str, cars: usize, rate_per_minute: i64) -> anyhow::Result<Rollout> {
    let server = Child::start(database_url, &[("CAAS_CAMPAIGN_TICK_MS", "250")]).await?;
    eprintln!("rollout: {cars} new cars on {label}");
    new_cars(&server, cars).await?;
    let admin = server.token("admin@demo.caas").await?;
    let approver = second_admin(&server).await?;
    let input = json!({ "input": {
        "name": "Goodwill month, every Aurora",
        "action": "ACTIVATE", "featureCode": FEATURE, "days": 30,
        "target": { "models": ["AURORA"], "hasFeature": false },
        "ratePerMinute": rate_per_minute,
        "timeoutSeconds": 3600,
        "groups": [
            { "name": "pilot", "percent": 1, "successThresholdPercent": 95, "errorThresholdPercent": 5 },
            { "name": "everyone", "percent": 99, "successThresholdPercent": 100, "errorThresholdPercent": 5 },
        ],
    } });
    let created = server.graphql(Some(&admin), CREATE, input).await?;
    let id = created["createCampaign"]["id"].as_str().context("campaign id")?.to_owned();
    server.graphql(Some(&approver), APPROVE, json!({ "id": id })).await?;
    let began = Instant::now();
    let view = loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let view = server.graphql(Some(&admin), VIEW, json!({ "id": id })).await?["campaign"].clone();
        match view["state"].as_str() {
            Some("COMPLETED") => break view,
            Some("RUNNING" | "SCHEDULED") => {}
            other => bail!("the campaign stopped: {other:?} {view}"),
        }
        if began.elapsed() > Duration::from_secs(4 * 3600) {
            bail!("the campaign did not complete in 4 hours: {view}");
        }
        if began.elapsed().as_secs().is_multiple_of(60) {
            eprintln!("rollout: {}", view["counts"]);
        }
    };
    let counts = &view["counts"];
    let number = |name: &str| counts[name].as_i64().unwrap_or_default();
    let at = |name: &str| -> anyhow::Result<DateTime<Utc>> {
        Ok(view[name].as_str().context("a timestamp")?.parse::<DateTime<Utc>>()?)
    };
    let started = number("succeeded") + number("failed") + number("timedOut");
    let check: serde_json::Value =
        server.client.get(format!("{}/bench/campaigns/{id}/check", server.address)).send().await?.json().await?;
    server.stop().await;
    Ok(Rollout {
        database: label.to_owned(),
        cars: number("total"),
        started,
        rate_per_minute,
        wall_seconds: (at("finishedAt")? - at("startedAt")?).num_milliseconds() as f64 / 1000.0,
        implied_seconds: started as f64 * 60.0 / rate_per_minute as f64,
        succeeded: number("succeeded") + number("alreadyDone"),
        failed: number("failed") + number("timedOut"),
        fleet_on: check["fleetOn"].as_i64().unwrap_or(-1),
        charged: check["charged"].as_i64().unwrap_or(-1),
        commit: crate::report::measured_commit(),
    })
}

/// The feature the campaign switches on.
const FEATURE: &str = "HEATED_SEATS";

/// A second admin (made by the bench route): the demo admin's campaign needs another's approval.
async fn second_admin(server: &Child) -> anyhow::Result<String> {
    server.client.post(format!("{}/bench/campaigns/approver", server.address)).send().await?.error_for_status()?;
    server.token(crate::ota_routes::APPROVER).await
}
