//! Money: integer minor units and a currency, with VAT arithmetic that never touches a float.

use super::Locale;

/// An amount in minor units (cents, pence) of a currency with two decimals.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    /// Minor units; negative for credits.
    pub minor: i64,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
}

/// VAT on a net amount at a rate in basis points (1900 = 19 %), rounded half away from zero to the
/// minor unit.
pub fn vat_of(net_minor: i64, rate_bp: i32) -> i64 {
    let product = i128::from(net_minor) * i128::from(rate_bp);
    let rounded = if product >= 0 { (product + 5_000) / 10_000 } else { (product - 5_000) / 10_000 };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// The GraphQL view: exact minor units, a decimal string and the currency.
#[async_graphql::Object(name = "Money")]
impl Money {
    /// The amount in minor units (cents, pence): exact, for arithmetic.
    async fn amount_minor(&self) -> i64 {
        self.minor
    }

    /// The amount as a decimal string, e.g. `"49.99"`.
    async fn amount(&self) -> String {
        self.decimal()
    }

    /// ISO 4217 currency code, e.g. `EUR`.
    async fn currency(&self) -> &str {
        &self.currency
    }
}

impl Money {
    /// An amount of `currency`.
    pub fn new(minor: i64, currency: &str) -> Self {
        Self { minor, currency: currency.to_owned() }
    }

    /// The amount as a decimal string, e.g. `-12.05`.
    pub fn decimal(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// The amount as a reader of `locale` writes it: `1.234,56 €` in German and Spanish,
    /// `€1,234.56` in English (as the web app shows it).
    pub fn display(&self, locale: Locale) -> String {
        let (group, decimal) = match locale {
            Locale::En => (',', '.'),
            Locale::De | Locale::Es => ('.', ','),
        };
        let abs = self.minor.unsigned_abs();
        let digits = (abs / 100).to_string();
        let mut whole = String::with_capacity(digits.len() + digits.len() / 3);
        for (position, digit) in digits.chars().enumerate() {
            if position > 0 && (digits.len() - position).is_multiple_of(3) {
                whole.push(group);
            }
            whole.push(digit);
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        let number = format!("{whole}{decimal}{:02}", abs % 100);
        let symbol = match self.currency.as_str() {
            "EUR" => "€",
            "GBP" => "£",
            "USD" => "$",
            other => other,
        };
        match locale {
            Locale::En => format!("{sign}{symbol}{number}"),
            Locale::De | Locale::Es => format!("{sign}{number} {symbol}"),
        }
    }

    /// The amount written in every language, for a notification rendered later in its reader's.
    pub fn texts(&self) -> serde_json::Value {
        let texts = Locale::ALL
            .into_iter()
            .map(|locale| (locale.tag().to_owned(), serde_json::Value::from(self.display(locale))));
        serde_json::Value::Object(texts.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_rounds_half_away_from_zero() {
        assert_eq!(vat_of(999, 1900), 190); // 189.81
        assert_eq!(vat_of(50, 2100), 11); // 10.5
        assert_eq!(vat_of(-50, 2100), -11);
        assert_eq!(vat_of(0, 2000), 0);
    }

    #[test]
    fn amounts_are_written_as_each_language_writes_them() {
        assert_eq!(Money::new(123_456, "EUR").display(Locale::De), "1.234,56 €");
        assert_eq!(Money::new(123_456, "EUR").display(Locale::En), "€1,234.56");
        assert_eq!(Money::new(-1_205, "EUR").display(Locale::Es), "-12,05 €");
        assert_eq!(Money::new(100_000_000, "GBP").display(Locale::En), "£1,000,000.00");
        assert_eq!(Money::new(7, "CHF").display(Locale::De), "0,07 CHF");
        assert_eq!(Money::new(99_900, "EUR").texts()["es"], "999,00 €");
    }

    #[test]
    fn formats_decimals() {
        assert_eq!(Money::new(4999, "EUR").decimal(), "49.99");
        assert_eq!(Money::new(-1205, "GBP").decimal(), "-12.05");
        assert_eq!(Money::new(7, "EUR").decimal(), "0.07");
    }
}
