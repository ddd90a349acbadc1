//! The server under attack: `/healthz` latency while attackers send the security review's documents
//! back to back, against its latency with nobody attacking, side by side in one run.
//!
//! Each attack runs from `ATTACKERS` connections for `seconds`, without any rate limit (the bench
//! server has none: an attacker with many addresses), so what is measured is the refusal itself.
//! Meanwhile a prober asks `/healthz` at a fixed rate, each latency counted from when the probe was
//! due. Target: p99 under 100 ms. The largest document the size bounds still accept (doubling
//! fragments as deep as they let through) shows what validation costs within the bounds.

use std::time::{Duration, Instant};

use reqwest::Client;
use serde::Serialize;
use serde_json::{Value, json};

use crate::RunArgs;
use crate::child::Child;
use crate::load::{self, Outcome, Target, median};

/// Connections each attack is sent from.
pub const ATTACKERS: usize = 8;
/// `/healthz` probes per second during each measurement.
pub const PROBES_PER_SECOND: f64 = 50.0;
/// The target for `/healthz` at the 99th percentile.
pub const HEALTH_TARGET_MS: f64 = 100.0;

/// The figures of one attack on one database.
#[derive(Clone, Debug, Serialize)]
pub struct AttackResult {
    /// `SQLite` or `PostgreSQL`.
    pub database: String,
    /// What was sent.
    pub attack: String,
    /// Bytes of one request body.
    pub body_bytes: usize,
    /// What every answer must hold (the refusal's reason, or the data of an accepted document).
    pub expected: String,
    /// Attack requests answered as expected per second, per run.
    pub answered_rps: Vec<f64>,
    /// Attack requests answered otherwise, over every run.
    pub unexpected: u64,
    /// p50 and p99 (ms) of the attack's own answers, over every run.
    pub answer_ms: (f64, f64),
    /// `/healthz` p50, p99 and max (ms) during the attack, medians of the runs.
    pub health_ms: (f64, f64, f64),
    /// Probes of `/healthz` that failed, over every run.
    pub health_failures: u64,
}

/// One attack: what is sent and what each answer must hold.
struct Attack {
    name: String,
    target: Target,
}

fn doubling_fragments(levels: usize) -> String {
    let mut query = String::from("{ ...H0 }");
    for level in 0..levels {
        query.push_str(&format!(" fragment H{level} on Query {{ ...H{n} ...H{n} }}", n = level + 1));
    }
    query.push_str(&format!(" fragment H{levels} on Query {{ __typename }}"));
    query
}

fn body(query: &str) -> String {
    json!({ "query": query }).to_string()
}

fn attack(name: impl Into<String>, url: &str, body: String, expect: &str, refusal: bool) -> Attack {
    let target = Target { url: url.to_owned(), body, token: None, expect: expect.to_owned(), refusal };
    Attack { name: name.into(), target }
}

/// The review's attacks, and the deepest doubling document the bounds accept.
fn attacks(url: &str, deepest_accepted: usize) -> Vec<Attack> {
    let aliases: String = (0..1_000).map(|i| format!("a{i}: catalog(vin: \"WCAAS000000000000\") {{ vin }} ")).collect();
    let guesses: Vec<Value> = (0..100)
        .map(|i| {
            json!({
                "query": "mutation($p: String!) { login(identifier: \"dealer@demo.caas\", password: $p) { accessToken } }",
                "variables": { "p": format!("guess-{i}") },
            })
        })
        .collect();
    vec![
        attack("doubling fragments, 30 levels", url, body(&doubling_fragments(30)), "QUERY_TOO_LARGE", true),
        attack(
            format!("doubling fragments, {deepest_accepted} levels (deepest accepted)"),
            url,
            body(&doubling_fragments(deepest_accepted)),
            "\"__typename\":\"Query\"",
            false,
        ),
        attack("1,000 aliased `catalog(vin)`", url, body(&format!("{{ {aliases} }}")), "QUERY_TOO_LARGE", true),
        attack("batch of 100 sign-in guesses", url, Value::Array(guesses).to_string(), "BATCH_TOO_LARGE", true),
    ]
}

/// The deepest doubling document the server answers rather than refuses.
async fn deepest_accepted(client: &Client, url: &str) -> anyhow::Result<usize> {
    let mut deepest = 0;
    for levels in 1..=30 {
        let answer = client
            .post(url)
            .header("content-type", "application/json")
            .body(body(&doubling_fragments(levels)))
            .send()
            .await?
            .text()
            .await?;
        if answer.contains("QUERY_TOO_LARGE") {
            break;
        }
        anyhow::ensure!(answer.contains("\"__typename\":\"Query\""), "{levels} levels answered {answer}");
        deepest = levels;
    }
    Ok(deepest)
}

/// Probes `/healthz` at `PROBES_PER_SECOND` for `seconds`, each latency from when it was due.
async fn probe_health(client: &Client, url: &str, seconds: f64) -> Outcome {
    let total = (PROBES_PER_SECOND * seconds) as u64;
    let start = Instant::now();
    let probes = (0..total).map(|n| {
        let (client, url) = (client.clone(), url.to_owned());
        tokio::spawn(async move {
            let due = start + Duration::from_secs_f64(n as f64 / PROBES_PER_SECOND);
            tokio::time::sleep_until(due.into()).await;
            let healthy = client.get(&url).send().await.is_ok_and(|response| response.status().is_success());
            healthy.then(|| due.elapsed().as_micros() as u64)
        })
    });
    let mut latencies: Vec<u64> = futures::future::join_all(probes).await.into_iter().flatten().flatten().collect();
    latencies.sort_unstable();
    let ok = latencies.len() as u64;
    Outcome { ok, failed: total - ok, seconds, latencies_us: latencies }
}

fn health_figures(runs: &[Outcome]) -> (f64, f64, f64) {
    let of = |p: f64| median(&runs.iter().map(|run| run.percentile_ms(p)).collect::<Vec<_>>());
    (of(50.0), of(99.0), of(100.0))
}

/// Runs every attack `runs` times, each beside a quiet measurement of `/healthz` (quiet, attack,
/// attack, quiet, …), and reports the quiet one as the first row.
pub async fn run(server: &Child, database: &str, args: &RunArgs) -> anyhow::Result<Vec<AttackResult>> {
    let (graphql, health) = (format!("{}/graphql", server.address), format!("{}/healthz", server.address));
    let attackers = load::client(ATTACKERS);
    let prober = load::client(64);
    let deepest = deepest_accepted(&server.client, &graphql).await?;
    let mut quiet = Vec::new();
    let mut results = Vec::new();
    for attack in attacks(&graphql, deepest) {
        eprintln!("attack: {} on {database}", attack.name);
        let (mut floods, mut probes) = (Vec::new(), Vec::new());
        for run in 0..args.runs {
            if run % 2 == 0 {
                quiet.push(probe_health(&prober, &health, args.seconds).await);
            }
            let (flooded, probed) = tokio::join!(
                load::closed_loop(&attackers, &attack.target, ATTACKERS, args.seconds),
                probe_health(&prober, &health, args.seconds)
            );
            floods.push(flooded);
            probes.push(probed);
        }
        let mut answers: Vec<u64> = floods.iter().flat_map(|run| run.latencies_us.iter().copied()).collect();
        answers.sort_unstable();
        let all = Outcome { latencies_us: answers, ..Outcome::default() };
        results.push(AttackResult {
            database: database.to_owned(),
            attack: attack.name,
            body_bytes: attack.target.body.len(),
            expected: attack.target.expect,
            answered_rps: floods.iter().map(Outcome::throughput).collect(),
            unexpected: floods.iter().map(|run| run.failed).sum(),
            answer_ms: (all.percentile_ms(50.0), all.percentile_ms(99.0)),
            health_ms: health_figures(&probes),
            health_failures: probes.iter().map(|run| run.failed).sum(),
        });
    }
    let nobody = AttackResult {
        database: database.to_owned(),
        attack: "nobody attacking".into(),
        body_bytes: 0,
        expected: String::new(),
        answered_rps: Vec::new(),
        unexpected: 0,
        answer_ms: (f64::NAN, f64::NAN),
        health_ms: health_figures(&quiet),
        health_failures: quiet.iter().map(|run| run.failed).sum(),
    };
    results.insert(0, nobody);
    Ok(results)
}
