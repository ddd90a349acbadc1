//! Brute-force protection for sign-in: attempts are counted per identifier and per client address
//! in a sliding window; past the limit, attempts are refused until the window has passed.
//!
//! An attempt is written *before* its password is checked and then counted together with every
//! other attempt of the window, so concurrent guesses (a JSON batch, parallel requests, several
//! server instances) each see one another: at most the limit of them get to the password check. A
//! failed attempt stays as the failure; a successful one clears the identifier's count. The rows
//! are in the database so that every instance sees the same count.

use chrono::{DateTime, Duration, Utc};
use entity::login_failures;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::app::App;
use crate::auth::AuthError;

fn window(app: &App) -> Duration {
    Duration::seconds(i64::from(app.config.login_window_secs))
}

/// Counts an attempt of `identifier` from `client_ip`, and refuses it when it is past the limit of
/// either. An attempt that is let through stays counted until [`clear`] (a success) or the window
/// forgets it; a refused one is withdrawn, so a locked account's lock does not grow with the
/// attacker's requests.
pub async fn admit_attempt(app: &App, identifier: &str, client_ip: &str) -> Result<(), AuthError> {
    let now = app.clock.now();
    let attempt = Uuid::now_v7();
    login_failures::ActiveModel {
        id: Set(attempt),
        identifier: Set(identifier.to_owned()),
        client_ip: Set(client_ip.to_owned()),
        failed_at: Set(now),
    }
    .insert(&app.db)
    .await?;
    match over_limit(app, identifier, client_ip, now).await {
        Ok(None) => Ok(()),
        Ok(Some(retry_after_seconds)) => {
            login_failures::Entity::delete_by_id(attempt).exec(&app.db).await?;
            Err(AuthError::Locked { retry_after_seconds })
        }
        Err(err) => {
            login_failures::Entity::delete_by_id(attempt).exec(&app.db).await?;
            Err(err)
        }
    }
}

/// When `identifier` or `client_ip` has more attempts in the window than allowed, the seconds until
/// the one that must age out first has.
async fn over_limit(
    app: &App,
    identifier: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Result<Option<u64>, AuthError> {
    let since = now - window(app);
    let checks = [
        (login_failures::Column::Identifier, identifier, app.config.login_max_failures),
        (login_failures::Column::ClientIp, client_ip, app.config.login_max_failures_per_ip),
    ];
    for (column, value, limit) in checks {
        // The attempt just written is one of these: over the limit means more than `limit`.
        let recent: Vec<DateTime<Utc>> = login_failures::Entity::find()
            .select_only()
            .column(login_failures::Column::FailedAt)
            .filter(column.eq(value))
            .filter(login_failures::Column::FailedAt.gt(since))
            .order_by_desc(login_failures::Column::FailedAt)
            .limit(u64::from(limit) + 1)
            .into_tuple()
            .all(&app.db)
            .await?;
        if recent.len() > limit as usize {
            // Without this attempt, `limit` remain; the next is let through when the oldest of them
            // (the last one read) has left the window.
            let oldest = recent[limit as usize];
            let retry_after = (oldest + window(app) - now).num_seconds().max(1);
            return Ok(Some(retry_after.unsigned_abs()));
        }
    }
    Ok(None)
}

/// Forgets attempts older than the window; the admitted attempt stays as the failure.
pub async fn forget_expired(app: &App) -> Result<(), AuthError> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::FailedAt.lt(app.clock.now() - window(app)))
        .exec(&app.db)
        .await?;
    Ok(())
}

/// Forgets the attempts of `identifier` after a successful sign-in.
pub async fn clear(app: &App, identifier: &str) -> Result<(), AuthError> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Identifier.eq(identifier))
        .exec(&app.db)
        .await?;
    Ok(())
}
