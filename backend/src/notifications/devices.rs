//! The browsers a user receives Web Push notifications on: registered from the app with the
//! subscription the browser's push service gave it, listed, removed by the user, and removed by the
//! dispatcher when the push service says a subscription is gone.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::push_devices;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

/// A device to register: `PushSubscription.toJSON()` and a name for it.
pub struct NewDevice {
    /// The push service's URL.
    pub endpoint: String,
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The browser's auth secret, base64url.
    pub auth: String,
    /// A name for the device.
    pub label: Option<String>,
}

/// Registers `device` for the signed-in user; registering an endpoint again (a browser that
/// renewed its keys) updates it.
pub async fn register(app: &App, viewer: &Viewer, device: NewDevice) -> ApiResult<push_devices::Model> {
    let me = viewer.user()?;
    let endpoint = checked_endpoint(&device.endpoint)?;
    check_key("p256dh", &device.p256dh, 65)?;
    check_key("auth", &device.auth, 16)?;
    let label: String = device
        .label
        .as_deref()
        .map(str::trim)
        .filter(|label| !label.is_empty())
        .unwrap_or("Browser")
        .chars()
        .take(120)
        .collect();
    let row = push_devices::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(me.id),
        endpoint: Set(endpoint.clone()),
        p256dh: Set(device.p256dh),
        auth: Set(device.auth),
        label: Set(label),
        created_at: Set(app.clock.now()),
        last_pushed_at: Set(None),
    };
    use push_devices::Column as C;
    // The endpoint names the browser: when another account signs in on it, the device moves there.
    let on_conflict =
        OnConflict::column(C::Endpoint).update_columns([C::UserId, C::P256dh, C::Auth, C::Label]).to_owned();
    push_devices::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(&app.db).await?;
    push_devices::Entity::find()
        .filter(C::Endpoint.eq(endpoint))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("push device"))
}

/// The push service's URL, if it is one: https (or http to this machine, the simulator's).
fn checked_endpoint(endpoint: &str) -> ApiResult<String> {
    let invalid = || ApiError::bad_input("endpoint", "not a push service address");
    let url = url::Url::parse(endpoint.trim()).map_err(|_| invalid())?;
    let local = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if endpoint.len() > 2_000 || !(url.scheme() == "https" || (url.scheme() == "http" && local)) {
        return Err(invalid());
    }
    Ok(url.to_string())
}

/// Checks that `key` is base64url of `bytes` bytes, as browsers give their subscription keys.
fn check_key(field: &'static str, key: &str, bytes: usize) -> ApiResult<()> {
    let decoded =
        URL_SAFE_NO_PAD.decode(key.trim_end_matches('=')).map_err(|_| ApiError::bad_input(field, "not base64url"))?;
    if decoded.len() != bytes {
        return Err(ApiError::bad_input(field, "not a key of a push subscription"));
    }
    Ok(())
}

/// The signed-in user's devices, newest first.
pub async fn mine(app: &App, viewer: &Viewer) -> ApiResult<Vec<push_devices::Model>> {
    let me = viewer.user()?;
    Ok(push_devices::Entity::find()
        .filter(push_devices::Column::UserId.eq(me.id))
        .order_by_desc(push_devices::Column::CreatedAt)
        .all(&app.db)
        .await?)
}

/// Removes one of the signed-in user's devices; `false` when there was none by that id.
pub async fn remove(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<bool> {
    let me = viewer.user()?;
    let removed = push_devices::Entity::delete_many()
        .filter(push_devices::Column::Id.eq(id))
        .filter(push_devices::Column::UserId.eq(me.id))
        .exec(&app.db)
        .await?;
    Ok(removed.rows_affected > 0)
}
