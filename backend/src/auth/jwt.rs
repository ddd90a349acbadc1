//! Short-lived access tokens: HS256 JWTs carrying the user's id, role, tenant and language.
//!
//! Expiry is checked against the injected [`Clock`](crate::platform::clock::Clock), not the system
//! time, so tests can move time.

use chrono::{DateTime, Utc};
use entity::Role;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AuthError, UserViewer};
use crate::domain::Locale;

const ISSUER: &str = "caas";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dlr: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wks: Option<Uuid>,
    loc: String,
    iss: String,
    iat: i64,
    exp: i64,
}

/// Issues and checks access tokens.
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: chrono::Duration,
}

impl AccessTokens {
    /// Tokens signed with `secret`, valid for `ttl_secs` seconds.
    pub fn new(secret: &SecretString, ttl_secs: u32) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false; // checked against our clock below
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.set_issuer(&[ISSUER]);
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
            ttl: chrono::Duration::seconds(i64::from(ttl_secs)),
        }
    }

    /// Seconds a new token lives.
    pub fn ttl_seconds(&self) -> i64 {
        self.ttl.num_seconds()
    }

    /// A token for `user`, issued at `now`.
    pub fn issue(&self, user: &UserViewer, now: DateTime<Utc>) -> Result<String, AuthError> {
        let claims = Claims {
            sub: user.id,
            role: user.role,
            dlr: user.dealership_id,
            wks: user.workshop_id,
            loc: user.locale.tag().to_owned(),
            iss: ISSUER.to_owned(),
            iat: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|err| AuthError::Internal(err.into()))
    }

    /// The user a token was issued to, if it is genuine and unexpired at `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<UserViewer, AuthError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|err| match err
            .kind()
        {
            ErrorKind::ExpiredSignature => AuthError::TokenExpired,
            _ => AuthError::TokenInvalid,
        })?;
        let claims = data.claims;
        if claims.exp <= now.timestamp() {
            return Err(AuthError::TokenExpired);
        }
        Ok(UserViewer {
            id: claims.sub,
            role: claims.role,
            dealership_id: claims.dlr,
            workshop_id: claims.wks,
            locale: Locale::from_tag(&claims.loc).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    fn tokens() -> AccessTokens {
        AccessTokens::new(&SecretString::from("a-test-secret-of-at-least-32-bytes!!".to_owned()), 900)
    }

    fn customer() -> UserViewer {
        UserViewer {
            id: Uuid::now_v7(),
            role: Role::Customer,
            dealership_id: None,
            workshop_id: None,
            locale: Locale::De,
        }
    }

    #[test]
    fn round_trips_until_expiry() {
        let now = Utc::now();
        let user = customer();
        let token = tokens().issue(&user, now).expect("issue");
        assert_eq!(tokens().verify(&token, now).expect("verify"), user);
        let later = now + chrono::Duration::seconds(901);
        assert!(matches!(tokens().verify(&token, later), Err(AuthError::TokenExpired)));
    }

    #[test]
    fn rejects_tokens_signed_with_another_secret() {
        let other = AccessTokens::new(&SecretString::from("another-secret-of-at-least-32-bytes".to_owned()), 900);
        let token = other.issue(&customer(), Utc::now()).expect("issue");
        assert!(matches!(tokens().verify(&token, Utc::now()), Err(AuthError::TokenInvalid)));
    }

    #[test]
    fn rejects_unsigned_alg_none_tokens() {
        let now = Utc::now();
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let claims = serde_json::json!({
            "sub": Uuid::now_v7(), "role": "ADMIN", "loc": "en", "iss": "caas",
            "iat": now.timestamp(), "exp": now.timestamp() + 600,
        });
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        for token in [format!("{header}.{body}."), format!("{header}.{body}")] {
            assert!(matches!(tokens().verify(&token, now), Err(AuthError::TokenInvalid)), "{token}");
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!(matches!(tokens().verify("not.a.jwt", Utc::now()), Err(AuthError::TokenInvalid)));
        assert!(matches!(tokens().verify("", Utc::now()), Err(AuthError::TokenInvalid)));
    }
}
