//! Free slots: when a service of a given duration can start, by the workshop's opening hours (in its
//! own time zone), its closed days, and the resources not yet held by other bookings.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entity::{ResourceKind, resource_bookings, service_types, workshop_closed_days, workshop_hours};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::setup;
use crate::app::App;
use crate::error::{ApiError, ApiResult};

/// How far ahead of now a booking must start: the workshop needs a moment to see it.
pub const LEAD_MINUTES: i64 = 60;
/// The longest range `availableSlots` answers for at once.
pub const MAX_DAYS: i64 = 31;

/// A time a service can start, and what is still free then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// Bays or lifts of the service's kind still free for the whole slot.
    pub free_resources: Vec<Uuid>,
    /// Loan cars still free for the whole slot.
    pub free_loan_cars: Vec<Uuid>,
}

/// What the slots of a range are worked out from.
pub struct Calendar<'a> {
    /// The workshop's time zone.
    pub zone: Tz,
    /// The booking grid in minutes.
    pub step_minutes: i64,
    /// Opening hours per weekday.
    pub hours: &'a [workshop_hours::Model],
    /// Days closed.
    pub closed: &'a [workshop_closed_days::Model],
    /// Active resources that can take the service.
    pub resources: &'a [Uuid],
    /// Active loan cars.
    pub loan_cars: &'a [Uuid],
    /// What other bookings hold.
    pub held: &'a [resource_bookings::Model],
}

impl Calendar<'_> {
    /// Every start on the grid within the opening hours of `day` where a service of `minutes`
    /// fits before closing, as instants (a local time that does not exist on a day the clocks
    /// change is skipped).
    pub fn starts_on(&self, day: NaiveDate, minutes: i64) -> Vec<DateTime<Utc>> {
        if self.closed.iter().any(|closed| closed.day == day) {
            return Vec::new();
        }
        let weekday = i16::try_from(day.weekday().num_days_from_monday()).unwrap_or(0);
        let Some(open) = self.hours.iter().find(|hours| hours.weekday == weekday) else { return Vec::new() };
        let (opens, closes) = (i64::from(open.opens_minute), i64::from(open.closes_minute));
        let step = self.step_minutes.max(5);
        let first = (opens + step - 1) / step * step;
        (0..)
            .map(|n| first + n * step)
            .take_while(|start| start + minutes <= closes)
            .filter_map(|start| local_instant(self.zone, day, start))
            .collect()
    }

    /// The slots of `minutes` on the days `from..=to` that start after `earliest` and have a
    /// resource free (and a loan car, when one is wanted).
    pub fn free_slots(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        minutes: i64,
        earliest: DateTime<Utc>,
        loan_car: bool,
    ) -> Vec<Slot> {
        from.iter_days()
            .take_while(|day| *day <= to)
            .flat_map(|day| self.starts_on(day, minutes))
            .filter(|start| *start >= earliest)
            .filter_map(|starts_at| {
                let ends_at = starts_at + Duration::minutes(minutes);
                let free_resources = self.free(self.resources, starts_at, ends_at);
                let free_loan_cars = self.free(self.loan_cars, starts_at, ends_at);
                let usable = !free_resources.is_empty() && (!loan_car || !free_loan_cars.is_empty());
                usable.then_some(Slot { starts_at, ends_at, free_resources, free_loan_cars })
            })
            .collect()
    }

    /// Whether a service of `minutes` may start at `starts_at` by the hours and closed days.
    pub fn is_start(&self, starts_at: DateTime<Utc>, minutes: i64) -> bool {
        let day = starts_at.with_timezone(&self.zone).date_naive();
        self.starts_on(day, minutes).contains(&starts_at)
    }

    /// Those of `ids` that no booking holds during `[starts_at, ends_at)`.
    pub fn free(&self, ids: &[Uuid], starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Vec<Uuid> {
        ids.iter()
            .copied()
            .filter(|id| {
                !self
                    .held
                    .iter()
                    .any(|held| held.resource_id == *id && held.starts_at < ends_at && held.ends_at > starts_at)
            })
            .collect()
    }
}

fn local_instant(zone: Tz, day: NaiveDate, minute: i64) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(minute * 60).ok()?, 0)?;
    zone.from_local_datetime(&day.and_time(time)).single().map(|local| local.with_timezone(&Utc))
}

/// Everything the slots of `service` at its workshop between `from` and `to` depend on, read in
/// one go: the calendar's parts.
pub struct CalendarData {
    /// The workshop's time zone.
    pub zone: Tz,
    /// Its grid.
    pub step_minutes: i64,
    /// Its hours.
    pub hours: Vec<workshop_hours::Model>,
    /// Its closed days.
    pub closed: Vec<workshop_closed_days::Model>,
    /// Active resources of the service's kind.
    pub resources: Vec<Uuid>,
    /// Active loan cars.
    pub loan_cars: Vec<Uuid>,
    /// What bookings hold in the range.
    pub held: Vec<resource_bookings::Model>,
}

impl CalendarData {
    /// Reads the calendar of `service` between the instants `from` and `until`.
    pub async fn read(
        db: &impl ConnectionTrait,
        service: &service_types::Model,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> ApiResult<Self> {
        let workshop = setup::workshop(db, service.workshop_id).await?;
        let resources = setup::resources(db, workshop.id).await?;
        let active = |kind: ResourceKind| -> Vec<Uuid> {
            resources.iter().filter(|r| r.active && r.kind == kind).map(|r| r.id).collect()
        };
        let (fitting, loan_cars) = (active(service.resource_kind), active(ResourceKind::LoanCar));
        let all: Vec<Uuid> = fitting.iter().chain(&loan_cars).copied().collect();
        let held = resource_bookings::Entity::find()
            .filter(resource_bookings::Column::ResourceId.is_in(all))
            .filter(resource_bookings::Column::StartsAt.lt(until))
            .filter(resource_bookings::Column::EndsAt.gt(from))
            .all(db)
            .await?;
        let zone = setup::time_zone(&workshop);
        let day_before = from.with_timezone(&zone).date_naive() - Duration::days(1);
        Ok(Self {
            zone,
            step_minutes: i64::from(workshop.slot_minutes),
            hours: setup::hours(db, workshop.id).await?,
            closed: setup::closed_days(db, workshop.id, day_before).await?,
            resources: fitting,
            loan_cars,
            held,
        })
    }

    /// The calendar over this data.
    pub fn calendar(&self) -> Calendar<'_> {
        Calendar {
            zone: self.zone,
            step_minutes: self.step_minutes,
            hours: &self.hours,
            closed: &self.closed,
            resources: &self.resources,
            loan_cars: &self.loan_cars,
            held: &self.held,
        }
    }
}

/// The free slots of service `service_type_id` at `workshop_id` on the days `from..=to` (the
/// workshop's days), at most [`MAX_DAYS`] at once, none sooner than [`LEAD_MINUTES`] from now;
/// with the workshop's time zone.
pub async fn available(
    app: &App,
    workshop_id: Uuid,
    service_type_id: Uuid,
    (from, to): (NaiveDate, NaiveDate),
    loan_car: bool,
) -> ApiResult<(Tz, Vec<Slot>)> {
    if to < from || (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::bad_input("to", "ask for 1 to 31 days at a time"));
    }
    let today = app.clock.now().date_naive();
    if from < today - Duration::days(1) || to > today + Duration::days(366) {
        return Err(ApiError::bad_input("from", "ask for days within the next year"));
    }
    let service = setup::service_type(&app.db, workshop_id, service_type_id).await?;
    if !service.active {
        return Err(ApiError::NotFound("service type"));
    }
    let zone = setup::time_zone(&setup::workshop(&app.db, workshop_id).await?);
    let start = local_instant(zone, from, 0).unwrap_or_else(|| Utc.from_utc_datetime(&from.into()));
    let end = local_instant(zone, to + Duration::days(1), 0).unwrap_or(start + Duration::days(MAX_DAYS + 1));
    let data = CalendarData::read(&app.db, &service, start, end).await?;
    let earliest = app.clock.now() + Duration::minutes(LEAD_MINUTES);
    Ok((zone, data.calendar().free_slots(from, to, i64::from(service.duration_minutes), earliest, loan_car)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(weekday: i16, opens: i16, closes: i16) -> workshop_hours::Model {
        workshop_hours::Model { workshop_id: Uuid::nil(), weekday, opens_minute: opens, closes_minute: closes }
    }

    fn held(resource: Uuid, from: DateTime<Utc>, minutes: i64) -> resource_bookings::Model {
        resource_bookings::Model {
            id: Uuid::now_v7(),
            resource_id: resource,
            booking_id: Uuid::now_v7(),
            starts_at: from,
            ends_at: from + Duration::minutes(minutes),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn slots_follow_the_hours_in_the_workshops_time_zone() {
        let week = [hours(0, 8 * 60, 12 * 60)];
        let bay = [Uuid::now_v7()];
        let calendar = Calendar {
            zone: chrono_tz::Europe::Madrid,
            step_minutes: 30,
            hours: &week,
            closed: &[],
            resources: &bay,
            loan_cars: &[],
            held: &[],
        };
        // A Monday in winter (UTC+1) and one in summer (UTC+2).
        let winter = calendar.starts_on(day(2031, 1, 6), 120);
        assert_eq!(winter.len(), 5, "08:00 to 10:00 every half hour");
        assert_eq!(winter[0], Utc.with_ymd_and_hms(2031, 1, 6, 7, 0, 0).unwrap());
        let summer = calendar.starts_on(day(2031, 7, 7), 120);
        assert_eq!(summer[0], Utc.with_ymd_and_hms(2031, 7, 7, 6, 0, 0).unwrap());
        assert!(calendar.starts_on(day(2031, 1, 7), 60).is_empty(), "closed on Tuesdays");
        assert!(calendar.starts_on(day(2031, 1, 6), 480).is_empty(), "a full day does not fit in four hours");
    }

    #[test]
    fn a_held_resource_is_not_free_and_closed_days_have_no_slots() {
        let week = [hours(0, 8 * 60, 12 * 60)];
        let (bay, loan) = (Uuid::now_v7(), Uuid::now_v7());
        let nine = Utc.with_ymd_and_hms(2031, 1, 6, 8, 0, 0).unwrap();
        let holds = [held(bay, nine, 60)];
        let closed =
            [workshop_closed_days::Model { workshop_id: Uuid::nil(), day: day(2031, 1, 13), reason: String::new() }];
        let calendar = Calendar {
            zone: chrono_tz::Europe::Berlin,
            step_minutes: 60,
            hours: &week,
            closed: &closed,
            resources: &[bay],
            loan_cars: &[loan],
            held: &holds,
        };
        let slots = calendar.free_slots(day(2031, 1, 6), day(2031, 1, 13), 60, nine - Duration::days(1), true);
        let starts: Vec<String> = slots.iter().map(|slot| slot.starts_at.format("%d %H:%M").to_string()).collect();
        assert_eq!(starts, ["06 07:00", "06 09:00", "06 10:00"], "09:00 local is held; the 13th is closed");
        assert!(calendar.is_start(nine, 60));
        assert!(!calendar.is_start(nine + Duration::minutes(15), 60), "off the grid");
    }
}
