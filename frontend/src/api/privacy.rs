//! The answers of the customer's privacy page, read field by field (see `api::workshop`): their
//! data exports and the erasure of their account waiting, and for each of their cars the partners
//! they let read it.

use wasm_bindgen::JsValue;

use super::json::{Answer, list, maybe_text, object, text};

/// A copy of the customer's data.
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    /// Stable id.
    pub id: String,
    /// `PENDING`, `READY` or `EXPIRED`.
    pub status: String,
    /// When it was asked for.
    pub requested_at: String,
    /// Until when it can be downloaded.
    pub expires_at: Option<String>,
    /// Where to download it, while it is ready.
    pub download_path: Option<String>,
}

/// The `Privacy` answer: the exports, newest first, and when the account will be erased (if
/// the customer asked).
#[derive(Clone, Debug, PartialEq)]
pub struct Privacy {
    /// The exports.
    pub exports: Vec<Export>,
    /// When the erasure waiting is due.
    pub erasure_due: Option<String>,
}

impl Answer for Privacy {
    fn read(data: &JsValue) -> Option<Self> {
        let export = |value: &JsValue| Export {
            id: text(value, "id"),
            status: text(value, "status"),
            requested_at: text(value, "requestedAt"),
            expires_at: maybe_text(value, "expiresAt"),
            download_path: maybe_text(value, "downloadPath"),
        };
        Some(Self {
            exports: list(data, "myDataExports", export),
            erasure_due: object(data, "myAccountErasure").map(|erasure| text(&erasure, "dueAt")),
        })
    }
}

/// Something known by id and name (a partner), or by scope and description.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The id or the scope's API name.
    pub id: String,
    /// The name or the description, in the reader's language.
    pub label: String,
}

/// A partner a car's owner lets read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Consent {
    /// The partner.
    pub partner: Choice,
    /// What it may read, described.
    pub scopes: Vec<String>,
    /// Since when.
    pub granted_at: String,
}

/// A car of the customer's with its consents.
#[derive(Clone, Debug, PartialEq)]
pub struct Car {
    /// Its VIN.
    pub vin: String,
    /// Its model and plate, e.g. `Aurora · M-CA 1234`.
    pub title: String,
    /// The partners it may be read by.
    pub consents: Vec<Consent>,
}

/// The `Consents` answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Consents {
    /// The partners an owner can choose.
    pub partners: Vec<Choice>,
    /// The scopes an owner can give.
    pub scopes: Vec<Choice>,
    /// The customer's cars.
    pub cars: Vec<Car>,
}

impl Answer for Consents {
    fn read(data: &JsValue) -> Option<Self> {
        let partner = |value: &JsValue| Choice { id: text(value, "id"), label: text(value, "name") };
        let scope = |value: &JsValue| Choice { id: text(value, "scope"), label: text(value, "description") };
        let consent = |value: &JsValue| Consent {
            partner: object(value, "partner")
                .map(|p| partner(&p))
                .unwrap_or(Choice { id: String::new(), label: String::new() }),
            scopes: list(value, "scopes", |s| text(s, "description")),
            granted_at: text(value, "grantedAt"),
        };
        let car = |value: &JsValue| {
            let model = object(value, "model").map(|model| text(&model, "name")).unwrap_or_default();
            let title = match maybe_text(value, "plate") {
                Some(plate) => format!("{model} · {plate}"),
                None => model,
            };
            Car { vin: text(value, "vin"), title, consents: list(value, "consents", consent) }
        };
        Some(Self {
            partners: list(data, "consentPartners", partner),
            scopes: list(data, "consentScopes", scope),
            cars: object(data, "myVehicles").map(|cars| list(&cars, "nodes", car)).unwrap_or_default(),
        })
    }
}
