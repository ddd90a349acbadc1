//! A repair order and an estimate opened by its e-mailed link: their lines, amounts, diagnostics
//! and timeline.

use wasm_bindgen::JsValue;

use super::{Amount, Amounts, Car, Named, Place, field, flag, integer, list, maybe_text, named, number, object, text};
use crate::api::json::Answer;

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
    /// What happened, in the reader's language.
    pub summary: String,
    /// What the workshop wrote about it.
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
    /// A diagnostic session of any answer.
    pub(crate) fn read(value: &JsValue) -> Self {
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
        Self {
            status: text(value, "status"),
            summary: text(value, "summary"),
            note: text(value, "note"),
            occurred_at: text(value, "occurredAt"),
        }
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
