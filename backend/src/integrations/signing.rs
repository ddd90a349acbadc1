//! HMAC-SHA256 signatures over a timestamp and a body, as the factory signs its webhooks:
//! `X-Factory-Timestamp: <unix seconds>` and `X-Factory-Signature: v1=<hex(hmac(secret, "ts.body"))>`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How old a signed request may be.
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Headers missing or malformed.
    #[error("the signature headers are missing or malformed")]
    Malformed,
    /// The timestamp is outside the tolerance.
    #[error("the signature is too old or from the future")]
    Stale,
    /// The signature does not match.
    #[error("the signature does not match")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `v1=…` signature of `body` at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!("v1={}", hex::encode(mac(secret, timestamp, body).finalize().into_bytes()))
}

/// Checks a signature in constant time, and that `timestamp` is within the tolerance of `now`.
pub fn verify(secret: &[u8], timestamp: &str, signature: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let timestamp: i64 = timestamp.trim().parse().map_err(|_| SignatureError::Malformed)?;
    let expected = signature.trim().strip_prefix("v1=").ok_or(SignatureError::Malformed)?;
    let expected = hex::decode(expected).map_err(|_| SignatureError::Malformed)?;
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    mac(secret, timestamp, body).verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_detect_tampering() {
        let body = br#"{"eventId":"e1"}"#;
        let signature = sign(b"secret", 1_000, body);
        assert_eq!(verify(b"secret", "1000", &signature, body, 1_010), Ok(()));
        assert_eq!(verify(b"other", "1000", &signature, body, 1_010), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"secret", "1000", &signature, b"{}", 1_010), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"secret", "1001", &signature, body, 1_010), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"secret", "1000", &signature, body, 1_000 + 301), Err(SignatureError::Stale));
        assert_eq!(verify(b"secret", "soon", &signature, body, 1_000), Err(SignatureError::Malformed));
        assert_eq!(verify(b"secret", "1000", "v2=00", body, 1_000), Err(SignatureError::Malformed));
    }
}
