//! Bank transfers: a purchase paid by transfer waits for money carrying its unique reference (an
//! ISO 11649 creditor reference, `RF` and two check digits, which banks check as it is typed). The
//! gateway reports each transfer received in a signed webhook; each is recorded once. A transfer
//! with a known reference in the payment's currency counts towards it — partial amounts add up
//! until it is paid — and one the payment cannot take (unknown reference, more than owed, another
//! currency, already paid or given up) is held for support, who apply or return it.

use chrono::{DateTime, Utc};
use entity::{PaymentStatus, Role, TransferStatus, bank_transfers, payments};
use rand::Rng;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::platform::db::begin_write;

/// Characters of a reference's random part (letters and digits a caller reads out unambiguously).
const BODY: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// ISO 7064 mod 97-10 of an alphanumeric string, letters counting A = 10 … Z = 35.
fn mod97(text: &str) -> u32 {
    text.chars().fold(0, |rest, c| {
        let value = c.to_digit(36).unwrap_or(0);
        let shifted = if value >= 10 { rest * 100 + value } else { rest * 10 + value };
        shifted % 97
    })
}

/// A new creditor reference, e.g. `RF47 CAAS 7KQM 2XHA`.
pub fn new_reference() -> String {
    let mut rng = rand::rng();
    let body: String = std::iter::once("CAAS".to_owned())
        .chain((0..8).map(|_| char::from(BODY[rng.random_range(0..BODY.len())]).to_string()))
        .collect();
    let check = 98 - mod97(&format!("{body}RF00"));
    format!("RF{check:02}{body}")
}

/// A reference as the sender wrote it, in its stored form (no spaces, upper case).
pub fn normalise(reference: &str) -> String {
    reference.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Whether a creditor reference's check digits are right.
pub fn valid_reference(reference: &str) -> bool {
    let reference = normalise(reference);
    reference.len() > 4
        && reference.starts_with("RF")
        && reference.chars().all(|c| c.is_ascii_alphanumeric())
        && mod97(&format!("{}{}", &reference[4..], &reference[..4])) == 1
}

/// A transfer as the gateway reported it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The gateway's event id.
    pub event_id: String,
    /// The reference the sender wrote.
    pub reference: String,
    /// The amount, in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The sender's name, when the bank gave it.
    pub sender: Option<String>,
}

/// What a reported transfer did.
#[derive(Debug)]
pub enum Applied {
    /// The same event again: nothing changes.
    Duplicate,
    /// Held for support, for the reason given.
    Held(&'static str),
    /// Counted; the payment still waits for the rest.
    Partial(Box<payments::Model>),
    /// Counted; the payment is now paid in full.
    Paid(Box<payments::Model>),
}

/// Records a reported transfer once and applies it to the payment of its reference, inside `txn`.
pub async fn apply(txn: &impl ConnectionTrait, received: &Received, now: DateTime<Utc>) -> ApiResult<Applied> {
    let reference = normalise(&received.reference);
    let row = bank_transfers::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_id: Set(received.event_id.chars().take(100).collect()),
        reference: Set(reference.chars().take(64).collect()),
        amount_minor: Set(received.amount_minor),
        currency: Set(received.currency.to_uppercase()),
        sender: Set(received.sender.as_ref().map(|name| name.chars().take(100).collect())),
        payment_id: Set(None),
        status: Set(TransferStatus::Held),
        held_reason: Set(None),
        received_at: Set(now),
        resolved_at: Set(None),
        resolved_by: Set(None),
    };
    let id = *row.id.as_ref();
    let inserted = bank_transfers::Entity::insert(row)
        .on_conflict(OnConflict::column(bank_transfers::Column::EventId).do_nothing().to_owned())
        .exec_without_returning(txn)
        .await?;
    if inserted == 0 {
        return Ok(Applied::Duplicate);
    }
    let payment = payments::Entity::find()
        .filter(payments::Column::TransferReference.eq(reference))
        .lock_exclusive()
        .one(txn)
        .await?;
    let transfer = bank_transfers::Entity::find_by_id(id).one(txn).await?.ok_or(ApiError::NotFound("transfer"))?;
    let Some(payment) = payment else { return hold(txn, transfer, None, "UNKNOWN_REFERENCE").await };
    if payment.currency != transfer.currency {
        return hold(txn, transfer, Some(payment.id), "WRONG_CURRENCY").await;
    }
    if payment.status != PaymentStatus::Pending {
        return hold(txn, transfer, Some(payment.id), "LATE").await;
    }
    let received_minor = payment.received_minor + transfer.amount_minor;
    if received_minor > payment.amount_minor {
        return hold(txn, transfer, Some(payment.id), "OVERPAID").await;
    }
    let mut matched: bank_transfers::ActiveModel = transfer.into();
    matched.payment_id = Set(Some(payment.id));
    matched.status = Set(TransferStatus::Matched);
    matched.update(txn).await?;
    let paid = received_minor == payment.amount_minor;
    let updated = count(txn, payment, received_minor, paid, now).await?;
    Ok(if paid { Applied::Paid(Box::new(updated)) } else { Applied::Partial(Box::new(updated)) })
}

/// Adds what arrived to a payment; paid in full it is SETTLED (the money is in).
async fn count(
    db: &impl ConnectionTrait,
    payment: payments::Model,
    received_minor: i64,
    paid: bool,
    now: DateTime<Utc>,
) -> ApiResult<payments::Model> {
    let reference = payment.transfer_reference.clone();
    let mut counted: payments::ActiveModel = payment.into();
    counted.received_minor = Set(received_minor);
    counted.updated_at = Set(now);
    if paid {
        counted.status = Set(PaymentStatus::Settled);
        counted.provider_ref = Set(reference);
        counted.captured_at = Set(Some(now));
        counted.settled_at = Set(Some(now));
    }
    Ok(counted.update(db).await?)
}

async fn hold(
    db: &impl ConnectionTrait,
    transfer: bank_transfers::Model,
    payment_id: Option<Uuid>,
    reason: &'static str,
) -> ApiResult<Applied> {
    tracing::warn!(reference = %transfer.reference, reason, "a bank transfer is held for support");
    let mut held: bank_transfers::ActiveModel = transfer.into();
    held.payment_id = Set(payment_id);
    held.held_reason = Set(Some(reason.to_owned()));
    held.update(db).await?;
    Ok(Applied::Held(reason))
}

/// Transfers with `status`, oldest first (support's queue of held ones).
pub async fn with_status(app: &App, status: TransferStatus) -> ApiResult<Vec<bank_transfers::Model>> {
    Ok(bank_transfers::Entity::find()
        .filter(bank_transfers::Column::Status.eq(status))
        .order_by_asc(bank_transfers::Column::ReceivedAt)
        .order_by_asc(bank_transfers::Column::Id)
        .limit(200)
        .all(&app.db)
        .await?)
}

/// Support's decision on a held transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum TransferResolution {
    /// The money was sent back to the sender.
    Returned,
    /// The money counts for the payment of its reference after all (its excess is returned).
    Applied,
}

/// Resolves a held transfer (SUPPORT, ADMIN; audited). Applying one pays its payment in full:
/// returns it, so what it was for can go ahead.
pub async fn resolve(
    app: &App,
    viewer: &Viewer,
    transfer_id: Uuid,
    resolution: TransferResolution,
) -> ApiResult<(bank_transfers::Model, Option<payments::Model>)> {
    let staff = viewer.user_with_role(&[Role::Support, Role::Admin])?;
    let txn = begin_write(&app.db).await?;
    let transfer =
        bank_transfers::Entity::find_by_id(transfer_id).one(&txn).await?.ok_or(ApiError::NotFound("transfer"))?;
    if transfer.status != TransferStatus::Held {
        return Err(ApiError::Conflict("this transfer is not held".into()));
    }
    let now = app.clock.now();
    let mut paid = None;
    if resolution == TransferResolution::Applied {
        let payment = match transfer.payment_id {
            Some(id) => payments::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
            None => None,
        };
        let payment = payment
            .filter(|payment| payment.status == PaymentStatus::Pending && payment.currency == transfer.currency)
            .ok_or_else(|| ApiError::Conflict("no open payment in this currency can take this transfer".into()))?;
        let received = payment.received_minor + transfer.amount_minor;
        if received < payment.amount_minor {
            return Err(ApiError::Conflict("this transfer does not pay the rest of its payment".into()));
        }
        let amount = payment.amount_minor;
        paid = Some(count(&txn, payment, amount, true, now).await?);
    }
    let mut resolved: bank_transfers::ActiveModel = transfer.into();
    resolved.status = Set(TransferStatus::Resolved);
    resolved.resolved_at = Set(Some(now));
    resolved.resolved_by = Set(Some(staff.id));
    let resolved = resolved.update(&txn).await?;
    let details = json!({ "resolution": format!("{resolution:?}").to_uppercase(), "reference": resolved.reference });
    audit::record(
        app,
        &txn,
        viewer,
        "bank_transfer.resolve",
        Subject { kind: "bank_transfer", id: &resolved.id.to_string() },
        details,
    )
    .await?;
    txn.commit().await?;
    Ok((resolved, paid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_carry_iso_11649_check_digits() {
        // The standard's own example.
        assert!(valid_reference("RF18 5390 0754 7034"));
        assert!(!valid_reference("RF19 5390 0754 7034"));
        for _ in 0..100 {
            let reference = new_reference();
            assert!(valid_reference(&reference), "{reference}");
            assert!(reference.len() <= 25);
        }
    }
}
