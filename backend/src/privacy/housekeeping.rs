//! Data rights' periodic work, on one instance at a time (lease `data-rights`): exports still
//! waiting are built (one an instance stopped on), lapsed ones deleted, due erasures carried out,
//! and lapsed sign-ins through the identity provider deleted with the claims they kept.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{erasure, export};
use crate::accounts::identities;
use crate::app::{App, AppState};
use crate::error::ApiResult;
use crate::platform::lease::Lease;
use crate::platform::periodic;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Done {
    /// Exports built.
    pub built: usize,
    /// Exports whose document was deleted.
    pub purged: u64,
    /// Accounts erased.
    pub erased: usize,
    /// Lapsed sign-ins through the identity provider deleted.
    pub sign_ins_purged: u64,
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

/// One run.
pub async fn tick(app: &App) -> ApiResult<Done> {
    let built = export::build_pending(app).await?;
    let purged = export::purge_expired(app).await?;
    let erased = erasure::carry_out_due(app).await?;
    let sign_ins_purged = identities::purge_lapsed_sign_ins(app).await?;
    Ok(Done { built, purged, erased, sign_ins_purged })
}
