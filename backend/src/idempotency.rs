//! Client idempotency keys: a request sent again with its key gets the first request's result,
//! the same key with another request is a conflict. Each key is remembered per owner, with a hash
//! of the request and what it produced, inside the transaction that did the work, so a racing
//! repeat loses on the database's unique index.

use chrono::{DateTime, Utc};
use entity::idempotency_keys;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// A client's key, trimmed; 1 to 80 printable characters (it travels on to the payment gateway in
/// an HTTP header, where a control character would fail the call as if the gateway were down).
pub fn parse_key(key: &str) -> ApiResult<String> {
    let key = key.trim();
    if key.is_empty() || key.len() > 80 {
        return Err(ApiError::bad_input("idempotencyKey", "an idempotency key has 1 to 80 characters"));
    }
    if key.chars().any(char::is_control) {
        return Err(ApiError::bad_input("idempotencyKey", "an idempotency key has printable characters only"));
    }
    Ok(key.to_owned())
}

/// The hash that tells a repeat of a request from another request under the same key.
pub fn request_hash(request: &str) -> String {
    hex::encode(Sha256::digest(request.as_bytes()))
}

/// What the earlier request with `key` produced (its remembered response), if there was one;
/// `CONFLICT` when that request was a different one.
pub async fn earlier(db: &impl ConnectionTrait, owner: Uuid, key: &str, hash: &str) -> ApiResult<Option<Value>> {
    let Some(earlier) = idempotency_keys::Entity::find()
        .filter(idempotency_keys::Column::OwnerId.eq(owner))
        .filter(idempotency_keys::Column::Key.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if earlier.request_hash != hash {
        return Err(ApiError::Conflict("this idempotency key was used for a different request".into()));
    }
    Ok(Some(earlier.response.unwrap_or(Value::Null)))
}

/// A key to remember, with the request's hash and what it produced.
pub struct Remembered<'a> {
    /// Whose key it is.
    pub owner: Uuid,
    /// The client's key.
    pub key: &'a str,
    /// The operation, e.g. `purchaseFeature`.
    pub operation: &'a str,
    /// [`request_hash`] of the request.
    pub hash: &'a str,
    /// What the request produced, for repeats.
    pub response: Value,
}

/// Remembers a key inside the transaction doing the work; `false` when a racing request with the
/// same key remembered it first (drop the transaction and answer what that one produced).
pub async fn remember(db: &impl ConnectionTrait, remembered: Remembered<'_>, now: DateTime<Utc>) -> ApiResult<bool> {
    let inserted = idempotency_keys::ActiveModel {
        id: Set(Uuid::now_v7()),
        owner_id: Set(remembered.owner),
        key: Set(remembered.key.to_owned()),
        operation: Set(remembered.operation.to_owned()),
        request_hash: Set(remembered.hash.to_owned()),
        response: Set(Some(remembered.response)),
        created_at: Set(now),
        completed_at: Set(Some(now)),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_trimmed_and_bounded() {
        assert_eq!(parse_key("  k-1 ").ok().as_deref(), Some("k-1"));
        assert_eq!(parse_key(" ").err().map(|err| err.code()), Some("BAD_USER_INPUT"));
        assert!(parse_key(&"x".repeat(81)).is_err());
        assert_eq!(parse_key("ctl\u{13}key").err().map(|err| err.code()), Some("BAD_USER_INPUT"));
        assert!(parse_key("line\nbreak").is_err());
    }

    #[test]
    fn the_same_request_hashes_alike_and_another_does_not() {
        assert_eq!(request_hash("refund|a|1"), request_hash("refund|a|1"));
        assert_ne!(request_hash("refund|a|1"), request_hash("refund|a|2"));
    }
}
