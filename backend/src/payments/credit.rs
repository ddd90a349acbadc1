//! Customers' credit: a ledger of signed entries (vouchers redeemed add, payments take, payments
//! given back add again); the balance is their sum per currency. The database keeps a voucher from
//! being credited twice and a payment from being taken or given back twice (unique keys); taking
//! holds the customer's row locked so two purchases cannot spend the same credit.

use chrono::{DateTime, Utc};
use entity::{CreditKind, credit_entries, payments, users};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

/// The credit of `user_id` in `currency`, in minor units.
pub async fn balance(db: &impl ConnectionTrait, user_id: Uuid, currency: &str) -> Result<i64, DbErr> {
    let entries = credit_entries::Entity::find()
        .filter(credit_entries::Column::UserId.eq(user_id))
        .filter(credit_entries::Column::Currency.eq(currency))
        .all(db)
        .await?;
    Ok(entries.iter().map(|entry| entry.amount_minor).sum())
}

/// Every movement of `user_id`'s credit, newest first.
pub async fn entries(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<credit_entries::Model>, DbErr> {
    credit_entries::Entity::find()
        .filter(credit_entries::Column::UserId.eq(user_id))
        .order_by_desc(credit_entries::Column::Id)
        .all(db)
        .await
}

fn entry(
    user_id: Uuid,
    amount_minor: i64,
    currency: &str,
    kind: CreditKind,
    now: DateTime<Utc>,
) -> credit_entries::ActiveModel {
    credit_entries::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        amount_minor: Set(amount_minor),
        currency: Set(currency.to_owned()),
        kind: Set(kind),
        voucher_id: Set(None),
        payment_id: Set(None),
        created_at: Set(now),
    }
}

/// Adds a voucher's value; `false` when the voucher was credited already (by any request).
pub async fn add_voucher(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    voucher: &entity::vouchers::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut credited = entry(user_id, voucher.value_minor, &voucher.currency, CreditKind::Voucher, now);
    credited.voucher_id = Set(Some(voucher.id));
    let inserted = credit_entries::Entity::insert(credited)
        .on_conflict(OnConflict::column(credit_entries::Column::VoucherId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// Takes a payment's amount from its payer's credit, inside `txn`; `false` (nothing taken) when
/// the credit does not cover it.
pub async fn take(txn: &impl ConnectionTrait, payment: &payments::Model, now: DateTime<Utc>) -> Result<bool, DbErr> {
    // The payer's row, locked until the transaction ends: a second purchase waits, then sees
    // what this one took.
    users::Entity::find_by_id(payment.payer_id).lock_exclusive().one(txn).await?;
    if balance(txn, payment.payer_id, &payment.currency).await? < payment.amount_minor {
        return Ok(false);
    }
    let mut taken = entry(payment.payer_id, -payment.amount_minor, &payment.currency, CreditKind::Payment, now);
    taken.payment_id = Set(Some(payment.id));
    let inserted = credit_entries::Entity::insert(taken)
        .on_conflict(
            OnConflict::columns([credit_entries::Column::PaymentId, credit_entries::Column::Kind])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(inserted == 1)
}

/// Gives a payment's amount back to its payer's credit (once, whoever asks again).
pub async fn give_back(db: &impl ConnectionTrait, payment: &payments::Model, now: DateTime<Utc>) -> Result<(), DbErr> {
    let mut back = entry(payment.payer_id, payment.amount_minor, &payment.currency, CreditKind::Release, now);
    back.payment_id = Set(Some(payment.id));
    credit_entries::Entity::insert(back)
        .on_conflict(
            OnConflict::columns([credit_entries::Column::PaymentId, credit_entries::Column::Kind])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
