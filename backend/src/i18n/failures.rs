//! Why an activation or a payment failed, as the people concerned are told it. The technical
//! reason (a gateway's text, a car's answer) stays in `failure_reason` for support; the code here
//! picks the text a customer reads in their language.

use async_graphql::Enum;
use serde_json::{Value, json};

use super::{text, texts};
use crate::domain::Locale;

/// What went wrong, in words a customer understands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureCode {
    /// The card's bank declined the payment.
    CardDeclined,
    /// The card's account lacks the funds.
    InsufficientFunds,
    /// The card has expired.
    CardExpired,
    /// The payment service refused the request itself.
    PaymentNotAccepted,
    /// The payment did not go through for another reason (a failed settlement).
    PaymentFailed,
    /// The car refused the change.
    CarRefused,
    /// The car could not be reached or did not confirm in time.
    CarUnreachable,
}

impl FailureCode {
    const ALL: [Self; 7] = [
        Self::CardDeclined,
        Self::InsufficientFunds,
        Self::CardExpired,
        Self::PaymentNotAccepted,
        Self::PaymentFailed,
        Self::CarRefused,
        Self::CarUnreachable,
    ];

    /// The code as stored, e.g. `card_declined`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CardDeclined => "card_declined",
            Self::InsufficientFunds => "insufficient_funds",
            Self::CardExpired => "card_expired",
            Self::PaymentNotAccepted => "payment_not_accepted",
            Self::PaymentFailed => "payment_failed",
            Self::CarRefused => "car_refused",
            Self::CarUnreachable => "car_unreachable",
        }
    }

    /// The code stored as `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == text)
    }

    /// What a payment's gateway said, as a code: Stripe's decline codes and messages name the
    /// cause (`insufficient_funds`, `expired_card`, "Your card was declined."); our own refusal
    /// of a request reads `not accepted (…)`.
    pub fn of_payment(reason: &str) -> Self {
        let reason = reason.to_lowercase();
        if reason.contains("insufficient") {
            Self::InsufficientFunds
        } else if reason.contains("expired") {
            Self::CardExpired
        } else if reason.contains("declined") || reason.contains("card_error") {
            Self::CardDeclined
        } else if reason.starts_with("not accepted") {
            Self::PaymentNotAccepted
        } else {
            Self::PaymentFailed
        }
    }

    /// What a failed activation is told as: its stored code, else (a failure recorded before
    /// codes were) read from its reason.
    pub fn of_activation(stored: Option<&str>, reason: &str) -> Self {
        match stored.and_then(Self::parse) {
            Some(code) => code,
            None if reason.contains("did not confirm") => Self::CarUnreachable,
            None if reason.contains("vehicle") => Self::CarRefused,
            None => Self::of_payment(reason),
        }
    }

    fn id(self) -> String {
        format!("failure-{}", self.as_str())
    }

    /// The explanation in `locale`, as a sentence.
    pub fn sentence(self, locale: Locale) -> String {
        let clause = text(locale, &self.id(), &json!({}));
        let mut chars = clause.chars();
        chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }

    /// The explanation (a clause) in every language, for a notification read later.
    pub fn texts(self) -> Value {
        texts(&self.id(), &json!({}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gateway_answer_is_told_as_what_happened_to_the_card() {
        assert_eq!(FailureCode::of_payment("Your card has insufficient funds."), FailureCode::InsufficientFunds);
        assert_eq!(FailureCode::of_payment("card_declined: Your card was declined."), FailureCode::CardDeclined);
        assert_eq!(FailureCode::of_payment("Your card has expired."), FailureCode::CardExpired);
        assert_eq!(
            FailureCode::of_payment("not accepted (parameter_invalid_integer)"),
            FailureCode::PaymentNotAccepted
        );
        assert_eq!(FailureCode::of_payment("the settlement failed"), FailureCode::PaymentFailed);
    }

    #[test]
    fn every_code_is_explained_in_every_language_and_stored_as_itself() {
        for code in FailureCode::ALL {
            assert_eq!(FailureCode::parse(code.as_str()), Some(code));
            let texts = code.texts();
            assert_ne!(texts["de"], texts["en"], "{code:?}");
            assert_ne!(texts["es"], texts["en"], "{code:?}");
        }
        assert_eq!(FailureCode::CarRefused.sentence(Locale::De), "Das Auto hat die Änderung nicht angenommen");
    }
}
