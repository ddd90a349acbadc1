//! Partner API keys: `caas_<prefix>_<secret>`, looked up by prefix and checked by fingerprint.

use chrono::Duration;
use entity::{api_keys, partners};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::app::App;
use crate::auth::secret::{fingerprint, random_token, same_fingerprint};
use crate::auth::{AuthError, PartnerViewer, Scope, Viewer};
use crate::error::{ApiError, ApiResult};

const KEY_PREFIX: &str = "caas_";

/// Splits a presented key into its lookup prefix; `None` when it is not shaped like a key.
fn lookup_prefix(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(KEY_PREFIX)?;
    let (prefix, secret) = rest.split_once('_')?;
    (!prefix.is_empty() && prefix.len() <= 16 && secret.len() >= 16).then_some(prefix)
}

/// The scopes stored as a space-separated list.
fn parse_scopes(stored: &str) -> Vec<Scope> {
    stored.split_whitespace().filter_map(Scope::parse).collect()
}

/// Authenticates a partner by its key.
pub async fn authenticate(app: &App, key: &str) -> Result<Viewer, AuthError> {
    let prefix = lookup_prefix(key).ok_or(AuthError::ApiKeyInvalid)?;
    let stored = api_keys::Entity::find()
        .filter(api_keys::Column::Prefix.eq(prefix))
        .one(&app.db)
        .await?
        .ok_or(AuthError::ApiKeyInvalid)?;
    if stored.revoked_at.is_some() || !same_fingerprint(&fingerprint(key), &stored.key_hash) {
        return Err(AuthError::ApiKeyInvalid);
    }
    touch(app, &stored).await?;
    Ok(Viewer::Partner(PartnerViewer {
        key_id: stored.id,
        partner_id: stored.partner_id,
        scopes: parse_scopes(&stored.scopes),
    }))
}

/// Records when a key was last used, at most once a minute so that reads stay reads.
async fn touch(app: &App, stored: &api_keys::Model) -> Result<(), AuthError> {
    let now = app.clock.now();
    if stored.last_used_at.is_some_and(|at| now - at < Duration::minutes(1)) {
        return Ok(());
    }
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::LastUsedAt, Expr::value(now))
        .filter(api_keys::Column::Id.eq(stored.id))
        .exec(&app.db)
        .await?;
    Ok(())
}

/// A key just created: the plain key is shown once and never stored.
pub struct CreatedKey {
    /// The stored key (without its secret).
    pub model: api_keys::Model,
    /// The key to hand to the partner.
    pub plain_key: String,
}

/// Creates a key for `partner_id` with `scopes` (ADMIN only). `plain_key` fixes the key's text,
/// which only the demo seed does.
pub async fn create(
    app: &App,
    db: &impl ConnectionTrait,
    partner_id: Uuid,
    name: &str,
    scopes: &[Scope],
    plain_key: Option<String>,
) -> ApiResult<CreatedKey> {
    let name = name.trim();
    if name.is_empty() || name.len() > 120 {
        return Err(ApiError::bad_input("name", "a key needs a name of 1 to 120 characters"));
    }
    if scopes.is_empty() {
        return Err(ApiError::bad_input("scopes", "a key needs at least one scope"));
    }
    partners::Entity::find_by_id(partner_id).one(db).await?.ok_or(ApiError::NotFound("partner"))?;
    let plain_key = plain_key.unwrap_or_else(|| {
        let mut prefix = [0u8; 5];
        rand::rng().fill_bytes(&mut prefix);
        let prefix: String = prefix.iter().map(|b| format!("{b:02x}")).collect();
        format!("{KEY_PREFIX}{prefix}_{}", random_token(32))
    });
    let prefix = lookup_prefix(&plain_key).ok_or_else(|| ApiError::internal(anyhow::anyhow!("malformed key")))?;
    let scopes: Vec<&str> = scopes.iter().map(|scope| scope.as_str()).collect();
    let model = api_keys::ActiveModel {
        id: Set(Uuid::now_v7()),
        partner_id: Set(partner_id),
        name: Set(name.to_owned()),
        prefix: Set(prefix.to_owned()),
        key_hash: Set(fingerprint(&plain_key)),
        scopes: Set(scopes.join(" ")),
        created_at: Set(app.clock.now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(CreatedKey { model, plain_key })
}

/// Revokes a key; it stops working at once.
pub async fn revoke(app: &App, key_id: Uuid) -> ApiResult<api_keys::Model> {
    let stored = api_keys::Entity::find_by_id(key_id).one(&app.db).await?.ok_or(ApiError::NotFound("API key"))?;
    if stored.revoked_at.is_some() {
        return Ok(stored);
    }
    let mut active: api_keys::ActiveModel = stored.into();
    active.revoked_at = Set(Some(app.clock.now()));
    Ok(active.update(&app.db).await?)
}

/// The scopes of a stored key.
pub fn scopes_of(model: &api_keys::Model) -> Vec<Scope> {
    parse_scopes(&model.scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_key_shapes() {
        assert_eq!(lookup_prefix("caas_0a1b2c3d4e_abcdefghijklmnopqrstuvwxyz"), Some("0a1b2c3d4e"));
        assert_eq!(lookup_prefix("caas_0a1b2c3d4e_short"), None);
        assert_eq!(lookup_prefix("Bearer xyz"), None);
        assert_eq!(lookup_prefix("caas__abcdefghijklmnopqrstuvwxyz"), None);
    }

    #[test]
    fn ignores_unknown_scopes() {
        assert_eq!(parse_scopes("vehicles:read  nonsense catalog:read"), vec![Scope::VehiclesRead, Scope::CatalogRead]);
    }
}
