//! Reading orders and stock, each within the caller's scope.

use chrono::{DateTime, Utc};
use entity::{OrderStatus, Role, VehicleStatus, manufacturing_events, orders, vehicles};
use sea_orm::{ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::accounts::service::users_matching;
use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageArgs, keyset};
use crate::platform::db::{contains, search_needle};
use crate::policy;

/// Filters of the order list.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    /// Only these statuses.
    pub statuses: Vec<OrderStatus>,
    /// Registered at or after.
    pub from: Option<DateTime<Utc>>,
    /// Registered before.
    pub to: Option<DateTime<Utc>>,
    /// Part of the order number, the VIN, the plate, or the customer's name or e-mail.
    pub search: Option<String>,
}

/// One order, if `viewer` may see it.
pub async fn order(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<orders::Model> {
    let order = orders::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("order"))?;
    policy::ensure_order(viewer, &order)?;
    Ok(order)
}

fn search_condition(text: &str) -> ApiResult<Condition> {
    let needle = search_needle(text);
    if needle.chars().count() > 100 {
        return Err(ApiError::bad_input("search", "search for at most 100 characters"));
    }
    let customers = users_matching(&needle);
    let cars = vehicles::Entity::find()
        .select_only()
        .column(vehicles::Column::Id)
        .filter(
            Condition::any()
                .add(contains(vehicles::Column::Vin, &needle))
                .add(contains(vehicles::Column::Plate, &needle)),
        )
        .into_query();
    Ok(Condition::any()
        .add(contains(orders::Column::Number, &needle))
        .add(orders::Column::CustomerId.in_subquery(customers))
        .add(orders::Column::VehicleId.in_subquery(cars)))
}

/// A page of the orders `viewer` may see, newest first: a dealer's dealership's, a customer's own,
/// everything for platform staff.
pub async fn orders(
    app: &App,
    viewer: &Viewer,
    filter: &OrderFilter,
    args: &PageArgs,
) -> ApiResult<Page<orders::Model>> {
    let user = viewer.user()?;
    let mut select = orders::Entity::find();
    select = match user.role {
        Role::Customer => select.filter(orders::Column::CustomerId.eq(user.id)),
        Role::Dealer => select.filter(orders::Column::DealershipId.eq(user.dealership_id.unwrap_or_default())),
        Role::Support | Role::Admin => select,
        Role::Workshop => return Err(ApiError::Forbidden("workshops do not see sales".into())),
    };
    if !filter.statuses.is_empty() {
        select = select.filter(orders::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(from) = filter.from {
        select = select.filter(orders::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(orders::Column::CreatedAt.lt(to));
    }
    if let Some(text) = filter.search.as_deref().filter(|text| !text.trim().is_empty()) {
        select = select.filter(search_condition(text)?);
    }
    let rows = keyset(select, orders::Column::Id, Order::Desc, args.after_uuid()?, args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |order| order.id.to_string()))
}

/// The order as it is now, and when the change with `event_id` (a manufacturing event) happened —
/// its last update when there is none.
pub async fn progress(app: &App, order_id: Uuid, event_id: Option<Uuid>) -> ApiResult<(orders::Model, DateTime<Utc>)> {
    let order = orders::Entity::find_by_id(order_id).one(&app.db).await?.ok_or(ApiError::NotFound("order"))?;
    let occurred_at = match event_id {
        Some(id) => manufacturing_events::Entity::find_by_id(id).one(&app.db).await?.map(|event| event.occurred_at),
        None => None,
    };
    let at = occurred_at.unwrap_or(order.updated_at);
    Ok((order, at))
}

/// A page of the cars in stock at the dealer's dealership, by VIN.
pub async fn stock(app: &App, viewer: &Viewer, args: &PageArgs) -> ApiResult<Page<vehicles::Model>> {
    let dealer = viewer.user_with_role(&[Role::Dealer])?;
    let select = vehicles::Entity::find()
        .filter(vehicles::Column::DealershipId.eq(dealer.dealership_id.unwrap_or_default()))
        .filter(vehicles::Column::Status.eq(VehicleStatus::InStock));
    let rows = keyset(select, vehicles::Column::Vin, Order::Asc, args.after.clone(), args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |car| car.vin.clone()))
}
