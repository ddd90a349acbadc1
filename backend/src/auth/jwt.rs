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
/// The audience of access tokens: this API. A token minted for anything else is refused.
const AUDIENCE: &str = "caas-api";
/// How far a token's issue time may lie in the future (clocks of several instances differ a little).
const CLOCK_SKEW_SECONDS: i64 = 60;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dlr: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wks: Option<Uuid>,
    loc: String,
    /// The session (refresh-token family) it belongs to; signing out ends it.
    sid: Uuid,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// What a genuine, unexpired token says: who and in which session. Whether the user and the session
/// still exist is the caller's to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedToken {
    /// The user as the token describes them.
    pub user: UserViewer,
    /// The session.
    pub session_id: Uuid,
    /// When the token expires.
    pub expires_at: i64,
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
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud", "iat"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
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

    /// A token for `user` in session `session_id`, issued at `now`.
    pub fn issue(&self, user: &UserViewer, session_id: Uuid, now: DateTime<Utc>) -> Result<String, AuthError> {
        let claims = Claims {
            sub: user.id,
            role: user.role,
            dlr: user.dealership_id,
            wks: user.workshop_id,
            loc: user.locale.tag().to_owned(),
            sid: session_id,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|err| AuthError::Internal(err.into()))
    }

    /// What a token says, if it is genuine, for this API, unexpired at `now`, and lives no longer
    /// than this server issues tokens for: a token signed with a leaked key for a century is refused.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<VerifiedToken, AuthError> {
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
        let lifetime = claims.exp - claims.iat;
        if lifetime > self.ttl.num_seconds() || claims.iat > now.timestamp() + CLOCK_SKEW_SECONDS {
            return Err(AuthError::TokenInvalid);
        }
        let user = UserViewer {
            id: claims.sub,
            role: claims.role,
            dealership_id: claims.dlr,
            workshop_id: claims.wks,
            locale: Locale::from_tag(&claims.loc).unwrap_or_default(),
        };
        Ok(VerifiedToken { user, session_id: claims.sid, expires_at: claims.exp })
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
        let session = Uuid::now_v7();
        let token = tokens().issue(&user, session, now).expect("issue");
        let verified = tokens().verify(&token, now).expect("verify");
        assert_eq!((verified.user, verified.session_id), (user, session));
        let later = now + chrono::Duration::seconds(901);
        assert!(matches!(tokens().verify(&token, later), Err(AuthError::TokenExpired)));
    }

    #[test]
    fn rejects_tokens_signed_with_another_secret() {
        let other = AccessTokens::new(&SecretString::from("another-secret-of-at-least-32-bytes".to_owned()), 900);
        let token = other.issue(&customer(), Uuid::now_v7(), Utc::now()).expect("issue");
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

    fn signed(claims: &serde_json::Value) -> String {
        let key = EncodingKey::from_secret(b"a-test-secret-of-at-least-32-bytes!!");
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).expect("encode")
    }

    #[test]
    fn rejects_genuine_signatures_over_claims_it_would_not_issue() {
        let now = Utc::now().timestamp();
        let good = serde_json::json!({
            "sub": Uuid::now_v7(), "role": "ADMIN", "loc": "en", "sid": Uuid::now_v7(), "iss": "caas",
            "aud": "caas-api", "iat": now, "exp": now + 600,
        });
        assert!(tokens().verify(&signed(&good), Utc::now()).is_ok());
        let mut century = good.clone();
        century["exp"] = (now + 100 * 365 * 86_400).into();
        let mut no_audience = good.clone();
        no_audience.as_object_mut().expect("claims").remove("aud");
        let mut other_audience = good.clone();
        other_audience["aud"] = "another-service".into();
        let mut from_the_future = good.clone();
        from_the_future["iat"] = (now + 3_600).into();
        from_the_future["exp"] = (now + 3_900).into();
        for claims in [century, no_audience, other_audience, from_the_future] {
            assert!(matches!(tokens().verify(&signed(&claims), Utc::now()), Err(AuthError::TokenInvalid)), "{claims}");
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!(matches!(tokens().verify("not.a.jwt", Utc::now()), Err(AuthError::TokenInvalid)));
        assert!(matches!(tokens().verify("", Utc::now()), Err(AuthError::TokenInvalid)));
    }
}
