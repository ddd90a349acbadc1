//! GraphQL types and queries of vehicles.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    Powertrain, VehicleCommandKind, VehicleStatus, dealerships, model_manuals, regions, users, vehicle_models, vehicles,
};

use super::{capabilities, service};
use crate::accounts::graphql::{Dealership, Region, User};
use crate::auth::viewer::PLATFORM_STAFF;
use crate::auth::{Allow, Scope};
use crate::domain::maintenance::{MaintenanceState, classify};
use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::connection;
use crate::graphql::context::{app, load_by_id, load_children, load_existing, viewer};
use crate::graphql::loaders::ManualsOfModel;
use crate::pagination::PageArgs;
use crate::policy::{self, Access};

/// The owner of `vehicle`, if the viewer may see this personal data.
pub async fn owner_of(ctx: &Context<'_>, vehicle: &vehicles::Model) -> ApiResult<Option<User>> {
    if !policy::vehicle_owner(app(ctx), viewer(ctx), vehicle).await? {
        return Err(ApiError::Forbidden("the owner of this vehicle is not visible to you".into()));
    }
    let Some(owner_id) = vehicle.owner_id else {
        return Ok(None);
    };
    Ok(load_by_id::<users::Entity>(ctx, owner_id).await?.map(User))
}

// Its own fields are those of `VehicleFields`; domains above this one add theirs as GraphQL's
// `extend type` does (`#[ComplexObject] impl Vehicle`: the activation domain adds `activations`), so
// that fleet never imports a domain that builds on it.
/// A vehicle, identified by its VIN.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Vehicle {
    #[graphql(flatten)]
    fields: VehicleFields,
}

impl Vehicle {
    /// The vehicle's row.
    pub fn row(&self) -> &vehicles::Model {
        &self.fields.0
    }
}

impl From<vehicles::Model> for Vehicle {
    fn from(row: vehicles::Model) -> Self {
        Self { fields: VehicleFields(row) }
    }
}

/// The fields of [`Vehicle`] that the fleet knows.
pub struct VehicleFields(vehicles::Model);

#[Object]
impl VehicleFields {
    /// Vehicle identification number (17 characters).
    async fn vin(&self) -> &str {
        &self.0.vin
    }

    /// The model.
    async fn model(&self, ctx: &Context<'_>) -> ApiResult<VehicleModel> {
        load_existing::<vehicle_models::Entity>(ctx, self.0.model_id, "vehicle model").await.map(VehicleModel)
    }

    /// Installed firmware version; features need a minimum version.
    async fn firmware_version(&self) -> &str {
        &self.0.firmware_version
    }

    /// Where the vehicle stands between stock and its owner.
    async fn status(&self) -> VehicleStatus {
        self.0.status
    }

    /// Registration plate, once registered.
    async fn plate(&self) -> Option<&str> {
        self.0.plate.as_deref()
    }

    /// Paint colour.
    async fn color(&self) -> &str {
        &self.0.color
    }

    /// Odometer reading in kilometres.
    async fn mileage_km(&self) -> i32 {
        self.0.mileage_km
    }

    /// Where its maintenance stands: up to date, due (within 30 days or 1,000 km) or overdue, and
    /// when and at what mileage the next service is due (set by the latest service record, or a
    /// model's interval after the car was made).
    async fn maintenance_status(&self, ctx: &Context<'_>) -> MaintenanceStatus {
        let car = &self.0;
        let now = app(ctx).clock.now();
        MaintenanceStatus {
            state: classify(car.service_due_at, car.service_due_km, car.mileage_km, now),
            next_due_at: car.service_due_at,
            next_due_km: car.service_due_km,
        }
    }

    /// The region the vehicle is sold or registered in.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        load_existing::<regions::Entity>(ctx, self.0.region_id, "region").await.map(Region)
    }

    /// The dealership that holds or sold it.
    async fn dealership(&self, ctx: &Context<'_>) -> ApiResult<Option<Dealership>> {
        let Some(id) = self.0.dealership_id else {
            return Ok(None);
        };
        Ok(load_by_id::<dealerships::Entity>(ctx, id).await?.map(Dealership))
    }

    /// The owner; personal data, so only for the owner, the selling dealership and platform staff.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        owner_of(ctx, &self.0).await
    }
}

/// Where a vehicle's maintenance stands.
#[derive(SimpleObject)]
pub struct MaintenanceStatus {
    /// Up to date, due soon, or overdue.
    pub state: MaintenanceState,
    /// When the next service is due.
    pub next_due_at: Option<DateTime<Utc>>,
    /// At what odometer reading it is due.
    pub next_due_km: Option<i32>,
}

/// A vehicle model.
pub struct VehicleModel(pub vehicle_models::Model);

#[Object]
impl VehicleModel {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Short code, e.g. `AURORA`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Marketing name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Body type, e.g. `SEDAN`.
    async fn body_type(&self) -> &str {
        &self.0.body_type
    }

    /// Model year.
    async fn model_year(&self) -> i32 {
        self.0.model_year
    }

    /// What drives it: ELECTRIC, PLUG_IN_HYBRID or COMBUSTION.
    async fn powertrain(&self) -> Powertrain {
        self.0.powertrain
    }

    /// Range on a full battery (WLTP), km; none without a traction battery.
    async fn electric_range_km(&self) -> Option<i32> {
        self.0.electric_range_km
    }

    /// The remote commands its cars take (a model without a battery is not charged, one without
    /// remote climate is not preconditioned).
    async fn remote_commands(&self) -> Vec<VehicleCommandKind> {
        capabilities::capabilities(&self.0)
    }

    /// Owner's manuals, one per language.
    async fn manuals(&self, ctx: &Context<'_>) -> ApiResult<Vec<Manual>> {
        let rows = load_children(ctx, ManualsOfModel(self.0.id)).await?;
        Ok(rows.into_iter().map(Manual).collect())
    }
}

/// An owner's manual.
pub struct Manual(pub model_manuals::Model);

#[Object]
impl Manual {
    /// Language of the manual.
    async fn locale(&self) -> &str {
        &self.0.locale
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Where to read it.
    async fn url(&self) -> &str {
        &self.0.url
    }
}

/// Queries about vehicles.
#[derive(Default)]
pub struct FleetQuery;

#[Object]
impl FleetQuery {
    /// The signed-in customer's vehicles, by VIN.
    #[graphql(
        guard = "Allow::any_user()",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn my_vehicles(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Vehicle>> {
        let args = PageArgs::parse(after, first)?;
        let page = service::my_vehicles(app(ctx), viewer(ctx), &args).await?;
        Ok(connection(page, Vehicle::from))
    }

    /// A vehicle by VIN, if it is within your scope.
    #[graphql(
        guard = "Allow::any_user().or_partner(Scope::VehiclesRead)",
        complexity = "crate::graphql::connection::LOOKUP_COST + child_complexity"
    )]
    async fn vehicle(&self, ctx: &Context<'_>, vin: String) -> ApiResult<Vehicle> {
        service::vehicle_for(app(ctx), viewer(ctx), &vin, Access::Basic).await.map(Vehicle::from)
    }

    /// Support's search: vehicles whose VIN, plate, owner's name or e-mail, or an order's number
    /// contains `text` (2 to 100 characters), by VIN.
    #[graphql(
        guard = "Allow::users(PLATFORM_STAFF)",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn search_vehicles(
        &self,
        ctx: &Context<'_>,
        text: String,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Vehicle>> {
        let args = PageArgs::parse(after, first)?;
        let page = service::search(app(ctx), viewer(ctx), &text, &args).await?;
        Ok(connection(page, Vehicle::from))
    }

    /// The models on sale, by name.
    #[graphql(guard = "Allow::any_user().or_partner(Scope::CatalogRead)")]
    async fn models(&self, ctx: &Context<'_>) -> ApiResult<Vec<VehicleModel>> {
        Ok(service::models(app(ctx)).await?.into_iter().map(VehicleModel).collect())
    }
}
