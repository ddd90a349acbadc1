//! Each user's channels per kind of notice, their quiet hours and the phone they opted in to text
//! messages on: read and changed by the user, and consulted whenever a notice is queued.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entity::{NotificationKind, notification_preferences, notification_settings, push_devices};
use sea_orm::sea_query::{Expr, Func, OnConflict, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::kinds::{self, Channels};
use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::integrations::sms::normalize_phone;

/// Hours without push or text messages, in a time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuietHours {
    /// Start, `HH:MM`.
    pub from: String,
    /// End, `HH:MM` (the next day when before the start).
    pub until: String,
    /// IANA time zone.
    pub time_zone: String,
}

/// Someone's preferences as the settings show them: every kind with its channels in effect.
pub struct Preferences {
    /// Each kind with its channels.
    pub kinds: Vec<(NotificationKind, Channels)>,
    /// The phone, quiet hours and opt-in.
    pub settings: Option<notification_settings::Model>,
}

impl Preferences {
    /// The quiet hours, when set.
    pub fn quiet_hours(&self) -> Option<QuietHours> {
        self.settings.as_ref().and_then(quiet_hours_of)
    }
}

fn quiet_hours_of(settings: &notification_settings::Model) -> Option<QuietHours> {
    Some(QuietHours {
        from: settings.quiet_from.clone()?,
        until: settings.quiet_until.clone()?,
        time_zone: settings.time_zone.clone()?,
    })
}

/// Whether `settings` have a phone opted in to text messages.
pub fn sms_wanted(settings: Option<&notification_settings::Model>) -> bool {
    settings.is_some_and(|settings| settings.sms_phone.is_some() && settings.sms_opted_in_at.is_some())
}

/// The channels in effect for `kind`: the stored choice or the defaults, within the kind's rules.
fn in_effect(
    kind: NotificationKind,
    stored: Option<&notification_preferences::Model>,
    settings: Option<&notification_settings::Model>,
) -> Channels {
    let wanted = sms_wanted(settings);
    let chosen = stored.map_or_else(
        || kinds::defaults(kind, wanted),
        |row| Channels { email: row.email, push: row.push, sms: row.sms },
    );
    kinds::within_rules(kind, chosen, wanted)
}

async fn settings_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<notification_settings::Model>, DbErr> {
    notification_settings::Entity::find_by_id(user_id).one(db).await
}

/// The channels beyond the app that a notice of `kind` goes to `user_id` on now: their choice (or
/// the defaults), push only when they have a device, text messages only with a phone they opted
/// in. One statement (every notice queued asks, hundreds a second during a campaign): the choice,
/// the opt-in and the devices as scalar subqueries.
pub async fn channels_for(db: &impl ConnectionTrait, user_id: Uuid, kind: NotificationKind) -> Result<Channels, DbErr> {
    use notification_preferences::Column as P;
    let choice = |column: P| {
        let query = Query::select()
            .column(column)
            .from(notification_preferences::Entity)
            .and_where(P::UserId.eq(user_id))
            .and_where(P::Kind.eq(kind))
            .to_owned();
        Expr::SubQuery(None, Box::new(query.into()))
    };
    let count = |query: SelectStatement| Expr::SubQuery(None, Box::new(query.into()));
    let opted_in = Query::select()
        .expr(Func::count(Expr::col(notification_settings::Column::UserId)))
        .from(notification_settings::Entity)
        .and_where(notification_settings::Column::UserId.eq(user_id))
        .and_where(notification_settings::Column::SmsPhone.is_not_null())
        .and_where(notification_settings::Column::SmsOptedInAt.is_not_null())
        .to_owned();
    let devices = Query::select()
        .expr(Func::count(Expr::col(push_devices::Column::Id)))
        .from(push_devices::Entity)
        .and_where(push_devices::Column::UserId.eq(user_id))
        .to_owned();
    let query = Query::select()
        .expr_as(choice(P::Email), "email")
        .expr_as(choice(P::Push), "push")
        .expr_as(choice(P::Sms), "sms")
        .expr_as(count(opted_in), "opted_in")
        .expr_as(count(devices), "devices")
        .to_owned();
    let row = db.query_one_raw(db.get_database_backend().build(&query)).await?;
    let row = row.ok_or_else(|| DbErr::RecordNotFound("a row of scalar subqueries".into()))?;
    let stored = |name: &str| row.try_get::<Option<bool>>("", name);
    let chosen = match (stored("email")?, stored("push")?, stored("sms")?) {
        (Some(email), Some(push), Some(sms)) => Some(Channels { email, push, sms }),
        _ => None,
    };
    let sms_wanted = row.try_get::<i64>("", "opted_in")? > 0;
    let mut channels =
        kinds::within_rules(kind, chosen.unwrap_or_else(|| kinds::defaults(kind, sms_wanted)), sms_wanted);
    channels.push &= row.try_get::<i64>("", "devices")? > 0;
    Ok(channels)
}

/// The signed-in user's preferences.
pub async fn mine(app: &App, viewer: &Viewer) -> ApiResult<Preferences> {
    let me = viewer.user()?;
    let stored = notification_preferences::Entity::find()
        .filter(notification_preferences::Column::UserId.eq(me.id))
        .all(&app.db)
        .await?;
    let settings = settings_of(&app.db, me.id).await?;
    let kinds = kinds::ALL
        .into_iter()
        .map(|kind| {
            let row = stored.iter().find(|row| row.kind == kind);
            (kind, in_effect(kind, row, settings.as_ref()))
        })
        .collect();
    Ok(Preferences { kinds, settings })
}

/// Chooses the channels of `kind` for the signed-in user; answers those in effect.
pub async fn choose(app: &App, viewer: &Viewer, kind: NotificationKind, chosen: Channels) -> ApiResult<Channels> {
    let me = viewer.user()?;
    if kinds::email_required(kind) && !chosen.email {
        return Err(ApiError::bad_input("email", "security notices always go by e-mail"));
    }
    let settings = settings_of(&app.db, me.id).await?;
    if chosen.sms && !sms_wanted(settings.as_ref()) {
        return Err(ApiError::Refused {
            reason: "SMS_NOT_OPTED_IN",
            message: "add a phone number and opt in to text messages first".into(),
        });
    }
    store(&app.db, me.id, kind, chosen, app.clock.now()).await?;
    Ok(kinds::within_rules(kind, chosen, sms_wanted(settings.as_ref())))
}

/// Stores `user_id`'s choice of channels for `kind` (replacing an earlier one).
pub async fn store(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    kind: NotificationKind,
    chosen: Channels,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = notification_preferences::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        email: Set(chosen.email),
        push: Set(chosen.push),
        sms: Set(chosen.sms),
        updated_at: Set(now),
    };
    use notification_preferences::Column as C;
    let on_conflict =
        OnConflict::columns([C::UserId, C::Kind]).update_columns([C::Email, C::Push, C::Sms, C::UpdatedAt]).to_owned();
    notification_preferences::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(db).await?;
    Ok(())
}

/// Sets (or with `None` clears) the signed-in user's quiet hours.
pub async fn set_quiet_hours(app: &App, viewer: &Viewer, hours: Option<QuietHours>) -> ApiResult<()> {
    let me = viewer.user()?;
    if let Some(hours) = &hours {
        let from = parse_time("from", &hours.from)?;
        let until = parse_time("until", &hours.until)?;
        if from == until {
            return Err(ApiError::bad_input("until", "quiet hours end when they start"));
        }
        hours.time_zone.parse::<Tz>().map_err(|_| ApiError::bad_input("timeZone", "not a time zone"))?;
    }
    let mut settings = settings_row(app, me.id).await?;
    settings.quiet_from = Set(hours.as_ref().map(|hours| hours.from.clone()));
    settings.quiet_until = Set(hours.as_ref().map(|hours| hours.until.clone()));
    settings.time_zone = Set(hours.map(|hours| hours.time_zone));
    save_settings(app, settings).await
}

/// Sets the signed-in user's phone for text messages (E.164 after normalising) and their opt-in.
pub async fn set_sms_number(app: &App, viewer: &Viewer, phone: Option<&str>, opt_in: bool) -> ApiResult<()> {
    let me = viewer.user()?;
    let phone = phone.map(str::trim).filter(|phone| !phone.is_empty());
    let phone = match phone {
        Some(phone) => Some(normalize_phone(phone).map_err(|_| {
            ApiError::bad_input("phone", "not a valid international phone number: start with + and the country code")
        })?),
        None => None,
    };
    if opt_in && phone.is_none() {
        return Err(ApiError::bad_input("phone", "a phone number is needed for text messages"));
    }
    let mut settings = settings_row(app, me.id).await?;
    let opted_in_at = match (&settings.sms_opted_in_at, opt_in) {
        (sea_orm::ActiveValue::Unchanged(Some(at)), true) => Some(*at),
        (_, true) => Some(app.clock.now()),
        (_, false) => None,
    };
    settings.sms_phone = Set(phone);
    settings.sms_opted_in_at = Set(opted_in_at);
    save_settings(app, settings).await
}

/// The user's settings row to change (a new one when there is none).
async fn settings_row(app: &App, user_id: Uuid) -> ApiResult<notification_settings::ActiveModel> {
    Ok(match settings_of(&app.db, user_id).await? {
        Some(row) => row.into(),
        None => notification_settings::ActiveModel {
            user_id: Set(user_id),
            sms_phone: Set(None),
            sms_opted_in_at: Set(None),
            quiet_from: Set(None),
            quiet_until: Set(None),
            time_zone: Set(None),
            updated_at: Set(app.clock.now()),
        },
    })
}

async fn save_settings(app: &App, mut settings: notification_settings::ActiveModel) -> ApiResult<()> {
    settings.updated_at = Set(app.clock.now());
    use notification_settings::Column as C;
    let on_conflict = OnConflict::column(C::UserId)
        .update_columns([C::SmsPhone, C::SmsOptedInAt, C::QuietFrom, C::QuietUntil, C::TimeZone, C::UpdatedAt])
        .to_owned();
    notification_settings::Entity::insert(settings).on_conflict(on_conflict).exec_without_returning(&app.db).await?;
    Ok(())
}

fn parse_time(field: &'static str, text: &str) -> ApiResult<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .ok()
        .filter(|_| text.len() == 5)
        .ok_or_else(|| ApiError::bad_input(field, "a time of day as HH:MM"))
}

/// When a push or text message due at `now` may go: `None` now, or the end of the quiet hours
/// `now` falls in. Hours past midnight (22:00–07:00) end the next day.
pub fn quiet_until(settings: &notification_settings::Model, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let hours = quiet_hours_of(settings)?;
    let zone: Tz = hours.time_zone.parse().ok()?;
    let from = NaiveTime::parse_from_str(&hours.from, "%H:%M").ok()?;
    let until = NaiveTime::parse_from_str(&hours.until, "%H:%M").ok()?;
    let local = now.with_timezone(&zone);
    let (date, time) = (local.date_naive(), local.time());
    let end_date = if from < until {
        (from..until).contains(&time).then_some(date)?
    } else if time >= from {
        date + Duration::days(1)
    } else if time < until {
        date
    } else {
        return None;
    };
    // A gap in the local time (a clock change) moves the end to the first valid instant after it.
    let end = end_date.and_time(until);
    let end = zone
        .from_local_datetime(&end)
        .earliest()
        .or_else(|| zone.from_local_datetime(&(end + Duration::hours(1))).earliest())?;
    Some(end.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet(from: &str, until: &str, zone: &str) -> notification_settings::Model {
        notification_settings::Model {
            user_id: Uuid::nil(),
            sms_phone: None,
            sms_opted_in_at: None,
            quiet_from: Some(from.into()),
            quiet_until: Some(until.into()),
            time_zone: Some(zone.into()),
            updated_at: Utc::now(),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    #[test]
    fn quiet_hours_over_midnight_end_the_next_morning_in_the_users_zone() {
        // Madrid is UTC+1 in December.
        let night = quiet("22:00", "07:00", "Europe/Madrid");
        assert_eq!(quiet_until(&night, at("2026-12-07T22:30:00Z")), Some(at("2026-12-08T06:00:00Z")));
        assert_eq!(quiet_until(&night, at("2026-12-08T02:00:00Z")), Some(at("2026-12-08T06:00:00Z")));
        assert_eq!(quiet_until(&night, at("2026-12-08T06:00:00Z")), None);
        assert_eq!(quiet_until(&night, at("2026-12-07T20:59:00Z")), None);
        assert_eq!(quiet_until(&night, at("2026-12-07T21:00:00Z")), Some(at("2026-12-08T06:00:00Z")));
    }

    #[test]
    fn quiet_hours_within_a_day() {
        let lunch = quiet("12:00", "14:00", "UTC");
        assert_eq!(quiet_until(&lunch, at("2026-12-07T13:00:00Z")), Some(at("2026-12-07T14:00:00Z")));
        assert_eq!(quiet_until(&lunch, at("2026-12-07T14:00:00Z")), None);
        assert_eq!(quiet_until(&lunch, at("2026-12-07T11:59:00Z")), None);
    }
}
