//! Finding vehicles, with the scope rules of every role.

use entity::{Role, partner_vehicle_grants, vehicle_models, vehicles};
use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder};

use crate::app::App;
use crate::auth::{PartnerViewer, Viewer};
use crate::domain::Vin;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageArgs, keyset};

/// Parses a VIN argument, naming the argument when it is malformed.
pub fn parse_vin(input: &str) -> ApiResult<Vin> {
    Vin::parse(input).map_err(|err| ApiError::bad_input("vin", err.to_string()))
}

/// The vehicle with `vin`, whoever may see it.
pub async fn find_by_vin(app: &App, vin: &Vin) -> ApiResult<vehicles::Model> {
    vehicles::Entity::find()
        .filter(vehicles::Column::Vin.eq(vin.as_str()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("vehicle"))
}

/// What a viewer may do with a vehicle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Its identity and technical data: VIN, model, firmware, status.
    Basic,
    /// Its history too (the expediente): orders, activations, maintenance, invoices.
    History,
}

/// Checks that `viewer` may see `vehicle` at the given level.
///
/// Customers see their own vehicles; dealers those their dealership holds or sold; workshops any
/// vehicle's basic data (a car can arrive at any workshop) but no history; support and admins all;
/// partners the vehicles granted to them, with the matching scope checked by the field guard.
pub async fn ensure_access(app: &App, viewer: &Viewer, vehicle: &vehicles::Model, access: Access) -> ApiResult<()> {
    let allowed = match viewer {
        Viewer::Anonymous => return Err(ApiError::Unauthenticated("sign in first".into())),
        Viewer::User(user) => match user.role {
            Role::Customer => vehicle.owner_id == Some(user.id),
            Role::Dealer => user.dealership_id.is_some() && vehicle.dealership_id == user.dealership_id,
            Role::Workshop => access == Access::Basic,
            Role::Support | Role::Admin => true,
        },
        Viewer::Partner(partner) => is_granted(app, partner, vehicle).await?,
    };
    if allowed { Ok(()) } else { Err(ApiError::Forbidden("this vehicle is outside your scope".into())) }
}

async fn is_granted(app: &App, partner: &PartnerViewer, vehicle: &vehicles::Model) -> ApiResult<bool> {
    Ok(partner_vehicle_grants::Entity::find_by_id((partner.partner_id, vehicle.id)).one(&app.db).await?.is_some())
}

/// The vehicle with `vin` if `viewer` may see it at `access` level.
#[tracing::instrument(skip(app, viewer))]
pub async fn vehicle_for(app: &App, viewer: &Viewer, vin: &str, access: Access) -> ApiResult<vehicles::Model> {
    let vin = parse_vin(vin)?;
    let vehicle = find_by_vin(app, &vin).await?;
    ensure_access(app, viewer, &vehicle, access).await?;
    Ok(vehicle)
}

/// A page of the signed-in customer's vehicles, by VIN.
pub async fn my_vehicles(app: &App, viewer: &Viewer, args: &PageArgs) -> ApiResult<Page<vehicles::Model>> {
    let me = viewer.user()?;
    let select = vehicles::Entity::find().filter(vehicles::Column::OwnerId.eq(me.id));
    let rows = keyset(select, vehicles::Column::Vin, Order::Asc, args.after.clone(), args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |vehicle| vehicle.vin.clone()))
}

/// Whether `viewer` may see who owns `vehicle` (personal data): the owner, the selling dealership
/// and platform staff; never workshops or partners.
pub fn may_see_owner(viewer: &Viewer, vehicle: &vehicles::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => vehicle.owner_id == Some(user.id),
            Role::Dealer => user.dealership_id.is_some() && vehicle.dealership_id == user.dealership_id,
            Role::Support | Role::Admin => true,
            Role::Workshop => false,
        },
        _ => false,
    }
}

/// The models on sale, by name.
pub async fn models(app: &App) -> ApiResult<Vec<vehicle_models::Model>> {
    Ok(vehicle_models::Entity::find().order_by_asc(vehicle_models::Column::Name).all(&app.db).await?)
}
