//! Payment webhooks: a verified settlement result is applied once to its payment, then to what the
//! payment was for — a sale or an activation.

use crate::activation;
use crate::app::App;
use crate::error::ApiError;
use crate::integrations::payments::{GatewayEvent, WebhookRejected};
use crate::orders;
use crate::payments::transfers::Received;
use crate::payments::{self, service::Settlement, service::SettlementError};
use crate::platform::db::begin_write;
use crate::platform::inbox::{first_delivery, wall_clock_now};
use crate::platform::outbox::Outbox;
use crate::settlement::transfers;

/// Why a payment webhook was not applied.
#[derive(Debug, thiserror::Error)]
pub enum PaymentWebhookError {
    /// Forged, stale or missing signature, or an unreadable event: 4xx, nothing changes.
    #[error(transparent)]
    Rejected(#[from] WebhookRejected),
    /// The capture this settlement follows, or the answer to its charge, is not recorded yet (the
    /// webhook overtook it): 409, the gateway retries.
    #[error("the payment's capture is not recorded yet; retry")]
    NotReady,
    /// A failure on our side: 500, the gateway retries.
    #[error("internal error: {}", .0.message())]
    Internal(ApiError),
}

impl From<ApiError> for PaymentWebhookError {
    fn from(err: ApiError) -> Self {
        Self::Internal(err)
    }
}

impl From<sea_orm::DbErr> for PaymentWebhookError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.into())
    }
}

/// Verifies and applies a payment webhook: settlement or its failure, each event once.
#[tracing::instrument(skip(app, payload, signature))]
pub async fn apply_webhook(app: &App, payload: &str, signature: &str) -> Result<(), PaymentWebhookError> {
    let verified = payments::service::verify_webhook(app, payload, signature, wall_clock_now())?;
    let (provider_ref, settled, reason) = match &verified.event {
        GatewayEvent::Settled { provider_ref } => (provider_ref, true, String::new()),
        GatewayEvent::SettlementFailed { provider_ref, reason } => (provider_ref, false, reason.clone()),
        GatewayEvent::TransferReceived { reference, amount_minor, currency, sender } => {
            let received = Received {
                event_id: verified.event_id.clone(),
                reference: reference.clone(),
                amount_minor: *amount_minor,
                currency: currency.clone(),
                sender: sender.clone(),
            };
            return transfers::received(app, &received).await.map_err(PaymentWebhookError::Internal);
        }
        GatewayEvent::Ignored(kind) => {
            tracing::debug!(%kind, "payment event ignored");
            return Ok(());
        }
    };
    let payment_id = verified.payment_id.as_deref().and_then(|id| uuid::Uuid::parse_str(id).ok());
    apply_settlement(app, provider_ref, payment_id, Some(&verified.event_id), settled, &reason).await
}

/// Applies a payment's settlement (or its failure) once: to the payment, then to what it was for.
/// `payment_id` is ours, when the event names it (see [`record_settlement`]). `event_id` is the
/// webhook's, each applied once; a reconciliation from the gateway's own state has none and relies
/// on the payment's status alone.
///
/// [`record_settlement`]: payments::service::record_settlement
pub async fn apply_settlement(
    app: &App,
    provider_ref: &str,
    payment_id: Option<uuid::Uuid>,
    event_id: Option<&str>,
    settled: bool,
    reason: &str,
) -> Result<(), PaymentWebhookError> {
    let txn = begin_write(&app.db).await?;
    let recorded =
        payments::service::record_settlement(&txn, provider_ref, payment_id, settled, reason, app.clock.now()).await;
    let updated = match recorded {
        Ok(Settlement::Unknown) => return Ok(()),
        Ok(Settlement::Unchanged) => None,
        Ok(Settlement::Moved(updated)) => Some(*updated),
        Err(SettlementError::NotReady) => return Err(PaymentWebhookError::NotReady),
        Err(SettlementError::Internal(err)) => return Err(PaymentWebhookError::Internal(err)),
    };
    // Recorded only once the payment could take it: an event that came too early is retried.
    if let Some(event_id) = event_id
        && !first_delivery(&txn, "payments", event_id, app.clock.now()).await?
    {
        return Ok(());
    }
    let Some(updated) = updated else {
        txn.commit().await?;
        return Ok(());
    };
    let mut outbox = Outbox::new();
    let register = orders::payments::order_settled(app, &txn, &mut outbox, &updated, settled, reason).await?;
    activation::billing::settled(app, &txn, &mut outbox, &updated, settled, reason).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    if let Some(order) = register
        && let Err(err) = orders::lifecycle::register_vehicle(app, order).await
    {
        // Recorded on the order and told to the dealership; they can retry the registration.
        tracing::warn!(error = ?err, "registration after the final payment failed");
    }
    Ok(())
}
