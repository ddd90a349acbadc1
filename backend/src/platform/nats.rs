//! The event bus of a cluster: domain events go through the outbox table to NATS JetStream and
//! come back to every instance, where the in-process bus fans them out to the subscriptions.
//!
//! - **Writing**: [`super::outbox::Outbox::commit`] writes events in the transaction of their
//!   change; [`EventBus::publish`] (a step outside any transaction) hands its event to a writer
//!   that stores all the events waiting in one statement, and returns once its event is stored.
//! - **Relaying**: the instance holding the `outbox-relay` lease publishes the rows in the order
//!   they were written, each with its event id as `Nats-Msg-Id` (JetStream drops a second copy
//!   within its duplicate window), and deletes them once acknowledged. One relay keeps the events
//!   of one thing in order; an instance that wrote rows pokes it over core NATS, and it looks by
//!   itself twice a second in case a poke was lost.
//! - **Receiving**: each instance has one ordered JetStream consumer per topic family (activations,
//!   orders, users' notifications, repair orders, the workers' wake-up calls), not one per WebSocket. It drops an
//!   event id it has seen and hands the rest to the local bus. The consumer resumes after the last
//!   stream sequence it got when NATS comes back, so an outage delays events but loses none.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::events::{BroadcastEventBus, DomainEvent, EventBus, Stamped, Topic};
use super::lease::Lease;
use super::metrics::Metrics;
use super::outbox::{self, Envelope};

/// The JetStream stream holding the events.
pub const STREAM: &str = "CAAS_EVENTS";
/// The subjects it takes.
const SUBJECTS: &str = "caas.events.>";
/// The core-NATS subject on which an instance tells the relay it wrote events.
const POKE: &str = "caas.outbox.written";
/// The topic families, one consumer each per instance.
pub const FAMILIES: [&str; 11] = [
    "caas.events.activation.>",
    "caas.events.vehicle.>",
    "caas.events.order.>",
    "caas.events.user.>",
    "caas.events.repair.>",
    "caas.events.command.>",
    "caas.events.assistant.>",
    "caas.events.campaign.>",
    "caas.events.jobs",
    "caas.events.mail",
    "caas.events.commands",
];
/// How many event ids a receiver remembers to drop a second copy.
const REMEMBERED: usize = 65_536;
/// Rows the relay publishes per round.
const BATCH: u64 = 1024;
/// How often the relay looks without a poke.
const RELAY_POLL: Duration = Duration::from_millis(500);

/// Events written by [`EventBus::publish`] per statement at most.
const WRITE_BATCH: usize = 1024;

/// The cluster's event bus.
pub struct NatsEventBus {
    local: BroadcastEventBus,
    db: DatabaseConnection,
    client: async_nats::Client,
    jetstream: jetstream::Context,
    relay_wanted: Arc<Notify>,
    writes: mpsc::UnboundedSender<PendingWrite>,
    seen: Mutex<RecentIds>,
    metrics: Metrics,
}

/// An event published outside a transaction, waiting for its row in the outbox.
struct PendingWrite {
    event: DomainEvent,
    written: oneshot::Sender<()>,
}

/// The ids of the last events received, oldest first out.
#[derive(Default)]
struct RecentIds {
    set: HashSet<uuid::Uuid>,
    order: VecDeque<uuid::Uuid>,
}

impl RecentIds {
    /// Remembers `id`: false when it was already there.
    fn insert(&mut self, id: uuid::Uuid) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > REMEMBERED
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        true
    }
}

impl NatsEventBus {
    /// Connects to NATS at `url` (retrying in the background when it is not up yet, so the API
    /// starts and answers without it) for the instance using `db`.
    pub async fn connect(url: &str, db: DatabaseConnection, metrics: Metrics) -> anyhow::Result<Arc<Self>> {
        let options = async_nats::ConnectOptions::new()
            .name("caas")
            .retry_on_initial_connect()
            .max_reconnects(None)
            .event_callback(|event| async move { tracing::info!(%event, "NATS") });
        let client = options.connect(url).await?;
        let jetstream = jetstream::new(client.clone());
        let relay_wanted = Arc::new(Notify::new());
        let (writes, pending) = mpsc::unbounded_channel();
        tokio::spawn(write_outbox(pending, db.clone(), client.clone(), relay_wanted.clone()));
        Ok(Arc::new(Self {
            local: BroadcastEventBus::new(1024),
            db,
            client,
            jetstream,
            relay_wanted,
            writes,
            seen: Mutex::new(RecentIds::default()),
            metrics,
        }))
    }

    /// Starts the relay (acting while `relay_lease` is held) and the consumers, until `stop`.
    pub fn start(self: &Arc<Self>, relay_lease: Lease, stop: &CancellationToken) -> Vec<JoinHandle<()>> {
        let mut tasks = vec![
            tokio::spawn(self.clone().relay(relay_lease, stop.clone())),
            tokio::spawn(self.clone().listen_for_pokes(stop.clone())),
        ];
        for family in FAMILIES {
            tasks.push(tokio::spawn(self.clone().receive(family, stop.clone())));
        }
        tasks
    }

    /// Makes sure the stream exists (after a broker restart without its storage, too).
    async fn stream(&self) -> anyhow::Result<stream::Stream> {
        let config = stream::Config {
            name: STREAM.to_owned(),
            subjects: vec![SUBJECTS.to_owned()],
            // Long enough for a consumer to catch up after an outage; the outbox holds the rest.
            max_age: Duration::from_secs(3600),
            duplicate_window: Duration::from_secs(120),
            storage: stream::StorageType::File,
            ..Default::default()
        };
        Ok(self.jetstream.get_or_create_stream(config).await?)
    }

    async fn listen_for_pokes(self: Arc<Self>, stop: CancellationToken) {
        loop {
            let mut pokes = match self.client.subscribe(POKE).await {
                Ok(pokes) => pokes,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot listen for outbox pokes");
                    if sleep_or_stop(&stop, Duration::from_secs(1)).await {
                        return;
                    }
                    continue;
                }
            };
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    poke = pokes.next() => match poke {
                        Some(_) => self.relay_wanted.notify_one(),
                        None => break,
                    },
                }
            }
        }
    }

    /// Publishes the outbox while this instance holds the relay's lease.
    async fn relay(self: Arc<Self>, lease: Lease, stop: CancellationToken) {
        let mut failures = 0u32;
        loop {
            if lease.is_held() {
                match self.relay_round().await {
                    Ok(more) => {
                        failures = 0;
                        if more {
                            continue;
                        }
                    }
                    Err(err) => {
                        failures = failures.saturating_add(1);
                        tracing::warn!(error = %err, "the outbox relay could not publish; trying again");
                        let backoff = Duration::from_millis(100 * 2u64.pow(failures.min(4)));
                        if sleep_or_stop(&stop, backoff).await {
                            return;
                        }
                        continue;
                    }
                }
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = self.relay_wanted.notified() => {}
                () = tokio::time::sleep(RELAY_POLL) => {}
            }
        }
    }

    /// Publishes one batch of the oldest events and deletes what the broker took: whether a full
    /// batch went (so more may wait).
    async fn relay_round(&self) -> anyhow::Result<bool> {
        let rows = outbox::oldest(&self.db, BATCH).await?;
        if rows.is_empty() {
            return Ok(false);
        }
        self.stream().await?;
        let mut acks = Vec::with_capacity(rows.len());
        for row in &rows {
            let message = jetstream::message::PublishMessage::build()
                .payload(row.payload.clone().into())
                .message_id(row.event_id.to_string());
            acks.push((row.seq, self.jetstream.send_publish(row.subject.clone(), message).await?));
        }
        let mut published = Vec::with_capacity(acks.len());
        let mut failure = None;
        for (seq, ack) in acks {
            match ack.await {
                Ok(_) => published.push(seq),
                Err(err) => {
                    failure = Some(err);
                    break;
                }
            }
        }
        self.metrics.events_relayed.inc_by(published.len() as u64);
        outbox::delete(&self.db, &published).await?;
        if let Some(err) = failure {
            return Err(err.into());
        }
        Ok(rows.len() as u64 == BATCH)
    }

    /// Hands the events of one topic family to the local subscribers, from now on. A consumer
    /// that ends is made again from the event after the last one it handed over, so nothing
    /// published meanwhile is skipped.
    async fn receive(self: Arc<Self>, family: &'static str, stop: CancellationToken) {
        let mut last_sequence = None;
        loop {
            match self.consume(family, &mut last_sequence, &stop).await {
                Ok(()) => return,
                Err(err) => {
                    tracing::warn!(family, error = %err, "the event consumer stopped; starting it again");
                    if sleep_or_stop(&stop, Duration::from_secs(1)).await {
                        return;
                    }
                }
            }
        }
    }

    async fn consume(
        &self,
        family: &'static str,
        last_sequence: &mut Option<u64>,
        stop: &CancellationToken,
    ) -> anyhow::Result<()> {
        let stream = self.stream().await?;
        let deliver_policy = match *last_sequence {
            Some(sequence) => consumer::DeliverPolicy::ByStartSequence { start_sequence: sequence + 1 },
            None => consumer::DeliverPolicy::New,
        };
        let config = consumer::push::OrderedConfig {
            deliver_subject: self.client.new_inbox(),
            filter_subject: family.to_owned(),
            deliver_policy,
            ..Default::default()
        };
        let mut messages = stream.create_consumer(config).await?.messages().await?;
        loop {
            let message = tokio::select! {
                () = stop.cancelled() => return Ok(()),
                message = messages.next() => message,
            };
            match message {
                Some(Ok(message)) => {
                    if let Ok(info) = message.info() {
                        *last_sequence = Some(info.stream_sequence);
                    }
                    self.deliver(&message.payload);
                }
                Some(Err(err)) => tracing::warn!(family, error = %err, "an event could not be received"),
                None => anyhow::bail!("the consumer's stream ended"),
            }
        }
    }

    fn deliver(&self, payload: &[u8]) {
        let envelope: Envelope = match serde_json::from_slice(payload) {
            Ok(envelope) => envelope,
            Err(err) => {
                tracing::warn!(error = %err, "an event from NATS could not be read");
                return;
            }
        };
        let fresh = self.seen.lock().unwrap_or_else(PoisonError::into_inner).insert(envelope.id);
        if !fresh {
            self.metrics.events_duplicates.inc();
            return;
        }
        self.metrics.events_received.inc();
        self.local.publish_now(envelope.event);
    }
}

/// Writes the events published outside a transaction into the outbox, all those waiting in one
/// statement (a group commit: under load one insert carries many events, and each publisher
/// returns once its event is stored), then tells the relay. Ends when the bus is dropped.
async fn write_outbox(
    mut pending: mpsc::UnboundedReceiver<PendingWrite>,
    db: DatabaseConnection,
    client: async_nats::Client,
    relay_wanted: Arc<Notify>,
) {
    let mut batch = Vec::with_capacity(WRITE_BATCH);
    while pending.recv_many(&mut batch, WRITE_BATCH).await > 0 {
        let events: Vec<DomainEvent> = batch.iter().map(|write| write.event.clone()).collect();
        match outbox::write(&db, &events).await {
            Ok(()) => poke(&relay_wanted, &client),
            Err(err) => {
                tracing::warn!(error = %err, events = events.len(), "events could not be written to the outbox")
            }
        }
        for write in batch.drain(..) {
            let _ = write.written.send(());
        }
    }
}

/// Tells the relay there are rows: its own instance at once, the holder's over core NATS.
fn poke(relay_wanted: &Notify, client: &async_nats::Client) {
    relay_wanted.notify_one();
    let client = client.clone();
    // Fire and forget: a lost poke only waits for the relay's next look.
    tokio::spawn(async move {
        let _ = client.publish(POKE, "".into()).await;
    });
}

/// Sleeps for `pause`: true when `stop` came first.
async fn sleep_or_stop(stop: &CancellationToken, pause: Duration) -> bool {
    tokio::select! {
        () = stop.cancelled() => true,
        () = tokio::time::sleep(pause) => false,
    }
}

#[async_trait]
impl EventBus for NatsEventBus {
    async fn publish(&self, event: DomainEvent) {
        let (written, stored) = oneshot::channel();
        if self.writes.send(PendingWrite { event, written }).is_err() {
            tracing::warn!("the outbox writer has stopped; an event is dropped");
            return;
        }
        // The writer logs a failure; the publisher only waits until its event is stored.
        let _ = stored.await;
    }

    fn subscribe(&self) -> BoxStream<'static, DomainEvent> {
        self.local.subscribe()
    }

    fn subscribe_topic(&self, topic: Topic) -> BoxStream<'static, Stamped> {
        self.local.subscribe_topic(topic)
    }

    fn subscriber_count(&self) -> usize {
        self.local.subscriber_count()
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn outbox_written(&self) {
        poke(&self.relay_wanted, &self.client);
    }

    fn broker_connected(&self) -> Option<bool> {
        Some(self.client.connection_state() == async_nats::connection::State::Connected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receiver_drops_an_id_it_has_seen_and_forgets_the_oldest() {
        let mut seen = RecentIds::default();
        let first = uuid::Uuid::now_v7();
        assert!(seen.insert(first));
        assert!(!seen.insert(first), "a second copy is dropped");
        for _ in 0..REMEMBERED {
            assert!(seen.insert(uuid::Uuid::now_v7()));
        }
        assert!(seen.insert(first), "the oldest id was forgotten to bound the memory");
        assert_eq!(seen.set.len(), seen.order.len());
    }
}
