//! Finding vehicles, with the scope rules of every role.

use entity::{orders, vehicle_models, vehicles};
use sea_orm::{ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use crate::accounts::service::users_matching;
use crate::app::App;
use crate::auth::Viewer;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::domain::Vin;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageArgs, keyset};
use crate::platform::db::{contains, search_needle};
use crate::policy::{self, Access};

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

/// The vehicle with `vin` if `viewer` may see it at `access` level.
#[tracing::instrument(skip(app, viewer))]
pub async fn vehicle_for(app: &App, viewer: &Viewer, vin: &str, access: Access) -> ApiResult<vehicles::Model> {
    let vin = parse_vin(vin)?;
    let vehicle = find_by_vin(app, &vin).await?;
    policy::vehicle(app, viewer, &vehicle, access).await?;
    Ok(vehicle)
}

/// A page of the signed-in customer's vehicles, by VIN.
pub async fn my_vehicles(app: &App, viewer: &Viewer, args: &PageArgs) -> ApiResult<Page<vehicles::Model>> {
    let me = viewer.user()?;
    let select = vehicles::Entity::find().filter(vehicles::Column::OwnerId.eq(me.id));
    let rows = keyset(select, vehicles::Column::Vin, Order::Asc, args.after.clone(), args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |vehicle| vehicle.vin.clone()))
}

/// The vehicles whose VIN, plate, owner's name or e-mail, or an order's number contains `text`,
/// by VIN: how support finds the car a person calls about.
pub async fn search(app: &App, viewer: &Viewer, text: &str, args: &PageArgs) -> ApiResult<Page<vehicles::Model>> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let needle = search_needle(text);
    if !(2..=100).contains(&needle.chars().count()) {
        return Err(ApiError::bad_input("text", "search for 2 to 100 characters"));
    }
    let owners = users_matching(&needle);
    let sold = orders::Entity::find()
        .select_only()
        .column(orders::Column::VehicleId)
        .filter(contains(orders::Column::Number, &needle))
        .filter(orders::Column::VehicleId.is_not_null())
        .into_query();
    let select = vehicles::Entity::find().filter(
        Condition::any()
            .add(contains(vehicles::Column::Vin, &needle))
            .add(contains(vehicles::Column::Plate, &needle))
            .add(vehicles::Column::OwnerId.in_subquery(owners))
            .add(vehicles::Column::Id.in_subquery(sold)),
    );
    let rows = keyset(select, vehicles::Column::Vin, Order::Asc, args.after.clone(), args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |vehicle| vehicle.vin.clone()))
}

/// The models on sale, by name.
pub async fn models(app: &App) -> ApiResult<Vec<vehicle_models::Model>> {
    Ok(vehicle_models::Entity::find().order_by_asc(vehicle_models::Column::Name).all(&app.db).await?)
}
