//! Reminders, driven by the `Clock`: an e-mail a day before a booking and a note in the app an hour
//! before; the owner told when the car's service falls due and again when it is overdue — by date
//! or by mileage, once each per due date. Each reminder is claimed in the database before it is
//! sent, so a reminder goes out once however many instances run (the periodic task runs on one).

use chrono::{DateTime, Duration, Utc};
use entity::{NotificationChannel, bookings, service_reminders, vehicles};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::bookings::OPEN;
use super::notices;
use crate::app::{App, AppState};
use crate::billing::wording::date;
use crate::domain::maintenance::{DUE_SOON_DAYS, DUE_SOON_KM, MaintenanceState, classify};
use crate::error::ApiResult;
use crate::i18n::in_every_language;
use crate::notifications::service::{APP_AND_EMAIL, notify};
use crate::platform::db::begin_write;
use crate::platform::lease::Lease;
use crate::platform::outbox::Outbox;
use crate::platform::periodic;

/// What one run sent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// E-mails a day before a booking.
    pub day_before: usize,
    /// In-app notes an hour before a booking.
    pub hour_before: usize,
    /// Service reminders to owners.
    pub service: usize,
}

/// Runs the reminders every `CAAS_SCHEDULER_INTERVAL` seconds while this instance holds `lease`.
pub async fn run(app: AppState, lease: Lease, stop: CancellationToken) {
    let interval = std::time::Duration::from_secs(app.config.scheduler_interval_secs);
    let (db, instance) = (app.db.clone(), app.instance.clone());
    periodic::run_logged(db, lease, instance, interval, stop, move || {
        let app = app.clone();
        async move { tick(&app).await }
    })
    .await;
}

/// One run: every reminder that is due now and was not sent yet.
pub async fn tick(app: &App) -> ApiResult<Sent> {
    Ok(Sent {
        day_before: remind_bookings(app, Reminder::DayBefore).await?,
        hour_before: remind_bookings(app, Reminder::HourBefore).await?,
        service: remind_services(app).await?,
    })
}

#[derive(Clone, Copy)]
enum Reminder {
    DayBefore,
    HourBefore,
}

impl Reminder {
    fn ahead(self) -> Duration {
        match self {
            Self::DayBefore => Duration::hours(24),
            Self::HourBefore => Duration::hours(1),
        }
    }

    fn column(self) -> bookings::Column {
        match self {
            Self::DayBefore => bookings::Column::ReminderDaySentAt,
            Self::HourBefore => bookings::Column::ReminderHourSentAt,
        }
    }

    fn message(self) -> (&'static str, &'static [NotificationChannel]) {
        match self {
            Self::DayBefore => ("booking.reminder_day", &[NotificationChannel::Email]),
            Self::HourBefore => ("booking.reminder_hour", &[NotificationChannel::InApp]),
        }
    }
}

/// Bookings still open that start within the reminder's time ahead and were not reminded yet. One
/// made (or moved) later than that got its confirmation just now and needs no reminder.
async fn remind_bookings(app: &App, reminder: Reminder) -> ApiResult<usize> {
    let now = app.clock.now();
    let due = bookings::Entity::find()
        .filter(bookings::Column::Status.is_in(OPEN))
        .filter(bookings::Column::StartsAt.gt(now))
        .filter(bookings::Column::StartsAt.lte(now + reminder.ahead()))
        .filter(reminder.column().is_null())
        .all(&app.db)
        .await?;
    let mut sent = 0;
    for booking in due {
        // Walk-ins without an account are called by the workshop, not reminded by us.
        let needed = booking.customer_id.is_some() && booking.updated_at <= booking.starts_at - reminder.ahead();
        let txn = begin_write(&app.db).await?;
        if !claim(&txn, &booking, reminder, now).await? || !needed {
            txn.commit().await?;
            continue;
        }
        let mut outbox = Outbox::new();
        let (template, channels) = reminder.message();
        notices::tell_booking_customer(app, &txn, &mut outbox, &booking, template, channels).await?;
        outbox.commit(txn, app.events.as_ref()).await?;
        sent += 1;
    }
    Ok(sent)
}

/// Marks the reminder of `booking` sent inside the caller's transaction, if no one did and the
/// booking is still open: the reminder goes out with the mark, or neither does.
async fn claim(
    db: &impl ConnectionTrait,
    booking: &bookings::Model,
    reminder: Reminder,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let claimed = bookings::Entity::update_many()
        .col_expr(reminder.column(), Expr::value(now))
        .filter(bookings::Column::Id.eq(booking.id))
        .filter(bookings::Column::Status.is_in(OPEN))
        .filter(reminder.column().is_null())
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Owners of cars whose service is due soon or overdue, by date or mileage, not yet told of this
/// stage for the current due date.
async fn remind_services(app: &App) -> ApiResult<usize> {
    let now = app.clock.now();
    let soon = Condition::any()
        .add(vehicles::Column::ServiceDueAt.lte(now + Duration::days(DUE_SOON_DAYS)))
        .add(Expr::col(vehicles::Column::ServiceDueKm).lte(Expr::col(vehicles::Column::MileageKm).add(DUE_SOON_KM)));
    let cars = vehicles::Entity::find()
        .filter(vehicles::Column::OwnerId.is_not_null())
        .filter(vehicles::Column::ServiceDueAt.is_not_null())
        .filter(soon)
        .filter(Expr::cust(
            "NOT EXISTS (SELECT 1 FROM service_reminders r WHERE r.vehicle_id = vehicles.id \
             AND r.due_at = vehicles.service_due_at AND r.stage = 'OVERDUE')",
        ))
        .all(&app.db)
        .await?;
    let mut sent = 0;
    for car in cars {
        let (Some(owner), Some(due_at)) = (car.owner_id, car.service_due_at) else { continue };
        let state = classify(car.service_due_at, car.service_due_km, car.mileage_km, now);
        let stage = match state {
            MaintenanceState::Overdue => "OVERDUE",
            MaintenanceState::Due => "DUE",
            MaintenanceState::UpToDate => continue,
        };
        let txn = begin_write(&app.db).await?;
        if !claim_service(&txn, car.id, due_at, stage, now).await? {
            continue;
        }
        let mut outbox = Outbox::new();
        let payload = json!({
            "vin": car.vin,
            "plate": car.plate.clone().unwrap_or_default(),
            "dueDate": in_every_language(|locale| date(locale, due_at)),
            "dueKm": car.service_due_km.unwrap_or_default(),
            "mileageKm": car.mileage_km,
        });
        let template = if stage == "OVERDUE" { "maintenance.overdue" } else { "maintenance.due" };
        notify(app, &txn, &mut outbox, owner, template, payload, APP_AND_EMAIL).await?;
        outbox.commit(txn, app.events.as_ref()).await?;
        sent += 1;
    }
    Ok(sent)
}

async fn claim_service(
    db: &impl ConnectionTrait,
    vehicle_id: uuid::Uuid,
    due_at: DateTime<Utc>,
    stage: &str,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let row = service_reminders::ActiveModel {
        vehicle_id: Set(vehicle_id),
        due_at: Set(due_at),
        stage: Set(stage.to_owned()),
        sent_at: Set(now),
    };
    let key =
        [service_reminders::Column::VehicleId, service_reminders::Column::DueAt, service_reminders::Column::Stage];
    let inserted = service_reminders::Entity::insert(row)
        .on_conflict(OnConflict::columns(key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}
