//! Text messages through an SMS provider's HTTP API (in the style of Twilio, Vonage or
//! MessageBird): `POST /v1/messages` with a bearer key, and signed delivery receipts posted back
//! to the status callback each message names. See `docs/integrations/sms.md`.

pub mod client;
mod segments;
pub mod simulator;

use async_trait::async_trait;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::signing::{self, SignatureError};

pub use client::HttpSms;
pub use segments::{Segments, SmsEncoding, segments};

/// The header with the receipt's signing time (unix seconds).
pub const TIMESTAMP_HEADER: &str = "X-Sms-Timestamp";
/// The header with the receipt's signature, `v1=<hex hmac-sha256(secret, "timestamp.body")>`.
pub const SIGNATURE_HEADER: &str = "X-Sms-Signature";

/// A text message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingSms {
    /// The recipient, E.164 (see [`normalize_phone`]).
    pub to: String,
    /// The text.
    pub body: String,
    /// Our id of the message, echoed in its receipt.
    pub reference: uuid::Uuid,
    /// Where the provider posts the delivery receipt.
    pub status_callback: String,
}

/// What the provider took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentSms {
    /// The provider's id of the message (`SM…`).
    pub provider_id: String,
    /// The parts it is sent (and billed) as.
    pub segments: u32,
}

/// Why a message was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    /// The recipient is not a valid international number.
    #[error("the phone number is not a valid international number")]
    InvalidNumber,
    /// The provider refused the message: retrying will not help.
    #[error("the SMS provider refused the message: {0}")]
    Rejected(String),
    /// The provider could not be reached or is unavailable: worth retrying.
    #[error("the SMS provider is unavailable (try again): {0}")]
    Unavailable(String),
}

/// An SMS provider.
#[async_trait]
pub trait SmsProvider: Send + Sync {
    /// Hands a message to the provider; its fate arrives later as a [`DeliveryReceipt`].
    async fn send(&self, sms: &OutgoingSms) -> Result<SentSms, SmsError>;
}

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptStatus {
    /// The handset has it.
    Delivered,
    /// The network could not hand it over (handset off or unreachable until the message expired).
    Undelivered,
    /// The provider or the network gave it up (barred, unknown number).
    Failed,
}

/// A delivery receipt, as the provider posts it to the status callback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryReceipt {
    /// The provider's id of the message.
    #[serde(rename = "id")]
    pub provider_id: String,
    /// Our id of the message.
    pub reference: uuid::Uuid,
    /// What became of it.
    pub status: ReceiptStatus,
    /// The provider's error code, when it was not delivered.
    pub error_code: Option<String>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// Why a receipt was not believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// The signature is missing, stale or wrong.
    #[error("the receipt's signature was refused: {0}")]
    BadSignature(SignatureError),
    /// Signed, but not a receipt.
    #[error("the receipt is malformed")]
    Malformed,
}

/// Checks a receipt's signature (against `secret`, at `now_unix`) and reads it.
pub fn verify_receipt(
    secret: &[u8],
    headers: &HeaderMap,
    body: &[u8],
    now_unix: i64,
) -> Result<DeliveryReceipt, ReceiptError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let (Some(timestamp), Some(signature)) = (header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER)) else {
        return Err(ReceiptError::BadSignature(SignatureError::Malformed));
    };
    signing::verify(secret, timestamp, signature, body, now_unix).map_err(ReceiptError::BadSignature)?;
    serde_json::from_slice(body).map_err(|_| ReceiptError::Malformed)
}

/// A phone number that is not a valid international one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid international phone number: start with + and the country code, e.g. +34 600 12 34 56")]
pub struct InvalidPhone;

/// An international phone number (`+` or `00`, the country code, the number; spaces, dashes, dots
/// and brackets allowed) checked against the numbering plans, in E.164: `+34600123456`.
pub fn normalize_phone(input: &str) -> Result<String, InvalidPhone> {
    let input = input.trim();
    let international = match input.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None if input.starts_with('+') => input.to_owned(),
        None => return Err(InvalidPhone),
    };
    // Letters (vanity numbers, "ext.") and anything else a person would not type are refused.
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/');
    if !international[1..].chars().all(allowed) || !international[1..].chars().any(|c| c.is_ascii_digit()) {
        return Err(InvalidPhone);
    }
    let number = phonenumber::parse(None, &international).map_err(|_| InvalidPhone)?;
    if !phonenumber::is_valid(&number) {
        return Err(InvalidPhone);
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn phone_numbers_are_normalised_to_e164() {
        assert_eq!(normalize_phone("+34 600 12 34 56"), Ok("+34600123456".into()));
        assert_eq!(normalize_phone("0034 600-12-34-56"), Ok("+34600123456".into()));
        assert_eq!(normalize_phone("+49 (89) 1234560"), Ok("+49891234560".into()));
        assert_eq!(normalize_phone(" +44 7400 123456 "), Ok("+447400123456".into()));
        assert_eq!(normalize_phone("+1 415 555 2671"), Ok("+14155552671".into()));
    }

    #[test]
    fn national_invalid_and_lettered_numbers_are_refused() {
        for input in [
            "600 12 34 56",
            "+34 600",
            "+34 600 12 34 56 78 90",
            "+999 1234567",
            "+1-800-FLOWERS",
            "",
            "+",
            "++34600123456",
            "+34 600 12 34 56 ext. 5",
        ] {
            assert_eq!(normalize_phone(input), Err(InvalidPhone), "{input}");
        }
    }

    fn signed(secret: &[u8], timestamp: i64, body: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(&timestamp.to_string()).expect("header"));
        let signature = signing::sign(secret, timestamp, body);
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(&signature).expect("header"));
        headers
    }

    #[test]
    fn receipts_verify_and_read() {
        let body = concat!(
            r#"{"id":"SM1","reference":"6f1c3c3e-8a43-4a8e-9d8e-2f4f0b7c1a10","status":"undelivered","#,
            r#""errorCode":"absent_subscriber","at":"2026-03-01T10:00:00Z"}"#
        )
        .as_bytes();
        let receipt = verify_receipt(b"secret", &signed(b"secret", 1_000, body), body, 1_010).expect("verified");
        assert_eq!(receipt.provider_id, "SM1");
        assert_eq!(receipt.status, ReceiptStatus::Undelivered);
        assert_eq!(receipt.error_code.as_deref(), Some("absent_subscriber"));
        let refused = |result: Result<DeliveryReceipt, ReceiptError>| result.err();
        assert_eq!(
            refused(verify_receipt(b"other", &signed(b"secret", 1_000, body), body, 1_010)),
            Some(ReceiptError::BadSignature(SignatureError::Mismatch))
        );
        assert_eq!(
            refused(verify_receipt(b"secret", &signed(b"secret", 1_000, body), body, 2_000)),
            Some(ReceiptError::BadSignature(SignatureError::Stale))
        );
        assert_eq!(
            refused(verify_receipt(b"secret", &HeaderMap::new(), body, 1_000)),
            Some(ReceiptError::BadSignature(SignatureError::Malformed))
        );
        assert_eq!(
            refused(verify_receipt(b"secret", &signed(b"secret", 1_000, b"{}"), b"{}", 1_000)),
            Some(ReceiptError::Malformed)
        );
    }
}
