//! Reading activations within the caller's scope.

use entity::{PaymentStatus, activations, ota_jobs, payments, vehicles};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::fleet::service::vehicle_for;
use crate::pagination::{Page, PageArgs, keyset};
use crate::policy::{self, Access};

/// One activation, if `viewer` may see it (see [`policy::ensure_activation`]).
pub async fn activation(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<activations::Model> {
    let activation = activations::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("activation"))?;
    let vehicle =
        vehicles::Entity::find_by_id(activation.vehicle_id).one(&app.db).await?.ok_or(ApiError::NotFound("vehicle"))?;
    policy::ensure_activation(app, viewer, &activation, &vehicle).await?;
    Ok(activation)
}

/// A page of the activations of the vehicle with `vin`, newest first.
pub async fn of_vehicle(app: &App, viewer: &Viewer, vin: &str, args: &PageArgs) -> ApiResult<Page<activations::Model>> {
    let vehicle = vehicle_for(app, viewer, vin, Access::History).await?;
    let select = activations::Entity::find().filter(activations::Column::VehicleId.eq(vehicle.id));
    let mut rows = keyset(select, activations::Column::Id, Order::Desc, args.after_uuid()?, args).all(&app.db).await?;
    // Filtered after the page is read: a page may come out shorter, never with another's rows.
    rows.retain(|activation| policy::activation(viewer, activation, &vehicle));
    Ok(Page::from_fetched(rows, args, |activation| activation.id.to_string()))
}

/// An activation and the status of its latest charge, in one statement (a live view reads them
/// for every step it shows).
pub async fn with_latest_charge(app: &App, id: Uuid) -> ApiResult<Option<(activations::Model, Option<PaymentStatus>)>> {
    let latest_charge = Query::select()
        .column(payments::Column::Status)
        .from(payments::Entity)
        .and_where(
            Expr::col((payments::Entity, payments::Column::ActivationId))
                .equals((activations::Entity, activations::Column::Id)),
        )
        .order_by(payments::Column::Id, Order::Desc)
        .limit(1)
        .to_owned();
    let statement = activations::Entity::find_by_id(id)
        .expr_as(Expr::SubQuery(None, Box::new(latest_charge.into())), "latest_charge")
        .build(app.db.get_database_backend());
    let Some(row) = app.db.query_one_raw(statement).await? else { return Ok(None) };
    let activation = activations::Model::from_query_result(&row, "")?;
    let charge: Option<PaymentStatus> = row.try_get("", "latest_charge")?;
    Ok(Some((activation, charge)))
}

/// The delivery attempts of an activation's latest OTA job (0 before the first).
pub async fn latest_attempts(app: &App, activation_id: Uuid) -> ApiResult<i32> {
    let job = ota_jobs::Entity::find()
        .filter(ota_jobs::Column::ActivationId.eq(activation_id))
        .order_by_desc(ota_jobs::Column::Id)
        .one(&app.db)
        .await?;
    Ok(job.map_or(0, |job| job.attempts))
}
