//! The answer of `Expediente` (a car's file), read field by field (see `api::workshop`): the car
//! and where its maintenance stands, its sale, features, maintenance, diagnostics, repair orders,
//! invoices and manuals. Enum values are read as text (`DELIVERED`): the page only shows them.

use wasm_bindgen::JsValue;

use super::json::{Answer, integer, list, maybe_number, maybe_text, object, text};
use super::workshop::{Amount, Diagnosis, named};

/// A connection's `nodes` of `value`'s field `name`, each read with `read`.
fn nodes<T>(value: &JsValue, name: &str, read: impl Fn(&JsValue) -> T) -> Vec<T> {
    object(value, name).map(|connection| list(&connection, "nodes", read)).unwrap_or_default()
}

/// The car.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Car {
    /// Its VIN.
    pub vin: String,
    /// Its plate, once registered.
    pub plate: Option<String>,
    /// `DELIVERED`…
    pub status: String,
    /// Its paint.
    pub color: String,
    /// The odometer, in km.
    pub mileage_km: i64,
    /// Its firmware.
    pub firmware_version: String,
    /// Its model's name.
    pub model: String,
    /// `UP_TO_DATE`, `DUE` or `OVERDUE`.
    pub maintenance_state: String,
    /// When its next service is due.
    pub next_due_at: Option<String>,
    /// At what mileage its next service is due.
    pub next_due_km: Option<i64>,
}

/// A line of one of the file's lists: what it is, its state or kind, when, and where it leads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    /// Its id (activations, repair orders), for the link to it.
    pub id: String,
    /// Its name or number (a feature, an order, an invoice, a manual's title, a workshop job).
    pub title: String,
    /// Its state or kind, as the API names it (`ACTIVE`, `INVOICE`, `OIL_SERVICE`…).
    pub kind: String,
    /// A second value the API names (an activation's duration).
    pub detail: String,
    /// When (it started, was made, was performed).
    pub at: String,
    /// Until when, if it ends.
    pub until: Option<String>,
    /// A workshop's name, a manual's language.
    pub place: String,
    /// A maintenance's notes.
    pub notes: String,
    /// A maintenance's mileage.
    pub mileage_km: i64,
    /// An invoice's gross amount.
    pub amount: Option<Amount>,
    /// An invoice's PDF or a manual's address.
    pub url: String,
}

/// The car's file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expediente {
    /// The car.
    pub car: Car,
    /// Its sale.
    pub orders: Vec<Entry>,
    /// Its features.
    pub activations: Vec<Entry>,
    /// Its maintenance.
    pub maintenance: Vec<Entry>,
    /// Its invoices.
    pub invoices: Vec<Entry>,
    /// Its manuals.
    pub manuals: Vec<Entry>,
    /// Its diagnostic sessions.
    pub diagnostics: Vec<Diagnosis>,
    /// Its repair orders.
    pub repair_orders: Vec<Entry>,
}

impl Answer for Expediente {
    fn read(data: &JsValue) -> Option<Self> {
        let file = object(data, "expediente")?;
        let vehicle = object(&file, "vehicle")?;
        let maintenance = object(&vehicle, "maintenanceStatus");
        let state = |name: &str| maintenance.as_ref().and_then(|m| maybe_text(m, name));
        let car = Car {
            vin: text(&vehicle, "vin"),
            plate: maybe_text(&vehicle, "plate"),
            status: text(&vehicle, "status"),
            color: text(&vehicle, "color"),
            mileage_km: integer(&vehicle, "mileageKm"),
            firmware_version: text(&vehicle, "firmwareVersion"),
            model: named(&vehicle, "model").name,
            maintenance_state: state("state").unwrap_or_default(),
            next_due_at: state("nextDueAt"),
            next_due_km: maintenance.as_ref().and_then(|m| maybe_number(m, "nextDueKm")).map(|km| km as i64),
        };
        let order = |v: &JsValue| Entry {
            title: text(v, "number"),
            kind: text(v, "status"),
            at: text(v, "createdAt"),
            ..Entry::default()
        };
        let activation = |v: &JsValue| Entry {
            id: text(v, "id"),
            title: named(v, "feature").name,
            kind: text(v, "status"),
            detail: text(v, "durationKind"),
            at: text(v, "startsAt"),
            until: maybe_text(v, "endsAt"),
            ..Entry::default()
        };
        let service = |v: &JsValue| Entry {
            kind: text(v, "kind"),
            at: text(v, "performedAt"),
            mileage_km: integer(v, "mileageKm"),
            notes: text(v, "notes"),
            until: maybe_text(v, "nextDueAt"),
            place: named(v, "workshop").name,
            ..Entry::default()
        };
        let invoice = |v: &JsValue| Entry {
            title: text(v, "number"),
            kind: text(v, "kind"),
            at: text(v, "issuedAt"),
            amount: Some(Amount::of(v, "gross")),
            url: text(v, "pdfUrl"),
            ..Entry::default()
        };
        let manual = |v: &JsValue| Entry {
            title: text(v, "title"),
            place: text(v, "locale"),
            url: text(v, "url"),
            ..Entry::default()
        };
        let job = |v: &JsValue| Entry {
            id: text(v, "id"),
            title: text(v, "number"),
            kind: text(v, "status"),
            at: text(v, "createdAt"),
            place: named(v, "workshop").name,
            ..Entry::default()
        };
        Some(Self {
            car,
            orders: nodes(&file, "orders", order),
            activations: nodes(&file, "activations", activation),
            maintenance: nodes(&file, "maintenance", service),
            invoices: nodes(&file, "invoices", invoice),
            manuals: list(&file, "manuals", manual),
            diagnostics: list(&file, "diagnostics", Diagnosis::read),
            repair_orders: list(&file, "repairOrders", job),
        })
    }
}
