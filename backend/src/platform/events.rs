//! Domain events and the bus that carries them to GraphQL subscriptions.
//!
//! The in-process bus is a `tokio::sync::broadcast` channel; a broker (NATS) can implement the same
//! trait when several server instances must share events.

use std::time::Instant;

use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use uuid::Uuid;

/// Something that happened in the domain that live views may want to know about.
#[derive(Clone, Debug, PartialEq, Eq)]
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
}

/// A step of an activation, as its live progress shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
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

/// Events raised inside a transaction, published once it has committed (so that a subscriber
/// never looks for a row that is not there yet).
#[derive(Debug, Default)]
#[must_use = "publish the outbox after the commit"]
pub struct Outbox(Vec<DomainEvent>);

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `event`.
    pub fn push(&mut self, event: DomainEvent) {
        self.0.push(event);
    }

    /// Publishes every queued event, in order.
    pub async fn publish(self, bus: &dyn EventBus) {
        for event in self.0 {
            bus.publish(event).await;
        }
    }
}

/// Publishes domain events and hands out streams of them.
#[async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// Publishes `event` to every current subscriber; having none is not an error.
    async fn publish(&self, event: DomainEvent);

    /// A stream of the events published from now on. A subscriber too slow to keep up skips the
    /// events it missed rather than holding the publisher back.
    fn subscribe(&self) -> BoxStream<'static, DomainEvent> {
        self.subscribe_stamped().map(|(_, event)| event).boxed()
    }

    /// [`EventBus::subscribe`], each event with when it was published: a reader can tell whether
    /// data it read (or shares) is as recent as the event.
    fn subscribe_stamped(&self) -> BoxStream<'static, (Instant, DomainEvent)>;

    /// How many streams currently listen.
    fn subscriber_count(&self) -> usize;
}

/// The in-process event bus.
#[derive(Debug, Clone)]
pub struct BroadcastEventBus {
    sender: broadcast::Sender<(Instant, DomainEvent)>,
}

impl BroadcastEventBus {
    /// A bus buffering up to `capacity` events per slow subscriber.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self { sender }
    }
}

#[async_trait]
impl EventBus for BroadcastEventBus {
    async fn publish(&self, event: DomainEvent) {
        // An error only means nobody is listening right now.
        let _ = self.sender.send((Instant::now(), event));
    }

    fn subscribe_stamped(&self) -> BoxStream<'static, (Instant, DomainEvent)> {
        BroadcastStream::new(self.sender.subscribe())
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

    fn subscriber_count(&self) -> usize {
        self.sender.receiver_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_receive_events_published_after_they_subscribed() {
        let bus = BroadcastEventBus::new(16);
        bus.publish(DomainEvent::NotificationCreated { user_id: Uuid::nil(), notification_id: Uuid::nil() }).await;
        let mut stream = bus.subscribe();
        let event = DomainEvent::NotificationCreated { user_id: Uuid::now_v7(), notification_id: Uuid::now_v7() };
        bus.publish(event.clone()).await;
        assert_eq!(stream.next().await, Some(event));
    }
}
