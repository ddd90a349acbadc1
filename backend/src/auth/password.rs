//! Password hashing with Argon2id (the crate's default parameters: 19 MiB, 2 passes).

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;

use argon2::Argon2;

use super::AuthError;

/// The shortest password we accept.
pub const MIN_PASSWORD_LENGTH: usize = 8;

/// A hash of a password nobody has, verified when the account does not exist so that a wrong
/// e-mail takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(super::secret::random_token(16).as_bytes())
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

/// Checks the password rules.
pub fn check_strength(password: &str) -> Result<(), AuthError> {
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return Err(AuthError::WeakPassword("a password needs at least 8 characters"));
    }
    if password.len() > 1024 {
        return Err(AuthError::WeakPassword("a password can have at most 1024 bytes"));
    }
    Ok(())
}

/// Hashes `password` with a fresh salt (CPU-heavy: runs on the blocking pool).
pub async fn hash(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|err| AuthError::Internal(anyhow::anyhow!("hashing a password: {err}")))
    })
    .await
    .map_err(|err| AuthError::Internal(err.into()))?
}

/// Whether `password` matches `stored`; with no stored hash, burns the same time and says no.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AuthError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok();
        known && matches
    })
    .await
    .map_err(|err| AuthError::Internal(err.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() {
        let first = hash("correct horse".into()).await.expect("hash");
        let second = hash("correct horse".into()).await.expect("hash");
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second);
        assert!(verify("correct horse".into(), Some(first.clone())).await.expect("verify"));
        assert!(!verify("wrong horse".into(), Some(first)).await.expect("verify"));
        assert!(!verify("anything".into(), None).await.expect("verify"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_strength("short").is_err());
        assert!(check_strength("long enough").is_ok());
    }
}
