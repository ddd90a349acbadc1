//! JSON text into typed values, with the browser's own parser and then serde over JS values: far
//! less code per answer type than a JSON parser compiled into each one. Answers whose types are
//! shared by several operations are read field by field instead ([`Answer`]).

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// An answer read field by field from the browser's parse of its `data` (see `api::workshop`).
pub trait Answer: Sized {
    /// Reads the answer; `None` when it is not of this shape.
    fn read(data: &JsValue) -> Option<Self>;
}

/// `text` read as an [`Answer`], or `None` when it is not JSON of that shape.
pub fn answer_from_text<T: Answer>(text: &str) -> Option<T> {
    T::read(&js_sys::JSON::parse(text).ok()?)
}

/// `text` as a `T`, or `None` when it is not JSON of that shape.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}
