//! Telemetry's periodic work, on one instance at a time: raw readings older than the kept days
//! become hourly summaries, and cars silent for too long raise their alert.

use std::time::Duration;

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use tokio_util::sync::CancellationToken;

use super::{alerts, store};
use crate::app::{App, AppState};
use crate::error::ApiResult;
use crate::platform::db;
use crate::platform::lease::Lease;
use crate::platform::outbox::Outbox;
use crate::platform::periodic;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Done {
    /// Raw readings summarised into hours and deleted.
    pub downsampled: u64,
    /// Silent alerts opened.
    pub silent: usize,
}

/// Runs every `CAAS_SCHEDULER_INTERVAL` seconds while `lease` is held, until `stop`.
pub async fn run(app: AppState, lease: Lease, stop: CancellationToken) {
    let interval = Duration::from_secs(app.config.scheduler_interval_secs);
    let (db, instance) = (app.db.clone(), app.instance.clone());
    periodic::run_logged(db, lease, instance, interval, stop, move || {
        let app = app.clone();
        async move { tick(&app).await }
    })
    .await;
}

/// The hour before which raw readings are summarised: whole hours older than the days kept.
pub fn downsample_cutoff(now: DateTime<Utc>, raw_days: i64) -> DateTime<Utc> {
    let edge = now - Span::days(raw_days.max(1));
    edge.duration_trunc(Span::hours(1)).unwrap_or(edge)
}

/// One run.
pub async fn tick(app: &App) -> ApiResult<Done> {
    let now = app.clock.now();
    let txn = db::begin_write(&app.db).await?;
    let downsampled = store::downsample_before(&txn, downsample_cutoff(now, app.config.telemetry_raw_days)).await?;
    let mut outbox = Outbox::new();
    let since = now - Span::hours(app.config.telemetry_silent_hours.max(1));
    let silent = alerts::open_silent(app, &txn, &mut outbox, since).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(Done { downsampled, silent })
}
