//! Periodic tasks of a cluster: each runs on the one instance holding its lease, once per period.
//! The period is claimed in the database before the work starts, so even a holder that lost its
//! lease mid-run (a long pause) and a successor never run the same period twice.

use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use entity::periodic_runs;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
use tokio_util::sync::CancellationToken;

use super::lease::Lease;

/// Periods kept in `periodic_runs` per task (older rows are deleted as new ones come).
const KEPT_PERIODS: i64 = 10_000;

/// The period `now_seconds` falls in for a task run every `interval`.
pub fn period_of(now_seconds: i64, interval: Duration) -> i64 {
    now_seconds.div_euclid(i64::try_from(interval.as_secs().max(1)).unwrap_or(i64::MAX))
}

/// Claims `period` of `task` for `instance`: false when it was already claimed.
pub async fn claim(db: &DatabaseConnection, task: &str, period: i64, instance: &str) -> Result<bool, DbErr> {
    let row = periodic_runs::ActiveModel {
        task: Set(task.to_owned()),
        period: Set(period),
        instance: Set(instance.to_owned()),
        started_at: Set(Utc::now()),
    };
    let key = [periodic_runs::Column::Task, periodic_runs::Column::Period];
    let claimed = periodic_runs::Entity::insert(row)
        .on_conflict(OnConflict::columns(key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?
        > 0;
    if claimed && period % 100 == 0 {
        periodic_runs::Entity::delete_many()
            .filter(periodic_runs::Column::Task.eq(task))
            .filter(periodic_runs::Column::Period.lt(period - KEPT_PERIODS))
            .exec(db)
            .await?;
    }
    Ok(claimed)
}

/// Runs `work` once in every period of `interval` while `lease` is held, until `stop`.
pub async fn run<F, Fut>(
    db: DatabaseConnection,
    lease: Lease,
    instance: String,
    interval: Duration,
    stop: CancellationToken,
    work: F,
) where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    let interval = interval.max(Duration::from_secs(1));
    let mut last_claimed = None;
    loop {
        let period = period_of(Utc::now().timestamp(), interval);
        if lease.is_held() && last_claimed != Some(period) {
            match claim(&db, lease.name(), period, &instance).await {
                Ok(claimed) => {
                    last_claimed = Some(period);
                    if claimed {
                        work().await;
                    }
                }
                Err(err) => tracing::warn!(task = lease.name(), error = %err, "could not claim a period"),
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(until_next_period(interval)) => {}
        }
    }
}

/// [`run`] for work that may fail: a failed period is logged under the lease's task name, and the
/// next period tries again.
pub async fn run_logged<F, Fut, T, E>(
    db: DatabaseConnection,
    lease: Lease,
    instance: String,
    interval: Duration,
    stop: CancellationToken,
    work: F,
) where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Debug,
{
    let task = lease.name().to_owned();
    run(db, lease, instance, interval, stop, move || {
        let (done, task) = (work(), task.clone());
        async move {
            if let Err(err) = done.await {
                tracing::warn!(task, error = ?err, "a periodic task failed; trying again next period");
            }
        }
    })
    .await;
}

/// The wait until the next period starts (a lease taken in between is acted on then).
fn until_next_period(interval: Duration) -> Duration {
    let now = Utc::now();
    let millis = now.timestamp_millis().rem_euclid(i64::try_from(interval.as_millis()).unwrap_or(i64::MAX));
    let left = interval.saturating_sub(Duration::from_millis(u64::try_from(millis).unwrap_or(0)));
    // A lease taken over mid-period does not wait for the next one to see whether this one ran.
    left.min(Duration::from_secs(1)).max(Duration::from_millis(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_whole_intervals_since_the_epoch() {
        assert_eq!(period_of(119, Duration::from_secs(60)), 1);
        assert_eq!(period_of(120, Duration::from_secs(60)), 2);
        assert_eq!(period_of(5, Duration::from_secs(0)), 5, "a zero interval counts as one second");
    }
}
