//! The answers of a car's catalog (`Catalog`), of the checkout (`CheckoutOptions`: how a car's
//! purchases can be paid), of a purchase or trial (the activation's id), and of the customer's
//! credit (`MyCredit`, `RedeemVoucher`), read field by field (see `api::workshop`). Enum values
//! are read as text (`SEPA_DEBIT`).

use wasm_bindgen::JsValue;

use super::json::{Answer, first, flag, integer, list, maybe_text, object, text};
use super::workshop::Amount;

/// A feature as the catalog shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    /// Its code, e.g. `HEATED_SEATS`.
    pub code: String,
    /// Its name, in the reader's language.
    pub name: String,
    /// What it does.
    pub description: String,
    /// How to try it (empty when there is no demo).
    pub demo_text: String,
    /// Whether it is new.
    pub is_new: bool,
}

/// An offer of a feature: for how long, at which price.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    /// `PERMANENT`, `MONTHLY`, `ANNUAL`, `FIXED_DAYS` or `TRIAL`.
    pub kind: String,
    /// Days, for fixed durations.
    pub days: i64,
    /// The price with VAT.
    pub gross: Amount,
    /// The VAT in it.
    pub vat: Amount,
    /// The VAT rate in basis points.
    pub vat_rate: i64,
}

/// A feature that fits the car, with its offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The feature.
    pub feature: Feature,
    /// Its offers.
    pub offers: Vec<Offer>,
    /// Whether the free trial can be started.
    pub trial_available: bool,
    /// Whether it can be bought now.
    pub purchasable: bool,
    /// Why it cannot be bought now.
    pub unavailable_code: Option<String>,
    /// The car's activation of it now: its id and status.
    pub current: Option<(String, String)>,
}

/// The `Catalog` answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog(pub Vec<Entry>);

impl Answer for Catalog {
    fn read(data: &JsValue) -> Option<Self> {
        let offer = |v: &JsValue| Offer {
            kind: text(v, "durationKind"),
            days: integer(v, "durationDays"),
            gross: Amount::of(v, "gross"),
            vat: Amount::of(v, "vat"),
            vat_rate: integer(v, "vatRateBasisPoints"),
        };
        let entry = |v: &JsValue| {
            let f = object(v, "feature").unwrap_or_default();
            Entry {
                feature: Feature {
                    code: text(&f, "code"),
                    name: text(&f, "name"),
                    description: text(&f, "description"),
                    demo_text: text(&f, "demoText"),
                    is_new: flag(&f, "isNew"),
                },
                offers: list(v, "offers", offer),
                trial_available: flag(v, "trialAvailable"),
                purchasable: flag(v, "purchasable"),
                unavailable_code: maybe_text(v, "unavailableCode"),
                current: object(v, "currentActivation").map(|a| (text(&a, "id"), text(&a, "status"))),
            }
        };
        Some(Self(list(&object(data, "catalog")?, "nodes", entry)))
    }
}

/// The id of what an operation made (the activation of a purchase or a trial).
#[derive(Clone, Debug, PartialEq)]
pub struct Made(pub String);

impl Answer for Made {
    fn read(data: &JsValue) -> Option<Self> {
        Some(Self(text(&first(data), "id"))).filter(|id| !id.0.is_empty())
    }
}

/// The customer's saved card or SEPA mandate.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    /// `CARD` or `SEPA_DEBIT`.
    pub kind: String,
    /// `visa`, … (`sepa_debit DE` for a mandate).
    pub brand: String,
    /// The card's or the IBAN's last four digits.
    pub last4: String,
    /// A mandate's reference.
    pub mandate: Option<String>,
    /// A card's expiry: month and year (not asked for at the checkout).
    pub expires: (i64, i64),
}

impl Saved {
    fn read(saved: &JsValue) -> Self {
        Self {
            kind: text(saved, "kind"),
            brand: text(saved, "brand"),
            last4: text(saved, "last4"),
            mandate: maybe_text(saved, "mandateReference"),
            expires: (integer(saved, "expMonth"), integer(saved, "expYear")),
        }
    }
}

/// How a purchase for a car can be paid.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkout {
    /// The methods its region offers (`CARD`, `SEPA_DEBIT`, `BANK_TRANSFER`, `CREDIT`).
    pub methods: Vec<String>,
    /// The customer's credit in the region's currency.
    pub credit: Amount,
    /// The saved card or mandate.
    pub saved: Option<Saved>,
    /// The SEPA mandate's text in the reader's language.
    pub mandate_text: String,
}

impl Answer for Checkout {
    fn read(data: &JsValue) -> Option<Self> {
        let options = object(data, "checkoutOptions")?;
        Some(Self {
            methods: list(&options, "methods", |method| method.as_string().unwrap_or_default()),
            credit: Amount::of(&options, "credit"),
            saved: object(&options, "savedMethod").map(|saved| Saved::read(&saved)),
            mandate_text: text(data, "sepaMandateText"),
        })
    }
}

/// The customer's credit — a balance per currency (none before the first voucher) — and their saved
/// card or mandate.
#[cfg(feature = "more")]
#[derive(Clone, Debug, PartialEq)]
pub struct Credit {
    /// The balances.
    pub balances: Vec<Amount>,
    /// The saved card or mandate.
    pub saved: Option<Saved>,
}

#[cfg(feature = "more")]
impl Answer for Credit {
    fn read(data: &JsValue) -> Option<Self> {
        Some(Self {
            balances: list(&object(data, "myCredit")?, "balances", Amount::read),
            saved: object(data, "myPaymentCard").map(|saved| Saved::read(&saved)),
        })
    }
}

/// A voucher redeemed: what it was worth, the credit now, and whether it added anything now.
#[cfg(feature = "more")]
#[derive(Clone, Debug, PartialEq)]
pub struct Redeemed {
    /// The voucher's value.
    pub amount: Amount,
    /// The credit in its currency now.
    pub balance: Amount,
    /// `false` when the customer had redeemed this code before.
    pub newly: bool,
}

#[cfg(feature = "more")]
impl Answer for Redeemed {
    fn read(data: &JsValue) -> Option<Self> {
        let redeemed = object(data, "redeemVoucher")?;
        Some(Self {
            amount: Amount::of(&redeemed, "amount"),
            balance: Amount::of(&redeemed, "balance"),
            newly: flag(&redeemed, "newlyRedeemed"),
        })
    }
}
