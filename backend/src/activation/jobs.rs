//! Durable OTA jobs: queued in the database, claimed by one worker at a time with a lease that the
//! worker renews while it works, and reclaimed by another when the lease runs out (the worker
//! crashed). On PostgreSQL the claim skips rows another worker has locked (`FOR UPDATE SKIP LOCKED`).

use chrono::{DateTime, Duration, Utc};
use entity::{OtaCommand, OtaJobStatus, ota_jobs};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, Set,
    Statement,
};
use uuid::Uuid;

use crate::app::App;
use crate::config::Config;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;

/// A job for `command` on an activation, due now, not yet stored (bulk inserts build on it too).
pub fn new_job(app: &App, activation_id: Uuid, command: OtaCommand) -> ota_jobs::ActiveModel {
    let now = app.clock.now();
    ota_jobs::ActiveModel {
        id: Set(Uuid::now_v7()),
        activation_id: Set(activation_id),
        command: Set(command),
        status: Set(OtaJobStatus::Queued),
        attempts: Set(0),
        max_attempts: Set(app.config.ota_max_attempts.max(1)),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        lease_expires_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Queues a command for an activation.
pub async fn enqueue(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    activation_id: Uuid,
    command: OtaCommand,
) -> Result<ota_jobs::Model, DbErr> {
    let job = new_job(app, activation_id, command).insert(db).await?;
    outbox.push(DomainEvent::JobQueued);
    Ok(job)
}

/// When a lease taken or renewed now runs out.
fn lease_end(app: &App) -> DateTime<Utc> {
    app.clock.now() + Duration::seconds(i64::try_from(app.config.ota_lease_seconds).unwrap_or(30))
}

/// Claims up to `limit` due jobs (or jobs whose lease has run out) for `worker`, earliest first, in
/// one statement: a worker that takes several at once spends one round trip where it spent one per
/// job.
pub async fn claim(app: &App, worker: &str, limit: usize) -> Result<Vec<ota_jobs::Model>, DbErr> {
    let now = app.clock.now();
    let lease_until = lease_end(app);
    let backend = app.db.get_database_backend();
    let lock = if backend == DbBackend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
    let (a, b, c, d, n) = match backend {
        DbBackend::Postgres => ("$1", "$2", "$3", "$4", "$5"),
        _ => ("?", "?", "?", "?", "?"),
    };
    // Each kind of claimable job is its own ordered probe of the (status, next_attempt_at) index:
    // one `OR` over both made PostgreSQL sort every due job for each claim, which slowed a
    // 100,000-job queue to a crawl. The rows are picked (and locked) once, in the materialised CTE,
    // so the planner cannot run the pick again for each row the update looks at.
    let sql = format!(
        "WITH claimable AS MATERIALIZED (SELECT id FROM ( \
             SELECT id, next_attempt_at FROM (SELECT id, next_attempt_at FROM ota_jobs \
                 WHERE status = 'RUNNING' AND lease_expires_at < {d} ORDER BY next_attempt_at LIMIT {n} {lock}) AS expired \
             UNION ALL \
             SELECT id, next_attempt_at FROM (SELECT id, next_attempt_at FROM ota_jobs \
                 WHERE status = 'QUEUED' AND next_attempt_at <= {d} ORDER BY next_attempt_at LIMIT {n} {lock}) AS due \
         ) AS candidates ORDER BY next_attempt_at LIMIT {n}) \
         UPDATE ota_jobs SET status = 'RUNNING', lease_owner = {a}, lease_expires_at = {b}, updated_at = {c} \
         WHERE id IN (SELECT id FROM claimable) \
         RETURNING *"
    );
    let limit = i64::try_from(limit.max(1)).unwrap_or(1);
    let values: Vec<sea_orm::Value> = if backend == DbBackend::Postgres {
        vec![worker.into(), lease_until.into(), now.into(), now.into(), limit.into()]
    } else {
        // SQLite's `?` are positional: one value per mark, in the order they appear.
        vec![
            now.into(),
            limit.into(),
            now.into(),
            limit.into(),
            limit.into(),
            worker.into(),
            lease_until.into(),
            now.into(),
        ]
    };
    let mut claimed =
        ota_jobs::Model::find_by_statement(Statement::from_sql_and_values(backend, sql, values)).all(&app.db).await?;
    // `RETURNING` gives no order: the earliest due first, as queued.
    claimed.sort_by_key(|job| (job.next_attempt_at, job.id));
    Ok(claimed)
}

/// Starts the next attempt of `worker` at `job`: renews the lease and counts the attempt in one
/// statement. Answers the attempt's number, or `None` when the worker lost the lease to another.
pub async fn start_attempt(app: &App, job: &ota_jobs::Model, worker: &str) -> Result<Option<i32>, DbErr> {
    let until = lease_end(app);
    let attempt = job.attempts + 1;
    let started = ota_jobs::Entity::update_many()
        .col_expr(ota_jobs::Column::LeaseExpiresAt, Expr::value(until))
        .col_expr(ota_jobs::Column::Attempts, Expr::value(attempt))
        .filter(ota_jobs::Column::Id.eq(job.id))
        .filter(ota_jobs::Column::LeaseOwner.eq(worker))
        .filter(ota_jobs::Column::Status.eq(OtaJobStatus::Running))
        .exec(&app.db)
        .await?;
    Ok((started.rows_affected == 1).then_some(attempt))
}

/// Renews the leases of every job `worker` holds every third of the lease time, for as long as it
/// is polled (it never finishes on its own). One statement for the worker's whole batch; a job whose
/// lease another worker took over meanwhile, or that ended, is no longer the worker's and is left
/// alone.
pub async fn keep_leases(app: &App, worker: &str) -> std::convert::Infallible {
    let every = std::time::Duration::from_millis(app.config.ota_lease_seconds.max(1) * 1000 / 3);
    loop {
        tokio::time::sleep(every).await;
        if let Err(err) = renew_leases(app, worker).await {
            tracing::warn!(error = %err, worker, "renewing OTA leases failed; trying again");
        }
    }
}

/// Pushes the leases of the running jobs held by `worker` one lease time ahead.
async fn renew_leases(app: &App, worker: &str) -> Result<u64, DbErr> {
    let until = lease_end(app);
    let renewed = ota_jobs::Entity::update_many()
        .col_expr(ota_jobs::Column::LeaseExpiresAt, Expr::value(until))
        .filter(ota_jobs::Column::LeaseOwner.eq(worker))
        .filter(ota_jobs::Column::Status.eq(OtaJobStatus::Running))
        .exec(&app.db)
        .await?;
    Ok(renewed.rows_affected)
}

/// The wait before attempt `attempt + 1`: the base doubling per attempt up to the maximum, with
/// jitter (between half and all of it) so that retries of many cars do not arrive together.
pub fn backoff(config: &Config, attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.clamp(1, 30) - 1).unwrap_or(0);
    let full = config.ota_backoff_ms.saturating_mul(2_u64.saturating_pow(exponent)).min(config.ota_backoff_max_ms);
    let jittered = if full == 0 { 0 } else { rand::rng().random_range(full / 2..=full) };
    Duration::milliseconds(i64::try_from(jittered).unwrap_or(i64::MAX))
}

/// Ends a job held by `worker` in `status`; false when another worker took it over.
pub async fn finish(
    db: &impl ConnectionTrait,
    job: &ota_jobs::Model,
    worker: &str,
    status: OtaJobStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(finish_all(db, &[job.id], worker, status, error, now).await? == 1)
}

/// Ends the jobs `ids` still held by `worker` in `status`, in one statement; answers how many.
pub async fn finish_all(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    worker: &str,
    status: OtaJobStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut update = ota_jobs::Entity::update_many()
        .col_expr(ota_jobs::Column::Status, Expr::value(status))
        .col_expr(ota_jobs::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(ota_jobs::Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(ota_jobs::Column::UpdatedAt, Expr::value(now));
    if let Some(error) = error {
        update = update.col_expr(ota_jobs::Column::LastError, Expr::value(error.chars().take(300).collect::<String>()));
    }
    let done = update
        .filter(ota_jobs::Column::Id.is_in(ids.iter().copied()))
        .filter(ota_jobs::Column::LeaseOwner.eq(worker))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Puts a job held by `worker` back in the queue until `at`, counting the attempt made.
pub async fn retry_at(
    db: &impl ConnectionTrait,
    job: &ota_jobs::Model,
    worker: &str,
    attempts: i32,
    at: DateTime<Utc>,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = ota_jobs::Entity::update_many()
        .col_expr(ota_jobs::Column::Status, Expr::value(OtaJobStatus::Queued))
        .col_expr(ota_jobs::Column::Attempts, Expr::value(attempts))
        .col_expr(ota_jobs::Column::NextAttemptAt, Expr::value(at))
        .col_expr(ota_jobs::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(ota_jobs::Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(ota_jobs::Column::LastError, Expr::value(error.chars().take(300).collect::<String>()))
        .col_expr(ota_jobs::Column::UpdatedAt, Expr::value(now))
        .filter(ota_jobs::Column::Id.eq(job.id))
        .filter(ota_jobs::Column::LeaseOwner.eq(worker))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Ends the queued jobs of `activation_ids` that no worker has taken (a stopped campaign withdrew
/// them); jobs in a worker's hands finish.
pub async fn withdraw(db: &impl ConnectionTrait, activation_ids: &[Uuid], now: DateTime<Utc>) -> Result<u64, DbErr> {
    if activation_ids.is_empty() {
        return Ok(0);
    }
    let done = ota_jobs::Entity::update_many()
        .col_expr(ota_jobs::Column::Status, Expr::value(OtaJobStatus::Failed))
        .col_expr(ota_jobs::Column::LastError, Expr::value("withdrawn before the command went out"))
        .col_expr(ota_jobs::Column::UpdatedAt, Expr::value(now))
        .filter(ota_jobs::Column::ActivationId.is_in(activation_ids.iter().copied()))
        .filter(ota_jobs::Column::Status.eq(OtaJobStatus::Queued))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn backoff_config(base_ms: u64, max_ms: u64) -> Config {
        let mut config = Config::from_env();
        config.ota_backoff_ms = base_ms;
        config.ota_backoff_max_ms = max_ms;
        config
    }

    #[test]
    fn the_backoff_doubles_per_attempt_within_its_jitter_and_stops_at_the_cap() {
        let config = backoff_config(1_000, 10_000);
        for attempt in 1..=12 {
            let full = (1_000_i64 << (attempt - 1)).min(10_000);
            for _ in 0..200 {
                let wait = backoff(&config, attempt).num_milliseconds();
                assert!(
                    (full / 2..=full).contains(&wait),
                    "attempt {attempt}: {wait} ms outside {}..={full}",
                    full / 2
                );
            }
        }
        // Far past the cap (and past any shift overflow) it stays at the cap.
        assert!(backoff(&config, i32::MAX).num_milliseconds() <= 10_000);
    }

    #[test]
    fn the_backoff_spreads_retries_and_is_zero_when_there_is_none() {
        let config = backoff_config(1_000, 10_000);
        let waits: HashSet<i64> = (0..100).map(|_| backoff(&config, 3).num_milliseconds()).collect();
        assert!(waits.len() > 10, "jitter spreads the retries of many cars: {waits:?}");
        assert_eq!(backoff(&backoff_config(0, 10_000), 5).num_milliseconds(), 0);
    }
}
