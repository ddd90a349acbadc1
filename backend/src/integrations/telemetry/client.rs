//! The server's MQTT side: connections to the broker that join the shared subscription and hand
//! each reading on with the means to acknowledge it once it is stored (QoS 1 with manual acks: a
//! reading the server took but did not store is delivered again after a crash or reconnect).

use std::time::Duration;

use axum::body::Bytes;
use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, Publish, QoS};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{shared_subscription, vin_of_topic};

/// A reading received over MQTT.
pub struct Delivery {
    /// The car, from the topic.
    pub vin: String,
    /// The message as published.
    pub payload: Bytes,
    /// Acknowledges it to the broker.
    pub ack: Ack,
}

/// The broker's hold on a delivered message, released by [`Ack::send`].
pub struct Ack {
    client: AsyncClient,
    publish: Publish,
}

impl Ack {
    /// Tells the broker the message is taken care of.
    pub async fn send(self) {
        if let Err(err) = self.client.ack(&self.publish).await {
            tracing::warn!(error = %err, "could not acknowledge a telemetry message");
        }
    }
}

/// Where the broker is: `mqtt://host:port` (or `tcp://`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerAddress {
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl BrokerAddress {
    /// Parses `url`; `None` when it is not an `mqtt://` or `tcp://` URL.
    pub fn parse(url: &str) -> Option<Self> {
        let rest = url.trim().strip_prefix("mqtt://").or_else(|| url.trim().strip_prefix("tcp://"))?;
        let authority = rest.split('/').next()?;
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().ok()?),
            None => (authority, 1883),
        };
        (!host.is_empty()).then(|| Self { host: host.to_owned(), port })
    }

    /// Options for a client named `client_id`.
    pub fn options(&self, client_id: &str) -> MqttOptions {
        let mut options = MqttOptions::new(client_id, &self.host, self.port);
        options.set_keep_alive(Duration::from_secs(15)).set_max_packet_size(64 * 1024, 64 * 1024);
        options
    }
}

/// How the server's connections join the broker.
#[derive(Clone, Debug)]
pub struct Subscriber {
    /// The shared-subscription group.
    pub group: String,
    /// The instance's name, in the connections' client ids.
    pub instance: String,
    /// Whether the instance has a stable name (`CAAS_INSTANCE`): then each connection keeps its
    /// session across restarts, and messages not acknowledged when it dropped come again; a name
    /// made up per process would leave sessions behind that nobody resumes.
    pub durable: bool,
    /// Connections to open.
    pub connections: usize,
}

/// Connects the subscriber's clients to the broker, each in the shared subscription, sending what
/// they receive to `deliveries` until `stop`. The channel is unbounded because the broker bounds
/// it: it sends a connection no more messages than its in-flight window until they are
/// acknowledged, and a receiver that waited for room would stop reading the acknowledgements'
/// way out too.
pub fn subscribe(
    broker: &BrokerAddress,
    subscriber: &Subscriber,
    deliveries: mpsc::UnboundedSender<Delivery>,
    stop: CancellationToken,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..subscriber.connections)
        .map(|index| {
            let mut options = broker.options(&format!("caas-{}-{index}", subscriber.instance));
            options.set_clean_session(!subscriber.durable).set_manual_acks(true);
            // Room for every acknowledgement a batch sends at once, so that acknowledging never
            // waits on a connection that is itself waiting for the batch queue.
            let (client, events) = AsyncClient::new(options, 16 * 1024);
            let topic = shared_subscription(&subscriber.group);
            tokio::spawn(receive(client, events, topic, deliveries.clone(), stop.clone()))
        })
        .collect()
}

async fn receive(
    client: AsyncClient,
    mut events: EventLoop,
    topic: String,
    deliveries: mpsc::UnboundedSender<Delivery>,
    stop: CancellationToken,
) {
    loop {
        let event = tokio::select! {
            () = stop.cancelled() => break,
            event = events.poll() => event,
        };
        match event {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                // Also after a reconnection: a broker that lost the session forgot the subscription.
                if let Err(err) = client.subscribe(topic.clone(), QoS::AtLeastOnce).await {
                    tracing::warn!(error = %err, "could not subscribe to telemetry");
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                let Some(vin) = vin_of_topic(&publish.topic).map(str::to_owned) else {
                    // Not a telemetry topic: nothing to store, nothing to deliver again.
                    let _ = client.ack(&publish).await;
                    continue;
                };
                let payload = publish.payload.clone();
                let delivery = Delivery { vin, payload, ack: Ack { client: client.clone(), publish } };
                if deliveries.send(delivery).is_err() {
                    break;
                }
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = %err, "the MQTT broker connection failed; reconnecting");
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
    }
    let _ = client.disconnect().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_urls_name_host_and_port() {
        let local = BrokerAddress { host: "127.0.0.1".into(), port: 1883 };
        assert_eq!(BrokerAddress::parse("mqtt://127.0.0.1:1883"), Some(local.clone()));
        assert_eq!(BrokerAddress::parse("tcp://127.0.0.1"), Some(local));
        assert_eq!(BrokerAddress::parse("http://127.0.0.1:1883"), None);
        assert_eq!(BrokerAddress::parse("mqtt://:1883"), None);
        assert_eq!(BrokerAddress::parse("mqtt://broker:port"), None);
    }
}
