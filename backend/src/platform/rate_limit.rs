//! Rate limits held in the database: a sliding window over fixed one-minute windows, so that the
//! limit holds across server instances and restarts.
//!
//! A charge adds its units to the current window's counter in one statement (an upsert that
//! returns the new count, atomic on SQLite and PostgreSQL), then weighs the previous window by the
//! part of it that still overlaps the sliding minute — the estimate Cloudflare and Redis cells use.
//! A refused charge is taken back, so a client that keeps trying past its limit does not extend it.

use chrono::{DateTime, Utc};
use entity::rate_limit_windows;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

/// The length of a window, in seconds.
pub const WINDOW_SECONDS: i64 = 60;

/// A limit: at most `per_minute` units in any sliding minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The units allowed per minute.
    pub per_minute: u32,
}

/// A charge was refused: the seconds after which the same charge would be let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverLimit {
    /// Seconds to wait, at least 1.
    pub retry_after_seconds: u64,
}

/// Charges `units` to `bucket` under `limit` at `now`; refused (and not counted) when the sliding
/// minute would then hold more than the limit.
pub async fn charge(
    db: &impl ConnectionTrait,
    bucket: &str,
    units: u32,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Result<(), OverLimit>, DbErr> {
    let (window_start, elapsed) = window_of(now);
    let current = add(db, bucket, window_start, i64::from(units)).await?;
    let previous = rate_limit_windows::Entity::find_by_id((bucket.to_owned(), window_start - WINDOW_SECONDS))
        .one(db)
        .await?
        .map_or(0, |window| window.hits);
    let verdict = judge(previous, current, elapsed, limit);
    if verdict.is_err() {
        add(db, bucket, window_start, -i64::from(units)).await?;
    }
    if current == i64::from(units) {
        // The first charge of a window: the bucket's windows before the previous one are of no use.
        rate_limit_windows::Entity::delete_many()
            .filter(rate_limit_windows::Column::Bucket.eq(bucket))
            .filter(rate_limit_windows::Column::WindowStart.lt(window_start - WINDOW_SECONDS))
            .exec(db)
            .await?;
    }
    Ok(verdict)
}

/// Forgets every window that can no longer count, of every bucket (clients that never came back).
pub async fn forget_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let (window_start, _) = window_of(now);
    let deleted = rate_limit_windows::Entity::delete_many()
        .filter(rate_limit_windows::Column::WindowStart.lt(window_start - WINDOW_SECONDS))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// The start of the window `now` falls in, and the seconds since then.
fn window_of(now: DateTime<Utc>) -> (i64, f64) {
    let seconds = now.timestamp();
    let start = seconds - seconds.rem_euclid(WINDOW_SECONDS);
    let elapsed = (seconds - start) as f64 + f64::from(now.timestamp_subsec_millis()) / 1000.0;
    (start, elapsed)
}

/// Adds `units` to the window's counter and returns its new value.
async fn add(db: &impl ConnectionTrait, bucket: &str, window_start: i64, units: i64) -> Result<i64, DbErr> {
    let row = rate_limit_windows::ActiveModel {
        bucket: Set(bucket.to_owned()),
        window_start: Set(window_start),
        hits: Set(std::cmp::max(units, 0)),
    };
    let hits = Expr::col((rate_limit_windows::Entity, rate_limit_windows::Column::Hits)).add(units);
    let key = [rate_limit_windows::Column::Bucket, rate_limit_windows::Column::WindowStart];
    let stored = rate_limit_windows::Entity::insert(row)
        .on_conflict(OnConflict::columns(key).value(rate_limit_windows::Column::Hits, hits).to_owned())
        .exec_with_returning(db)
        .await?;
    Ok(stored.hits)
}

/// Whether `current` units in this window and `previous` in the last one are within `limit`,
/// `elapsed` seconds into this window.
fn judge(previous: i64, current: i64, elapsed: f64, limit: Limit) -> Result<(), OverLimit> {
    let window = WINDOW_SECONDS as f64;
    let weight = (window - elapsed) / window;
    let estimate = previous as f64 * weight + current as f64;
    let allowed = f64::from(limit.per_minute);
    if estimate <= allowed {
        return Ok(());
    }
    // The previous window's share fades linearly; this window's counts until it ends.
    let until_window_end = window - elapsed;
    let wait = if previous > 0 && current as f64 <= allowed {
        ((estimate - allowed) / previous as f64 * window).min(until_window_end)
    } else {
        until_window_end
    };
    Err(OverLimit { retry_after_seconds: std::cmp::max(wait.ceil() as u64, 1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN: Limit = Limit { per_minute: 10 };

    #[test]
    fn the_current_window_counts_in_full() {
        assert_eq!(judge(0, 10, 5.0, TEN), Ok(()));
        assert_eq!(judge(0, 11, 5.0, TEN), Err(OverLimit { retry_after_seconds: 55 }));
    }

    #[test]
    fn the_previous_window_fades_as_the_minute_slides() {
        // Ten in the last window, a quarter of the way into this one: 7.5 of them still count.
        assert_eq!(judge(10, 2, 15.0, TEN), Ok(()));
        let refused = judge(10, 3, 15.0, TEN).expect_err("10.5 > 10");
        // Half a unit must fade: 3 seconds of the previous window's 10 per 60.
        assert_eq!(refused, OverLimit { retry_after_seconds: 3 });
        assert_eq!(judge(10, 9, 59.9, TEN), Ok(()));
    }

    #[test]
    fn windows_start_on_the_minute() {
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:42.500Z").expect("time").to_utc();
        let (start, elapsed) = window_of(now);
        assert_eq!(start % 60, 0);
        assert_eq!(now.timestamp() - start, 42);
        assert!((elapsed - 42.5).abs() < 1e-9);
    }
}
