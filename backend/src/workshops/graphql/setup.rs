//! GraphQL of a workshop's set-up: finding workshops, their hours, services and resources, and
//! the administrators' changes to them.

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::{
    MaintenanceKind, ResourceKind, Role, regions, service_type_prices, service_types, workshop_closed_days,
    workshop_hours, workshop_resources,
};

use crate::accounts::graphql::{Region, Workshop};
use crate::auth::{Allow, Viewer};
use crate::domain::Money;
use crate::domain::money::vat_of;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, load_children, load_existing, parse_id, viewer};
use crate::graphql::loaders::PricesOfServiceType;
use crate::workshops::setup::{self, DayHours, DetailsChange, ResourceInput, ServiceTypeInput};

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

impl Weekday {
    fn index(self) -> i16 {
        WEEK.iter().position(|day| *day == self).and_then(|i| i16::try_from(i).ok()).unwrap_or(0)
    }

    fn of(index: i16) -> Self {
        usize::try_from(index).ok().and_then(|i| WEEK.get(i)).copied().unwrap_or(Weekday::Monday)
    }
}

/// `HH:MM` of minutes after midnight.
fn clock_time(minutes: i16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn minutes_of(text: &str) -> ApiResult<i16> {
    let bad = || ApiError::bad_input("hours", "write times as HH:MM, e.g. 08:30");
    let (hours, minutes) = text.trim().split_once(':').ok_or_else(bad)?;
    let (hours, minutes): (i16, i16) = (hours.parse().map_err(|_| bad())?, minutes.parse().map_err(|_| bad())?);
    if (0..=24).contains(&hours) && (0..60).contains(&minutes) && hours * 60 + minutes <= 24 * 60 {
        Ok(hours * 60 + minutes)
    } else {
        Err(bad())
    }
}

/// When a workshop is open on a weekday (its local time).
#[derive(SimpleObject)]
pub struct OpeningHours {
    /// The day.
    pub weekday: Weekday,
    /// Opening time, `HH:MM`.
    pub opens: String,
    /// Closing time, `HH:MM`.
    pub closes: String,
}

impl From<workshop_hours::Model> for OpeningHours {
    fn from(row: workshop_hours::Model) -> Self {
        Self {
            weekday: Weekday::of(row.weekday),
            opens: clock_time(row.opens_minute),
            closes: clock_time(row.closes_minute),
        }
    }
}

/// A day the workshop is closed.
#[derive(SimpleObject)]
pub struct ClosedDay {
    /// The date (the workshop's).
    pub day: NaiveDate,
    /// Why, e.g. a public holiday.
    pub reason: String,
}

/// Something a booking holds: a bay, a lift, a loan car.
pub struct WorkshopResource(pub workshop_resources::Model);

#[Object]
impl WorkshopResource {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Bay, lift or loan car.
    async fn kind(&self) -> ResourceKind {
        self.0.kind
    }

    /// Its name on the calendar.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Whether it can be booked.
    async fn active(&self) -> bool {
        self.0.active
    }
}

/// A service a workshop offers for booking.
pub struct ServiceType(pub service_types::Model);

#[Object]
impl ServiceType {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// How long it takes: 60, 120, 240 (half a day) or 480 minutes (a full day).
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }

    /// The maintenance it records when done; null for repairs that are not a service.
    async fn maintenance_kind(&self) -> Option<MaintenanceKind> {
        self.0.maintenance_kind
    }

    /// What it occupies.
    async fn resource_kind(&self) -> ResourceKind {
        self.0.resource_kind
    }

    /// Whether customers can book it.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// Its price in the workshop's region, with VAT (null when it has none there).
    async fn price(&self, ctx: &Context<'_>) -> ApiResult<Option<ServicePrice>> {
        let workshop = load_existing::<entity::workshops::Entity>(ctx, self.0.workshop_id, "workshop").await?;
        let rows = load_children(ctx, PricesOfServiceType(self.0.id)).await?;
        let Some(row) = rows.into_iter().find(|row| row.region_id == workshop.region_id) else { return Ok(None) };
        let region = load_existing::<regions::Entity>(ctx, row.region_id, "region").await?;
        Ok(Some(ServicePrice { row, region }))
    }

    /// Its net prices in every region it has one.
    async fn prices(&self, ctx: &Context<'_>) -> ApiResult<Vec<ServicePrice>> {
        let rows = load_children(ctx, PricesOfServiceType(self.0.id)).await?;
        let mut prices = Vec::with_capacity(rows.len());
        for row in rows {
            let region = load_existing::<regions::Entity>(ctx, row.region_id, "region").await?;
            prices.push(ServicePrice { row, region });
        }
        Ok(prices)
    }
}

/// The price of a service in a region: net, the region's VAT, gross.
pub struct ServicePrice {
    row: service_type_prices::Model,
    region: regions::Model,
}

#[Object]
impl ServicePrice {
    /// The region.
    async fn region(&self) -> Region {
        Region(self.region.clone())
    }

    /// Without VAT.
    async fn net(&self) -> Money {
        Money::new(self.row.net_minor, &self.region.currency)
    }

    /// The region's VAT on it.
    async fn vat(&self) -> Money {
        Money::new(vat_of(self.row.net_minor, self.region.vat_rate_bp), &self.region.currency)
    }

    /// With VAT: what the customer pays.
    async fn gross(&self) -> Money {
        Money::new(self.row.net_minor + vat_of(self.row.net_minor, self.region.vat_rate_bp), &self.region.currency)
    }
}

// The workshops domain's fields of the workshop that accounts define (GraphQL's `extend type`).
#[ComplexObject]
impl Workshop {
    /// When it is open, Monday first (days without hours are closed).
    async fn opening_hours(&self, ctx: &Context<'_>) -> ApiResult<Vec<OpeningHours>> {
        Ok(setup::hours(&app(ctx).db, self.row().id).await?.into_iter().map(OpeningHours::from).collect())
    }

    /// Days it is closed from today on.
    async fn closed_days(&self, ctx: &Context<'_>) -> ApiResult<Vec<ClosedDay>> {
        let app = app(ctx);
        let today = app.clock.now().with_timezone(&setup::time_zone(self.row())).date_naive();
        let rows: Vec<workshop_closed_days::Model> = setup::closed_days(&app.db, self.row().id, today).await?;
        Ok(rows.into_iter().map(|row| ClosedDay { day: row.day, reason: row.reason }).collect())
    }

    /// The services it offers (with `includeInactive`, also those not bookable: its staff only).
    async fn service_types(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_inactive: bool,
    ) -> ApiResult<Vec<ServiceType>> {
        let all = include_inactive && is_staff(viewer(ctx), self.row().id);
        Ok(setup::service_types(&app(ctx).db, self.row().id, all).await?.into_iter().map(ServiceType).collect())
    }

    /// Its bays, lifts and loan cars (its staff and platform staff).
    async fn resources(&self, ctx: &Context<'_>) -> ApiResult<Vec<WorkshopResource>> {
        if !is_staff(viewer(ctx), self.row().id) && !viewer(ctx).is_platform_staff() {
            return Err(ApiError::Forbidden("a workshop's resources are for its staff".into()));
        }
        Ok(setup::resources(&app(ctx).db, self.row().id).await?.into_iter().map(WorkshopResource).collect())
    }
}

fn is_staff(viewer: &Viewer, workshop_id: uuid::Uuid) -> bool {
    matches!(viewer, Viewer::User(user) if user.role == Role::Workshop && user.workshop_id == Some(workshop_id))
}

/// Queries of workshops.
#[derive(Default)]
pub struct SetupQuery;

#[Object]
impl SetupQuery {
    /// Workshops where cars can be booked in, by name; `regionCode` (e.g. `ES`) keeps those of a
    /// region.
    #[graphql(guard = "Allow::any_user()")]
    async fn workshops(&self, ctx: &Context<'_>, region_code: Option<String>) -> ApiResult<Vec<Workshop>> {
        Ok(setup::list(app(ctx), region_code.as_deref()).await?.into_iter().map(Workshop::from).collect())
    }

    /// One workshop.
    #[graphql(guard = "Allow::any_user()")]
    async fn workshop(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Workshop> {
        let id = parse_id(&id, "id")?;
        setup::workshop(&app(ctx).db, id).await.map(Workshop::from)
    }
}

/// A workshop's own details to change (absent fields stay).
#[derive(InputObject)]
pub struct WorkshopDetailsInput {
    /// Short code, the prefix of its invoice numbers: 3 to 10 letters or digits.
    pub code: Option<String>,
    /// IANA time zone, e.g. `Europe/Madrid`.
    pub time_zone: Option<String>,
    /// The booking grid: 15, 30 or 60 minutes.
    pub slot_minutes: Option<i32>,
    /// Street address.
    pub address: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
}

/// The opening hours of a weekday.
#[derive(InputObject)]
pub struct OpeningHoursInput {
    /// The day.
    pub weekday: Weekday,
    /// Opening time, `HH:MM`.
    pub opens: String,
    /// Closing time, `HH:MM`.
    pub closes: String,
}

/// A bay, lift or loan car to add (without `id`) or change.
#[derive(InputObject)]
pub struct ResourceInputObject {
    /// The resource to change; absent: a new one.
    pub id: Option<ID>,
    /// Bay, lift or loan car.
    pub kind: ResourceKind,
    /// Its name on the calendar, e.g. "Bay 1".
    pub name: String,
    /// Whether it can be booked.
    #[graphql(default = true)]
    pub active: bool,
}

/// A net price of a service in a region.
#[derive(InputObject)]
pub struct ServicePriceInput {
    /// The region's code, e.g. `DE`.
    pub region_code: String,
    /// Net price in minor units (cents).
    pub net_minor: i64,
}

/// A service to add (without `id`) or change.
#[derive(InputObject)]
pub struct ServiceTypeInputObject {
    /// The service to change; absent: a new one.
    pub id: Option<ID>,
    /// Its name, as customers read it.
    pub name: String,
    /// 60, 120, 240 (half a day) or 480 (a full day).
    pub duration_minutes: i32,
    /// The maintenance it records when done, if it is a service.
    pub maintenance_kind: Option<MaintenanceKind>,
    /// What it occupies: a bay or a lift.
    #[graphql(default_with = "ResourceKind::Bay")]
    pub resource_kind: ResourceKind,
    /// Whether customers can book it.
    #[graphql(default = true)]
    pub active: bool,
    /// Its net prices by region.
    #[graphql(default)]
    pub prices: Vec<ServicePriceInput>,
}

/// Changes to a workshop's set-up (its administrators, and platform admins).
#[derive(Default)]
pub struct SetupMutation;

#[Object]
impl SetupMutation {
    /// Changes the workshop's code, time zone, booking grid, address or phone.
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Admin])")]
    async fn update_workshop(
        &self,
        ctx: &Context<'_>,
        workshop_id: ID,
        input: WorkshopDetailsInput,
    ) -> ApiResult<Workshop> {
        let id = parse_id(&workshop_id, "workshopId")?;
        let change = DetailsChange {
            code: input.code,
            time_zone: input.time_zone,
            slot_minutes: input.slot_minutes,
            address: input.address,
            phone: input.phone,
        };
        setup::update_details(app(ctx), viewer(ctx), id, change).await.map(Workshop::from)
    }

    /// Sets the week's opening hours: the days listed open at their hours, the others closed.
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Admin])")]
    async fn set_opening_hours(
        &self,
        ctx: &Context<'_>,
        workshop_id: ID,
        hours: Vec<OpeningHoursInput>,
    ) -> ApiResult<Vec<OpeningHours>> {
        let id = parse_id(&workshop_id, "workshopId")?;
        let week = hours
            .iter()
            .map(|day| {
                Ok(DayHours {
                    weekday: day.weekday.index(),
                    opens_minute: minutes_of(&day.opens)?,
                    closes_minute: minutes_of(&day.closes)?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let rows = setup::set_hours(app(ctx), viewer(ctx), id, &week).await?;
        Ok(rows.into_iter().map(OpeningHours::from).collect())
    }

    /// Closes the workshop on `day` (a holiday), or with `closed: false` opens it again.
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Admin])")]
    async fn set_closed_day(
        &self,
        ctx: &Context<'_>,
        workshop_id: ID,
        day: NaiveDate,
        #[graphql(default)] reason: String,
        #[graphql(default = true)] closed: bool,
    ) -> ApiResult<Workshop> {
        let id = parse_id(&workshop_id, "workshopId")?;
        setup::set_closed_day(app(ctx), viewer(ctx), id, day, &reason, closed).await?;
        setup::workshop(&app(ctx).db, id).await.map(Workshop::from)
    }

    /// Adds or changes a bay, lift or loan car.
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Admin])")]
    async fn save_workshop_resource(
        &self,
        ctx: &Context<'_>,
        workshop_id: ID,
        input: ResourceInputObject,
    ) -> ApiResult<WorkshopResource> {
        let workshop_id = parse_id(&workshop_id, "workshopId")?;
        let id = input.id.as_ref().map(|id| parse_id(id, "id")).transpose()?;
        let input = ResourceInput { id, kind: input.kind, name: input.name, active: input.active };
        setup::save_resource(app(ctx), viewer(ctx), workshop_id, input).await.map(WorkshopResource)
    }

    /// Adds or changes a service with its duration and net prices per region.
    #[graphql(guard = "Allow::users(&[Role::Workshop, Role::Admin])")]
    async fn save_service_type(
        &self,
        ctx: &Context<'_>,
        workshop_id: ID,
        input: ServiceTypeInputObject,
    ) -> ApiResult<ServiceType> {
        let workshop_id = parse_id(&workshop_id, "workshopId")?;
        let id = input.id.as_ref().map(|id| parse_id(id, "id")).transpose()?;
        let input = ServiceTypeInput {
            id,
            name: input.name,
            duration_minutes: input.duration_minutes,
            maintenance_kind: input.maintenance_kind,
            resource_kind: input.resource_kind,
            active: input.active,
            prices: input.prices.into_iter().map(|price| (price.region_code, price.net_minor)).collect(),
        };
        setup::save_service_type(app(ctx), viewer(ctx), workshop_id, input).await.map(ServiceType)
    }
}
