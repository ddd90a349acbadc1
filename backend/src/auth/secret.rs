//! Random secrets and their stored fingerprints.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

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

/// Derives the token of a one-time link from its id with a server key, so that the token itself is
/// stored nowhere: the database keeps its fingerprint, a queued e-mail keeps the link's id, and only
/// the message handed to the mail server holds the token. Whoever can read every table (support,
/// a database dump) still cannot forge a link.
pub struct LinkSigner {
    key: Vec<u8>,
}

impl LinkSigner {
    /// A signer whose key is derived from `secret` for this purpose only.
    pub fn new(secret: &SecretString) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes()).expect("any key length");
        mac.update(b"caas one-time links v1");
        Self { key: mac.finalize().into_bytes().to_vec() }
    }

    /// The token of link `link_id`.
    pub fn token(&self, link_id: Uuid) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(link_id.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// The signature of `message` (a download link's path and expiry): whoever holds it may open
    /// what the message names until it expires. Messages start with their purpose, so a signature
    /// made for one kind of link fits no other.
    pub fn sign(&self, message: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(b"signed message|");
        mac.update(message.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `signature` is the signature of `message` (compared in constant time).
    pub fn verify(&self, message: &str, signature: &str) -> bool {
        self.sign(message).as_bytes().ct_eq(signature.as_bytes()).into()
    }

    /// The web app's set-password address for link `link_id` (it serves every kind of link).
    pub fn password_link(&self, public_base: &str, link_id: Uuid) -> String {
        format!("{public_base}/set-password?token={}", self.token(link_id))
    }

    /// The web app's address where a customer approves or declines a repair estimate, for link
    /// `link_id`.
    pub fn estimate_link(&self, public_base: &str, link_id: Uuid) -> String {
        format!("{public_base}/estimate?token={}", self.token(link_id))
    }

    /// The web app's address where a customer confirms linking an identity at the OpenID Connect
    /// provider to their account, for link `link_id`.
    pub fn identity_link(&self, public_base: &str, link_id: Uuid) -> String {
        format!("{public_base}/signin/oidc?confirm={}", self.token(link_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_depend_on_the_link_and_the_server_key() {
        let signer = LinkSigner::new(&SecretString::from("one server secret".to_owned()));
        let other = LinkSigner::new(&SecretString::from("another server secret".to_owned()));
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(signer.token(a), signer.token(a));
        assert_ne!(signer.token(a), signer.token(b));
        assert_ne!(signer.token(a), other.token(a));
        assert_eq!(signer.token(a).len(), 43);
        assert!(signer.password_link("https://caas.example", a).ends_with(&signer.token(a)));
    }

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
