//! Money: integer minor units and a currency, with VAT arithmetic that never touches a float.

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
    fn formats_decimals() {
        assert_eq!(Money::new(4999, "EUR").decimal(), "49.99");
        assert_eq!(Money::new(-1205, "GBP").decimal(), "-12.05");
        assert_eq!(Money::new(7, "EUR").decimal(), "0.07");
    }
}
