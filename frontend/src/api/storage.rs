//! The browser's local storage, holding JSON. Values are read with the browser's own JSON parser
//! (the app carries no JSON parser of its own: on a slow connection every byte of code counts).

use serde::Serialize;
use serde::de::DeserializeOwned;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The text stored under `key`.
pub fn text(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Stores `text` under `key` (a full storage keeps the old value: it is only a cache).
pub fn set_text(key: &str, text: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, text);
    }
}

/// The value stored under `key`, if it reads as a `T`.
pub fn get<T: DeserializeOwned>(key: &str) -> Option<T> {
    super::json::from_text(&text(key)?)
}

/// Stores `value` under `key`.
pub fn set<T: Serialize + ?Sized>(key: &str, value: &T) {
    if let Ok(text) = serde_json::to_string(value) {
        set_text(key, &text);
    }
}

/// Forgets `key`.
pub fn delete(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Forgets every key that starts with `prefix`.
pub fn delete_prefixed(prefix: &str) {
    let Some(storage) = local_storage() else { return };
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}
