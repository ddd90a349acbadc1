//! Sealing what an erased buyer's invoices must keep: AES-256-GCM under a key derived from
//! `CAAS_RETENTION_SECRET`, so that the record is in no table in clear and only the operator,
//! on a tax authority's request, opens it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// Why a sealed record could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Not base64, too short, or not sealed with this key.
    #[error("the sealed record cannot be opened with this key")]
    Unreadable,
    /// The system's random source failed.
    #[error("no randomness for a nonce")]
    Random,
}

fn key(secret: &SecretString) -> LessSafeKey {
    let digest = Sha256::digest(format!("caas-retention:{}", secret.expose_secret()).as_bytes());
    // A 32-byte key always fits AES-256.
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, digest.as_slice()).expect("a 32-byte key"))
}

/// `plain` sealed under `secret`: base64 of the nonce and the ciphertext with its tag.
pub fn seal(secret: &SecretString, plain: &str) -> Result<String, SealError> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).map_err(|_| SealError::Random)?;
    let mut bytes = plain.as_bytes().to_vec();
    key(secret)
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut bytes)
        .map_err(|_| SealError::Random)?;
    let mut sealed = nonce.to_vec();
    sealed.extend_from_slice(&bytes);
    Ok(STANDARD.encode(sealed))
}

/// Opens what [`seal`] sealed under the same secret.
pub fn open(secret: &SecretString, sealed: &str) -> Result<String, SealError> {
    let bytes = STANDARD.decode(sealed).map_err(|_| SealError::Unreadable)?;
    if bytes.len() < NONCE_LEN {
        return Err(SealError::Unreadable);
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Unreadable)?;
    let mut body = body.to_vec();
    let plain = key(secret).open_in_place(nonce, Aad::empty(), &mut body).map_err(|_| SealError::Unreadable)?;
    String::from_utf8(plain.to_vec()).map_err(|_| SealError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_record_opens_with_its_key_only_and_shows_nothing_in_clear() {
        let secret = SecretString::from("retention-secret-of-the-operator".to_owned());
        let plain = r#"{"name":"Anna Schmidt","email":"anna@example.com"}"#;
        let sealed = seal(&secret, plain).expect("sealed");
        assert!(!sealed.contains("Anna") && !sealed.contains("anna@example.com"));
        assert_eq!(open(&secret, &sealed).expect("opened"), plain);
        assert_ne!(seal(&secret, plain).expect("sealed"), sealed, "a fresh nonce each time");
        let other = SecretString::from("another-secret-of-someone-else".to_owned());
        assert!(matches!(open(&other, &sealed), Err(SealError::Unreadable)));
        assert!(matches!(open(&secret, "not base64!"), Err(SealError::Unreadable)));
    }
}
