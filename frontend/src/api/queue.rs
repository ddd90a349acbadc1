//! Purchases made without a connection: kept in local storage with the idempotency key made when
//! the customer pressed "buy" — with how it is paid and the voucher code to redeem first — and sent
//! when the connection is back. The server applies each key once (and each voucher code once), so
//! a purchase that did reach it before the connection dropped is never bought twice. A voucher
//! redeemed without a connection waits here too, as an entry without a feature.

use serde::{Deserialize, Serialize};

use super::checkout::Made;
use super::ops::{DurationKind, PaymentMethodKind, PurchaseFeature, RedeemVoucher, purchase_feature, redeem_voucher};
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
    /// How it is paid (`CREDIT`…); the server's choice when none.
    #[serde(default)]
    pub method: Option<String>,
    /// A voucher code to redeem first (alone, without a feature: a voucher redeemed offline).
    #[serde(default)]
    pub voucher_code: Option<String>,
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
            // The customer's saved card or mandate, unless `method` says otherwise.
            payment_method: None,
            method: purchase.method.as_deref().map(PaymentMethodKind::from_name),
            voucher_code: purchase.voucher_code.clone(),
        },
    }
}

/// Sends a queued voucher redemption (an entry without a feature); `Ok(None)` when redeemed.
async fn redeem(api: &Api, purchase: &QueuedPurchase) -> Result<Option<String>, ApiError> {
    let code = purchase.voucher_code.clone().unwrap_or_default();
    let variables = redeem_voucher::Variables { code, idempotency_key: purchase.key.clone() };
    api.send::<RedeemVoucher>(variables).await.map(|()| None)
}

/// Sends every queued purchase; stops at the first one that finds no connection. Returns how many
/// went through.
pub async fn flush(api: &Api) -> usize {
    let mut sent = 0;
    for purchase in load().into_iter().filter(|purchase| purchase.refused.is_none()) {
        let answer = if purchase.feature_code.is_empty() {
            redeem(api, &purchase).await
        } else {
            api.call_as::<PurchaseFeature, Made>(variables(&purchase)).await.map(|made| Some(made.0))
        };
        match answer {
            Ok(activation) => {
                remove(&purchase.key);
                if let Some(activation) = activation {
                    remember_applied(purchase, activation);
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purchase_queued_with_a_voucher_is_replayed_with_its_code_and_method() {
        let stored = r#"{"key":"k1","vin":"V","feature_code":"HEATED_SEATS","feature_name":"Heated seats",
            "kind":"PERMANENT","days":null,"method":"CREDIT","voucher_code":"7KQM-2XHA-9RTD-PC4W","refused":null}"#;
        let purchase: QueuedPurchase = serde_json::from_str(stored).expect("a queued purchase");
        let input = variables(&purchase).input;
        assert_eq!(input.idempotency_key, "k1");
        assert_eq!(input.method, Some(PaymentMethodKind::CREDIT));
        assert_eq!(input.voucher_code.as_deref(), Some("7KQM-2XHA-9RTD-PC4W"));
        let sent = serde_json::to_value(&input).expect("JSON");
        assert_eq!(sent["method"], "CREDIT");
        assert_eq!(sent["voucherCode"], "7KQM-2XHA-9RTD-PC4W");
    }

    #[test]
    fn a_purchase_queued_by_an_earlier_version_is_still_sent_as_it_was() {
        let stored = r#"{"key":"k2","vin":"V","feature_code":"F","feature_name":"F","kind":"FIXED_DAYS","days":30,"refused":null}"#;
        let purchase: QueuedPurchase = serde_json::from_str(stored).expect("an older queued purchase");
        let input = variables(&purchase).input;
        assert_eq!((input.method, input.voucher_code, input.duration.days), (None, None, Some(30)));
    }
}
