//! Prepaid vouchers: an admin makes a batch for one region and value (codes shown once, stored
//! hashed), shops and partners sell the codes, a customer redeems one as credit. A code is 16
//! characters of an alphabet without look-alikes, the last a Luhn mod 32 check character, so a
//! mistyped code is told apart from an unknown one. A code is credited once: the voucher row is
//! claimed with a conditional update and the credit ledger is unique per voucher, so a second
//! redemption — another device, the offline queue replaying it, a race — adds nothing.

use chrono::{DateTime, Utc};
use entity::{Role, regions, users, voucher_batches, vouchers};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::credit;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::idempotency;
use crate::platform::db::begin_write;

/// The characters of a code: no 0/O or 1/I — they are read off a receipt and typed on a phone.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters of a code, the check character included.
const CODE_CHARS: usize = 16;
/// The most codes one batch makes.
pub const MAX_BATCH: i32 = 1_000;

fn alphabet() -> &'static [u8] {
    ALPHABET
}

fn value_of(symbol: u8) -> Option<usize> {
    alphabet().iter().position(|&candidate| candidate == symbol)
}

/// The Luhn mod N check character of `body` (Wikipedia's "Luhn mod N algorithm").
fn check_character(body: &[u8]) -> Option<u8> {
    let n = alphabet().len();
    let mut factor = 2;
    let mut sum = 0;
    for &symbol in body.iter().rev() {
        let addend = factor * value_of(symbol)?;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / n + addend % n;
    }
    Some(alphabet()[(n - sum % n) % n])
}

/// A code as typed (any case, spaces and dashes), in its stored form; `None` when it cannot be a
/// code (wrong length, a character outside the alphabet, a wrong check character).
pub fn normalise(typed: &str) -> Option<String> {
    let code: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    let bytes = code.as_bytes();
    if bytes.len() != CODE_CHARS {
        return None;
    }
    let (body, check) = bytes.split_at(CODE_CHARS - 1);
    (check_character(body)? == check[0]).then_some(code)
}

/// A new random code, e.g. `7KQM-2XHA-9RTD-PC4W`.
fn new_code() -> String {
    let mut rng = rand::rng();
    let body: Vec<u8> = (0..CODE_CHARS - 1).map(|_| alphabet()[rng.random_range(0..alphabet().len())]).collect();
    let check = check_character(&body).unwrap_or(b'2');
    let mut code = String::from_utf8(body).unwrap_or_default();
    code.push(char::from(check));
    grouped(&code)
}

fn grouped(code: &str) -> String {
    code.as_bytes().chunks(4).map(|group| String::from_utf8_lossy(group).into_owned()).collect::<Vec<_>>().join("-")
}

fn hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.as_bytes()))
}

/// A batch as the admin asks for it.
#[derive(Clone, Debug)]
pub struct BatchDraft {
    /// The region (code) the vouchers are sold and redeemed in.
    pub region_code: String,
    /// Each voucher's value, in the region's currency's minor units.
    pub value_minor: i64,
    /// How many codes.
    pub quantity: i32,
    /// When the codes stop being redeemable.
    pub expires_at: DateTime<Utc>,
    /// What the batch is for (a partner, a shop, a campaign).
    pub label: String,
}

/// Makes a batch of vouchers (ADMIN, audited); the codes are returned once and stored hashed.
pub async fn create_batch(
    app: &App,
    viewer: &Viewer,
    draft: BatchDraft,
) -> ApiResult<(voucher_batches::Model, Vec<String>)> {
    let admin = viewer.user_with_role(&[Role::Admin])?;
    let region = regions::Entity::find()
        .filter(regions::Column::Code.eq(draft.region_code.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("region"))?;
    if !(1..=1_000_000).contains(&draft.value_minor) {
        return Err(ApiError::bad_input("valueMinor", "a voucher is worth between 1 and 1000000 minor units"));
    }
    if !(1..=MAX_BATCH).contains(&draft.quantity) {
        return Err(ApiError::bad_input("quantity", "a batch has 1 to 1000 vouchers"));
    }
    let now = app.clock.now();
    if draft.expires_at <= now {
        return Err(ApiError::bad_input("expiresAt", "the vouchers must expire in the future"));
    }
    let label = draft.label.trim().to_owned();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(ApiError::bad_input("label", "a batch needs a label of 1 to 100 characters"));
    }
    let txn = begin_write(&app.db).await?;
    let batch = voucher_batches::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(region.id),
        label: Set(label),
        value_minor: Set(draft.value_minor),
        currency: Set(region.currency.clone()),
        quantity: Set(draft.quantity),
        expires_at: Set(draft.expires_at),
        created_by: Set(admin.id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let codes: Vec<String> = (0..draft.quantity).map(|_| new_code()).collect();
    let rows = codes.iter().map(|code| {
        let stored = normalise(code).unwrap_or_default();
        vouchers::ActiveModel {
            id: Set(Uuid::now_v7()),
            batch_id: Set(batch.id),
            code_hint: Set(stored[CODE_CHARS - 4..].to_owned()),
            code_hash: Set(hash(&stored)),
            value_minor: Set(batch.value_minor),
            currency: Set(batch.currency.clone()),
            region_id: Set(region.id),
            expires_at: Set(batch.expires_at),
            redeemed_by: Set(None),
            redeemed_at: Set(None),
        }
    });
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(200) {
        vouchers::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    let details = json!({ "region": region.code, "valueMinor": batch.value_minor, "quantity": batch.quantity, "label": batch.label });
    audit::record(
        app,
        &txn,
        viewer,
        "voucher_batch.create",
        Subject { kind: "voucher_batch", id: &batch.id.to_string() },
        details,
    )
    .await?;
    txn.commit().await?;
    Ok((batch, codes))
}

/// Every batch, newest first, with how many of its codes were redeemed.
pub async fn batches(app: &App) -> ApiResult<Vec<(voucher_batches::Model, u64)>> {
    let batches = voucher_batches::Entity::find().order_by_desc(voucher_batches::Column::Id).all(&app.db).await?;
    let redeemed: Vec<(Uuid, i64)> = vouchers::Entity::find()
        .select_only()
        .column(vouchers::Column::BatchId)
        .column_as(vouchers::Column::Id.count(), "redeemed")
        .filter(vouchers::Column::RedeemedAt.is_not_null())
        .group_by(vouchers::Column::BatchId)
        .into_tuple()
        .all(&app.db)
        .await?;
    let redeemed: std::collections::HashMap<Uuid, i64> = redeemed.into_iter().collect();
    Ok(batches
        .into_iter()
        .map(|batch| {
            let count = redeemed.get(&batch.id).copied().unwrap_or_default();
            (batch, u64::try_from(count).unwrap_or_default())
        })
        .collect())
}

/// A redeemed voucher.
#[derive(Clone, Debug)]
pub struct Redemption {
    /// The voucher.
    pub voucher: vouchers::Model,
    /// The customer's credit in the voucher's currency afterwards.
    pub balance_minor: i64,
    /// `false` when this customer had redeemed the code before (nothing was added now).
    pub newly_redeemed: bool,
}

/// Redeems `code` as the signed-in customer's credit. The same customer redeeming it again (a
/// retry, another device, the offline queue) gets the same answer and no second credit; another
/// customer is refused.
pub async fn redeem(app: &App, viewer: &Viewer, code: &str, idempotency_key: &str) -> ApiResult<Redemption> {
    let customer = viewer.user_with_role(&[Role::Customer])?;
    idempotency::parse_key(idempotency_key)?;
    let stored = normalise(code).ok_or_else(|| {
        ApiError::bad_input("code", "this is not a voucher code: check the 16 characters (letters and digits)")
    })?;
    let voucher = vouchers::Entity::find()
        .filter(vouchers::Column::CodeHash.eq(hash(&stored)))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("voucher"))?;
    if let Some(by) = voucher.redeemed_by {
        return redeemed_before(app, customer.id, by, voucher).await;
    }
    let now = app.clock.now();
    if voucher.expires_at <= now {
        return Err(ApiError::Refused { reason: "VOUCHER_EXPIRED", message: "this voucher has expired".into() });
    }
    let user = users::Entity::find_by_id(customer.id).one(&app.db).await?.ok_or(ApiError::NotFound("customer"))?;
    if user.region_id != voucher.region_id {
        return Err(ApiError::Refused {
            reason: "VOUCHER_OTHER_REGION",
            message: "this voucher is sold for another region".into(),
        });
    }
    let txn = begin_write(&app.db).await?;
    let claimed = vouchers::Entity::update_many()
        .col_expr(vouchers::Column::RedeemedBy, Expr::value(customer.id))
        .col_expr(vouchers::Column::RedeemedAt, Expr::value(now))
        .filter(vouchers::Column::Id.eq(voucher.id))
        .filter(vouchers::Column::RedeemedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 || !credit::add_voucher(&txn, customer.id, &voucher, now).await? {
        // Another request claimed it first: its answer is this one's.
        drop(txn);
        let current =
            vouchers::Entity::find_by_id(voucher.id).one(&app.db).await?.ok_or(ApiError::NotFound("voucher"))?;
        let by = current.redeemed_by.unwrap_or_default();
        return redeemed_before(app, customer.id, by, current).await;
    }
    let details =
        json!({ "voucher": voucher.code_hint, "valueMinor": voucher.value_minor, "currency": voucher.currency });
    audit::record(
        app,
        &txn,
        viewer,
        "voucher.redeem",
        Subject { kind: "voucher", id: &voucher.id.to_string() },
        details,
    )
    .await?;
    txn.commit().await?;
    let balance_minor = credit::balance(&app.db, customer.id, &voucher.currency).await?;
    Ok(Redemption { voucher, balance_minor, newly_redeemed: true })
}

async fn redeemed_before(app: &App, customer: Uuid, by: Uuid, voucher: vouchers::Model) -> ApiResult<Redemption> {
    if by != customer {
        return Err(ApiError::Refused { reason: "VOUCHER_USED", message: "this voucher was already redeemed".into() });
    }
    let balance_minor = credit::balance(&app.db, customer, &voucher.currency).await?;
    Ok(Redemption { voucher, balance_minor, newly_redeemed: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_code_passes_its_check_and_a_changed_character_does_not() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(code.len(), CODE_CHARS + 3, "{code}");
            let stored = normalise(&code).expect("valid");
            assert_eq!(normalise(&code.to_lowercase().replace('-', " ")), Some(stored.clone()));
            let mut typo = stored.clone().into_bytes();
            typo[3] = if typo[3] == b'A' { b'B' } else { b'A' };
            assert_eq!(normalise(&String::from_utf8(typo).expect("ascii")), None, "{code}");
            let mut swapped = stored.clone().into_bytes();
            // Luhn mod N tells every swap of neighbours but that of the first and last symbol of
            // the alphabet (its one blind spot, like 09/90 in Luhn's base 10).
            let blind = [b'2', b'Z'];
            if swapped[5] != swapped[6] && !(blind.contains(&swapped[5]) && blind.contains(&swapped[6])) {
                swapped.swap(5, 6);
                assert_eq!(normalise(&String::from_utf8(swapped).expect("ascii")), None, "{code}");
            }
        }
    }

    #[test]
    fn codes_of_the_wrong_length_or_alphabet_are_not_codes() {
        assert_eq!(normalise(""), None);
        assert_eq!(normalise("ABCD-EFGH"), None);
        assert_eq!(normalise("0000-0000-0000-0000"), None, "0 is not in the alphabet");
    }
}
