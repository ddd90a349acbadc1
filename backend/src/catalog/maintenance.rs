//! The maintenance gate as the catalog shows it. Every catalog view of a car with a
//! maintenance-linked feature needs the VSS's answer for that car, a call to another system; the
//! answer is kept for a minute and for as long as our records of the car's maintenance (the due
//! date, the due mileage and the mileage) stay the same, so a new service record or a new reading
//! asks again at once, on every instance. A purchase always asks the VSS afresh
//! (`activation::purchase::check_maintenance`): what is kept only decides what the list shows.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use entity::vehicles;
use lru::LruCache;
use uuid::Uuid;

use crate::app::App;
use crate::integrations::vss::{MaintenanceStatus, VssUnavailable};

/// How long an answer is shown without asking again.
const KEEP_FOR: Duration = Duration::seconds(60);
/// Cars whose answers are kept (the most recently viewed).
const CARS: usize = 10_000;

/// What our side knows of a car's maintenance: when it changes, the kept answer is stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Record {
    due_at: Option<DateTime<Utc>>,
    due_km: Option<i32>,
    mileage_km: i32,
}

impl Record {
    fn of(car: &vehicles::Model) -> Self {
        Self { due_at: car.service_due_at, due_km: car.service_due_km, mileage_km: car.mileage_km }
    }
}

struct Kept {
    record: Record,
    asked_at: DateTime<Utc>,
    status: MaintenanceStatus,
}

/// The VSS's recent answers, by car.
pub struct RecentMaintenance {
    kept: Mutex<LruCache<Uuid, Kept>>,
}

impl Default for RecentMaintenance {
    fn default() -> Self {
        Self { kept: Mutex::new(LruCache::new(NonZeroUsize::new(CARS).unwrap_or(NonZeroUsize::MIN))) }
    }
}

impl RecentMaintenance {
    /// The VSS's answer for `car`: kept from a moment ago, or asked now (a failure is not kept).
    pub async fn status(&self, app: &App, car: &vehicles::Model) -> Result<MaintenanceStatus, VssUnavailable> {
        let (record, now) = (Record::of(car), app.clock.now());
        if let Some(status) = self.fresh(car.id, record, now) {
            return Ok(status);
        }
        let status = app.integrations.vss.status(&car.vin).await?;
        let kept = Kept { record, asked_at: now, status: status.clone() };
        self.kept.lock().unwrap_or_else(PoisonError::into_inner).put(car.id, kept);
        Ok(status)
    }

    fn fresh(&self, car: Uuid, record: Record, now: DateTime<Utc>) -> Option<MaintenanceStatus> {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = kept.get(&car)?;
        // A clock set back (tests travel in time) makes an answer stale as well.
        let age = now - entry.asked_at;
        (entry.record == record && age >= Duration::zero() && age < KEEP_FOR).then(|| entry.status.clone())
    }
}
