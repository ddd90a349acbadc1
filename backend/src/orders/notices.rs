//! Telling the customer and the dealership about an order, in their languages.

use entity::{NotificationChannel, Role, dealerships, orders, users, vehicle_models};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::notifications::service::{APP_AND_EMAIL, notify};
use crate::platform::outbox::Outbox;

/// The facts every order message uses: names of the customer, model and dealership, the number.
pub async fn payload(db: &impl ConnectionTrait, order: &orders::Model) -> ApiResult<Value> {
    Ok(base_payload(db, order).await?.1)
}

async fn base_payload(db: &impl ConnectionTrait, order: &orders::Model) -> ApiResult<(users::Model, Value)> {
    let customer = users::Entity::find_by_id(order.customer_id).one(db).await?.ok_or(ApiError::NotFound("customer"))?;
    let model = vehicle_models::Entity::find_by_id(order.model_id).one(db).await?.ok_or(ApiError::NotFound("model"))?;
    let dealership =
        dealerships::Entity::find_by_id(order.dealership_id).one(db).await?.ok_or(ApiError::NotFound("dealership"))?;
    let payload = json!({
        "name": customer.name,
        "model": model.name,
        "order": order.number,
        "orderId": order.id,
        "dealership": dealership.name,
    });
    Ok((customer, payload))
}

/// `payload` with the fields of `extra` added.
pub fn with(mut payload: Value, extra: Value) -> Value {
    if let (Value::Object(base), Value::Object(extra)) = (&mut payload, extra) {
        base.extend(extra);
    }
    payload
}

/// Tells the order's customer, in the app and by e-mail.
pub async fn tell_customer(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    order: &orders::Model,
    template: &str,
    extra: Value,
) -> ApiResult<()> {
    let (customer, payload) = base_payload(db, order).await?;
    notify(app, db, outbox, customer.id, template, with(payload, extra), APP_AND_EMAIL).await
}

/// Tells the staff of the order's dealership, in the app and by e-mail.
pub async fn tell_dealership(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    order: &orders::Model,
    template: &str,
    extra: Value,
) -> ApiResult<()> {
    let (_, payload) = base_payload(db, order).await?;
    let payload = with(payload, extra);
    let staff = users::Entity::find()
        .filter(users::Column::DealershipId.eq(order.dealership_id))
        .filter(users::Column::Role.eq(Role::Dealer))
        .filter(users::Column::ErasedAt.is_null())
        .all(db)
        .await?;
    let channels = [NotificationChannel::InApp, NotificationChannel::Email];
    for member in staff {
        notify(app, db, outbox, member.id, template, payload.clone(), &channels).await?;
    }
    Ok(())
}
