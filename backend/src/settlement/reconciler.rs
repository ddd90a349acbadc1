//! Settlements the gateway's webhooks did not report. A webhook can be lost for good (the gateway
//! gave up while we were down, or it came before the capture was recorded and its retries ran out),
//! so captured payments waiting longer than `CAAS_SETTLEMENT_CHECK_SECONDS` are looked up at the
//! gateway and their outcome applied as the webhook would have: no payment stays captured for ever.

use chrono::Duration;
use entity::{PaymentStatus, payments};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio_util::sync::CancellationToken;

use super::webhook::{PaymentWebhookError, apply_settlement};
use crate::app::{App, AppState};
use crate::payments::service::look_up;
use crate::platform::lease::Lease;
use crate::platform::periodic;

/// Payments looked up per run: a backlog is worked off run by run.
const BATCH: u64 = 200;

/// Runs the check every `CAAS_SETTLEMENT_CHECK_SECONDS` while this instance holds its `lease`,
/// until `stop`.
pub async fn run(app: AppState, lease: Lease, stop: CancellationToken) {
    let interval = std::time::Duration::from_secs(app.config.settlement_check_secs);
    let (db, instance) = (app.db.clone(), app.instance.clone());
    periodic::run(db, lease, instance, interval, stop, move || {
        let app = app.clone();
        async move {
            match reconcile(&app).await {
                Ok(0) => {}
                Ok(applied) => tracing::info!(applied, "settlements applied from the gateway's state"),
                Err(err) => tracing::warn!(error = %err, "reconciling settlements failed; trying again next time"),
            }
        }
    })
    .await;
}

/// Looks up captured payments that waited too long for their settlement and applies what the
/// gateway says; answers how many moved.
pub async fn reconcile(app: &App) -> Result<usize, PaymentWebhookError> {
    let waited = Duration::seconds(i64::try_from(app.config.settlement_check_secs).unwrap_or(300));
    let overdue = payments::Entity::find()
        .filter(payments::Column::Status.eq(PaymentStatus::Captured))
        .filter(payments::Column::CapturedAt.lte(app.clock.now() - waited))
        .filter(payments::Column::ProviderRef.is_not_null())
        .order_by_asc(payments::Column::CapturedAt)
        .limit(BATCH)
        .all(&app.db)
        .await?;
    let mut applied = 0;
    for payment in overdue {
        let Some(provider_ref) = payment.provider_ref.as_deref() else { continue };
        let (status, reason) = match look_up(app, provider_ref).await {
            Ok(state) => state,
            Err(err) => {
                tracing::debug!(error = %err, %provider_ref, "the gateway could not be asked; next run");
                continue;
            }
        };
        match status {
            PaymentStatus::Settled => apply_settlement(app, provider_ref, Some(payment.id), None, true, "").await?,
            PaymentStatus::Failed => {
                let reason = reason.unwrap_or_else(|| "the settlement failed".into());
                apply_settlement(app, provider_ref, Some(payment.id), None, false, &reason).await?;
            }
            _ => continue,
        }
        applied += 1;
    }
    Ok(applied)
}
