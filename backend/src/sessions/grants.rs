//! Partner organisations, and which vehicles each may read: an admin grants and revokes them until owners give their
//! consent themselves. A partner's keys then read a granted car within their scopes.

use entity::{partner_vehicle_grants, partners, vehicles};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::app::App;
use crate::domain::Vin;
use crate::error::{ApiError, ApiResult};

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

/// Lets the partner read car `vin`; granting twice is one grant. The car's id.
pub async fn grant(app: &App, partner_id: Uuid, vin: &str) -> ApiResult<Uuid> {
    let vehicle_id = partner_and_car(app, partner_id, vin).await?;
    let grant = partner_vehicle_grants::ActiveModel {
        partner_id: Set(partner_id),
        vehicle_id: Set(vehicle_id),
        granted_at: Set(app.clock.now()),
    };
    let once =
        OnConflict::columns([partner_vehicle_grants::Column::PartnerId, partner_vehicle_grants::Column::VehicleId])
            .do_nothing()
            .to_owned();
    partner_vehicle_grants::Entity::insert(grant).on_conflict(once).exec_without_returning(&app.db).await?;
    Ok(vehicle_id)
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
