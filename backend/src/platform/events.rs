//! Domain events and the bus that carries them to GraphQL subscriptions.
//!
//! The in-process bus is a `tokio::sync::broadcast` channel: the embedded default, one instance.
//! When several instances share the work, [`super::nats::NatsEventBus`] implements the same trait:
//! events are written to the outbox table in the transaction of their change and reach every
//! instance through NATS.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

/// Something that happened in the domain that live views may want to know about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum DomainEvent {
    /// A notification for `user_id` was stored.
    NotificationCreated {
        /// The recipient.
        user_id: Uuid,
        /// The stored notification.
        notification_id: Uuid,
    },
    /// An e-mail was queued; the dispatcher can send it now.
    MailQueued,
    /// An OTA job is waiting: the engine can take it now.
    JobQueued,
    /// An activation moved on.
    ActivationProgressed {
        /// The activation.
        activation_id: Uuid,
        /// Its step.
        phase: ActivationPhase,
        /// The delivery attempt (0 before the first).
        attempt: i32,
        /// The activation as the change left it, where the publisher has it: live views show it
        /// without reading it again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<Box<ActivationState>>,
    },
    /// An order changed: a new status, or a manufacturing stage reported.
    OrderProgressed {
        /// The order.
        order_id: Uuid,
        /// The stage reported, or the status reached.
        stage: entity::OrderStatus,
        /// The manufacturing event, when the change came from the factory.
        event_id: Option<Uuid>,
    },
    /// A repair order moved on (a new status, an estimate, a decision).
    RepairOrderChanged {
        /// The repair order.
        repair_order_id: Uuid,
        /// Its status now.
        status: entity::RepairOrderStatus,
        /// The timeline entry of the change.
        event_id: Uuid,
    },
    /// A car's latest telemetry changed.
    TelemetryReported {
        /// The car.
        vehicle_id: Uuid,
        /// The reading's sequence number.
        sequence: i64,
    },
    /// A car's health alert opened or closed.
    HealthAlertChanged {
        /// The car.
        vehicle_id: Uuid,
        /// The alert.
        alert_id: Uuid,
    },
    /// Every session of a user ended (account disabled or erased): each instance forgets what it
    /// cached and closes the user's WebSockets.
    SessionsEnded {
        /// The user.
        user_id: Uuid,
    },
    /// An owner's remote command was stored: a sender can take it now.
    VehicleCommandQueued,
    /// A remote command moved on; it carries the command as the change left it.
    VehicleCommandChanged {
        /// The command.
        command: Box<entity::vehicle_commands::Model>,
    },
    /// The assistant's model wrote more of an answer, or finished it.
    AssistantAnswered {
        /// The question's turn.
        turn_id: Uuid,
        /// What was added (empty on the last).
        delta: String,
        /// The answer so far; the final one when `done` (a watcher that missed a piece loses nothing).
        answer: String,
        /// Whether the answer is final.
        done: bool,
    },
    /// A fleet campaign moved on (its state, a group, its cars' counts); a pause or cancel reaches
    /// every instance by it at once.
    CampaignChanged {
        /// The campaign.
        campaign_id: Uuid,
        /// Its state now.
        state: entity::CampaignState,
    },
}

/// An activation and the status of its latest charge, as a change committed them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationState {
    /// The activation.
    pub activation: entity::activations::Model,
    /// Its latest charge's status (none for trials and monthly subscriptions).
    pub charge: Option<entity::PaymentStatus>,
}

impl DomainEvent {
    /// An activation's step, without its state (a live view reads it).
    pub fn activation_progressed(activation_id: Uuid, phase: ActivationPhase, attempt: i32) -> Self {
        Self::ActivationProgressed { activation_id, phase, attempt, state: None }
    }

    /// An activation's step with the state the change left it in.
    pub fn activation_progressed_to(state: ActivationState, phase: ActivationPhase, attempt: i32) -> Self {
        Self::ActivationProgressed { activation_id: state.activation.id, phase, attempt, state: Some(Box::new(state)) }
    }
}

/// A step of an activation, as its live progress shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum, Serialize, Deserialize)]
pub enum ActivationPhase {
    /// Waiting for the OTA engine.
    Queued,
    /// The command is on its way to the car.
    Sending,
    /// The car did not take it; another attempt is scheduled.
    RetryScheduled,
    /// On in the car; the charge is captured.
    Active,
    /// Could not be switched on; the charge is released or refunded.
    Failed,
    /// Being switched off.
    Deactivating,
    /// Switched off at its end.
    Ended,
}

/// The events of a live view that answered with the current state first: those published before
/// `read_from` (the moment that state was read, so it holds them) and those repeating the step
/// shown last are dropped; `step_of` names an event's step (`None`: not one of this view's).
pub fn changes_after<K, F>(
    events: BoxStream<'static, Stamped>,
    read_from: Instant,
    mut shown: K,
    step_of: F,
) -> impl futures::Stream<Item = Stamped> + Send + 'static
where
    K: PartialEq + Send + 'static,
    F: Fn(&DomainEvent) -> Option<K> + Send + 'static,
{
    events.filter(move |(published, event)| {
        let fresh = match step_of(event) {
            Some(step) if *published >= read_from && step != shown => {
                shown = step;
                true
            }
            _ => false,
        };
        std::future::ready(fresh)
    })
}

/// What a subscriber can listen to on its own: the events about one thing, or one worker's
/// wake-up calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// OTA jobs waiting (the engine's wake-up call).
    Jobs,
    /// E-mails waiting (the dispatcher's wake-up call).
    Mail,
    /// One activation's progress.
    Activation(Uuid),
    /// One order's progress.
    Order(Uuid),
    /// One user's notifications.
    User(Uuid),
    /// One repair order's progress.
    RepairOrder(Uuid),
    /// One vehicle's telemetry and health.
    Vehicle(Uuid),
    /// Remote commands waiting (their sender's wake-up call).
    VehicleCommands,
    /// One remote command's progress.
    VehicleCommand(Uuid),
    /// One assistant's answer as it is written.
    AssistantTurn(Uuid),
    /// One fleet campaign's progress.
    Campaign(Uuid),
}

impl Topic {
    /// The broker subject its events are published on.
    pub fn subject(self) -> String {
        match self {
            Self::Jobs => "caas.events.jobs".to_owned(),
            Self::Mail => "caas.events.mail".to_owned(),
            Self::Activation(id) => format!("caas.events.activation.{id}"),
            Self::Order(id) => format!("caas.events.order.{id}"),
            Self::User(id) => format!("caas.events.user.{id}"),
            Self::RepairOrder(id) => format!("caas.events.repair.{id}"),
            Self::Vehicle(id) => format!("caas.events.vehicle.{id}"),
            Self::VehicleCommands => "caas.events.commands".to_owned(),
            Self::VehicleCommand(id) => format!("caas.events.command.{id}"),
            Self::AssistantTurn(id) => format!("caas.events.assistant.{id}"),
            Self::Campaign(id) => format!("caas.events.campaign.{id}"),
        }
    }
}

impl DomainEvent {
    /// The topic the event belongs to.
    pub fn topic(&self) -> Topic {
        match self {
            Self::NotificationCreated { user_id, .. } | Self::SessionsEnded { user_id } => Topic::User(*user_id),
            Self::ActivationProgressed { activation_id, .. } => Topic::Activation(*activation_id),
            Self::OrderProgressed { order_id, .. } => Topic::Order(*order_id),
            Self::RepairOrderChanged { repair_order_id, .. } => Topic::RepairOrder(*repair_order_id),
            Self::TelemetryReported { vehicle_id, .. } | Self::HealthAlertChanged { vehicle_id, .. } => {
                Topic::Vehicle(*vehicle_id)
            }
            Self::MailQueued => Topic::Mail,
            Self::JobQueued => Topic::Jobs,
            Self::VehicleCommandQueued => Topic::VehicleCommands,
            Self::VehicleCommandChanged { command } => Topic::VehicleCommand(command.id),
            Self::AssistantAnswered { turn_id, .. } => Topic::AssistantTurn(*turn_id),
            Self::CampaignChanged { campaign_id, .. } => Topic::Campaign(*campaign_id),
        }
    }
}

/// An event with when it was published: a reader can tell whether data it read (or shares) is as
/// recent as the event.
pub type Stamped = (Instant, DomainEvent);

/// Publishes domain events and hands out streams of them.
#[async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// Publishes `event` to every current subscriber; having none is not an error.
    async fn publish(&self, event: DomainEvent);

    /// A stream of every event published from now on. A subscriber too slow to keep up skips the
    /// events it missed rather than holding the publisher back.
    fn subscribe(&self) -> BoxStream<'static, DomainEvent>;

    /// A stream of the events of one `topic` published from now on, stamped: a live view wakes
    /// only for what it shows, however many others are live.
    fn subscribe_topic(&self, topic: Topic) -> BoxStream<'static, Stamped>;

    /// How many streams currently listen (to everything or to a topic).
    fn subscriber_count(&self) -> usize;

    /// Whether events are shared with other instances: then
    /// [`Outbox::commit`](super::outbox::Outbox::commit) writes them to the outbox table in their
    /// transaction and the relay publishes them.
    fn is_shared(&self) -> bool {
        false
    }

    /// Events were committed to the outbox table: the relay can publish them now.
    fn outbox_written(&self) {}

    /// Whether the broker is reachable; `None` without one (the in-process bus).
    fn broker_connected(&self) -> Option<bool> {
        None
    }
}

/// Events the subscriber of one thing's topic may fall behind by before it skips some (the
/// workers' topics buffer as much as the channel of everything).
const TOPIC_CAPACITY: usize = 16;

/// The in-process event bus: one broadcast channel for everything, and one per topic that has
/// subscribers (made when the first subscribes, dropped when the last has gone).
#[derive(Debug, Clone)]
pub struct BroadcastEventBus {
    sender: broadcast::Sender<Stamped>,
    capacity: usize,
    topics: Arc<Mutex<HashMap<Topic, broadcast::Sender<Stamped>>>>,
}

impl BroadcastEventBus {
    /// A bus buffering up to `capacity` events per slow subscriber to everything.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self { sender, capacity, topics: Arc::default() }
    }

    /// Hands `event` to the current subscribers.
    pub fn publish_now(&self, event: DomainEvent) {
        let stamped = (Instant::now(), event);
        let topic = stamped.1.topic();
        // The event (with the state it may carry) is copied only when both channels have listeners.
        let everything = (self.sender.receiver_count() > 0).then(|| stamped.clone());
        let mut topics = self.topics();
        // Sending fails only when the topic's last subscriber has gone: forget the topic then.
        if topics.get(&topic).is_some_and(|sender| sender.send(stamped).is_err()) {
            topics.remove(&topic);
        }
        drop(topics);
        if let Some(stamped) = everything {
            // An error only means the last listener left meanwhile.
            let _ = self.sender.send(stamped);
        }
    }

    fn topics(&self) -> MutexGuard<'_, HashMap<Topic, broadcast::Sender<Stamped>>> {
        self.topics.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The events of a receiver; a subscriber that fell behind skips what it missed (and says so).
fn stream_of(receiver: broadcast::Receiver<Stamped>) -> BoxStream<'static, Stamped> {
    BroadcastStream::new(receiver)
        .filter_map(|event| async move {
            match event {
                Ok(event) => Some(event),
                Err(lagged) => {
                    tracing::warn!(%lagged, "event subscriber lagged behind");
                    None
                }
            }
        })
        .boxed()
}

#[async_trait]
impl EventBus for BroadcastEventBus {
    async fn publish(&self, event: DomainEvent) {
        self.publish_now(event);
    }

    fn subscribe(&self) -> BoxStream<'static, DomainEvent> {
        stream_of(self.sender.subscribe()).map(|(_, event)| event).boxed()
    }

    fn subscribe_topic(&self, topic: Topic) -> BoxStream<'static, Stamped> {
        let mut topics = self.topics();
        if !topics.contains_key(&topic) && topics.len().is_power_of_two() {
            // Topics whose subscribers left without an event since: dropped now and then.
            topics.retain(|_, sender| sender.receiver_count() > 0);
        }
        let capacity = if matches!(topic, Topic::Jobs | Topic::Mail | Topic::VehicleCommands) {
            self.capacity
        } else {
            TOPIC_CAPACITY
        };
        let receiver = topics.entry(topic).or_insert_with(|| broadcast::channel(capacity).0).subscribe();
        stream_of(receiver)
    }

    fn subscriber_count(&self) -> usize {
        self.sender.receiver_count() + self.topics().values().map(broadcast::Sender::receiver_count).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn an_activation() -> entity::activations::Model {
        let at = chrono::DateTime::from_timestamp(1_764_000_000, 0).expect("a time");
        entity::activations::Model {
            id: Uuid::now_v7(),
            vehicle_id: Uuid::now_v7(),
            feature_id: Uuid::now_v7(),
            price_id: None,
            duration_kind: entity::DurationKind::Permanent,
            duration_days: 0,
            status: entity::ActivationStatus::Active,
            purchased_by: Uuid::now_v7(),
            starts_at: Some(at),
            ends_at: None,
            cancel_at_period_end: false,
            failure_reason: None,
            failure_code: None,
            created_at: at,
            updated_at: at,
            billed_until: None,
            unpaid_since: None,
            end_reason: None,
        }
    }

    #[test]
    fn an_events_state_crosses_instances_and_events_without_one_still_read() {
        let state = ActivationState { activation: an_activation(), charge: Some(entity::PaymentStatus::Captured) };
        let with_state = DomainEvent::activation_progressed_to(state, ActivationPhase::Active, 1);
        let json = serde_json::to_string(&with_state).expect("JSON");
        assert_eq!(serde_json::from_str::<DomainEvent>(&json).expect("read back"), with_state);
        // An outbox row written before events carried their state.
        let id = Uuid::now_v7();
        let old = format!(r#"{{"type":"ActivationProgressed","activation_id":"{id}","phase":"Sending","attempt":2}}"#);
        let read = serde_json::from_str::<DomainEvent>(&old).expect("an old event");
        assert_eq!(read, DomainEvent::activation_progressed(id, ActivationPhase::Sending, 2));
        let without = serde_json::to_string(&read).expect("JSON");
        assert!(!without.contains("state"), "{without}");
    }

    #[tokio::test]
    async fn subscribers_receive_events_published_after_they_subscribed() {
        let bus = BroadcastEventBus::new(16);
        bus.publish(DomainEvent::NotificationCreated { user_id: Uuid::nil(), notification_id: Uuid::nil() }).await;
        let mut stream = bus.subscribe();
        let event = DomainEvent::NotificationCreated { user_id: Uuid::now_v7(), notification_id: Uuid::now_v7() };
        bus.publish(event.clone()).await;
        assert_eq!(stream.next().await, Some(event));
    }

    #[tokio::test]
    async fn a_topic_subscriber_gets_only_its_topics_events_and_leaves_no_channel_behind() {
        let bus = BroadcastEventBus::new(16);
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        let progress = |activation_id| DomainEvent::activation_progressed(activation_id, ActivationPhase::Sending, 1);
        let mut stream = bus.subscribe_topic(Topic::Activation(mine));
        let mut everything = bus.subscribe();
        assert_eq!(bus.subscriber_count(), 2);
        let before = Instant::now();
        let mut jobs = bus.subscribe_topic(Topic::Jobs);
        bus.publish(progress(other)).await;
        bus.publish(DomainEvent::JobQueued).await;
        bus.publish(progress(mine)).await;
        let (published, event) = stream.next().await.expect("an event");
        assert_eq!(event, progress(mine), "the other activation's event and the wake-up call are not mine");
        assert!(published >= before);
        assert_eq!(everything.next().await, Some(progress(other)), "subscribers to everything get all");
        assert_eq!(
            jobs.next().await.map(|(_, event)| event),
            Some(DomainEvent::JobQueued),
            "the engine's wake-up call"
        );
        drop(jobs);
        drop(stream);
        bus.publish(progress(mine)).await;
        bus.publish(DomainEvent::JobQueued).await;
        assert!(bus.topics().is_empty(), "the topic went with its last subscriber");
        assert_eq!(bus.subscriber_count(), 1);
    }
}
