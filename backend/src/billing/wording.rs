//! How billing documents word things in their reader's language: invoice lines (written when the
//! invoice is issued, in the buyer's language, and kept as written), dates and VAT rates.

use chrono::{DateTime, Utc};
use entity::{DurationKind, PaymentKind};
use serde_json::json;

use crate::domain::Locale;
use crate::i18n::text;

/// What an invoice line is for.
#[derive(Clone, Debug)]
pub enum LineText<'a> {
    /// A feature bought for a duration.
    Feature { feature: &'a str, kind: DurationKind, days: i32, vin: &'a str },
    /// The days of a month a monthly subscription was used.
    Month { feature: &'a str, vin: &'a str, from: DateTime<Utc>, days: i64, month_days: i64 },
    /// A year of an annual subscription, paid up front.
    Year { feature: &'a str, vin: &'a str, from: DateTime<Utc> },
    /// A subscription's period starting at `from`.
    Period { feature: &'a str, vin: &'a str, from: DateTime<Utc> },
    /// A payment towards a car.
    CarPayment { model: &'a str, kind: PaymentKind, order: &'a str, vin: Option<&'a str> },
    /// A refund, on the credit note of `invoice`.
    Refund { invoice: &'a str },
    /// A workshop's labour: `hours` (in hundredths) at an hourly `rate` (written for the reader).
    Labour { description: &'a str, hours: i32, rate: &'a str },
    /// A part or material by a measure that is not whole pieces (4.5 l of oil) at `price` each.
    Measured { description: &'a str, quantity: i32, price: &'a str },
}

/// The line's description in `locale`.
pub fn describe(locale: Locale, line: &LineText<'_>) -> String {
    match line {
        LineText::Feature { feature, kind, days, vin } => {
            let duration = text(locale, &format!("duration-{}", kind_name(*kind)), &json!({ "days": days }));
            text(locale, "line-feature", &json!({ "feature": feature, "duration": duration, "vin": vin }))
        }
        LineText::Month { feature, vin, from, days, month_days } => text(
            locale,
            "line-month",
            &json!({ "feature": feature, "vin": vin, "from": date(locale, *from), "days": days, "month_days": month_days }),
        ),
        LineText::Year { feature, vin, from } => {
            text(locale, "line-year", &json!({ "feature": feature, "vin": vin, "from": date(locale, *from) }))
        }
        LineText::Period { feature, vin, from } => {
            text(locale, "line-period", &json!({ "feature": feature, "vin": vin, "from": date(locale, *from) }))
        }
        LineText::CarPayment { model, kind, order, vin } => {
            let id = if *kind == PaymentKind::Reservation { "line-reservation" } else { "line-final" };
            let vin = vin.map(|vin| format!(" — {vin}")).unwrap_or_default();
            text(locale, id, &json!({ "model": model, "order": order, "vin": vin }))
        }
        LineText::Refund { invoice } => text(locale, "line-refund", &json!({ "number": invoice })),
        LineText::Labour { description, hours, rate } => text(
            locale,
            "line-labour",
            &json!({ "description": description, "hours": hundredths(locale, *hours), "rate": rate }),
        ),
        LineText::Measured { description, quantity, price } => text(
            locale,
            "line-measured",
            &json!({ "description": description, "quantity": hundredths(locale, *quantity), "price": price }),
        ),
    }
}

/// A quantity in hundredths as the reader writes it: `1.5`, `1,5`, `2`.
pub fn hundredths(locale: Locale, value: i32) -> String {
    let whole = value / 100;
    let fraction = (value % 100).abs();
    let separator = if locale == Locale::En { "." } else { "," };
    match fraction {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}{separator}{}", f / 10),
        f => format!("{whole}{separator}{f:02}"),
    }
}

fn kind_name(kind: DurationKind) -> &'static str {
    match kind {
        DurationKind::Permanent => "PERMANENT",
        DurationKind::Monthly => "MONTHLY",
        DurationKind::Annual => "ANNUAL",
        DurationKind::FixedDays => "FIXED_DAYS",
        DurationKind::Trial => "TRIAL",
    }
}

/// The calendar date of `at` as the reader writes it.
pub fn date(locale: Locale, at: DateTime<Utc>) -> String {
    let pattern = match locale {
        Locale::De => "%d.%m.%Y",
        Locale::Es => "%d/%m/%Y",
        Locale::En => "%Y-%m-%d",
    };
    at.format(pattern).to_string()
}

/// A VAT rate in basis points as the reader writes it: `19 %`, `7,5 %`, `20%`.
pub fn vat_rate(locale: Locale, basis_points: i32) -> String {
    let whole = basis_points / 100;
    let fraction = (basis_points % 100).abs();
    let number = match fraction {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    };
    match locale {
        Locale::En => format!("{number}%"),
        Locale::De | Locale::Es => format!("{} %", number.replace('.', ",")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).expect("date").with_timezone(&Utc)
    }

    #[test]
    fn vat_rates_and_dates_are_written_as_each_language_writes_them() {
        assert_eq!(vat_rate(Locale::De, 1900), "19 %");
        assert_eq!(vat_rate(Locale::Es, 750), "7,5 %");
        assert_eq!(vat_rate(Locale::En, 2105), "21.05%");
        let day = at("2026-03-04T10:00:00Z");
        assert_eq!(date(Locale::De, day), "04.03.2026");
        assert_eq!(date(Locale::Es, day), "04/03/2026");
        assert_eq!(date(Locale::En, day), "2026-03-04");
    }

    #[test]
    fn lines_are_written_in_the_buyers_language() {
        let seats = LineText::Feature { feature: "Sitzheizung", kind: DurationKind::Permanent, days: 0, vin: "V1" };
        assert_eq!(describe(Locale::De, &seats), "Sitzheizung (dauerhaft) — V1");
        let trial = LineText::Feature { feature: "Asientos", kind: DurationKind::FixedDays, days: 30, vin: "V1" };
        assert_eq!(describe(Locale::Es, &trial), "Asientos (30 días) — V1");
        let month =
            LineText::Month { feature: "Nav", vin: "V1", from: at("2026-11-01T00:00:00Z"), days: 12, month_days: 30 };
        assert_eq!(describe(Locale::De, &month), "Nav, 12 von 30 Tagen ab 01.11.2026 — V1");
        let car = LineText::CarPayment { model: "Aurora", kind: PaymentKind::Final, order: "ORD-1", vin: Some("V1") };
        assert_eq!(describe(Locale::Es, &car), "Aurora, pago final — pedido ORD-1 — V1");
        assert_eq!(describe(Locale::De, &LineText::Refund { invoice: "DE-1" }), "Erstattung zu Rechnung DE-1");
        assert_eq!(
            describe(Locale::En, &LineText::Year { feature: "Nav", vin: "V1", from: at("2026-01-05T00:00:00Z") }),
            "Nav, 1 year from 2026-01-05 — V1"
        );
    }
}
