//! Purchases made without a connection: kept in local storage with the idempotency key made when
//! the customer pressed "buy", and sent when the connection is back. The server applies each key
//! once, so a purchase that did reach it before the connection dropped is never bought twice.

use serde::{Deserialize, Serialize};

use super::ops::{DurationKind, PurchaseFeature, purchase_feature};
use super::{Api, ApiError, storage};

const QUEUE_KEY: &str = "caas.queue";
/// What was sent from the queue since the customer last looked.
const APPLIED_KEY: &str = "caas.queue_applied";

/// A purchase waiting to be sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuedPurchase {
    /// The client-made idempotency key.
    pub key: String,
    /// The vehicle.
    pub vin: String,
    /// The feature's code.
    pub feature_code: String,
    /// The feature's name, to show.
    pub feature_name: String,
    /// `PERMANENT`, `MONTHLY`…
    pub kind: String,
    /// Days, for fixed durations.
    pub days: Option<i64>,
    /// Why the last attempt was refused by the server, if it was.
    pub refused: Option<String>,
}

/// A queued purchase the server took, with the activation it became.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppliedPurchase {
    /// The purchase as it was queued.
    pub purchase: QueuedPurchase,
    /// The activation the server made of it.
    pub activation_id: String,
}

/// The queued purchases the server took since the customer last cleared the list.
pub fn applied() -> Vec<AppliedPurchase> {
    storage::get(APPLIED_KEY).unwrap_or_default()
}

/// Clears the list of applied purchases.
pub fn forget_applied() {
    storage::delete(APPLIED_KEY);
}

fn remember_applied(purchase: QueuedPurchase, activation_id: String) {
    let mut list = applied();
    list.retain(|done| done.purchase.key != purchase.key);
    list.push(AppliedPurchase { purchase, activation_id });
    storage::set(APPLIED_KEY, &list);
}

/// A new idempotency key.
pub fn new_key() -> String {
    let crypto = web_sys::window().and_then(|window| window.crypto().ok());
    match crypto {
        Some(crypto) => crypto.random_uuid(),
        None => format!("k{}{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64),
    }
}

/// The queued purchases.
pub fn load() -> Vec<QueuedPurchase> {
    storage::get(QUEUE_KEY).unwrap_or_default()
}

fn save(queue: &[QueuedPurchase]) {
    storage::set(QUEUE_KEY, queue);
}

/// Adds a purchase to the queue.
pub fn push(purchase: QueuedPurchase) {
    let mut queue = load();
    queue.push(purchase);
    save(&queue);
}

/// Removes a purchase from the queue.
pub fn remove(key: &str) {
    let mut queue = load();
    queue.retain(|purchase| purchase.key != key);
    save(&queue);
}

/// The variables of a purchase.
pub fn variables(purchase: &QueuedPurchase) -> purchase_feature::Variables {
    let kind = DurationKind::from_name(&purchase.kind);
    purchase_feature::Variables {
        input: purchase_feature::PurchaseFeatureInput {
            vin: purchase.vin.clone(),
            feature_code: purchase.feature_code.clone(),
            duration: purchase_feature::DurationInput { kind, days: purchase.days },
            idempotency_key: purchase.key.clone(),
            // The customer's saved card.
            payment_method: None,
        },
    }
}

/// Sends every queued purchase; stops at the first one that finds no connection. Returns how many
/// went through.
pub async fn flush(api: &Api) -> usize {
    let mut sent = 0;
    for purchase in load().into_iter().filter(|purchase| purchase.refused.is_none()) {
        match api.call::<PurchaseFeature>(variables(&purchase)).await {
            Ok(data) => {
                remove(&purchase.key);
                remember_applied(purchase, data.purchase_feature.id);
                sent += 1;
            }
            // No connection, or too many requests just now: it stays queued for the next try.
            Err(ApiError::Offline | ApiError::RateLimited { .. }) => break,
            Err(error) => {
                let mut queue = load();
                if let Some(item) = queue.iter_mut().find(|item| item.key == purchase.key) {
                    item.refused = Some(error.code());
                }
                save(&queue);
            }
        }
    }
    sent
}
