//! JSON text into typed values, with the browser's own parser and then serde over JS values: far
//! less code per answer type than a JSON parser compiled into each one.

use serde::de::DeserializeOwned;

/// `text` as a `T`, or `None` when it is not JSON of that shape.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}
