//! The answer of `OrderDetail` (one sale), read field by field (see `api::workshop`): the order,
//! its amounts, its car, its manufacturing timeline and its payments with their invoices. Enum
//! values are read as text (`IN_PRODUCTION`): the page only shows them.

use wasm_bindgen::JsValue;

use super::json::{Answer, list, maybe_text, object, text};
use super::workshop::{Amount, Document, named};

/// The car of a sale.
#[derive(Clone, Debug, PartialEq)]
pub struct Car {
    /// Its VIN.
    pub vin: String,
    /// Its plate, once registered.
    pub plate: Option<String>,
    /// `IN_STOCK`, `DELIVERED`…
    pub status: String,
}

/// A payment of a sale.
#[derive(Clone, Debug, PartialEq)]
pub struct Payment {
    /// `RESERVATION` or `FINAL`.
    pub kind: String,
    /// Where it stands at the gateway.
    pub status: String,
    /// The amount.
    pub amount: Amount,
    /// Why it failed, in the reader's language.
    pub failure_message: Option<String>,
    /// Its invoice and credit notes.
    pub invoices: Vec<Document>,
}

/// One sale.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// Stable id.
    pub id: String,
    /// e.g. `ORD-2026-000042`.
    pub number: String,
    /// Where it stands.
    pub status: String,
    /// The model's name.
    pub model: String,
    /// The buyer's name.
    pub customer: String,
    /// The dealership's name.
    pub dealership: String,
    /// When it was registered.
    pub created_at: String,
    /// Net price, VAT, gross, paid and still due.
    pub price: Amount,
    /// The VAT.
    pub vat: Amount,
    /// What the buyer pays in all.
    pub gross: Amount,
    /// Paid so far.
    pub paid: Amount,
    /// Still to pay.
    pub due: Amount,
    /// The car, once known.
    pub vehicle: Option<Car>,
    /// The last problem (dealers see it).
    pub last_error: Option<String>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// The stages reached, with when: `(stage, RFC 3339)`.
    pub timeline: Vec<(String, String)>,
    /// Its payments.
    pub payments: Vec<Payment>,
}

impl Answer for Order {
    fn read(data: &JsValue) -> Option<Self> {
        let order = object(data, "order")?;
        let document =
            |v: &JsValue| Document { number: text(v, "number"), kind: text(v, "kind"), pdf_url: text(v, "pdfUrl") };
        let payment = |v: &JsValue| Payment {
            kind: text(v, "kind"),
            status: text(v, "status"),
            amount: Amount::of(v, "amount"),
            failure_message: maybe_text(v, "failureMessage"),
            invoices: list(v, "invoices", document),
        };
        Some(Self {
            id: text(&order, "id"),
            number: text(&order, "number"),
            status: text(&order, "status"),
            model: named(&order, "model").name,
            customer: named(&order, "customer").name,
            dealership: named(&order, "dealership").name,
            created_at: text(&order, "createdAt"),
            price: Amount::of(&order, "price"),
            vat: Amount::of(&order, "vat"),
            gross: Amount::of(&order, "gross"),
            paid: Amount::of(&order, "paid"),
            due: Amount::of(&order, "due"),
            vehicle: object(&order, "vehicle").map(|car| Car {
                vin: text(&car, "vin"),
                plate: maybe_text(&car, "plate"),
                status: text(&car, "status"),
            }),
            last_error: maybe_text(&order, "lastError"),
            cancel_reason: maybe_text(&order, "cancelReason"),
            timeline: list(&order, "timeline", |event| (text(event, "stage"), text(event, "occurredAt"))),
            payments: list(&order, "payments", payment),
        })
    }
}
