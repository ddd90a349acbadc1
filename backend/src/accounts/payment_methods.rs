//! Which payment methods a region offers: region configuration (admin), stored as a comma-separated
//! list of method names; the checkout shows only those and a purchase with another is refused.

use entity::{PaymentMethodKind, regions};
use sea_orm::Iterable;

use crate::error::{ApiError, ApiResult};

fn name(method: PaymentMethodKind) -> &'static str {
    match method {
        PaymentMethodKind::Card => "CARD",
        PaymentMethodKind::SepaDebit => "SEPA_DEBIT",
        PaymentMethodKind::BankTransfer => "BANK_TRANSFER",
        PaymentMethodKind::Credit => "CREDIT",
    }
}

/// The methods `region` offers, in the order of the enum (cards first).
pub fn offered(region: &regions::Model) -> Vec<PaymentMethodKind> {
    let listed: Vec<&str> = region.payment_methods.split(',').map(str::trim).collect();
    PaymentMethodKind::iter().filter(|method| listed.contains(&name(*method))).collect()
}

/// The stored form of a list of methods; at least one, each once.
pub fn stored(methods: &[PaymentMethodKind]) -> ApiResult<String> {
    if methods.is_empty() {
        return Err(ApiError::bad_input("paymentMethods", "a region offers at least one payment method"));
    }
    Ok(PaymentMethodKind::iter().filter(|method| methods.contains(method)).map(name).collect::<Vec<_>>().join(","))
}

/// Refuses a method the region does not offer.
pub fn check_offered(region: &regions::Model, method: PaymentMethodKind) -> ApiResult<()> {
    if offered(region).contains(&method) {
        return Ok(());
    }
    Err(ApiError::Refused {
        reason: "PAYMENT_METHOD_NOT_OFFERED",
        message: format!("{} is not offered in {}", name(method), region.name),
    })
}
