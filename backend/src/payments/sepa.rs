//! SEPA Direct Debit mandates. A customer gives an IBAN (checked with `iban_validate`: country,
//! length and check digits) and the account holder's name, and accepts the mandate text shown in
//! their language; the gateway records the mandate with that acceptance and saves the account as
//! the customer's payment method, replacing a saved card. Debits are taken once the car confirms a
//! feature (SEPA has no authorisation to hold), settle days later, and can be returned.

use entity::{PaymentMethodKind, Role, payment_cards, users};
use iban::{Iban, IbanLike};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use super::cards::gateway_customer;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::domain::Locale;
use crate::error::{ApiError, ApiResult};
use crate::i18n;
use crate::idempotency;
use crate::integrations::payments::{GatewayError, MandateRequest};

/// The mandate text the debtor accepts, in `locale`, naming the creditor.
pub fn mandate_text(app: &App, locale: Locale) -> String {
    i18n::text(locale, "sepa-mandate-text", &json!({ "creditor": app.config.transfer_account_name }))
}

/// What the customer gives to set up a mandate.
#[derive(Clone, Debug)]
pub struct MandateDraft {
    /// The IBAN as typed (spaces allowed).
    pub iban: String,
    /// The account holder.
    pub account_holder: String,
    /// The customer ticked "I accept the mandate" under the text shown.
    pub accepted: bool,
    /// The client's key: a retried setup sets up once.
    pub idempotency_key: String,
}

/// Where the mandate was accepted: the client's address and browser.
#[derive(Clone, Debug)]
pub struct Acceptance {
    /// The client's IP address.
    pub ip_address: String,
    /// The client's `User-Agent`.
    pub user_agent: String,
}

/// An IBAN as typed, checked, in its electronic form.
pub fn parse_iban(typed: &str) -> ApiResult<Iban> {
    let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    compact
        .parse::<Iban>()
        .map_err(|_| ApiError::bad_input("iban", "this IBAN is not valid: check its country, length and check digits"))
}

/// Sets up a SEPA Direct Debit mandate for the signed-in customer and saves it as their payment
/// method (audited).
pub async fn set_up(
    app: &App,
    viewer: &Viewer,
    draft: MandateDraft,
    acceptance: Acceptance,
) -> ApiResult<payment_cards::Model> {
    let customer = viewer.user_with_role(&[Role::Customer])?;
    let key = idempotency::parse_key(&draft.idempotency_key)?;
    let iban = parse_iban(&draft.iban)?;
    let holder = draft.account_holder.trim().to_owned();
    if holder.is_empty() || holder.chars().count() > 100 {
        return Err(ApiError::bad_input("accountHolder", "the account holder's name has 1 to 100 characters"));
    }
    if !draft.accepted {
        return Err(ApiError::bad_input("accepted", "the mandate must be accepted to pay by direct debit"));
    }
    let user = users::Entity::find_by_id(customer.id).one(&app.db).await?.ok_or(ApiError::NotFound("customer"))?;
    let record = gateway_customer(app, &user).await?;
    let request = MandateRequest {
        iban: iban.electronic_str().to_owned(),
        account_holder: holder,
        email: user.email.clone(),
        ip_address: acceptance.ip_address,
        user_agent: acceptance.user_agent.chars().take(300).collect(),
    };
    let saved = app
        .integrations
        .payments
        .save_mandate(&record.customer_ref, &request, &format!("mandate-{}-{key}", user.id))
        .await
        .map_err(|err| match err {
            GatewayError::Declined(reason) => ApiError::Refused { reason: "MANDATE_REFUSED", message: reason },
            GatewayError::Invalid(_) => ApiError::bad_input("iban", "the payment gateway did not accept this account"),
            GatewayError::Unavailable(message) => ApiError::Unavailable(message),
        })?;
    let now = app.clock.now();
    let mut method: payment_cards::ActiveModel = record.into();
    method.method_kind = Set(PaymentMethodKind::SepaDebit);
    method.payment_method_ref = Set(Some(saved.payment_method_ref));
    method.mandate_reference = Set(Some(saved.mandate_reference.chars().take(64).collect()));
    method.mandate_accepted_at = Set(Some(now));
    method.brand = Set(Some(format!("sepa_debit {}", iban.country_code())));
    method.last4 = Set(Some(iban.electronic_str()[iban.electronic_str().len() - 4..].to_owned()));
    method.exp_month = Set(None);
    method.exp_year = Set(None);
    method.updated_at = Set(now);
    let method = method.update(&app.db).await?;
    let details =
        json!({ "last4": method.last4, "mandate": method.mandate_reference, "locale": customer.locale.tag() });
    audit::record(
        app,
        &app.db,
        viewer,
        "sepa_mandate.accept",
        Subject { kind: "payment_card", id: &method.id.to_string() },
        details,
    )
    .await?;
    Ok(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_by_country_length_and_check_digits() {
        assert_eq!(
            parse_iban("de89 3704 0044 0532 0130 00").expect("valid").electronic_str(),
            "DE89370400440532013000"
        );
        assert!(parse_iban("ES91 2100 0418 4502 0005 1332").is_ok());
        assert!(parse_iban("DE88370400440532013000").is_err(), "check digits");
        assert!(parse_iban("DE8937040044053201300").is_err(), "length");
        assert!(parse_iban("XX89370400440532013000").is_err(), "country");
    }
}
