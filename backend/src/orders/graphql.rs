//! GraphQL types, queries, mutations and the live progress subscription of vehicle sales.

use std::time::Instant;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{
    OrderStatus, PaymentKind, Role, dealerships, manufacturing_events, orders, regions, users, vehicle_models, vehicles,
};
use futures::stream::{Stream, StreamExt};
use uuid::Uuid;

use super::amounts::SaleAmounts;
use super::lifecycle;
use super::payments::{PaymentInput, record_payment};
use super::queries::{self, OrderFilter};
use super::sale::{SaleInput, register_sale};
use super::trade_in::{TradeInInput, register_trade_in};
use crate::accounts::graphql::{Dealership, User};
use crate::app::AppState;
use crate::auth::{Allow, Viewer};
use crate::billing::graphql::Invoice;
use crate::domain::{Locale, Money};
use crate::error::{ApiError, ApiResult};
use crate::fleet::graphql::{Vehicle, VehicleModel};
use crate::graphql::connection::connection;
use crate::graphql::context::{app, load_by_id, load_children, load_existing, parse_id, viewer};
use crate::graphql::loaders::{EventsOfOrder, PaymentsOfOrder};
use crate::pagination::PageArgs;
use crate::payments::graphql::Payment;
use crate::platform::events::{DomainEvent, Topic, changes_after};
use crate::policy;

/// A vehicle sale.
pub struct Order(pub orders::Model);

#[Object]
impl Order {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Order number shown to people, e.g. `ORD-2026-000042`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Where the sale stands.
    async fn status(&self) -> OrderStatus {
        self.0.status
    }

    /// Whether the vehicle came from stock (no factory order).
    async fn stock_sale(&self) -> bool {
        self.0.stock_sale
    }

    /// The buyer.
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<User> {
        load_existing::<users::Entity>(ctx, self.0.customer_id, "customer").await.map(User)
    }

    /// The model sold.
    async fn model(&self, ctx: &Context<'_>) -> ApiResult<VehicleModel> {
        load_existing::<vehicle_models::Entity>(ctx, self.0.model_id, "vehicle model").await.map(VehicleModel)
    }

    /// The car: from stock, or the one the factory builds (known once ordered). Its history and
    /// owner check the viewer again: a buyer whose car was resold sees neither.
    async fn vehicle(&self, ctx: &Context<'_>) -> ApiResult<Option<Vehicle>> {
        policy::ensure_order(viewer(ctx), &self.0)?;
        let Some(id) = self.0.vehicle_id else { return Ok(None) };
        Ok(load_by_id::<vehicles::Entity>(ctx, id).await?.map(Vehicle::from))
    }

    /// The selling dealership.
    async fn dealership(&self, ctx: &Context<'_>) -> ApiResult<Dealership> {
        load_existing::<dealerships::Entity>(ctx, self.0.dealership_id, "dealership").await.map(Dealership)
    }

    /// Net price of the vehicle.
    async fn price(&self) -> Money {
        Money::new(self.0.price_net_minor, &self.0.currency)
    }

    /// The VAT of the sale's region on the price.
    async fn vat(&self, ctx: &Context<'_>) -> ApiResult<Money> {
        self.amounts(ctx).await.map(|amounts| amounts.money(amounts.vat))
    }

    /// Price plus VAT: what the buyer pays in all.
    async fn gross(&self, ctx: &Context<'_>) -> ApiResult<Money> {
        self.amounts(ctx).await.map(|amounts| amounts.money(amounts.gross))
    }

    /// Paid so far (captured or settled, refunds given back) — money: the buyer, the selling
    /// dealership, platform staff.
    async fn paid(&self, ctx: &Context<'_>) -> ApiResult<Money> {
        policy::ensure_order(viewer(ctx), &self.0)?;
        self.amounts(ctx).await.map(|amounts| amounts.money(amounts.paid))
    }

    /// Still to pay: the final payment is exactly this.
    async fn due(&self, ctx: &Context<'_>) -> ApiResult<Money> {
        policy::ensure_order(viewer(ctx), &self.0)?;
        self.amounts(ctx).await.map(|amounts| amounts.money(amounts.due()))
    }

    /// Colour, trim and options.
    async fn configuration(&self) -> Json<serde_json::Value> {
        Json(self.0.configuration.clone())
    }

    /// The factory's order id, once ordered.
    async fn factory_order_ref(&self) -> Option<&str> {
        self.0.factory_order_ref.as_deref()
    }

    /// The manufacturing stages reported so far, in the order they happened.
    async fn timeline(&self, ctx: &Context<'_>) -> ApiResult<Vec<ManufacturingEvent>> {
        let events = load_children(ctx, EventsOfOrder(self.0.id)).await?;
        Ok(events.into_iter().map(ManufacturingEvent).collect())
    }

    /// The payments taken for this sale (money: the buyer, the selling dealership, platform staff).
    async fn payments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Payment>> {
        let viewer = viewer(ctx);
        policy::ensure_order(viewer, &self.0)?;
        let rows = load_children(ctx, PaymentsOfOrder(self.0.id)).await?;
        Ok(rows.into_iter().filter(|payment| policy::payment(viewer, payment)).map(Payment).collect())
    }

    /// The invoices and credit notes of this sale's payments, oldest first (the buyer, the selling
    /// dealership, platform staff).
    async fn invoices(&self, ctx: &Context<'_>) -> ApiResult<Vec<Invoice>> {
        policy::ensure_sale_invoices(viewer(ctx), &self.0)?;
        let rows = crate::billing::invoices::of_order(&app(ctx).db, self.0.id).await?;
        Ok(rows.into_iter().map(Invoice).collect())
    }

    /// The last problem the sale ran into (a refused registration, an unavailable factory).
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// Why it was cancelled.
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }

    /// When the sale was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

impl Order {
    async fn amounts(&self, ctx: &Context<'_>) -> ApiResult<SaleAmounts> {
        let region = load_existing::<regions::Entity>(ctx, self.0.region_id, "region").await?;
        let payments = load_children(ctx, PaymentsOfOrder(self.0.id)).await?;
        Ok(SaleAmounts::of(&self.0, region.vat_rate_bp, &payments))
    }
}

/// A manufacturing stage reached.
pub struct ManufacturingEvent(pub manufacturing_events::Model);

#[Object]
impl ManufacturingEvent {
    /// The stage.
    async fn stage(&self) -> OrderStatus {
        self.0.stage
    }

    /// When the factory reached it.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// When we heard of it.
    async fn received_at(&self) -> DateTime<Utc> {
        self.0.received_at
    }
}

/// The buyer of a sale.
#[derive(InputObject)]
pub struct CustomerInput {
    /// E-mail address: an existing customer's, or a new account's sign-in name.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Language of the messages; the dealership's region's by default.
    pub locale: Option<Locale>,
    /// Phone number.
    pub phone: Option<String>,
}

/// A sale to register: a model to order, or a car from stock.
#[derive(InputObject)]
pub struct RegisterSaleInput {
    /// The buyer.
    pub customer: CustomerInput,
    /// The model to order from the factory, e.g. `AURORA`…
    pub model_code: Option<String>,
    /// … or the VIN of a car in your stock.
    pub stock_vin: Option<String>,
    /// Colour, trim and options, e.g. `{"color": "Fjord Blue"}`.
    pub configuration: Option<Json<serde_json::Value>>,
    /// Net price in minor units of your currency.
    pub price_net_minor: i64,
}

/// A payment to take for a sale.
#[derive(InputObject)]
pub struct RecordPaymentInput {
    /// The order.
    pub order_id: ID,
    /// RESERVATION or FINAL.
    pub kind: PaymentKind,
    /// Amount in minor units of the order's currency.
    pub amount_minor: i64,
    /// The payment method token from your card terminal.
    pub payment_method: String,
    /// Your key for this payment: sending it again returns the same payment, never a second charge.
    pub idempotency_key: String,
}

/// A car its owner hands back to your dealership.
#[derive(InputObject)]
pub struct RegisterTradeInInput {
    /// The car's VIN.
    pub vin: String,
    /// The e-mail address of the owner handing it in: confirms whose car it is.
    pub owner_email: String,
}

/// The result of recording a payment.
#[derive(SimpleObject)]
pub struct RecordPaymentPayload {
    /// The sale after the payment.
    pub order: Order,
    /// The payment.
    pub payment: Payment,
}

/// Queries of sales.
#[derive(Default)]
pub struct OrdersQuery;

#[Object]
impl OrdersQuery {
    /// Sales you may see, newest first: your dealership's, your own as a customer, all as staff.
    #[graphql(
        guard = "Allow::any_user()",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] status: Vec<OrderStatus>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        search: Option<String>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Order>> {
        let args = PageArgs::parse(after, first)?;
        let filter = OrderFilter { statuses: status, from, to, search };
        Ok(connection(queries::orders(app(ctx), viewer(ctx), &filter, &args).await?, Order))
    }

    /// One sale, with its manufacturing timeline.
    #[graphql(guard = "Allow::any_user()", complexity = "crate::graphql::connection::LOOKUP_COST + child_complexity")]
    async fn order(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Order> {
        queries::order(app(ctx), viewer(ctx), parse_id(&id, "id")?).await.map(Order)
    }

    /// Cars in stock at your dealership, by VIN.
    #[graphql(
        guard = "Allow::users(&[Role::Dealer])",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn stock(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Vehicle>> {
        let args = PageArgs::parse(after, first)?;
        Ok(connection(queries::stock(app(ctx), viewer(ctx), &args).await?, Vehicle::from))
    }
}

/// Dealership mutations of sales.
#[derive(Default)]
pub struct OrdersMutation;

#[Object]
impl OrdersMutation {
    /// Registers a sale; a new customer gets an account and an e-mail to set a password.
    #[graphql(guard = "Allow::users(&[Role::Dealer])")]
    async fn register_sale(&self, ctx: &Context<'_>, input: RegisterSaleInput) -> ApiResult<Order> {
        let sale = SaleInput {
            customer_email: input.customer.email,
            customer_name: input.customer.name,
            customer_locale: input.customer.locale,
            customer_phone: input.customer.phone,
            model_code: input.model_code,
            stock_vin: input.stock_vin,
            configuration: input.configuration.map_or_else(|| serde_json::json!({}), |json| json.0),
            price_net_minor: input.price_net_minor,
        };
        register_sale(app(ctx), viewer(ctx), sale).await.map(Order)
    }

    /// Takes the reservation or the final payment of a sale through the payment gateway.
    #[graphql(guard = "Allow::users(&[Role::Dealer])")]
    async fn record_payment(&self, ctx: &Context<'_>, input: RecordPaymentInput) -> ApiResult<RecordPaymentPayload> {
        let payment = PaymentInput {
            order_id: parse_id(&input.order_id, "orderId")?,
            kind: input.kind,
            amount_minor: input.amount_minor,
            payment_method: input.payment_method,
            idempotency_key: input.idempotency_key,
        };
        let (order, payment) = record_payment(app(ctx), viewer(ctx), payment).await?;
        Ok(RecordPaymentPayload { order: Order(order), payment: Payment(payment) })
    }

    /// Hands a registered car over to its owner.
    #[graphql(guard = "Allow::users(&[Role::Dealer])")]
    async fn mark_delivered(&self, ctx: &Context<'_>, order_id: ID) -> ApiResult<Order> {
        lifecycle::mark_delivered(app(ctx), viewer(ctx), parse_id(&order_id, "orderId")?).await.map(Order)
    }

    /// Cancels a sale not yet paid in full; a paid reservation is refunded and the car goes to stock.
    #[graphql(guard = "Allow::users(&[Role::Dealer])")]
    async fn cancel_order(&self, ctx: &Context<'_>, order_id: ID, reason: String) -> ApiResult<Order> {
        lifecycle::cancel_order(app(ctx), viewer(ctx), parse_id(&order_id, "orderId")?, &reason).await.map(Order)
    }

    /// Takes a delivered (or assigned) car back from its owner into your dealership's stock (a
    /// trade-in), to be sold again with `registerSale`. Its subscriptions end, features bought for
    /// good stay with the car, and the owner is told.
    #[graphql(guard = "Allow::users(&[Role::Dealer])")]
    async fn register_trade_in(&self, ctx: &Context<'_>, input: RegisterTradeInInput) -> ApiResult<Vehicle> {
        let trade_in = TradeInInput { vin: input.vin, owner_email: input.owner_email };
        register_trade_in(app(ctx), viewer(ctx), trade_in).await.map(Vehicle::from)
    }

    /// Tries again to register a paid car with the authority.
    #[graphql(guard = "Allow::users(&[Role::Dealer])")]
    async fn retry_registration(&self, ctx: &Context<'_>, order_id: ID) -> ApiResult<Order> {
        lifecycle::retry_registration(app(ctx), viewer(ctx), parse_id(&order_id, "orderId")?).await.map(Order)
    }
}

/// A change of a sale, as it happens.
pub struct OrderProgress {
    order: orders::Model,
    stage: OrderStatus,
    occurred_at: DateTime<Utc>,
}

#[Object]
impl OrderProgress {
    /// The stage reported (or the status reached).
    async fn stage(&self) -> OrderStatus {
        self.stage
    }

    /// When it happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.occurred_at
    }

    /// The sale as it is now (its status never moves backwards).
    async fn order(&self) -> Order {
        Order(self.order.clone())
    }
}

async fn progress_of(
    app: &AppState,
    order_id: Uuid,
    stage: OrderStatus,
    event_id: Option<Uuid>,
) -> Option<OrderProgress> {
    match queries::progress(app, order_id, event_id).await {
        Ok((order, occurred_at)) => Some(OrderProgress { order, stage, occurred_at }),
        Err(err) => {
            tracing::warn!(error = ?err, %order_id, "could not load an order for a subscriber");
            None
        }
    }
}

/// Live sale progress.
#[derive(Default)]
pub struct OrdersSubscription;

#[Subscription]
impl OrdersSubscription {
    /// Every change of a sale as it happens: each manufacturing stage, payment, registration and
    /// delivery. For its customer, its dealership and platform staff. First its current state, then
    /// each change after it, so a subscriber that (re)connects late never shows a stale stage.
    #[graphql(guard = "Allow::any_user()")]
    async fn order_progress(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
    ) -> Result<impl Stream<Item = OrderProgress> + use<>, ApiError> {
        let id = parse_id(&order_id, "orderId")?;
        let app: AppState = ctx.data_unchecked::<AppState>().clone();
        queries::order(&app, Viewer::of(ctx), id).await?;
        // Subscribed before the current state is read: no change between the two is missed.
        let events = app.events.subscribe_topic(Topic::Order(id));
        let read_from = Instant::now();
        let (order, occurred_at) = queries::progress(&app, id, None).await?;
        let first = OrderProgress { stage: order.status, order, occurred_at };
        let step_of = move |event: &DomainEvent| match event {
            DomainEvent::OrderProgressed { order_id, stage, .. } if *order_id == id => Some(*stage),
            _ => None,
        };
        let changes = changes_after(events, read_from, first.stage, step_of).filter_map(move |(_, event)| {
            let app = app.clone();
            async move {
                let DomainEvent::OrderProgressed { order_id, stage, event_id } = event else { return None };
                progress_of(&app, order_id, stage, event_id).await
            }
        });
        Ok(futures::stream::once(async move { first }).chain(changes))
    }
}
