//! The answers of the customer app's simple lists — its notifications and the regions to choose
//! from — read field by field (see `api::workshop`).

use wasm_bindgen::JsValue;

use super::json::{Answer, flag, list, object, text};

/// An in-app notification.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// Its title.
    pub title: String,
    /// What it says.
    pub body: String,
    /// Whether it was read.
    pub read: bool,
    /// When it came.
    pub created_at: String,
}

/// The `Notifications` answer, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Notifications(pub Vec<Notification>);

impl Answer for Notifications {
    fn read(data: &JsValue) -> Option<Self> {
        let notification = |v: &JsValue| Notification {
            title: text(v, "title"),
            body: text(v, "body"),
            read: flag(v, "read"),
            created_at: text(v, "createdAt"),
        };
        Some(Self(list(&object(data, "notifications")?, "nodes", notification)))
    }
}

/// A region: its code, name and currency.
#[cfg(feature = "more")]
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// e.g. `ES`.
    pub code: String,
    /// Its name, in the reader's language.
    pub name: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// The `Regions` answer.
#[cfg(feature = "more")]
#[derive(Clone, Debug, PartialEq)]
pub struct Regions(pub Vec<Region>);

#[cfg(feature = "more")]
impl Answer for Regions {
    fn read(data: &JsValue) -> Option<Self> {
        let region =
            |v: &JsValue| Region { code: text(v, "code"), name: text(v, "name"), currency: text(v, "currency") };
        Some(Self(list(data, "regions", region)))
    }
}
