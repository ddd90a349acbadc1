//! The answers of the customer's workshop operations (workshops and their services, free times,
//! bookings, a repair order, an estimate opened by its link), read into types they share. The
//! operations stay typed and checked against the schema for what they send; their answers, which
//! have the same amounts, cars and lines, are read field by field from the browser's parse of the
//! answer — a few bytes of code per field, where a derived deserializer costs a kilobyte and more
//! per type, once for every place the type appears. Enum values are read as text
//! (`IN_PROGRESS`): the pages only show them. A field missing from an answer reads as empty.

// The first build (without the `more` pages) reads only the diagnoses of an expediente: the
// rest of these answers is the second build's.
#![cfg_attr(not(feature = "more"), allow(dead_code, unused_imports))]

#[cfg(feature = "more")]
mod booking;
mod repair;

#[cfg(feature = "more")]
pub use booking::{BookedAt, Booking, Bookings, Slots, Workshops};
pub use repair::{Code, Decided, Diagnosis, Document, Estimate, Line, RepairOrder};

use wasm_bindgen::JsValue;

use super::json::{field, flag, integer, list, maybe_text, number, object, text};

/// The name of the object `name`.
pub(crate) fn named(value: &JsValue, name: &str) -> Named {
    Named { name: object(value, name).map(|named| text(&named, "name")).unwrap_or_default() }
}

/// An amount of money.
#[derive(Clone, Debug, PartialEq)]
pub struct Amount {
    /// Minor units (cents).
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// Net, VAT and gross.
#[derive(Clone, Debug, PartialEq)]
pub struct Amounts {
    /// Without VAT.
    pub net: Amount,
    /// The VAT.
    pub vat: Amount,
    /// With VAT.
    pub gross: Amount,
}

/// Something known by its name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Named {
    /// The name.
    pub name: String,
}

/// The car of a repair order or booking.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Car {
    /// Its VIN.
    pub vin: String,
    /// Its plate, once registered.
    pub plate: Option<String>,
    /// Its model.
    pub model: Named,
}

/// The workshop of a repair order or booking.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Place {
    /// Its name.
    pub name: String,
    /// Its city.
    pub city: String,
    /// Its telephone number.
    pub phone: String,
}

impl Amount {
    /// The amount `value` is.
    pub(crate) fn read(value: &JsValue) -> Self {
        Self { amount_minor: integer(value, "amountMinor"), currency: text(value, "currency") }
    }

    /// The amount `name` of `value` (zero when missing).
    pub(crate) fn of(value: &JsValue, name: &str) -> Self {
        object(value, name)
            .map_or_else(|| Self { amount_minor: 0, currency: String::new() }, |amount| Self::read(&amount))
    }
}

impl Amounts {
    fn read(value: &JsValue) -> Self {
        Self { net: Amount::of(value, "net"), vat: Amount::of(value, "vat"), gross: Amount::of(value, "gross") }
    }
}

impl Car {
    fn read(value: &JsValue) -> Self {
        Self { vin: text(value, "vin"), plate: maybe_text(value, "plate"), model: named(value, "model") }
    }
}

impl Place {
    fn read(value: &JsValue) -> Self {
        Self { name: text(value, "name"), city: text(value, "city"), phone: text(value, "phone") }
    }
}
