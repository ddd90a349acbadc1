//! Trade-ins: a dealership takes a car back from its owner into its stock, from where it is sold
//! again with an ordinary sale. The car changes hands: its subscriptions end, features bought for
//! good stay with it, partner access its owner granted ends, and the owner is told.

use entity::{
    ActivationStatus, OrderStatus, Role, VehicleStatus, activations, dealerships, orders, partner_vehicle_grants,
    users, vehicle_models, vehicles,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::domain::Email;
use crate::error::{ApiError, ApiResult};
use crate::fleet::service::parse_vin;
use crate::notifications::service::{APP_AND_EMAIL, notify};
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;

/// A car a customer hands back, as the dealer enters it.
#[derive(Clone, Debug)]
pub struct TradeInInput {
    /// The car's VIN.
    pub vin: String,
    /// The owner's e-mail: the dealer confirms whose car they take.
    pub owner_email: String,
}

/// Takes a delivered (or assigned) car from its owner into the dealer's dealership's stock.
#[tracing::instrument(skip(app, viewer, input), fields(vin = %input.vin))]
pub async fn register_trade_in(app: &App, viewer: &Viewer, input: TradeInInput) -> ApiResult<vehicles::Model> {
    let dealer = viewer.user_with_role(&[Role::Dealer])?;
    let dealership_id =
        dealer.dealership_id.ok_or_else(|| ApiError::Forbidden("you belong to no dealership".into()))?;
    let vin = parse_vin(&input.vin)?;
    let owner_email =
        Email::parse(&input.owner_email).map_err(|err| ApiError::bad_input("ownerEmail", err.to_string()))?;
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let car = vehicles::Entity::find()
        .filter(vehicles::Column::Vin.eq(vin.as_str()))
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound("vehicle"))?;
    if !matches!(car.status, VehicleStatus::Delivered | VehicleStatus::Assigned) {
        return Err(ApiError::Conflict(format!(
            "only a car with an owner (delivered or assigned) can be traded in; this one is {:?}",
            car.status
        )));
    }
    let owner = owner_of(&txn, &car, &owner_email).await?;
    ensure_nothing_pending(&txn, &car).await?;
    take_into_stock(app, &txn, &car, owner.id, dealership_id).await?;
    // The car changed hands: the billing of its subscriptions ends the same way as at a resale.
    let ended = crate::activation::billing::owner_changed(app, &txn, &mut outbox, car.id).await?;
    partner_vehicle_grants::Entity::delete_many()
        .filter(partner_vehicle_grants::Column::VehicleId.eq(car.id))
        .exec(&txn)
        .await?;
    tell_previous_owner(app, &txn, &mut outbox, &car, &owner, dealership_id).await?;
    let details = json!({ "previousOwner": owner.id, "dealership": dealership_id, "from": car.status, "subscriptionsEnded": ended });
    audit::record(app, &txn, viewer, "vehicle.trade_in", Subject { kind: "vehicle", id: &car.vin }, details).await?;
    let traded = vehicles::Entity::find_by_id(car.id).one(&txn).await?.ok_or(ApiError::NotFound("vehicle"))?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(traded)
}

/// The car's owner, if `email` is theirs.
async fn owner_of(db: &impl ConnectionTrait, car: &vehicles::Model, email: &Email) -> ApiResult<users::Model> {
    let owner = match car.owner_id {
        Some(owner_id) => users::Entity::find_by_id(owner_id).one(db).await?,
        None => None,
    };
    owner
        .filter(|owner| owner.email == email.as_str())
        .ok_or_else(|| ApiError::bad_input("ownerEmail", "this car is not registered to this e-mail address"))
}

/// Refuses while a sale of the car is open or a feature is being switched on in it: the sale or
/// the activation would finish for an owner the car no longer has.
async fn ensure_nothing_pending(db: &impl ConnectionTrait, car: &vehicles::Model) -> ApiResult<()> {
    let open_orders = orders::Entity::find()
        .filter(orders::Column::VehicleId.eq(car.id))
        .filter(orders::Column::Status.is_not_in([OrderStatus::Delivered, OrderStatus::Cancelled]))
        .count(db)
        .await?;
    if open_orders > 0 {
        return Err(ApiError::Conflict("this car has an open order; deliver or cancel it first".into()));
    }
    let switching_on = activations::Entity::find()
        .filter(activations::Column::VehicleId.eq(car.id))
        .filter(activations::Column::Status.is_in([ActivationStatus::Pending, ActivationStatus::Activating]))
        .count(db)
        .await?;
    if switching_on > 0 {
        return Err(ApiError::Refused {
            reason: "ACTIVATION_IN_PROGRESS",
            message: "a feature is being switched on in this car; try again when it is done".into(),
        });
    }
    Ok(())
}

/// Moves the car into the dealership's stock, unless someone changed it since it was read.
async fn take_into_stock(
    app: &App,
    db: &impl ConnectionTrait,
    car: &vehicles::Model,
    owner_id: Uuid,
    dealership_id: Uuid,
) -> ApiResult<()> {
    let moved = vehicles::Entity::update_many()
        .col_expr(vehicles::Column::Status, Expr::value(VehicleStatus::InStock))
        .col_expr(vehicles::Column::OwnerId, Expr::value(Option::<Uuid>::None))
        .col_expr(vehicles::Column::Plate, Expr::value(Option::<String>::None))
        .col_expr(vehicles::Column::DealershipId, Expr::value(Some(dealership_id)))
        .col_expr(vehicles::Column::UpdatedAt, Expr::value(app.clock.now()))
        .filter(vehicles::Column::Id.eq(car.id))
        .filter(vehicles::Column::Status.eq(car.status))
        .filter(vehicles::Column::OwnerId.eq(owner_id))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(ApiError::Conflict("the car changed meanwhile; look at it again".into()));
    }
    Ok(())
}

async fn tell_previous_owner(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    car: &vehicles::Model,
    owner: &users::Model,
    dealership_id: Uuid,
) -> ApiResult<()> {
    let model = vehicle_models::Entity::find_by_id(car.model_id).one(db).await?.ok_or(ApiError::NotFound("model"))?;
    let dealership =
        dealerships::Entity::find_by_id(dealership_id).one(db).await?.ok_or(ApiError::NotFound("dealership"))?;
    let payload = json!({ "name": owner.name, "model": model.name, "vin": car.vin, "dealership": dealership.name });
    notify(app, db, outbox, owner.id, "vehicle.traded_in", payload, APP_AND_EMAIL).await
}
