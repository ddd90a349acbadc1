//! The load generator: HTTP/1.1 keep-alive connections on loopback, every answer checked (a 200
//! holding GraphQL errors, or not holding what the request must return, is a failure).

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Client;
use tokio::sync::Barrier;

/// One kind of request.
#[derive(Clone)]
pub struct Target {
    /// The URL to POST to.
    pub url: String,
    /// The JSON body.
    pub body: String,
    /// A bearer token.
    pub token: Option<String>,
    /// Text every good answer holds.
    pub expect: String,
    /// Whether a good answer is a refusal (an error holding `expect`, with any status below 500)
    /// rather than data without errors.
    pub refusal: bool,
}

/// What a load run measured.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Good answers.
    pub ok: u64,
    /// Failed requests or bad answers.
    pub failed: u64,
    /// Length of the run.
    pub seconds: f64,
    /// Latency of every good answer, microseconds, sorted.
    pub latencies_us: Vec<u64>,
}

impl Outcome {
    /// Good answers per second.
    pub fn throughput(&self) -> f64 {
        self.ok as f64 / self.seconds
    }

    /// The `p`-th percentile latency (0–100), milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * (self.latencies_us.len() - 1) as f64).round() as usize;
        self.latencies_us[rank.min(self.latencies_us.len() - 1)] as f64 / 1000.0
    }

    fn merge(mut self, other: Outcome) -> Self {
        self.ok += other.ok;
        self.failed += other.failed;
        self.latencies_us.extend(other.latencies_us);
        self
    }
}

/// A client with enough idle connections for `connections` workers.
pub fn client(connections: usize) -> Client {
    Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// Sends one request; the latency when the answer is good.
async fn call(client: &Client, target: &Target) -> Option<Duration> {
    let started = Instant::now();
    let mut request = client.post(&target.url).header("content-type", "application/json").body(target.body.clone());
    if let Some(token) = &target.token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.ok()?;
    let status = response.status();
    if !(status.is_success() || target.refusal && status.as_u16() < 500) {
        return None;
    }
    let body = response.bytes().await.ok()?;
    let text = std::str::from_utf8(&body).ok()?;
    let good = text.contains(&target.expect) && (target.refusal || !text.contains("\"errors\""));
    good.then(|| started.elapsed())
}

/// As many requests as `connections` workers can send back to back for `seconds`: the maximum
/// throughput.
pub async fn closed_loop(client: &Client, target: &Target, connections: usize, seconds: f64) -> Outcome {
    let barrier = Arc::new(Barrier::new(connections));
    let workers = (0..connections).map(|_| {
        let (client, target, barrier) = (client.clone(), target.clone(), barrier.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            let deadline = Instant::now() + Duration::from_secs_f64(seconds);
            let mut outcome = Outcome::default();
            while Instant::now() < deadline {
                match call(&client, &target).await {
                    Some(latency) => {
                        outcome.ok += 1;
                        outcome.latencies_us.push(latency.as_micros() as u64);
                    }
                    None => outcome.failed += 1,
                }
            }
            outcome
        })
    });
    finish(futures::future::join_all(workers).await, seconds)
}

/// Requests at a fixed `rate` per second for `seconds`, spread over `connections` workers; each
/// latency counts from when the request was due, so a server that falls behind shows it (no
/// coordinated omission).
pub async fn open_loop(client: &Client, target: &Target, rate: f64, connections: usize, seconds: f64) -> Outcome {
    let total = (rate * seconds).round() as u64;
    let start = Instant::now() + Duration::from_millis(50);
    let workers = (0..connections as u64).map(|worker| {
        let (client, target) = (client.clone(), target.clone());
        tokio::spawn(async move {
            let mut outcome = Outcome::default();
            let mut n = worker;
            while n < total {
                let due = start + Duration::from_secs_f64(n as f64 / rate);
                tokio::time::sleep_until(due.into()).await;
                match call(&client, &target).await {
                    Some(_) => {
                        outcome.ok += 1;
                        outcome.latencies_us.push(due.elapsed().as_micros() as u64);
                    }
                    None => outcome.failed += 1,
                }
                n += connections as u64;
            }
            outcome
        })
    });
    finish(futures::future::join_all(workers).await, seconds)
}

fn finish(results: Vec<Result<Outcome, tokio::task::JoinError>>, seconds: f64) -> Outcome {
    let mut outcome =
        results.into_iter().filter_map(Result::ok).fold(Outcome { seconds, ..Outcome::default() }, Outcome::merge);
    outcome.latencies_us.sort_unstable();
    outcome
}

/// The median of `values`.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 0 => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        n => sorted[n / 2],
    }
}
