//! Automatic persisted queries (Apollo's protocol, version 1): a document goes to the server with
//! its SHA-256 the first time in a page's life, and as the hash alone after that — 64 characters
//! instead of the document's one or two kilobytes, on every request of a slow uplink. An instance
//! that does not know the hash (another one behind the balancer, or one that restarted) answers
//! PERSISTED_QUERY_NOT_FOUND and the document is sent again, so the first request never waits for
//! an extra round trip. The browser hashes (Web Crypto) and edits the JSON: no code for either in
//! the app. Without Web Crypto (a page not served over HTTPS) the document always goes.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The reason the server gives for a hash it does not know.
const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";

thread_local! {
    /// The SHA-256 (hex) of each document hashed in this page's life.
    static HASHES: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    /// The hashes whose document the server was sent with them.
    static SENT: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// A request body in its persisted-query forms.
pub struct Persisted {
    /// The document's hash.
    pub hash: String,
    /// The body with the document and its hash.
    pub with_text: String,
    /// The body with the hash alone, once the server was sent the document.
    pub hash_only: Option<String>,
}

/// The persisted-query forms of `body` (a GraphQL request body); `None` when the browser cannot
/// hash or the body has no document.
pub async fn forms_of(body: &str) -> Option<Persisted> {
    let request: Object = js_sys::JSON::parse(body).ok()?.dyn_into().ok()?;
    let query = Reflect::get(&request, &"query".into()).ok()?.as_string()?;
    let hash = hash_of(&query).await?;
    let extension = Object::new();
    let persisted = Object::new();
    Reflect::set(&persisted, &"version".into(), &1.into()).ok()?;
    Reflect::set(&persisted, &"sha256Hash".into(), &hash.as_str().into()).ok()?;
    Reflect::set(&extension, &"persistedQuery".into(), &persisted).ok()?;
    Reflect::set(&request, &"extensions".into(), &extension).ok()?;
    let with_text = stringify(&request)?;
    let hash_only = if SENT.with(|sent| sent.borrow().contains(&hash)) {
        Reflect::delete_property(&request, &"query".into()).ok()?;
        stringify(&request)
    } else {
        None
    };
    Some(Persisted { hash, with_text, hash_only })
}

/// Remembers that the server was sent the document of `hash`.
pub fn sent(hash: &str) {
    SENT.with(|sent| sent.borrow_mut().insert(hash.to_owned()));
}

/// Forgets that the server knows `hash` (it answered that it does not).
pub fn unknown(hash: &str) {
    SENT.with(|sent| sent.borrow_mut().remove(hash));
}

/// Whether the answer `text` says the server does not know the hash it was sent.
pub fn not_found(text: &str) -> bool {
    // Cheap first: almost every answer does not mention it.
    text.contains(NOT_FOUND)
        && js_sys::JSON::parse(text).ok().is_some_and(|answer| {
            let errors = super::json::field(&answer, "errors");
            let first = Reflect::get(&errors, &0.into()).unwrap_or(JsValue::UNDEFINED);
            let extensions = super::json::field(&first, "extensions");
            super::json::text(&extensions, "reason") == NOT_FOUND
        })
}

async fn hash_of(query: &str) -> Option<String> {
    if let Some(hash) = HASHES.with(|hashes| hashes.borrow().get(query).cloned()) {
        return Some(hash);
    }
    let subtle = web_sys::window()?.crypto().ok()?.subtle();
    // `subtle` is missing outside secure contexts, though typed as always there.
    if subtle.is_undefined() {
        return None;
    }
    let digest = subtle.digest_with_str_and_u8_array("SHA-256", query.as_bytes()).ok()?;
    let digest = JsFuture::from(digest).await.ok()?;
    let hash: String = Uint8Array::new(&digest).to_vec().iter().map(|byte| format!("{byte:02x}")).collect();
    HASHES.with(|hashes| hashes.borrow_mut().insert(query.to_owned(), hash.clone()));
    Some(hash)
}

fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok()?.as_string()
}
