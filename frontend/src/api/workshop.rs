//! The answers of the customer's workshop operations (workshops and their services, free times,
//! bookings, a repair order, an estimate opened by its link), read into types they share. The
//! operations stay typed and checked against the schema for what they send; their answers, which
//! have the same amounts, cars and lines, are read field by field from the browser's parse of the
//! answer — a few bytes of code per field, where a derived deserializer costs a kilobyte and more
//! per type, once for every place the type appears. Enum values are read as text
//! (`IN_PROGRESS`): the pages only show them. A field missing from an answer reads as empty.

use js_sys::Array;
use wasm_bindgen::JsValue;

use super::client::field;
use super::json::Answer;

fn text(value: &JsValue, name: &str) -> String {
    field(value, name).as_string().unwrap_or_default()
}

fn maybe_text(value: &JsValue, name: &str) -> Option<String> {
    field(value, name).as_string()
}

fn number(value: &JsValue, name: &str) -> f64 {
    field(value, name).as_f64().unwrap_or_default()
}

fn integer(value: &JsValue, name: &str) -> i64 {
    number(value, name) as i64
}

fn flag(value: &JsValue, name: &str) -> bool {
    field(value, name).as_bool().unwrap_or_default()
}

/// The object `name`, if the answer has one.
fn object(value: &JsValue, name: &str) -> Option<JsValue> {
    Some(field(value, name)).filter(JsValue::is_object)
}

fn list<T>(value: &JsValue, name: &str, read: impl Fn(&JsValue) -> T) -> Vec<T> {
    let items = field(value, name);
    if !Array::is_array(&items) {
        return Vec::new();
    }
    Array::from(&items).iter().map(|item| read(&item)).collect()
}

fn named(value: &JsValue, name: &str) -> Named {
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

/// An estimate line.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Stable id.
    pub id: String,
    /// `LABOUR` or `PART`.
    pub kind: String,
    /// What is done or fitted.
    pub description: String,
    /// Hours or pieces.
    pub quantity: f64,
    /// `PROPOSED`, `APPROVED` or `DECLINED`.
    pub status: String,
    /// Hourly rate or price of a piece, without VAT.
    pub unit_net: Amount,
    /// Quantity × unit, without VAT.
    pub net: Amount,
}

/// Something known by its name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Named {
    /// The name.
    pub name: String,
}

/// A fault code read in a diagnostic session.
#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    /// e.g. `P0301`.
    pub code: String,
    /// What it means, when the table knows it.
    pub description: Option<String>,
    /// The subsystem, in the reader's language.
    pub subsystem: Option<String>,
}

/// A diagnostic session.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    /// `OBD2`, `VISUAL` or `TEST_DRIVE`.
    pub session_type: String,
    /// When.
    pub created_at: String,
    /// What was observed.
    pub symptoms: String,
    /// The technician's findings.
    pub technician_notes: String,
    /// The workshop that ran it.
    pub workshop: Named,
    /// The codes read.
    pub fault_codes: Vec<Code>,
}

/// A step of a repair order's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The status reached.
    pub status: String,
    /// What the workshop noted.
    pub note: String,
    /// When.
    pub occurred_at: String,
}

/// An invoice's link.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Its number.
    pub number: String,
    /// `INVOICE` or `CREDIT_NOTE`.
    pub kind: String,
    /// A short-lived link to its PDF.
    pub pdf_url: String,
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

/// The customer of a repair order.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    /// Their name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
}

/// The booking a repair order came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Booked {
    /// Who brought the car.
    pub contact_name: String,
    /// Their telephone number.
    pub contact_phone: String,
    /// The service booked.
    pub service_type: Named,
}

/// A repair order (`RepairOrder`'s answer).
#[derive(Clone, Debug, PartialEq)]
pub struct RepairOrder {
    /// Stable id.
    pub id: String,
    /// The workshop's number for it.
    pub number: String,
    /// Where it stands.
    pub status: String,
    /// The odometer at check-in.
    pub odometer_km: i64,
    /// What the customer said.
    pub complaint: String,
    /// When the car was checked in.
    pub created_at: String,
    /// Whether an estimate waits for the customer.
    pub approval_pending: bool,
    /// Whether that is about work beyond the approved estimate.
    pub reapproval: bool,
    /// How far beyond, in percent.
    pub over_approved_percent: Option<i64>,
    /// The estimate's lines.
    pub lines: Vec<Line>,
    /// What they amount to.
    pub estimate: Amounts,
    /// What the customer approved.
    pub approved: Option<Amounts>,
    /// Diagnostic sessions.
    pub diagnostics: Vec<Diagnosis>,
    /// What happened, oldest first.
    pub timeline: Vec<Step>,
    /// The invoice, once issued.
    pub invoice: Option<Document>,
    /// The car.
    pub vehicle: Car,
    /// The workshop.
    pub workshop: Place,
    /// The customer.
    pub customer: Option<Person>,
    /// The booking it came from.
    pub booking: Option<Booked>,
}

/// An estimate opened by its e-mailed link (`EstimateByLink`'s answer).
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// The repair order's number.
    pub number: String,
    /// The workshop's name.
    pub workshop_name: String,
    /// The car's model and plate.
    pub car: String,
    /// Whether the decision is about work beyond the approved estimate.
    pub reapproval: bool,
    /// Until when the link works.
    pub expires_at: Option<String>,
    /// The lines.
    pub lines: Vec<Line>,
    /// What they amount to.
    pub estimate: Amounts,
    /// What was approved before.
    pub approved: Option<Amounts>,
}

impl Amount {
    fn read(value: &JsValue) -> Self {
        Self { amount_minor: integer(value, "amountMinor"), currency: text(value, "currency") }
    }

    fn of(value: &JsValue, name: &str) -> Self {
        object(value, name)
            .map_or_else(|| Self { amount_minor: 0, currency: String::new() }, |amount| Self::read(&amount))
    }
}

impl Amounts {
    fn read(value: &JsValue) -> Self {
        Self { net: Amount::of(value, "net"), vat: Amount::of(value, "vat"), gross: Amount::of(value, "gross") }
    }
}

impl Line {
    fn read(value: &JsValue) -> Self {
        Self {
            id: text(value, "id"),
            kind: text(value, "kind"),
            description: text(value, "description"),
            quantity: number(value, "quantity"),
            status: text(value, "status"),
            unit_net: Amount::of(value, "unitNet"),
            net: Amount::of(value, "net"),
        }
    }
}

impl Code {
    fn read(value: &JsValue) -> Self {
        Self {
            code: text(value, "code"),
            description: maybe_text(value, "description"),
            subsystem: maybe_text(value, "subsystem"),
        }
    }
}

impl Diagnosis {
    fn read(value: &JsValue) -> Self {
        Self {
            session_type: text(value, "sessionType"),
            created_at: text(value, "createdAt"),
            symptoms: text(value, "symptoms"),
            technician_notes: text(value, "technicianNotes"),
            workshop: named(value, "workshop"),
            fault_codes: list(value, "faultCodes", Code::read),
        }
    }
}

impl Step {
    fn read(value: &JsValue) -> Self {
        Self { status: text(value, "status"), note: text(value, "note"), occurred_at: text(value, "occurredAt") }
    }
}

impl Answer for RepairOrder {
    fn read(data: &JsValue) -> Option<Self> {
        let job = object(data, "repairOrder")?;
        let car = object(&job, "vehicle")?;
        let workshop = object(&job, "workshop")?;
        Some(Self {
            id: text(&job, "id"),
            number: text(&job, "number"),
            status: text(&job, "status"),
            odometer_km: integer(&job, "odometerKm"),
            complaint: text(&job, "complaint"),
            created_at: text(&job, "createdAt"),
            approval_pending: flag(&job, "approvalPending"),
            reapproval: flag(&job, "reapproval"),
            over_approved_percent: field(&job, "overApprovedPercent").as_f64().map(|percent| percent as i64),
            lines: list(&job, "lines", Line::read),
            estimate: Amounts::read(&object(&job, "estimate")?),
            approved: object(&job, "approved").map(|approved| Amounts::read(&approved)),
            diagnostics: list(&job, "diagnostics", Diagnosis::read),
            timeline: list(&job, "timeline", Step::read),
            invoice: object(&job, "invoice").map(|invoice| Document {
                number: text(&invoice, "number"),
                kind: text(&invoice, "kind"),
                pdf_url: text(&invoice, "pdfUrl"),
            }),
            vehicle: Car { vin: text(&car, "vin"), plate: maybe_text(&car, "plate"), model: named(&car, "model") },
            workshop: Place {
                name: text(&workshop, "name"),
                city: text(&workshop, "city"),
                phone: text(&workshop, "phone"),
            },
            customer: object(&job, "customer")
                .map(|person| Person { name: text(&person, "name"), email: text(&person, "email") }),
            booking: object(&job, "booking").map(|booking| Booked {
                contact_name: text(&booking, "contactName"),
                contact_phone: text(&booking, "contactPhone"),
                service_type: named(&booking, "serviceType"),
            }),
        })
    }
}

impl Answer for Estimate {
    fn read(data: &JsValue) -> Option<Self> {
        let estimate = object(data, "estimateByLink")?;
        Some(Self {
            number: text(&estimate, "number"),
            workshop_name: text(&estimate, "workshopName"),
            car: text(&estimate, "car"),
            reapproval: flag(&estimate, "reapproval"),
            expires_at: maybe_text(&estimate, "expiresAt"),
            lines: list(&estimate, "lines", Line::read),
            estimate: Amounts::read(&object(&estimate, "estimate")?),
            approved: object(&estimate, "approved").map(|approved| Amounts::read(&approved)),
        })
    }
}

/// The repair order's number an e-mailed link decided on (`DecideEstimateByLink`'s answer).
pub struct Decided(pub String);

impl Answer for Decided {
    fn read(data: &JsValue) -> Option<Self> {
        object(data, "decideEstimateByLink").map(|decided| Self(text(&decided, "number")))
    }
}

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
