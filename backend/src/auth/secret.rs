//! Random secrets and their stored fingerprints.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A random, URL-safe secret of `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// The SHA-256 of `secret` in hex: what the database keeps instead of the secret. Our secrets carry
/// 256 bits of entropy, so a fast hash is enough (passwords use Argon2id instead).
pub fn fingerprint(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two fingerprints in constant time.
pub fn same_fingerprint(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_fingerprints_stable() {
        let a = random_token(32);
        let b = random_token(32);
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(fingerprint(&a), fingerprint(&a));
        assert!(same_fingerprint(&fingerprint(&a), &fingerprint(&a)));
        assert!(!same_fingerprint(&fingerprint(&a), &fingerprint(&b)));
    }
}
