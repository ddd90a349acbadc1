//! Brute-force protection for sign-in: failed attempts are counted per identifier and per client
//! address in a sliding window; past the limit, attempts are refused until the window has passed.
//!
//! Failures are kept in the database so that every server instance sees the same count.

use chrono::{DateTime, Duration, Utc};
use entity::login_failures;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::app::App;
use crate::auth::AuthError;

fn window(app: &App) -> Duration {
    Duration::seconds(i64::from(app.config.login_window_secs))
}

/// Refuses the attempt when `identifier` or `client_ip` has failed too often recently.
pub async fn ensure_allowed(app: &App, identifier: &str, client_ip: &str) -> Result<(), AuthError> {
    let now = app.clock.now();
    let since = now - window(app);
    let checks = [
        (login_failures::Column::Identifier, identifier, app.config.login_max_failures),
        (login_failures::Column::ClientIp, client_ip, app.config.login_max_failures_per_ip),
    ];
    for (column, value, limit) in checks {
        if let Some(oldest) = oldest_failure_over_limit(app, column, value, limit, since).await? {
            let retry_after = (oldest + window(app) - now).num_seconds().max(1);
            return Err(AuthError::Locked { retry_after_seconds: retry_after.unsigned_abs() });
        }
    }
    Ok(())
}

/// When `limit` or more failures match since `since`, the time of the one that must age out first.
async fn oldest_failure_over_limit(
    app: &App,
    column: login_failures::Column,
    value: &str,
    limit: u32,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AuthError> {
    let recent: Vec<DateTime<Utc>> = login_failures::Entity::find()
        .select_only()
        .column(login_failures::Column::FailedAt)
        .filter(column.eq(value))
        .filter(login_failures::Column::FailedAt.gt(since))
        .order_by_desc(login_failures::Column::FailedAt)
        .limit(u64::from(limit))
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(if recent.len() >= limit as usize { recent.last().copied() } else { None })
}

/// Records a failed attempt and forgets failures older than the window.
pub async fn record_failure(app: &App, identifier: &str, client_ip: &str) -> Result<(), AuthError> {
    let now = app.clock.now();
    login_failures::ActiveModel {
        id: Set(Uuid::now_v7()),
        identifier: Set(identifier.to_owned()),
        client_ip: Set(client_ip.to_owned()),
        failed_at: Set(now),
    }
    .insert(&app.db)
    .await?;
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::FailedAt.lt(now - window(app)))
        .exec(&app.db)
        .await?;
    Ok(())
}

/// Forgets the failures of `identifier` after a successful sign-in.
pub async fn clear(app: &App, identifier: &str) -> Result<(), AuthError> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Identifier.eq(identifier))
        .exec(&app.db)
        .await?;
    Ok(())
}
