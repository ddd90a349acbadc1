//! Live subscriptions at scale: many WebSocket clients, each subscribed to `activationProgress` (the
//! web app's own subscription) of an activation of its own; one event per subscription per second,
//! spread over the second; delivery latency from when the event was due, the server's memory per
//! subscription and its CPU.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::child::Child;
use crate::load::median;
use crate::server::SLOTS;

const PROGRESS: &str = include_str!("../../frontend/graphql/activation_progress.graphql");

/// The figures of one run.
#[derive(Clone, Debug, Serialize)]
pub struct SubscriptionResult {
    /// `SQLite` or `PostgreSQL`, and the event bus.
    pub database: String,
    /// Server instances the subscriptions and the events were spread over.
    pub instances: usize,
    /// Open subscriptions.
    pub subscriptions: usize,
    /// Seconds of events.
    pub seconds: u32,
    /// Events that should have arrived, and those that did.
    pub expected: usize,
    /// Events received.
    pub received: usize,
    /// Delivery latency from when the event was due, ms.
    pub p50_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Server memory for the subscriptions (RSS with them open minus before), KiB each.
    pub kib_per_subscription: f64,
    /// Server CPU while events flow, cores busy.
    pub cpu_cores: f64,
    /// Server CPU per event delivered (µs): the server's CPU while events flow ÷ events received.
    pub cpu_per_delivery_us: f64,
    /// Time to open and subscribe them all, s.
    pub connect_seconds: f64,
}

/// Opens `count` subscriptions and sends events for `seconds`, on one server.
pub async fn run(server: &Child, database: &str, count: usize, seconds: u32) -> anyhow::Result<SubscriptionResult> {
    run_on(&[server], database, count, seconds).await
}

/// Opens `count` subscriptions spread over `servers` (subscription `n` on server `n % len`) and
/// has each server produce the events of its share of the activations (a contiguous block), so
/// that in a cluster most events cross from one instance to another.
pub async fn run_on(
    servers: &[&Child],
    database: &str,
    count: usize,
    seconds: u32,
) -> anyhow::Result<SubscriptionResult> {
    let first = servers.first().context("a server")?;
    let token = first.token("customer@demo.caas").await?;
    let mut ids = Vec::new();
    for server in servers {
        let url = format!("{}/bench/activations/{count}", server.address);
        ids = server.client.post(url).send().await?.error_for_status()?.json::<Vec<String>>().await?;
    }
    ids.truncate(count);
    anyhow::ensure!(ids.len() == count, "{count} activations for as many subscriptions");
    // Each server's block of activations is a whole number of slots, so an id's slot is its index's.
    let share = count.div_ceil(servers.len()).div_ceil(SLOTS) * SLOTS;
    let urls: Vec<String> =
        servers.iter().map(|server| format!("{}/graphql/ws", server.address.replacen("http", "ws", 1))).collect();

    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before: u64 = servers.iter().map(|server| server.rss_kib()).sum();
    let started = std::time::Instant::now();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(count);
    let (start_tx, _) = tokio::sync::broadcast::channel::<Vec<i64>>(1);
    let opening = Arc::new(Semaphore::new(256));
    let deadline = Duration::from_secs(u64::from(seconds) + 60);
    let mut clients = Vec::with_capacity(count);
    for (n, id) in ids.iter().enumerate() {
        let (url, token, id) = (urls[n % urls.len()].clone(), token.clone(), id.clone());
        let offset_ms = ((n % SLOTS) * 1000 / SLOTS) as i64;
        let emitter = n / share;
        let (ready_tx, mut start_rx, opening) = (ready_tx.clone(), start_tx.subscribe(), opening.clone());
        clients.push(tokio::spawn(async move {
            let permit = opening.acquire_owned().await.ok()?;
            let mut socket = open(&url, &token, &id).await.ok()?;
            drop(permit);
            ready_tx.send(()).await.ok()?;
            let first_tick_ms = *start_rx.recv().await.ok()?.get(emitter)?;
            let mut latencies = Vec::new();
            let until = tokio::time::Instant::now() + deadline;
            while latencies.len() < seconds as usize {
                let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout_at(until, socket.next()).await else {
                    break;
                };
                let message: Value = serde_json::from_str(&text).unwrap_or_default();
                if message["type"] != "next" {
                    continue;
                }
                let tick = message["payload"]["data"]["activationProgress"]["attempt"].as_i64().unwrap_or_default();
                let due_us = (first_tick_ms + (tick - 1) * 1000 + offset_ms) * 1000;
                latencies.push((chrono::Utc::now().timestamp_micros() - due_us) as f64 / 1000.0);
            }
            let _ = socket.close(None).await;
            Some(latencies)
        }));
    }
    drop(ready_tx);
    let mut open_count = 0;
    while ready_rx.recv().await.is_some() {
        open_count += 1;
        if open_count == count {
            break;
        }
    }
    let connect_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(open_count == count, "only {open_count} of {count} subscriptions opened");
    // Every subscription is registered on the server before the first event is due.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_open: u64 = servers.iter().map(|server| server.rss_kib()).sum();
    let cpu_before: f64 = servers.iter().map(|server| server.cpu_seconds()).sum();
    let mut first_ticks = Vec::with_capacity(servers.len());
    for (k, server) in servers.iter().enumerate() {
        let block =
            json!({ "skip": k * share, "count": share.min(count.saturating_sub(k * share)), "seconds": seconds });
        let emitted: Value = server
            .client
            .post(format!("{}/bench/emit", server.address))
            .json(&block)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        first_ticks.push(emitted["first_tick_ms"].as_i64().context("first tick")?);
    }
    let _ = start_tx.send(first_ticks.clone());
    let mut latencies = Vec::new();
    for client in clients {
        if let Ok(Some(received)) = client.await {
            latencies.extend(received);
        }
    }
    let busy_seconds = (servers.iter().map(|server| server.cpu_seconds()).sum::<f64>() - cpu_before).max(0.0);
    let first_tick_ms = first_ticks.iter().copied().min().unwrap_or_default();
    let elapsed = (chrono::Utc::now().timestamp_millis() - first_tick_ms) as f64 / 1000.0 + 2.0;
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        if latencies.is_empty() {
            return f64::NAN;
        }
        latencies[((p / 100.0) * (latencies.len() - 1) as f64).round() as usize]
    };
    Ok(SubscriptionResult {
        database: database.to_owned(),
        instances: servers.len(),
        subscriptions: count,
        seconds,
        expected: count * seconds as usize,
        received: latencies.len(),
        p50_ms: median(&latencies),
        p99_ms: percentile(99.0),
        kib_per_subscription: rss_open.saturating_sub(rss_before) as f64 / count as f64,
        cpu_cores: busy_seconds / elapsed,
        cpu_per_delivery_us: busy_seconds * 1e6 / latencies.len().max(1) as f64,
        connect_seconds,
    })
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a socket, signs in and subscribes to the progress of `activation_id`.
async fn open(url: &str, token: &str, activation_id: &str) -> anyhow::Result<Socket> {
    let mut request = url.into_client_request()?;
    request.headers_mut().insert("sec-websocket-protocol", HeaderValue::from_static("graphql-transport-ws"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await?;
    loop {
        let message = socket.next().await.context("the server closed")??;
        if let Message::Text(text) = message {
            let message: Value = serde_json::from_str(&text)?;
            if message["type"] == "connection_ack" {
                break;
            }
            anyhow::bail!("expected connection_ack, got {message}");
        }
    }
    let subscribe = json!({
        "id": "1",
        "type": "subscribe",
        "payload": { "query": PROGRESS, "variables": { "id": activation_id } },
    });
    socket.send(Message::text(subscribe.to_string())).await?;
    // The subscription answers with the activation's current state first; the events come after.
    loop {
        let message = socket.next().await.context("the server closed")??;
        if let Message::Text(text) = message {
            let message: Value = serde_json::from_str(&text)?;
            anyhow::ensure!(message["type"] == "next", "expected the current state, got {message}");
            break;
        }
    }
    Ok(socket)
}
