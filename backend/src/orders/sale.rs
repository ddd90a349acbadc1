//! Registering a sale: the customer (a new account with a set-password e-mail, or an existing one),
//! the model and configuration or a car from stock, and the price.

use chrono::Datelike;
use entity::{
    NotificationChannel, OrderStatus, Role, VehicleStatus, dealerships, orders, regions, users, vehicle_models,
    vehicles,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::notices;
use crate::accounts::links::{self, LinkPurpose};
use crate::accounts::service::{NewCustomer, find_or_create_customer};
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::domain::{Email, Locale};
use crate::error::{ApiError, ApiResult};
use crate::fleet::service::parse_vin;
use crate::notifications::service::notify;
use crate::platform::db::begin_write;
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;

/// The largest price of a car we accept: ten million in major units.
const MAX_PRICE_MINOR: i64 = 1_000_000_000;

/// A sale as the dealer enters it.
#[derive(Clone, Debug)]
pub struct SaleInput {
    /// The buyer's e-mail.
    pub customer_email: String,
    /// The buyer's name (for a new account).
    pub customer_name: String,
    /// The buyer's language (for a new account).
    pub customer_locale: Option<Locale>,
    /// The buyer's phone.
    pub customer_phone: Option<String>,
    /// A model to order from the factory…
    pub model_code: Option<String>,
    /// … or a car from the dealership's stock.
    pub stock_vin: Option<String>,
    /// Colour, trim and options for the factory.
    pub configuration: Value,
    /// Net price in minor units of the dealership's currency.
    pub price_net_minor: i64,
}

fn check_price(price: i64) -> ApiResult<()> {
    if price <= 0 || price > MAX_PRICE_MINOR {
        return Err(ApiError::bad_input("priceNetMinor", "the price must be positive and at most 10,000,000.00"));
    }
    Ok(())
}

/// The model ordered, and the stock car if the sale is from stock.
async fn what_is_sold(
    db: &impl ConnectionTrait,
    input: &SaleInput,
    dealership_id: Uuid,
) -> ApiResult<(vehicle_models::Model, Option<vehicles::Model>)> {
    match (&input.stock_vin, &input.model_code) {
        (Some(vin), None) => {
            let vin = parse_vin(vin)?;
            let car = vehicles::Entity::find()
                .filter(vehicles::Column::Vin.eq(vin.as_str()))
                .one(db)
                .await?
                .ok_or(ApiError::NotFound("vehicle"))?;
            if car.dealership_id != Some(dealership_id) {
                return Err(ApiError::Forbidden("this car is not in your dealership's stock".into()));
            }
            if car.status != VehicleStatus::InStock {
                return Err(ApiError::Conflict("this car is not in stock any more".into()));
            }
            let model =
                vehicle_models::Entity::find_by_id(car.model_id).one(db).await?.ok_or(ApiError::NotFound("model"))?;
            Ok((model, Some(car)))
        }
        (None, Some(code)) => {
            let model = vehicle_models::Entity::find()
                .filter(vehicle_models::Column::Code.eq(code.trim().to_uppercase()))
                .one(db)
                .await?
                .ok_or(ApiError::NotFound("vehicle model"))?;
            Ok((model, None))
        }
        _ => Err(ApiError::bad_input("modelCode", "give either a model code or a stock VIN")),
    }
}

/// The next order number of the year, e.g. `ORD-2026-000042`.
async fn next_number(db: &impl ConnectionTrait, year: i32) -> ApiResult<String> {
    let prefix = format!("ORD-{year}-");
    let count = orders::Entity::find().filter(orders::Column::Number.starts_with(&prefix)).count(db).await?;
    Ok(format!("{prefix}{:06}", count + 1))
}

/// Registers a sale for the dealer's dealership.
#[tracing::instrument(skip(app, viewer, input), fields(model = ?input.model_code, stock = ?input.stock_vin))]
pub async fn register_sale(app: &App, viewer: &Viewer, input: SaleInput) -> ApiResult<orders::Model> {
    let dealer = viewer.user_with_role(&[Role::Dealer])?;
    let dealership_id =
        dealer.dealership_id.ok_or_else(|| ApiError::Forbidden("you belong to no dealership".into()))?;
    check_price(input.price_net_minor)?;
    let email =
        Email::parse(&input.customer_email).map_err(|err| ApiError::bad_input("customerEmail", err.to_string()))?;
    let customer = NewCustomer {
        email,
        name: input.customer_name.clone(),
        locale: input.customer_locale,
        phone: input.customer_phone.clone(),
    };
    // Two dealers may number a sale at the same moment: the loser retries with the next number.
    for _ in 0..3 {
        let txn = begin_write(&app.db).await?;
        let mut outbox = Outbox::new();
        match register_in(app, &txn, &mut outbox, viewer, dealership_id, &customer, &input).await {
            Ok(order) => {
                outbox.commit(txn, app.events.as_ref()).await?;
                return Ok(order);
            }
            Err(ApiError::Conflict(message)) if message == NUMBER_TAKEN => continue,
            Err(err) => return Err(err),
        }
    }
    Err(ApiError::Conflict("too many sales at once; try again".into()))
}

const NUMBER_TAKEN: &str = "order number taken";

async fn register_in(
    app: &App,
    txn: &DatabaseTransaction,
    outbox: &mut Outbox,
    viewer: &Viewer,
    dealership_id: Uuid,
    customer: &NewCustomer,
    input: &SaleInput,
) -> ApiResult<orders::Model> {
    let dealership =
        dealerships::Entity::find_by_id(dealership_id).one(txn).await?.ok_or(ApiError::NotFound("dealership"))?;
    let region =
        regions::Entity::find_by_id(dealership.region_id).one(txn).await?.ok_or(ApiError::NotFound("region"))?;
    let (model, stock_car) = what_is_sold(txn, input, dealership_id).await?;
    let (buyer, created) = find_or_create_customer(app, txn, customer, region.id, &region.default_locale).await?;
    let now = app.clock.now();
    let order = orders::ActiveModel {
        id: Set(Uuid::now_v7()),
        number: Set(next_number(txn, now.year()).await?),
        customer_id: Set(buyer.id),
        dealership_id: Set(dealership_id),
        region_id: Set(region.id),
        model_id: Set(model.id),
        vehicle_id: Set(stock_car.as_ref().map(|car| car.id)),
        configuration: Set(input.configuration.clone()),
        status: Set(OrderStatus::AwaitingReservation),
        stock_sale: Set(stock_car.is_some()),
        factory_order_ref: Set(None),
        price_net_minor: Set(input.price_net_minor),
        currency: Set(region.currency.clone()),
        created_by: Set(viewer.user()?.id),
        cancel_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        last_error: Set(None),
    }
    .insert(txn)
    .await
    .map_err(|err| match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::Conflict(NUMBER_TAKEN.into()),
        _ => ApiError::from(err),
    })?;
    if let Some(car) = stock_car {
        let mut car: vehicles::ActiveModel = car.into();
        car.status = Set(VehicleStatus::Reserved);
        car.updated_at = Set(now);
        car.update(txn).await?;
    }
    welcome_buyer(app, txn, outbox, &buyer, created, &order).await?;
    let details = json!({ "customer": buyer.email, "model": model.code, "stockSale": order.stock_sale, "priceNetMinor": order.price_net_minor });
    audit::record(app, txn, viewer, "order.register", Subject { kind: "order", id: &order.id.to_string() }, details)
        .await?;
    outbox.push(DomainEvent::OrderProgressed { order_id: order.id, stage: order.status, event_id: None });
    Ok(order)
}

/// New buyers (and buyers who never set a password) get a set-password link; others a notice.
async fn welcome_buyer(
    app: &App,
    txn: &DatabaseTransaction,
    outbox: &mut Outbox,
    buyer: &users::Model,
    created: bool,
    order: &orders::Model,
) -> ApiResult<()> {
    if created || buyer.password_hash.is_none() {
        let link = links::issue(app, txn, buyer, LinkPurpose::SetPassword).await?;
        let payload = notices::with(notices::payload(txn, order).await?, link.payload());
        notify(app, txn, outbox, buyer.id, "account.set_password", payload, &[NotificationChannel::Email]).await
    } else {
        let extra = json!({ "stage": OrderStatus::AwaitingReservation });
        notices::tell_customer(app, txn, outbox, order, "order.stage_reached", extra).await
    }
}
