//! E-mail addresses.

use std::fmt;
use std::str::FromStr;

/// A syntactically valid e-mail address, lower-cased so that one mailbox is one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a string is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid e-mail address")]
pub struct EmailError(pub String);

impl Email {
    /// Parses and normalises `input`.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let candidate = input.trim().to_lowercase();
        let valid = candidate.len() <= 254
            && email_address::EmailAddress::from_str(&candidate)
                .is_ok_and(|address| address.domain().contains('.') && !address.domain().starts_with('['));
        if valid { Ok(Self(candidate)) } else { Err(EmailError(input.to_owned())) }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_lower_cases_addresses() {
        assert_eq!(Email::parse(" Customer@Demo.CAAS ").map(|e| e.0), Ok("customer@demo.caas".into()));
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in ["", "no-at-sign", "a@b", "@demo.caas", "a b@demo.caas", "a@[127.0.0.1]"] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
