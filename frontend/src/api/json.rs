//! JSON text into typed values, with the browser's own parser and then serde over JS values: far
//! less code per answer type than a JSON parser compiled into each one. Answers whose types are
//! shared by several operations are read field by field instead ([`Answer`]), with the readers
//! below: a missing field reads as empty.

use js_sys::Array;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

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

/// The text `name` (empty when missing).
pub fn text(value: &JsValue, name: &str) -> String {
    field(value, name).as_string().unwrap_or_default()
}

/// The text `name`, if there is one.
pub fn maybe_text(value: &JsValue, name: &str) -> Option<String> {
    field(value, name).as_string()
}

/// The number `name` (0 when missing).
pub fn number(value: &JsValue, name: &str) -> f64 {
    maybe_number(value, name).unwrap_or_default()
}

/// The number `name`, if there is one (`null` is none).
pub fn maybe_number(value: &JsValue, name: &str) -> Option<f64> {
    field(value, name).as_f64()
}

/// The whole number `name` (0 when missing).
pub fn integer(value: &JsValue, name: &str) -> i64 {
    number(value, name) as i64
}

/// The boolean `name` (false when missing).
pub fn flag(value: &JsValue, name: &str) -> bool {
    field(value, name).as_bool().unwrap_or_default()
}

/// The object `name`, if the answer has one.
pub fn object(value: &JsValue, name: &str) -> Option<JsValue> {
    Some(field(value, name)).filter(JsValue::is_object)
}

/// The list `name`, each item read with `read` (empty when missing).
pub fn list<T>(value: &JsValue, name: &str, read: impl Fn(&JsValue) -> T) -> Vec<T> {
    let items = field(value, name);
    if !Array::is_array(&items) {
        return Vec::new();
    }
    Array::from(&items).iter().map(|item| read(&item)).collect()
}

/// The answer of a document's only operation: the first member of its `data`.
pub fn first(data: &JsValue) -> JsValue {
    data.dyn_ref().map(|data| js_sys::Object::values(data).get(0)).unwrap_or_default()
}

/// The member `name` of a JS object (`undefined` when there is none).
pub fn field(object: &wasm_bindgen::JsValue, name: &str) -> wasm_bindgen::JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap_or_default()
}
