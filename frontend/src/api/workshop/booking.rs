//! Booking a service: the workshops of a region with their services, the free times, a booking
//! just made, and the customer's bookings.

use js_sys::Array;
use wasm_bindgen::JsValue;

use super::{Amount, Car, Named, Place, field, flag, integer, list, maybe_text, named, object, text};
use crate::api::json::Answer;

/// A service a workshop offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// Stable id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// How long it takes.
    pub duration_minutes: i64,
    /// The maintenance it records (`INSPECTION`…), if any.
    pub maintenance_kind: Option<String>,
    /// What the customer pays, when it has a price in the region.
    pub gross: Option<Amount>,
}

/// A workshop where cars can be booked in.
#[derive(Clone, Debug, PartialEq)]
pub struct Workshop {
    /// Stable id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its city.
    pub city: String,
    /// Its street address.
    pub address: String,
    /// What it offers.
    pub services: Vec<Service>,
}

/// The workshops of a region (`Workshops`' answer).
pub struct Workshops(pub Vec<Workshop>);

impl Answer for Workshops {
    fn read(data: &JsValue) -> Option<Self> {
        let service = |value: &JsValue| Service {
            id: text(value, "id"),
            name: text(value, "name"),
            duration_minutes: integer(value, "durationMinutes"),
            maintenance_kind: maybe_text(value, "maintenanceKind"),
            gross: object(value, "price").map(|price| Amount::of(&price, "gross")),
        };
        let workshop = |value: &JsValue| Workshop {
            id: text(value, "id"),
            name: text(value, "name"),
            city: text(value, "city"),
            address: text(value, "address"),
            services: list(value, "serviceTypes", service),
        };
        Array::is_array(&field(data, "workshops")).then(|| Self(list(data, "workshops", workshop)))
    }
}

/// When free times start (`AvailableSlots`' answer).
pub struct Slots(pub Vec<String>);

impl Answer for Slots {
    fn read(data: &JsValue) -> Option<Self> {
        let items = field(data, "availableSlots");
        Array::is_array(&items).then(|| Self(list(data, "availableSlots", |slot| text(slot, "startsAt"))))
    }
}

/// When a booking just made starts (`BookService`'s answer).
pub struct BookedAt(pub String);

impl Answer for BookedAt {
    fn read(data: &JsValue) -> Option<Self> {
        object(data, "bookService").map(|booking| Self(text(&booking, "startsAt")))
    }
}

/// A booking of the customer's.
#[derive(Clone, Debug, PartialEq)]
pub struct Booking {
    /// Stable id.
    pub id: String,
    /// `REQUESTED`, `CONFIRMED`…
    pub status: String,
    /// When it starts.
    pub starts_at: String,
    /// When it ends.
    pub ends_at: String,
    /// Whether a loan car is held for it.
    pub loan_car: bool,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Where (name and city).
    pub workshop: Place,
    /// The service.
    pub service: Named,
    /// The car.
    pub vehicle: Car,
    /// The repair order opened at check-in: its id and number.
    pub repair_order: Option<(String, String)>,
}

/// The customer's bookings, latest first (`MyBookings`' answer).
pub struct Bookings(pub Vec<Booking>);

impl Answer for Bookings {
    fn read(data: &JsValue) -> Option<Self> {
        let booking = |value: &JsValue| Booking {
            id: text(value, "id"),
            status: text(value, "status"),
            starts_at: text(value, "startsAt"),
            ends_at: text(value, "endsAt"),
            loan_car: flag(value, "loanCar"),
            cancel_reason: maybe_text(value, "cancelReason"),
            workshop: object(value, "workshop").as_ref().map_or_else(Place::default, Place::read),
            service: named(value, "serviceType"),
            vehicle: object(value, "vehicle").as_ref().map_or_else(Car::default, Car::read),
            repair_order: object(value, "repairOrder").map(|job| (text(&job, "id"), text(&job, "number"))),
        };
        Array::is_array(&field(data, "myBookings")).then(|| Self(list(data, "myBookings", booking)))
    }
}
