//! A workshop's set-up, kept by its administrators: what can be booked (bays, lifts, loan cars),
//! when it is open (hours per weekday in its own time zone, closed days), and the services it
//! offers with their duration and net price per region.

use chrono::NaiveDate;
use chrono_tz::Tz;
use entity::{
    MaintenanceKind, ResourceKind, regions, service_type_prices, service_types, workshop_closed_days, workshop_hours,
    workshop_resources, workshops,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::platform::db::begin_write;
use crate::policy;

/// The durations a service can be booked for: 1 h, 2 h, half a day, a full day.
pub const DURATIONS: [i32; 4] = [60, 120, 240, 480];

/// A workshop by id.
pub async fn workshop(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<workshops::Model> {
    workshops::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound("workshop"))
}

/// Workshop `workshop_id`, if `viewer` may set it up (its administrators, platform admins).
async fn administered(app: &App, viewer: &Viewer, workshop_id: Uuid) -> ApiResult<workshops::Model> {
    policy::workshop_admin(app, viewer, workshop_id).await?;
    workshop(&app.db, workshop_id).await
}

/// The workshop's time zone (its configured one; Central European time if that is not a zone).
pub fn time_zone(workshop: &workshops::Model) -> Tz {
    workshop.time_zone.parse().unwrap_or(chrono_tz::Europe::Berlin)
}

/// The workshops of the region with `region_code` (every one when `None`), by name: where a
/// customer can book.
pub async fn list(app: &App, region_code: Option<&str>) -> ApiResult<Vec<workshops::Model>> {
    let mut select = workshops::Entity::find().order_by_asc(workshops::Column::Name);
    if let Some(code) = region_code {
        let region = regions::Entity::find()
            .filter(regions::Column::Code.eq(code.trim().to_uppercase()))
            .one(&app.db)
            .await?
            .ok_or(ApiError::NotFound("region"))?;
        select = select.filter(workshops::Column::RegionId.eq(region.id));
    }
    Ok(select.all(&app.db).await?)
}

/// What an administrator changes of the workshop's own details.
pub struct DetailsChange {
    /// Short code, the prefix of its invoice numbers (3 to 10 letters or digits).
    pub code: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// The booking grid in minutes (15, 30 or 60).
    pub slot_minutes: Option<i32>,
    /// Street address.
    pub address: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
}

/// Changes the workshop's details.
pub async fn update_details(
    app: &App,
    viewer: &Viewer,
    workshop_id: Uuid,
    change: DetailsChange,
) -> ApiResult<workshops::Model> {
    let mut row: workshops::ActiveModel = administered(app, viewer, workshop_id).await?.into();
    if let Some(code) = change.code {
        row.code = Set(check_code(&code)?);
    }
    if let Some(zone) = change.time_zone {
        zone.parse::<Tz>().map_err(|_| ApiError::bad_input("timeZone", "use a time zone such as Europe/Madrid"))?;
        row.time_zone = Set(zone);
    }
    if let Some(minutes) = change.slot_minutes {
        if ![15, 30, 60].contains(&minutes) {
            return Err(ApiError::bad_input("slotMinutes", "bookings start every 15, 30 or 60 minutes"));
        }
        row.slot_minutes = Set(minutes);
    }
    if let Some(address) = change.address {
        row.address = Set(bounded(&address, 200, "address")?);
    }
    if let Some(phone) = change.phone {
        row.phone = Set(bounded(&phone, 32, "phone")?);
    }
    let saved = row.update(&app.db).await.on_unique_violation("another workshop uses this code")?;
    audit::record(app, &app.db, viewer, "workshop.updated", subject(&saved), serde_json::json!({})).await?;
    Ok(saved)
}

fn subject(workshop: &workshops::Model) -> Subject<'_> {
    Subject { kind: "workshop", id: &workshop.code }
}

fn check_code(code: &str) -> ApiResult<String> {
    let code = code.trim().to_uppercase();
    if (3..=10).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(code)
    } else {
        Err(ApiError::bad_input("code", "a workshop code has 3 to 10 letters or digits"))
    }
}

fn bounded(text: &str, max: usize, field: &'static str) -> ApiResult<String> {
    let text = text.trim();
    if text.chars().count() <= max {
        Ok(text.to_owned())
    } else {
        Err(ApiError::bad_input(field, "this text is too long"))
    }
}

fn name_of(text: &str, field: &'static str) -> ApiResult<String> {
    let text = text.trim();
    if (1..=80).contains(&text.chars().count()) {
        Ok(text.to_owned())
    } else {
        Err(ApiError::bad_input(field, "a name has 1 to 80 characters"))
    }
}

/// The workshop's bookable resources, by kind and name.
pub async fn resources(db: &impl ConnectionTrait, workshop_id: Uuid) -> ApiResult<Vec<workshop_resources::Model>> {
    Ok(workshop_resources::Entity::find()
        .filter(workshop_resources::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(workshop_resources::Column::Kind)
        .order_by_asc(workshop_resources::Column::Name)
        .all(db)
        .await?)
}

/// A resource to add (no `id`) or change.
pub struct ResourceInput {
    /// The resource to change; `None` adds one.
    pub id: Option<Uuid>,
    /// Bay, lift or loan car.
    pub kind: ResourceKind,
    /// Its name on the calendar, e.g. "Bay 1".
    pub name: String,
    /// Whether it can be booked.
    pub active: bool,
}

/// Adds or changes a resource of the workshop.
pub async fn save_resource(
    app: &App,
    viewer: &Viewer,
    workshop_id: Uuid,
    input: ResourceInput,
) -> ApiResult<workshop_resources::Model> {
    administered(app, viewer, workshop_id).await?;
    let name = name_of(&input.name, "name")?;
    let saved = match input.id {
        Some(id) => {
            let found = workshop_resources::Entity::find_by_id(id)
                .filter(workshop_resources::Column::WorkshopId.eq(workshop_id))
                .one(&app.db)
                .await?
                .ok_or(ApiError::NotFound("resource"))?;
            let mut row: workshop_resources::ActiveModel = found.into();
            row.kind = Set(input.kind);
            row.name = Set(name);
            row.active = Set(input.active);
            row.update(&app.db).await
        }
        None => {
            workshop_resources::ActiveModel {
                id: Set(Uuid::now_v7()),
                workshop_id: Set(workshop_id),
                kind: Set(input.kind),
                name: Set(name),
                active: Set(input.active),
                created_at: Set(app.clock.now()),
            }
            .insert(&app.db)
            .await
        }
    };
    saved.on_unique_violation("the workshop has a resource of this name")
}

/// The workshop's opening hours, Monday first.
pub async fn hours(db: &impl ConnectionTrait, workshop_id: Uuid) -> ApiResult<Vec<workshop_hours::Model>> {
    Ok(workshop_hours::Entity::find()
        .filter(workshop_hours::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(workshop_hours::Column::Weekday)
        .all(db)
        .await?)
}

/// Opening hours of one weekday, in minutes after midnight, local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayHours {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: i16,
    /// When it opens.
    pub opens_minute: i16,
    /// When it closes.
    pub closes_minute: i16,
}

/// Replaces the workshop's week: the days listed are open at their hours, the others closed.
pub async fn set_hours(
    app: &App,
    viewer: &Viewer,
    workshop_id: Uuid,
    week: &[DayHours],
) -> ApiResult<Vec<workshop_hours::Model>> {
    administered(app, viewer, workshop_id).await?;
    let mut seen = [false; 7];
    for day in week {
        let weekday = usize::try_from(day.weekday).ok().filter(|d| *d < 7);
        let Some(weekday) = weekday else { return Err(ApiError::bad_input("hours", "a week has 7 days")) };
        if std::mem::replace(&mut seen[weekday], true) {
            return Err(ApiError::bad_input("hours", "each weekday may appear once"));
        }
        if !(0 <= day.opens_minute && day.opens_minute < day.closes_minute && day.closes_minute <= 24 * 60) {
            return Err(ApiError::bad_input("hours", "a workshop opens before it closes, within the day"));
        }
    }
    let txn = begin_write(&app.db).await?;
    workshop_hours::Entity::delete_many().filter(workshop_hours::Column::WorkshopId.eq(workshop_id)).exec(&txn).await?;
    for day in week {
        workshop_hours::ActiveModel {
            workshop_id: Set(workshop_id),
            weekday: Set(day.weekday),
            opens_minute: Set(day.opens_minute),
            closes_minute: Set(day.closes_minute),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    hours(&app.db, workshop_id).await
}

/// The workshop's closed days from `from` on, in order.
pub async fn closed_days(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    from: NaiveDate,
) -> ApiResult<Vec<workshop_closed_days::Model>> {
    Ok(workshop_closed_days::Entity::find()
        .filter(workshop_closed_days::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_closed_days::Column::Day.gte(from))
        .order_by_asc(workshop_closed_days::Column::Day)
        .all(db)
        .await?)
}

/// Closes the workshop on `day` (or, with `closed` false, opens it again at its usual hours).
pub async fn set_closed_day(
    app: &App,
    viewer: &Viewer,
    workshop_id: Uuid,
    day: NaiveDate,
    reason: &str,
    closed: bool,
) -> ApiResult<()> {
    administered(app, viewer, workshop_id).await?;
    if !closed {
        workshop_closed_days::Entity::delete_by_id((workshop_id, day)).exec(&app.db).await?;
        return Ok(());
    }
    let row = workshop_closed_days::ActiveModel {
        workshop_id: Set(workshop_id),
        day: Set(day),
        reason: Set(bounded(reason, 120, "reason")?),
    };
    let key = [workshop_closed_days::Column::WorkshopId, workshop_closed_days::Column::Day];
    workshop_closed_days::Entity::insert(row)
        .on_conflict(OnConflict::columns(key).update_column(workshop_closed_days::Column::Reason).to_owned())
        .exec_without_returning(&app.db)
        .await?;
    Ok(())
}

/// The workshop's service types, by name (only those that can be booked unless `all`).
pub async fn service_types(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    all: bool,
) -> ApiResult<Vec<service_types::Model>> {
    let mut select = service_types::Entity::find()
        .filter(service_types::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(service_types::Column::Name);
    if !all {
        select = select.filter(service_types::Column::Active.eq(true));
    }
    Ok(select.all(db).await?)
}

/// A service type to add (no `id`) or change, with its net prices by region code.
pub struct ServiceTypeInput {
    /// The service type to change; `None` adds one.
    pub id: Option<Uuid>,
    /// Its name, as customers read it.
    pub name: String,
    /// 60, 120, 240 (half a day) or 480 (a full day).
    pub duration_minutes: i32,
    /// The maintenance it records when done, if it is a service.
    pub maintenance_kind: Option<MaintenanceKind>,
    /// What it occupies: a bay or a lift.
    pub resource_kind: ResourceKind,
    /// Whether customers can book it.
    pub active: bool,
    /// Net price in minor units per region code.
    pub prices: Vec<(String, i64)>,
}

/// Adds or changes a service type and sets its prices.
pub async fn save_service_type(
    app: &App,
    viewer: &Viewer,
    workshop_id: Uuid,
    input: ServiceTypeInput,
) -> ApiResult<service_types::Model> {
    administered(app, viewer, workshop_id).await?;
    let name = bounded(&input.name, 120, "name").and_then(|n| name_of(&n, "name").map(|_| n))?;
    if !DURATIONS.contains(&input.duration_minutes) {
        return Err(ApiError::bad_input("durationMinutes", "a service lasts 60, 120, 240 or 480 minutes"));
    }
    if input.resource_kind == ResourceKind::LoanCar {
        return Err(ApiError::bad_input("resourceKind", "a service takes a bay or a lift"));
    }
    let prices = price_rows(&app.db, &input.prices).await?;
    let txn = begin_write(&app.db).await?;
    let row = service_types::ActiveModel {
        id: Set(input.id.unwrap_or_else(Uuid::now_v7)),
        workshop_id: Set(workshop_id),
        name: Set(name),
        duration_minutes: Set(input.duration_minutes),
        maintenance_kind: Set(input.maintenance_kind),
        resource_kind: Set(input.resource_kind),
        active: Set(input.active),
        created_at: Set(app.clock.now()),
    };
    let saved = match input.id {
        Some(id) => {
            service_types::Entity::find_by_id(id)
                .filter(service_types::Column::WorkshopId.eq(workshop_id))
                .one(&txn)
                .await?
                .ok_or(ApiError::NotFound("service type"))?;
            let mut row = row;
            row.created_at = sea_orm::ActiveValue::NotSet;
            row.update(&txn).await
        }
        None => row.insert(&txn).await,
    }
    .on_unique_violation("the workshop has a service of this name")?;
    for (region_id, net_minor) in prices {
        let price = service_type_prices::ActiveModel {
            service_type_id: Set(saved.id),
            region_id: Set(region_id),
            net_minor: Set(net_minor),
        };
        let key = [service_type_prices::Column::ServiceTypeId, service_type_prices::Column::RegionId];
        service_type_prices::Entity::insert(price)
            .on_conflict(OnConflict::columns(key).update_column(service_type_prices::Column::NetMinor).to_owned())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(saved)
}

async fn price_rows(db: &impl ConnectionTrait, prices: &[(String, i64)]) -> ApiResult<Vec<(Uuid, i64)>> {
    let mut rows = Vec::with_capacity(prices.len());
    for (code, net_minor) in prices {
        if !(0..=100_000_000).contains(net_minor) {
            return Err(ApiError::bad_input("prices", "a price is 0 to 1,000,000.00"));
        }
        let region = regions::Entity::find()
            .filter(regions::Column::Code.eq(code.trim().to_uppercase()))
            .one(db)
            .await?
            .ok_or_else(|| ApiError::bad_input("prices", "no region has this code"))?;
        rows.push((region.id, *net_minor));
    }
    Ok(rows)
}

/// A service type of `workshop_id` by id.
pub async fn service_type(db: &impl ConnectionTrait, workshop_id: Uuid, id: Uuid) -> ApiResult<service_types::Model> {
    service_types::Entity::find_by_id(id)
        .filter(service_types::Column::WorkshopId.eq(workshop_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("service type"))
}
