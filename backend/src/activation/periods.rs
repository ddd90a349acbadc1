//! The calendar of activations: when a duration ends, how a month is prorated, how a duration
//! reads on an invoice line.

use chrono::{DateTime, Datelike, Duration, Months, TimeZone, Utc};
use entity::DurationKind;

/// The first instant of the month after `at`.
pub fn next_month_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let (year, month) = if at.month() == 12 { (at.year() + 1, 1) } else { (at.year(), at.month() + 1) };
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single().unwrap_or(at)
}

/// When an activation starting at `start` ends (or its first period ends).
pub fn first_end(kind: DurationKind, days: i32, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match kind {
        DurationKind::Permanent => None,
        DurationKind::FixedDays | DurationKind::Trial => Some(start + Duration::days(i64::from(days))),
        DurationKind::Annual => start.checked_add_months(Months::new(12)),
        DurationKind::Monthly => Some(next_month_start(start)),
    }
}

/// Days of `[from, to)`, a started day counting whole.
pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let seconds = (to - from).num_seconds().max(0);
    (seconds + 86_399) / 86_400
}

/// Days in the month of `at`.
pub fn days_in_month(at: DateTime<Utc>) -> i64 {
    let next = next_month_start(at);
    let first = next - Duration::days(1);
    i64::from(first.day())
}

/// The net amount for `days` of a month of `days_in_month` days at `monthly_net`, rounded half up.
pub fn prorated(monthly_net: i64, days: i64, days_in_month: i64) -> i64 {
    let days = days.clamp(0, days_in_month.max(1));
    (monthly_net * days * 2 + days_in_month) / (2 * days_in_month.max(1))
}
