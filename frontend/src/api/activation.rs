//! The answers of `ActivationDetail` (a feature bought for a car) and the events of
//! `ActivationProgress` (its steps, live), read field by field (see `api::workshop`). Enum values
//! are read as text (`ACTIVE`).

use wasm_bindgen::JsValue;

use super::json::{Answer, flag, integer, list, maybe_text, object, text};
use super::workshop::{Amount, Document, named};

/// A charge of an activation.
#[derive(Clone, Debug, PartialEq)]
pub struct Charge {
    /// Where it stands at the gateway.
    pub status: String,
    /// The amount.
    pub amount: Amount,
    /// Its invoice and credit notes.
    pub invoices: Vec<Document>,
    /// For a bank transfer still waiting for money: where to send it.
    pub transfer: Option<Transfer>,
}

/// Where to send a bank transfer.
#[derive(Clone, Debug, PartialEq)]
pub struct Transfer {
    /// The account holder.
    pub account: String,
    /// The IBAN.
    pub iban: String,
    /// The BIC.
    pub bic: String,
    /// The reference to write on the transfer.
    pub reference: String,
    /// What is still due.
    pub due: Amount,
}

/// A feature bought for a car.
#[derive(Clone, Debug, PartialEq)]
pub struct Activation {
    /// Stable id.
    pub id: String,
    /// `ACTIVE`, `FAILED`…
    pub status: String,
    /// `PERMANENT`, `MONTHLY`, `TRIAL`…
    pub duration_kind: String,
    /// When it ends (or its period does).
    pub ends_at: Option<String>,
    /// Whether a cancelled subscription ends at the period's end.
    pub cancel_at_period_end: bool,
    /// Why it failed, in the reader's language.
    pub failure_message: Option<String>,
    /// The feature's name.
    pub feature: String,
    /// The car's VIN.
    pub vin: String,
    /// Its charges.
    pub payments: Vec<Charge>,
}

impl Answer for Activation {
    fn read(data: &JsValue) -> Option<Self> {
        let a = object(data, "activation")?;
        let document =
            |v: &JsValue| Document { number: text(v, "number"), kind: text(v, "kind"), pdf_url: text(v, "pdfUrl") };
        let charge = |v: &JsValue| Charge {
            status: text(v, "status"),
            amount: Amount::of(v, "amount"),
            invoices: list(v, "invoices", document),
            transfer: object(v, "transferInstructions").map(|t| Transfer {
                account: text(&t, "accountName"),
                iban: text(&t, "iban"),
                bic: text(&t, "bic"),
                reference: text(&t, "reference"),
                due: Amount::of(&t, "amountDue"),
            }),
        };
        Some(Self {
            id: text(&a, "id"),
            status: text(&a, "status"),
            duration_kind: text(&a, "durationKind"),
            ends_at: maybe_text(&a, "endsAt"),
            cancel_at_period_end: flag(&a, "cancelAtPeriodEnd"),
            failure_message: maybe_text(&a, "failureMessage"),
            feature: named(&a, "feature").name,
            vin: object(&a, "vehicle").map(|car| text(&car, "vin")).unwrap_or_default(),
            payments: list(&a, "payments", charge),
        })
    }
}

/// A step of an activation seen live.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// `QUEUED`, `SENDING`, `ACTIVE`…
    pub phase: String,
    /// Which attempt at sending.
    pub attempt: i64,
    /// What happened to the charge then, if anything.
    pub charge: Option<String>,
}

impl Answer for Step {
    fn read(data: &JsValue) -> Option<Self> {
        let progress = object(data, "activationProgress")?;
        Some(Self {
            phase: text(&progress, "phase"),
            attempt: integer(&progress, "attempt"),
            charge: maybe_text(&progress, "charge"),
        })
    }
}
