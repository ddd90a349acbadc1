//! Partner organisations, and which vehicles each may read, with which scopes: an owner consents
//! for their own car (an admin can grant for every read scope). A partner's keys then read a granted
//! car within both the key's scopes and the grant's.

use entity::{partner_vehicle_grants, partners, vehicles};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::app::App;
use crate::auth::{Scope, Viewer};
use crate::domain::Vin;
use crate::error::{ApiError, ApiResult};
use crate::policy;

/// The scopes a grant can give: what a car's data is read with (the catalog is not the owner's).
pub const READ_SCOPES: [&str; 3] = ["vehicles:read", "expediente:read", "telemetry:read"];

/// The partner and the car named, both existing.
async fn partner_and_car(app: &App, partner_id: Uuid, vin: &str) -> ApiResult<Uuid> {
    partners::Entity::find_by_id(partner_id).one(&app.db).await?.ok_or(ApiError::NotFound("partner"))?;
    let vin = Vin::parse(vin).map_err(|err| ApiError::bad_input("vin", err.to_string()))?;
    let car = vehicles::Entity::find()
        .filter(vehicles::Column::Vin.eq(vin.as_str()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("vehicle"))?;
    Ok(car.id)
}

/// Lets the partner read car `vin` with every read scope (an admin's grant); granting twice is one
/// grant. The car's id.
pub async fn grant(app: &App, partner_id: Uuid, vin: &str) -> ApiResult<Uuid> {
    let vehicle_id = partner_and_car(app, partner_id, vin).await?;
    store(app, partner_id, vehicle_id, &READ_SCOPES.join(","), None).await?;
    Ok(vehicle_id)
}

/// Writes the grant, or replaces the scopes of the one there.
async fn store(
    app: &App,
    partner_id: Uuid,
    vehicle_id: Uuid,
    scopes: &str,
    granted_by: Option<Uuid>,
) -> ApiResult<partner_vehicle_grants::Model> {
    let grant = partner_vehicle_grants::ActiveModel {
        partner_id: Set(partner_id),
        vehicle_id: Set(vehicle_id),
        granted_at: Set(app.clock.now()),
        scopes: Set(scopes.to_owned()),
        granted_by: Set(granted_by),
    };
    let replace =
        OnConflict::columns([partner_vehicle_grants::Column::PartnerId, partner_vehicle_grants::Column::VehicleId])
            .update_columns([
                partner_vehicle_grants::Column::Scopes,
                partner_vehicle_grants::Column::GrantedAt,
                partner_vehicle_grants::Column::GrantedBy,
            ])
            .to_owned();
    partner_vehicle_grants::Entity::insert(grant).on_conflict(replace).exec_without_returning(&app.db).await?;
    partner_vehicle_grants::Entity::find_by_id((partner_id, vehicle_id))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("grant"))
}

/// The owner's car `vin`, checked: only its owner consents.
async fn own_car(app: &App, viewer: &Viewer, partner_id: Uuid, vin: &str) -> ApiResult<vehicles::Model> {
    let vehicle_id = partner_and_car(app, partner_id, vin).await?;
    let car = vehicles::Entity::find_by_id(vehicle_id).one(&app.db).await?.ok_or(ApiError::NotFound("vehicle"))?;
    if policy::may_consent(viewer, &car) {
        Ok(car)
    } else {
        Err(ApiError::Forbidden("only the car's owner can share its data".into()))
    }
}

/// The owner of car `vin` lets the partner read it with `scopes` (replacing what they gave before).
pub async fn consent(
    app: &App,
    viewer: &Viewer,
    partner_id: Uuid,
    vin: &str,
    scopes: &[Scope],
) -> ApiResult<(vehicles::Model, partner_vehicle_grants::Model)> {
    let car = own_car(app, viewer, partner_id, vin).await?;
    let mut names: Vec<&str> = scopes.iter().map(|scope| scope.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() || names.iter().any(|name| !READ_SCOPES.contains(name)) {
        return Err(ApiError::bad_input(
            "scopes",
            "choose what to share: VEHICLES_READ, EXPEDIENTE_READ or TELEMETRY_READ",
        ));
    }
    let owner = viewer.user()?.id;
    let grant = store(app, partner_id, car.id, &names.join(","), Some(owner)).await?;
    Ok((car, grant))
}

/// The owner of car `vin` takes the partner's access back, at once. Whether there was a grant.
pub async fn withdraw(app: &App, viewer: &Viewer, partner_id: Uuid, vin: &str) -> ApiResult<(vehicles::Model, bool)> {
    let car = own_car(app, viewer, partner_id, vin).await?;
    let deleted = partner_vehicle_grants::Entity::delete_by_id((partner_id, car.id)).exec(&app.db).await?;
    Ok((car, deleted.rows_affected > 0))
}

/// The grants on a car, oldest first.
pub async fn grants_of_car(app: &App, vehicle_id: Uuid) -> ApiResult<Vec<partner_vehicle_grants::Model>> {
    Ok(partner_vehicle_grants::Entity::find()
        .filter(partner_vehicle_grants::Column::VehicleId.eq(vehicle_id))
        .order_by_asc(partner_vehicle_grants::Column::GrantedAt)
        .all(&app.db)
        .await?)
}

/// The cars granted to `partner_id` with `scope`, by VIN.
pub async fn granted_cars(app: &App, partner_id: Uuid, scope: Scope) -> ApiResult<Vec<vehicles::Model>> {
    let grants = partner_vehicle_grants::Entity::find()
        .filter(partner_vehicle_grants::Column::PartnerId.eq(partner_id))
        .all(&app.db)
        .await?;
    let ids: Vec<Uuid> = grants
        .iter()
        .filter(|grant| policy::grant_scopes(grant).contains(&scope))
        .map(|grant| grant.vehicle_id)
        .collect();
    Ok(vehicles::Entity::find()
        .filter(vehicles::Column::Id.is_in(ids))
        .order_by_asc(vehicles::Column::Vin)
        .all(&app.db)
        .await?)
}

/// Stops the partner reading car `vin` (at once: access is checked on every request). The car's id.
pub async fn revoke(app: &App, partner_id: Uuid, vin: &str) -> ApiResult<Uuid> {
    let vehicle_id = partner_and_car(app, partner_id, vin).await?;
    partner_vehicle_grants::Entity::delete_by_id((partner_id, vehicle_id)).exec(&app.db).await?;
    Ok(vehicle_id)
}

/// Most characters of a partner's name.
const NAME_LENGTH: usize = 120;

/// Registers a partner organisation named `name`.
pub async fn create_partner(app: &App, name: &str) -> ApiResult<partners::Model> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_LENGTH {
        return Err(ApiError::bad_input("name", "a partner needs a name of 1 to 120 characters"));
    }
    let partner =
        partners::ActiveModel { id: Set(Uuid::now_v7()), name: Set(name.to_owned()), created_at: Set(app.clock.now()) };
    Ok(partners::Entity::insert(partner).exec_with_returning(&app.db).await?)
}

/// Every partner, by name.
pub async fn partners(app: &App) -> ApiResult<Vec<partners::Model>> {
    Ok(partners::Entity::find().order_by_asc(partners::Column::Name).all(&app.db).await?)
}
