//! When a vehicle's next service is due, and where its maintenance stands. One rule for every
//! reader: the vehicle's own status, the service reminders and the VSS that gates features.

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};

/// A service is "due" this many days before its date…
pub const DUE_SOON_DAYS: i64 = 30;
/// …or this many kilometres before its mileage.
pub const DUE_SOON_KM: i32 = 1_000;

/// Where a vehicle's maintenance stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MaintenanceState {
    /// Nothing due soon.
    UpToDate,
    /// Due within 30 days or 1,000 km.
    Due,
    /// Past its due date or mileage.
    Overdue,
}

/// A model's service interval: whichever of the two comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceInterval {
    /// Months between services.
    pub months: u32,
    /// Kilometres between services.
    pub km: i32,
}

impl ServiceInterval {
    /// The interval of a model row's columns (a year and 15,000 km when a column is nonsense).
    pub fn new(months: i32, km: i32) -> Self {
        Self {
            months: u32::try_from(months).ok().filter(|m| *m > 0).unwrap_or(12),
            km: if km > 0 { km } else { 15_000 },
        }
    }

    /// The next service after one done at `at` with `mileage_km` on the odometer (or, for a new
    /// car, after it was made with 0 km).
    pub fn next_after(self, at: DateTime<Utc>, mileage_km: i32) -> (DateTime<Utc>, i32) {
        let due_at = at.checked_add_months(Months::new(self.months)).unwrap_or(at);
        (due_at, mileage_km.saturating_add(self.km))
    }
}

/// The state for a service due at `due_at` or `due_km`, seen at `now` with `mileage_km`.
pub fn classify(
    due_at: Option<DateTime<Utc>>,
    due_km: Option<i32>,
    mileage_km: i32,
    now: DateTime<Utc>,
) -> MaintenanceState {
    let overdue = due_at.is_some_and(|at| at <= now) || due_km.is_some_and(|km| mileage_km >= km);
    let soon = due_at.is_some_and(|at| at <= now + Duration::days(DUE_SOON_DAYS))
        || due_km.is_some_and(|km| mileage_km.saturating_add(DUE_SOON_KM) >= km);
    if overdue {
        MaintenanceState::Overdue
    } else if soon {
        MaintenanceState::Due
    } else {
        MaintenanceState::UpToDate
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2031, 3, day, 12, 0, 0).single().expect("date")
    }

    #[test]
    fn classifies_by_date_and_mileage_whichever_comes_first() {
        let now = at(1);
        let later = now + Duration::days(200);
        assert_eq!(classify(Some(later), Some(50_000), 10_000, now), MaintenanceState::UpToDate);
        assert_eq!(classify(Some(now + Duration::days(10)), Some(50_000), 10_000, now), MaintenanceState::Due);
        assert_eq!(classify(Some(later), Some(10_500), 10_000, now), MaintenanceState::Due);
        assert_eq!(classify(Some(now - Duration::days(1)), Some(50_000), 10_000, now), MaintenanceState::Overdue);
        assert_eq!(classify(Some(later), Some(9_000), 10_000, now), MaintenanceState::Overdue);
        assert_eq!(classify(None, None, 10_000, now), MaintenanceState::UpToDate);
    }

    #[test]
    fn the_next_service_is_an_interval_after_the_last() {
        let interval = ServiceInterval::new(12, 15_000);
        assert_eq!(interval.next_after(at(5), 8_200), (Utc.with_ymd_and_hms(2032, 3, 5, 12, 0, 0).unwrap(), 23_200));
        assert_eq!(ServiceInterval::new(0, -3), ServiceInterval { months: 12, km: 15_000 });
    }
}
