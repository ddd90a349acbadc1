//! The payment service: opening a payment, asking the gateway (authorise, charge, capture, void,
//! refund, look up) under idempotency keys, and recording what it answered. The gateway's answers
//! become a `PaymentStatus` in one place (`status_of`), and the gateway trait is used nowhere else.

use chrono::{DateTime, Utc};
use entity::{PaymentKind, PaymentMethodKind, PaymentStatus, payments};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::{cards, credit, transfers};
use crate::app::App;
use crate::billing::invoices;
use crate::error::{ApiError, ApiResult};
use crate::i18n::failures::FailureCode;
use crate::integrations::payments::{
    CaptureMode, ChargeRequest, GatewayError, GatewayPayment, GatewayStatus, PAYMENT_ID_METADATA, VerifiedEvent,
    WebhookRejected,
};

/// Failure reasons are kept short: they are shown to people and stored in a bounded column.
const REASON_CHARS: usize = 300;

fn short(reason: &str) -> String {
    reason.chars().take(REASON_CHARS).collect()
}

/// A payment to open, PENDING until the gateway is asked.
#[derive(Clone, Debug)]
pub struct NewPayment {
    /// What it is for.
    pub kind: PaymentKind,
    /// Gross amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code of the price.
    pub currency: String,
    /// Who pays.
    pub payer_id: Uuid,
    /// The sale it belongs to.
    pub order_id: Option<Uuid>,
    /// The activation it belongs to.
    pub activation_id: Option<Uuid>,
    /// Unique: the same key is the same payment.
    pub idempotency_key: String,
    /// The payment method to charge (a card terminal's token or a saved method's id).
    pub payment_method: Option<String>,
    /// How it is paid.
    pub method: PaymentMethodKind,
}

impl NewPayment {
    /// A card payment (a card terminal's token, or a saved card's id).
    #[allow(clippy::too_many_arguments)]
    pub fn card(
        kind: PaymentKind,
        amount_minor: i64,
        currency: String,
        payer_id: Uuid,
        idempotency_key: String,
        payment_method: Option<String>,
    ) -> Self {
        Self {
            kind,
            amount_minor,
            currency,
            payer_id,
            order_id: None,
            activation_id: None,
            idempotency_key,
            payment_method,
            method: PaymentMethodKind::Card,
        }
    }
}

/// Inserts a PENDING payment; the unique idempotency key refuses a second one for the same key. A
/// bank transfer gets its unique reference.
pub async fn open(db: &impl ConnectionTrait, now: DateTime<Utc>, new: NewPayment) -> Result<payments::Model, DbErr> {
    let reference = (new.method == PaymentMethodKind::BankTransfer).then(transfers::new_reference);
    let method = new.method;
    payments::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(new.kind),
        status: Set(PaymentStatus::Pending),
        amount_minor: Set(new.amount_minor),
        currency: Set(new.currency),
        payer_id: Set(new.payer_id),
        order_id: Set(new.order_id),
        activation_id: Set(new.activation_id),
        provider_ref: Set(None),
        idempotency_key: Set(new.idempotency_key),
        failure_reason: Set(None),
        failure_code: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        captured_at: Set(None),
        settled_at: Set(None),
        payment_method: Set(new.payment_method),
        method: Set(method),
        transfer_reference: Set(reference),
        received_minor: Set(0),
    }
    .insert(db)
    .await
}

/// Opens a payment as [`open`] does; paid from credit, the credit is taken in the same
/// transaction and the payment is SETTLED at once, and credit that does not cover it is refused.
pub async fn open_paid(db: &impl ConnectionTrait, now: DateTime<Utc>, new: NewPayment) -> ApiResult<payments::Model> {
    let payment = open(db, now, new).await?;
    if payment.method != PaymentMethodKind::Credit {
        return Ok(payment);
    }
    if !credit::take(db, &payment, now).await? {
        return Err(ApiError::Refused {
            reason: "INSUFFICIENT_CREDIT",
            message: "your credit does not cover this purchase".into(),
        });
    }
    let mut paid: payments::ActiveModel = payment.into();
    paid.status = Set(PaymentStatus::Settled);
    paid.captured_at = Set(Some(now));
    paid.settled_at = Set(Some(now));
    Ok(paid.update(db).await?)
}

/// Whether the money of a payment is in before what it pays for happens: credit taken, a bank
/// transfer received.
pub fn paid_in_advance(payment: &payments::Model) -> bool {
    matches!(payment.method, PaymentMethodKind::Credit | PaymentMethodKind::BankTransfer)
        && payment.status == PaymentStatus::Settled
}

/// The payment of an idempotency key, if there is one.
pub async fn by_key(db: &impl ConnectionTrait, key: &str) -> Result<Option<payments::Model>, DbErr> {
    payments::Entity::find().filter(payments::Column::IdempotencyKey.eq(key)).one(db).await
}

/// What a payment is at the gateway, in our terms: the one mapping of gateway states.
pub fn status_of(status: &GatewayStatus) -> PaymentStatus {
    match status {
        GatewayStatus::Authorized => PaymentStatus::Authorized,
        // Captured: the money is taken; its settlement is reported later.
        GatewayStatus::Processing => PaymentStatus::Captured,
        GatewayStatus::Succeeded => PaymentStatus::Settled,
        GatewayStatus::Canceled => PaymentStatus::Voided,
        GatewayStatus::Failed(_) => PaymentStatus::Failed,
    }
}

/// What the gateway answered to a charge, an authorisation or a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// It did what was asked: the payment is now AUTHORIZED (authorise) or CAPTURED (charge, capture).
    Done {
        /// The gateway's payment id.
        provider_ref: String,
    },
    /// It said no: the card declined, or the request was refused; asking again will not help.
    Refused {
        /// The gateway's payment id, when it created one.
        provider_ref: Option<String>,
        /// Why, for the people concerned.
        reason: String,
    },
    /// It could not be reached: nothing is known, the same request (same key) is sent again later.
    Unavailable(String),
}

/// Reads a gateway result against the state that was asked for (`wanted`); money taken counts as
/// captured whether or not it already settled.
fn answer(result: Result<GatewayPayment, GatewayError>, wanted: PaymentStatus) -> Answer {
    match result {
        Ok(payment) => {
            let reached = match status_of(&payment.status) {
                PaymentStatus::Settled => PaymentStatus::Captured,
                other => other,
            };
            if reached == wanted {
                return Answer::Done { provider_ref: payment.provider_ref };
            }
            let reason = match payment.status {
                GatewayStatus::Failed(reason) => reason,
                status => format!("the gateway answered {status:?}"),
            };
            Answer::Refused { provider_ref: Some(payment.provider_ref), reason }
        }
        Err(GatewayError::Unavailable(message)) => Answer::Unavailable(message),
        Err(GatewayError::Declined(reason) | GatewayError::Invalid(reason)) => {
            Answer::Refused { provider_ref: None, reason }
        }
    }
}

/// The gateway request of a payment; a saved card goes with its gateway customer.
async fn charge_request(
    app: &App,
    payment: &payments::Model,
    description: String,
    metadata: Vec<(String, String)>,
) -> Result<ChargeRequest, DbErr> {
    let customer = cards::customer_for(&app.db, payment.payer_id, payment.payment_method.as_deref()).await?;
    let mut metadata = metadata;
    metadata.insert(0, (PAYMENT_ID_METADATA.into(), payment.id.to_string()));
    Ok(ChargeRequest {
        amount_minor: payment.amount_minor,
        currency: payment.currency.clone(),
        payment_method: payment.payment_method.clone().unwrap_or_default(),
        customer,
        // The payment's id: a retry after a crash reaches the gateway as the same request.
        idempotency_key: payment.id.to_string(),
        description,
        metadata,
    })
}

/// Charges a payment at once (authorise and capture), e.g. a car payment or a subscription period.
pub async fn charge(
    app: &App,
    payment: &payments::Model,
    description: String,
    metadata: Vec<(String, String)>,
) -> ApiResult<Answer> {
    let request = charge_request(app, payment, description, metadata).await?;
    Ok(answer(app.integrations.payments.create(&request, CaptureMode::Immediate).await, PaymentStatus::Captured))
}

/// Authorises a payment, to be captured or voided later (a feature is charged once it is on). A
/// SEPA mandate is the authorisation already: nothing is held at the gateway, the debit is taken
/// at capture.
pub async fn authorise(app: &App, payment: &payments::Model, description: String) -> ApiResult<Answer> {
    if payment.method != PaymentMethodKind::Card {
        return Ok(Answer::Done { provider_ref: String::new() });
    }
    let request = charge_request(app, payment, description, Vec::new()).await?;
    Ok(answer(app.integrations.payments.create(&request, CaptureMode::Manual).await, PaymentStatus::Authorized))
}

/// Captures an authorised payment (once, whatever the retries): a card's authorisation is
/// captured, a SEPA debit is taken under the mandate (the payment's id is the gateway key, so a
/// retry takes it once); money already in (credit, a transfer) needs nothing.
pub async fn capture(app: &App, payment: &payments::Model) -> ApiResult<Answer> {
    match payment.method {
        PaymentMethodKind::Card => {
            let provider_ref = payment.provider_ref.clone().unwrap_or_default();
            let result = app.integrations.payments.capture(&provider_ref, &format!("capture-{}", payment.id)).await;
            Ok(answer(result, PaymentStatus::Captured))
        }
        PaymentMethodKind::SepaDebit => charge(app, payment, "CaaS feature".into(), Vec::new()).await,
        PaymentMethodKind::Credit | PaymentMethodKind::BankTransfer => {
            Ok(Answer::Done { provider_ref: payment.provider_ref.clone().unwrap_or_default() })
        }
    }
}

/// Tries of a refund the gateway could not answer, a short wait apart: a double click reaches it as
/// two requests with one key, and the second is told to wait for the first.
const REFUND_TRIES: u32 = 5;

/// Refunds `amount_minor` of a captured payment (all of it with `None`) under `key`.
pub async fn refund(app: &App, payment: &payments::Model, amount_minor: Option<i64>, key: &str) -> ApiResult<()> {
    let provider_ref =
        payment.provider_ref.as_deref().ok_or_else(|| ApiError::Conflict("the payment was never charged".into()))?;
    let mut tries = 0;
    loop {
        tries += 1;
        match app.integrations.payments.refund(provider_ref, amount_minor, key).await {
            Ok(_) => return Ok(()),
            Err(GatewayError::Unavailable(_)) if tries < REFUND_TRIES => {
                tokio::time::sleep(std::time::Duration::from_millis(100 * u64::from(tries))).await;
            }
            Err(GatewayError::Unavailable(message)) => return Err(ApiError::Unavailable(message)),
            Err(refused) => return Err(ApiError::Conflict(refused.to_string())),
        }
    }
}

/// Where a payment stands at the gateway now, mapped to our status with the gateway's reason.
pub async fn look_up(app: &App, provider_ref: &str) -> Result<(PaymentStatus, Option<String>), GatewayError> {
    let state = app.integrations.payments.retrieve(provider_ref).await?;
    let reason = match &state.status {
        GatewayStatus::Failed(reason) => Some(reason.clone()),
        _ => None,
    };
    Ok((status_of(&state.status), reason))
}

/// Checks a payment webhook's signature (at Unix time `now`) and reads it.
pub fn verify_webhook(app: &App, payload: &str, signature: &str, now: i64) -> Result<VerifiedEvent, WebhookRejected> {
    app.integrations.payments.verify_webhook(payload, signature, now)
}

/// Records an answer on a payment still PENDING (its charge or authorisation). A worker that
/// stalled past its lease finds it moved on by another and leaves it alone; answers the payment as
/// it is now. An unavailable gateway changes nothing.
pub async fn record_answer(
    db: &impl ConnectionTrait,
    payment: &payments::Model,
    answer: &Answer,
    reached: PaymentStatus,
    now: DateTime<Utc>,
) -> ApiResult<payments::Model> {
    let mut update = payments::Entity::update_many()
        .col_expr(payments::Column::UpdatedAt, Expr::value(now))
        .filter(payments::Column::Id.eq(payment.id))
        .filter(payments::Column::Status.eq(PaymentStatus::Pending));
    update = match answer {
        Answer::Done { provider_ref } => {
            let update = update.col_expr(payments::Column::Status, Expr::value(reached));
            // A SEPA debit is authorised by its mandate: no gateway payment exists yet.
            let update = if provider_ref.is_empty() {
                update
            } else {
                update.col_expr(payments::Column::ProviderRef, Expr::value(provider_ref.clone()))
            };
            if reached == PaymentStatus::Captured {
                update.col_expr(payments::Column::CapturedAt, Expr::value(now))
            } else {
                update
            }
        }
        Answer::Refused { provider_ref, reason } => {
            let update = update
                .col_expr(payments::Column::Status, Expr::value(PaymentStatus::Failed))
                .col_expr(payments::Column::FailureReason, Expr::value(short(reason)))
                .col_expr(payments::Column::FailureCode, Expr::value(FailureCode::of_payment(reason).as_str()));
            match provider_ref {
                Some(provider_ref) => update.col_expr(payments::Column::ProviderRef, Expr::value(provider_ref.clone())),
                None => update,
            }
        }
        Answer::Unavailable(_) => return Ok(payment.clone()),
    };
    // The updated row comes back with the update; none when another worker moved it on first.
    if let Some(recorded) = update.exec_with_returning(db).await?.into_iter().next() {
        return Ok(recorded);
    }
    payments::Entity::find_by_id(payment.id).one(db).await?.ok_or(ApiError::NotFound("payment"))
}

/// Records the capture of an authorised payment, with the gateway's id of the charge when the
/// capture made one (a SEPA debit).
pub async fn mark_captured(
    db: &impl ConnectionTrait,
    payment: &payments::Model,
    provider_ref: &str,
    now: DateTime<Utc>,
) -> Result<payments::Model, DbErr> {
    let mut captured: payments::ActiveModel = payment.clone().into();
    captured.status = Set(PaymentStatus::Captured);
    captured.captured_at = Set(Some(now));
    if !provider_ref.is_empty() {
        captured.provider_ref = Set(Some(provider_ref.to_owned()));
    }
    captured.updated_at = Set(now);
    captured.update(db).await
}

/// Records a payment that failed (a refused capture, a failed settlement).
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    payment: &payments::Model,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<payments::Model, DbErr> {
    let mut failed: payments::ActiveModel = payment.clone().into();
    failed.status = Set(PaymentStatus::Failed);
    failed.failure_reason = Set(Some(short(reason)));
    failed.failure_code = Set(Some(FailureCode::of_payment(reason).as_str().to_owned()));
    failed.updated_at = Set(now);
    failed.update(db).await
}

/// Records a refund: in full the payment is REFUNDED; either way a credit note answers its invoice.
pub async fn record_refund(
    app: &App,
    db: &impl ConnectionTrait,
    payment: &payments::Model,
    amount_minor: i64,
) -> ApiResult<payments::Model> {
    let mut refunded: payments::ActiveModel = payment.clone().into();
    if amount_minor == payment.amount_minor {
        refunded.status = Set(PaymentStatus::Refunded);
    }
    refunded.updated_at = Set(app.clock.now());
    let refunded = refunded.update(db).await?;
    invoices::credit_note(app, db, &refunded, amount_minor).await?;
    Ok(refunded)
}

/// Releases a payment that must not be kept — voids an authorisation, refunds a capture (with its
/// credit note) — and records it. An unavailable gateway is returned, to try again later.
pub async fn release(app: &App, payment: &payments::Model) -> ApiResult<Result<(), GatewayError>> {
    if let Some(done) = release_without_gateway(app, payment).await? {
        return Ok(Ok(done));
    }
    let released = match (payment.status, payment.provider_ref.as_deref()) {
        (PaymentStatus::Pending, None) => PaymentStatus::Voided,
        (PaymentStatus::Pending | PaymentStatus::Authorized, Some(reference)) => {
            match app.integrations.payments.void(reference, &format!("void-{}", payment.id)).await {
                Ok(voided) if voided.status == GatewayStatus::Canceled => PaymentStatus::Voided,
                // Refused (or answered oddly): what the gateway holds decides, never our memory.
                Ok(_) | Err(GatewayError::Invalid(_) | GatewayError::Declined(_)) => {
                    match reconcile_release(app, payment, reference).await {
                        Ok(released) => released,
                        Err(err) => return Ok(Err(err)),
                    }
                }
                Err(unavailable) => return Ok(Err(unavailable)),
            }
        }
        (PaymentStatus::Captured | PaymentStatus::Settled, Some(reference)) => {
            match refund_all(app, payment, reference).await {
                Ok(released) => released,
                Err(err) => return Ok(Err(err)),
            }
        }
        _ => return Ok(Ok(())),
    };
    let txn = crate::platform::db::begin_write(&app.db).await?;
    if released == PaymentStatus::Refunded {
        record_refund(app, &txn, payment, payment.amount_minor).await?;
    } else {
        let mut voided: payments::ActiveModel = payment.clone().into();
        voided.status = Set(released);
        voided.updated_at = Set(app.clock.now());
        voided.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// Releases what the gateway holds nothing of: money taken from credit, or a transfer received,
/// goes back to the customer's credit; a SEPA debit not yet taken, or a transfer not yet
/// received, is simply voided. `None` for what the gateway must release (a card, a SEPA debit
/// taken).
async fn release_without_gateway(app: &App, payment: &payments::Model) -> ApiResult<Option<()>> {
    let held_by_us = matches!(payment.method, PaymentMethodKind::Credit | PaymentMethodKind::BankTransfer);
    let sepa_not_taken = payment.method == PaymentMethodKind::SepaDebit
        && matches!(payment.status, PaymentStatus::Pending | PaymentStatus::Authorized);
    if !held_by_us && !sepa_not_taken {
        return Ok(None);
    }
    if matches!(payment.status, PaymentStatus::Voided | PaymentStatus::Refunded | PaymentStatus::Failed) {
        return Ok(Some(()));
    }
    let now = app.clock.now();
    let txn = crate::platform::db::begin_write(&app.db).await?;
    if held_by_us && payment.status == PaymentStatus::Settled {
        credit::give_back(&txn, payment, now).await?;
    } else if held_by_us && payment.received_minor > 0 {
        // Part of a transfer arrived before the purchase was given up.
        let part = payments::Model { amount_minor: payment.received_minor, ..payment.clone() };
        credit::give_back(&txn, &part, now).await?;
    }
    let mut voided: payments::ActiveModel = payment.clone().into();
    voided.status = Set(PaymentStatus::Voided);
    voided.updated_at = Set(now);
    voided.update(&txn).await?;
    txn.commit().await?;
    Ok(Some(()))
}

/// A void the gateway refused: the intent is read back and released by what it really is — already
/// cancelled (voided), captured after all (refunded), or still open (tried again later).
async fn reconcile_release(
    app: &App,
    payment: &payments::Model,
    reference: &str,
) -> Result<PaymentStatus, GatewayError> {
    match look_up(app, reference).await?.0 {
        PaymentStatus::Voided | PaymentStatus::Failed => Ok(PaymentStatus::Voided),
        PaymentStatus::Captured | PaymentStatus::Settled | PaymentStatus::Refunded => {
            refund_all(app, payment, reference).await
        }
        PaymentStatus::Authorized | PaymentStatus::Pending => {
            Err(GatewayError::Unavailable("the authorisation is still open".into()))
        }
    }
}

/// Refunds the whole of a captured charge.
async fn refund_all(app: &App, payment: &payments::Model, reference: &str) -> Result<PaymentStatus, GatewayError> {
    app.integrations.payments.refund(reference, None, &format!("refund-{}", payment.id)).await?;
    Ok(PaymentStatus::Refunded)
}

/// Why a settlement could not be recorded yet.
#[derive(Debug)]
pub enum SettlementError {
    /// The capture it follows is not recorded yet (the webhook overtook it).
    NotReady,
    /// A failure on our side.
    Internal(ApiError),
}

impl From<DbErr> for SettlementError {
    fn from(err: DbErr) -> Self {
        Self::Internal(err.into())
    }
}

/// What a settlement result did to a payment.
#[derive(Debug)]
pub enum Settlement {
    /// No payment has this gateway id.
    Unknown,
    /// The payment had already moved on (settled, failed, voided or refunded): nothing changes.
    Unchanged,
    /// The captured payment is now SETTLED or FAILED.
    Moved(Box<payments::Model>),
}

/// Records a settlement result on the payment of `provider_ref`, inside `txn`, which holds its row
/// locked until it ends. `payment_id` is ours, from the event's metadata, when it names one.
pub async fn record_settlement(
    txn: &impl ConnectionTrait,
    provider_ref: &str,
    payment_id: Option<Uuid>,
    settled: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Settlement, SettlementError> {
    // Locked until the transaction ends (PostgreSQL; SQLite's write transaction already excludes
    // other writers): a refund or capture racing this event cannot be overwritten by its outcome.
    // Found by the gateway's id or by ours in one locked read: a charge whose answer is being
    // recorded right now is waited for and read as recorded, where a second read after a miss by
    // the gateway's id could see it recorded in between and take the event for someone else's.
    let mut ours_or_theirs = Condition::any().add(payments::Column::ProviderRef.eq(provider_ref));
    if let Some(id) = payment_id {
        ours_or_theirs = ours_or_theirs.add(payments::Column::Id.eq(id));
    }
    let mut found = payments::Entity::find().filter(ours_or_theirs).lock_exclusive().all(txn).await?;
    let by_reference = found.iter().position(|payment| payment.provider_ref.as_deref() == Some(provider_ref));
    let payment = match by_reference {
        Some(index) => found.swap_remove(index),
        // The event names our payment, whose charge was answered before the answer (the gateway's
        // id) was recorded: it must wait for it too.
        None if found.iter().any(|ours| ours.provider_ref.is_none()) => return Err(SettlementError::NotReady),
        None => {
            tracing::warn!(%provider_ref, "a payment event for an unknown payment");
            return Ok(Settlement::Unknown);
        }
    };
    // The settlement of a charge whose capture we have not recorded yet must wait for it.
    if matches!(payment.status, PaymentStatus::Pending | PaymentStatus::Authorized) {
        return Err(SettlementError::NotReady);
    }
    // Only a charge still waiting for its settlement moves.
    if payment.status != PaymentStatus::Captured {
        return Ok(Settlement::Unchanged);
    }
    if !settled {
        return Ok(Settlement::Moved(Box::new(mark_failed(txn, &payment, reason, now).await?)));
    }
    let mut updated: payments::ActiveModel = payment.into();
    updated.status = Set(PaymentStatus::Settled);
    updated.settled_at = Set(Some(now));
    updated.updated_at = Set(now);
    Ok(Settlement::Moved(Box::new(updated.update(txn).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_gateway(status: GatewayStatus) -> Result<GatewayPayment, GatewayError> {
        Ok(GatewayPayment { provider_ref: "pi_1".into(), status })
    }

    #[test]
    fn an_answer_is_done_only_in_the_state_asked_for() {
        let done = Answer::Done { provider_ref: "pi_1".into() };
        assert_eq!(answer(at_gateway(GatewayStatus::Authorized), PaymentStatus::Authorized), done);
        assert_eq!(answer(at_gateway(GatewayStatus::Processing), PaymentStatus::Captured), done);
        assert_eq!(answer(at_gateway(GatewayStatus::Succeeded), PaymentStatus::Captured), done);
        let captured_instead = answer(at_gateway(GatewayStatus::Processing), PaymentStatus::Authorized);
        assert!(matches!(captured_instead, Answer::Refused { provider_ref: Some(_), .. }));
        let declined = answer(at_gateway(GatewayStatus::Failed("card_declined".into())), PaymentStatus::Captured);
        assert_eq!(declined, Answer::Refused { provider_ref: Some("pi_1".into()), reason: "card_declined".into() });
    }

    #[test]
    fn errors_are_refusals_except_an_unreachable_gateway() {
        let down = answer(Err(GatewayError::Unavailable("timeout".into())), PaymentStatus::Captured);
        assert_eq!(down, Answer::Unavailable("timeout".into()));
        let declined = answer(Err(GatewayError::Declined("insufficient_funds".into())), PaymentStatus::Authorized);
        assert_eq!(declined, Answer::Refused { provider_ref: None, reason: "insufficient_funds".into() });
        let invalid = answer(Err(GatewayError::Invalid("no payment method".into())), PaymentStatus::Authorized);
        assert!(matches!(invalid, Answer::Refused { provider_ref: None, .. }));
    }

    #[test]
    fn gateway_states_map_to_payment_statuses() {
        assert_eq!(status_of(&GatewayStatus::Authorized), PaymentStatus::Authorized);
        assert_eq!(status_of(&GatewayStatus::Processing), PaymentStatus::Captured);
        assert_eq!(status_of(&GatewayStatus::Succeeded), PaymentStatus::Settled);
        assert_eq!(status_of(&GatewayStatus::Canceled), PaymentStatus::Voided);
        assert_eq!(status_of(&GatewayStatus::Failed("x".into())), PaymentStatus::Failed);
    }
}
