//! What a sale costs and where its payment stands: the net price, the VAT of the sale's region, the
//! gross, what was paid (captured or settled, refunds given back) and what is still due. The
//! dealership's payments are checked against it: a reservation is part of the gross, the final
//! payment is exactly the rest.

use entity::{PaymentKind, PaymentStatus, orders, payments, regions};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::Money;
use crate::domain::money::vat_of;
use crate::error::{ApiError, ApiResult};

/// The amounts of a sale, in minor units of its currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaleAmounts {
    /// The net price.
    pub net: i64,
    /// The region's VAT on it.
    pub vat: i64,
    /// Net plus VAT: what the buyer pays in all.
    pub gross: i64,
    /// Taken so far and not given back.
    pub paid: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// Whether a payment's money is with us: captured (settling) or settled.
pub fn counts_as_paid(status: PaymentStatus) -> bool {
    matches!(status, PaymentStatus::Captured | PaymentStatus::Settled)
}

impl SaleAmounts {
    /// The amounts of `order` at `vat_rate_bp`, given its payments.
    pub fn of(order: &orders::Model, vat_rate_bp: i32, payments: &[payments::Model]) -> Self {
        let vat = vat_of(order.price_net_minor, vat_rate_bp);
        let paid = payments.iter().filter(|payment| counts_as_paid(payment.status)).map(|p| p.amount_minor).sum();
        Self {
            net: order.price_net_minor,
            vat,
            gross: order.price_net_minor + vat,
            paid,
            currency: order.currency.clone(),
        }
    }

    /// What is still to pay.
    pub fn due(&self) -> i64 {
        (self.gross - self.paid).max(0)
    }

    /// `minor` of the sale's currency.
    pub fn money(&self, minor: i64) -> Money {
        Money::new(minor, &self.currency)
    }

    /// Checks a payment about to be taken against what is due: a reservation leaves part of the
    /// price for the final payment, which is exactly what remains.
    pub fn check(&self, kind: PaymentKind, amount_minor: i64) -> ApiResult<()> {
        let due = self.due();
        let shown = |minor: i64| format!("{} {}", self.money(minor).decimal(), self.currency);
        match kind {
            PaymentKind::Reservation if amount_minor >= due => Err(ApiError::bad_input(
                "amountMinor",
                format!("a reservation is part of the price: less than the {} due", shown(due)),
            )),
            PaymentKind::Final if amount_minor != due => Err(ApiError::bad_input(
                "amountMinor",
                format!(
                    "the final payment is the {} due (gross {} minus {} paid)",
                    shown(due),
                    shown(self.gross),
                    shown(self.paid)
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// The amounts of `order` as they stand in `db`.
pub async fn of_order(db: &impl ConnectionTrait, order: &orders::Model) -> ApiResult<SaleAmounts> {
    let region = regions::Entity::find_by_id(order.region_id).one(db).await?.ok_or(ApiError::NotFound("region"))?;
    let payments = payments::Entity::find().filter(payments::Column::OrderId.eq(order.id)).all(db).await?;
    Ok(SaleAmounts::of(order, region.vat_rate_bp, &payments))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(net: i64) -> orders::Model {
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        let id = uuid::Uuid::nil();
        orders::Model {
            id,
            number: "O-1".into(),
            customer_id: id,
            dealership_id: id,
            region_id: id,
            model_id: id,
            vehicle_id: None,
            configuration: serde_json::json!({}),
            status: entity::OrderStatus::Ready,
            stock_sale: true,
            factory_order_ref: None,
            price_net_minor: net,
            currency: "EUR".into(),
            created_by: id,
            cancel_reason: None,
            created_at: at,
            updated_at: at,
            last_error: None,
        }
    }

    fn paid(amount: i64, status: PaymentStatus) -> payments::Model {
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        payments::Model {
            id: uuid::Uuid::now_v7(),
            kind: PaymentKind::Reservation,
            status,
            amount_minor: amount,
            currency: "EUR".into(),
            payer_id: uuid::Uuid::nil(),
            order_id: None,
            activation_id: None,
            provider_ref: None,
            idempotency_key: uuid::Uuid::now_v7().to_string(),
            failure_reason: None,
            failure_code: None,
            created_at: at,
            updated_at: at,
            captured_at: None,
            settled_at: None,
            payment_method: None,
            method: entity::PaymentMethodKind::Card,
            transfer_reference: None,
            received_minor: 0,
        }
    }

    #[test]
    fn the_due_is_the_gross_minus_what_was_taken_and_kept() {
        let payments = [
            paid(500_000, PaymentStatus::Settled),
            paid(100_000, PaymentStatus::Failed),
            paid(70_000, PaymentStatus::Refunded),
        ];
        let amounts = SaleAmounts::of(&order(4_599_000), 1900, &payments);
        assert_eq!((amounts.vat, amounts.gross, amounts.paid), (873_810, 5_472_810, 500_000));
        assert_eq!(amounts.due(), 4_972_810);
    }

    #[test]
    fn a_final_payment_is_exactly_the_due_and_a_reservation_less() {
        let amounts = SaleAmounts::of(&order(4_599_000), 1900, &[paid(500_000, PaymentStatus::Captured)]);
        assert!(amounts.check(PaymentKind::Final, 4_972_810).is_ok());
        assert!(amounts.check(PaymentKind::Final, 4_972_809).is_err());
        assert!(amounts.check(PaymentKind::Final, 4_099_000).is_err(), "the net instead of the gross");
        let fresh = SaleAmounts::of(&order(4_599_000), 1900, &[]);
        assert!(fresh.check(PaymentKind::Reservation, 500_000).is_ok());
        assert!(fresh.check(PaymentKind::Reservation, 5_472_810).is_err(), "nothing left for the final payment");
    }
}
