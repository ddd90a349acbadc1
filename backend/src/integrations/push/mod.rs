//! Web Push (RFC 8030): notifications to a browser through the push service its vendor runs
//! (Chromium's FCM, Mozilla's autopush, Apple's). The payload is encrypted for the browser alone
//! (RFC 8291, `aes128gcm`) and the request is signed with our VAPID key (RFC 8292), whose public
//! half the browser was given as `applicationServerKey` when it subscribed. See
//! `docs/integrations/push.md`.

pub mod client;
pub mod simulator;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

pub use client::WebPushClient;

/// A browser's push subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSubscription {
    /// Where the push service takes messages for this browser (a capability URL: keep it private).
    pub endpoint: String,
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The browser's 16-byte authentication secret, base64url.
    pub auth: String,
}

/// What the service worker shows: serialised as the JSON payload it reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PushMessage {
    /// The notification's title.
    pub title: String,
    /// The notification's text.
    pub body: String,
    /// The page a click opens, if any.
    pub url: Option<String>,
    /// Notifications with the same tag replace each other on the device.
    pub tag: String,
}

/// Why a push message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// The subscription no longer exists (404 or 410): remove it.
    #[error("the push subscription is gone")]
    Gone,
    /// The push service refused the message, or the subscription cannot be used: retrying will
    /// not help.
    #[error("the push message was refused: {0}")]
    Rejected(String),
    /// The push service could not be reached or is overloaded (5xx, 429): worth retrying.
    #[error("the push service is unavailable (try again): {0}")]
    Unavailable(String),
}

/// Sends Web Push messages.
#[async_trait]
pub trait PushService: Send + Sync {
    /// The VAPID public key for `PushManager.subscribe`'s `applicationServerKey` (base64url
    /// uncompressed P-256 point), or `None` when push is not available.
    fn public_key(&self) -> Option<String>;

    /// Encrypts `message` for `subscription` and hands it to its push service, which keeps it
    /// for at most `ttl_seconds` while the device is offline.
    async fn send(
        &self,
        subscription: &PushSubscription,
        message: &PushMessage,
        ttl_seconds: u32,
    ) -> Result<(), PushError>;
}

/// A new VAPID private key: a P-256 scalar, 32 bytes, base64url without padding
/// (`CAAS_VAPID_PRIVATE_KEY`).
pub fn generate_vapid_private_key() -> String {
    loop {
        // A random 32-byte string is a valid scalar unless it is zero or not below the curve's
        // order, a chance of about 2^-32; the key parser says which.
        let bytes: [u8; 32] = rand::random();
        let key = URL_SAFE_NO_PAD.encode(bytes);
        if client::vapid_public_key(&key).is_some() {
            return key;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_distinct_p256_scalars_with_an_uncompressed_public_key() {
        let key = generate_vapid_private_key();
        assert_eq!(URL_SAFE_NO_PAD.decode(&key).expect("base64url").len(), 32);
        assert_ne!(key, generate_vapid_private_key());
        let public = client::vapid_public_key(&key).expect("a valid key");
        let point = URL_SAFE_NO_PAD.decode(public).expect("base64url");
        assert_eq!((point.len(), point[0]), (65, 0x04));
    }

    #[test]
    fn the_payload_is_the_json_the_service_worker_reads() {
        let message = PushMessage {
            title: "Your car is ready".into(),
            body: "Pick it up at the dealership".into(),
            url: Some("/orders/1".into()),
            tag: "order-1".into(),
        };
        let json = serde_json::to_value(&message).expect("serialisable");
        assert_eq!(
            json,
            serde_json::json!({
                "title": "Your car is ready",
                "body": "Pick it up at the dealership",
                "url": "/orders/1",
                "tag": "order-1",
            })
        );
    }
}
