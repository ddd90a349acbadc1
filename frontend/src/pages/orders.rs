//! Orders: the list (a customer's own; a dealer's, with filters and search) and one order with its
//! manufacturing timeline, live, and the dealer's actions.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{
    OrderDetail, OrderProgress, OrderStatus, Orders as OrdersOp, order_detail, order_progress, orders,
};
use crate::api::orders::Order;
use crate::api::workshop::Amount;
use crate::api::{Api, QueryState, use_query, use_query_as, use_reload, ws};
use crate::components::{Layout, document_links, empty, error_view, loading, name, page_error, stale_note};
use crate::i18n::{date, date_time, money, t, value};
use crate::route::Route;
use crate::state::use_app;

const STATUSES: [&str; 12] = [
    "AWAITING_RESERVATION",
    "ORDERED",
    "IN_PRODUCTION",
    "PAINTING",
    "ASSEMBLY",
    "QUALITY_CHECK",
    "SHIPPED",
    "READY",
    "PAID",
    "REGISTERED",
    "DELIVERED",
    "CANCELLED",
];

/// Properties of [`OrderList`].
#[derive(Properties, PartialEq)]
pub struct ListProps {
    /// Shown to dealership staff (filters, customer column).
    pub dealer: bool,
}

fn status_enum(status: &str) -> Option<OrderStatus> {
    Some(OrderStatus::from_name(status)).filter(|status| *status != OrderStatus::OTHER)
}

/// The order list.
#[function_component(OrderList)]
pub fn order_list(props: &ListProps) -> Html {
    let app = use_app();
    let locale = app.locale;
    let search = use_state(String::new);
    let status = use_state(String::new);
    let variables = orders::Variables {
        status: status_enum(&status).into_iter().collect(),
        search: (!search.is_empty()).then(|| (*search).clone()),
    };
    let state = use_query::<OrdersOp>(variables, 0);
    let on_search = {
        let search = search.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            search.set(input.value());
        })
    };
    let on_status = {
        let status = status.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            status.set(select.value());
        })
    };
    let content = match state {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let rows = &loaded.data.orders.nodes;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if rows.is_empty() { { empty(locale, "orders.empty") } }
                    <ul class="rows" id="orders">
                        { for rows.iter().map(|order| {
                            html! {
                                <li>
                                    <Link<Route> to={Route::Order { id: order.id.clone() }}>{ order.number.clone() }</Link<Route>>
                                    { " · " }{ order.model.name.clone() }
                                    if props.dealer { { " · " }{ order.customer.name.clone() } }
                                    { " · " }<span class="status-badge">{ value(locale, &name(&order.status)) }</span>
                                    { " · " }{ date(locale, &order.created_at) }
                                </li>
                            }
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <Layout title="page.orders">
            if props.dealer {
                <div class="filters">
                    <label for="search">{ t(locale, "orders.search") }</label>
                    <input id="search" type="search" value={(*search).clone()} oninput={on_search} />
                    <label for="status">{ t(locale, "orders.status") }</label>
                    <select id="status" onchange={on_status}>
                        <option value="" selected={status.is_empty()}>{ t(locale, "orders.any_status") }</option>
                        { for STATUSES.iter().map(|s| html! { <option value={*s} selected={*status == *s}>{ value(locale, s) }</option> }) }
                    </select>
                    <Link<Route> to={Route::NewSale} classes="button">{ t(locale, "nav.new_sale") }</Link<Route>>
                </div>
            }
            { content }
        </Layout>
    }
}

/// Properties of [`OrderPage`].
#[derive(Properties, PartialEq)]
pub struct OrderProps {
    /// The order.
    pub id: AttrValue,
    /// Shown to dealership staff (payments, delivery, cancellation).
    pub dealer: bool,
}

/// One order, live.
#[function_component(OrderPage)]
pub fn order_page(props: &OrderProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    {
        let (api, reload, id) = (api.clone(), reload.clone(), props.id.to_string());
        use_effect_with(props.id.clone(), move |_| {
            let subscription = ws::reload_on::<OrderProgress>(&api, order_progress::Variables { id }, reload);
            move || drop(subscription)
        });
    }
    let variables = order_detail::Variables { id: props.id.to_string() };
    let content = match use_query_as::<OrderDetail, Order>(variables, refresh) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { page_error(locale, &error, "id") } },
        QueryState::Ready(loaded) => {
            let order = &loaded.data;
            let status = order.status.clone();
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    <section class="card">
                        <h2>{ format!("{} · {}", order.number, order.model) }</h2>
                        <p id="order-status" class="status-badge" aria-live="polite">{ value(locale, &status) }</p>
                        <p>{ order.customer.clone() }{ " · " }{ order.dealership.clone() }{ " · " }{ t(locale, "order.ordered_on") }{ " " }{ date(locale, &order.created_at) }</p>
                        <dl id="order-amounts" class="amounts">
                            <dt>{ t(locale, "order.net") }</dt><dd>{ money(locale, order.price.amount_minor, &order.price.currency) }</dd>
                            <dt>{ t(locale, "order.vat") }</dt><dd>{ money(locale, order.vat.amount_minor, &order.vat.currency) }</dd>
                            <dt>{ t(locale, "order.gross") }</dt><dd>{ money(locale, order.gross.amount_minor, &order.gross.currency) }</dd>
                            <dt>{ t(locale, "order.paid") }</dt><dd>{ money(locale, order.paid.amount_minor, &order.paid.currency) }</dd>
                            <dt>{ t(locale, "order.due") }</dt><dd><strong id="order-due">{ money(locale, order.due.amount_minor, &order.due.currency) }</strong></dd>
                        </dl>
                        if let Some(car) = &order.vehicle {
                            <p class="muted" id="order-car">{ car.vin.clone() }{ car.plate.clone().map(|p| format!(" · {p}")).unwrap_or_default() }{ " · " }{ t(locale, "order.car") }{ " " }{ t(locale, &format!("car_status.{}", car.status)) }</p>
                        }
                        if let Some(error) = order.last_error.as_ref().filter(|_| props.dealer) {
                            <details class="technical"><summary>{ t(locale, "order.last_error") }</summary><p>{ error.clone() }</p></details>
                        }
                        if let Some(reason) = &order.cancel_reason { <p class="warning">{ t(locale, "order.cancelled_because") }{ " " }{ reason.clone() }</p> }
                    </section>
                    <section class="card">
                        <h2>{ t(locale, "order.timeline") }</h2>
                        if order.timeline.is_empty() { <p class="muted">{ t(locale, "order.no_timeline") }</p> }
                        <ol id="timeline">
                            { for order.timeline.iter().map(|(stage, at)| html! {
                                <li data-stage={stage.clone()}>{ value(locale, stage) }{ " · " }{ date_time(locale, at) }</li>
                            }) }
                        </ol>
                    </section>
                    <section class="card">
                        <h2>{ t(locale, "order.payments") }</h2>
                        if order.payments.is_empty() { <p class="muted">{ t(locale, "order.no_payments") }</p> }
                        <ul>
                            { for order.payments.iter().map(|payment| html! {
                                <li>
                                    { value(locale, &payment.kind) }{ " · " }{ money(locale, payment.amount.amount_minor, &payment.amount.currency) }{ " · " }{ value(locale, &payment.status) }
                                    if let Some(message) = &payment.failure_message { { " · " }<span class="warning">{ message.clone() }</span> }
                                    { for payment.invoices.iter().map(|invoice| html! { <>{ " · " }{ document_links(locale, &invoice.number, &invoice.kind, &invoice.pdf_url) }</> }) }
                                </li>
                            }) }
                        </ul>
                    </section>
                    if props.dealer { { dealer_actions(&order.id, &status, &order.due, &reload) } }
                </>
            }
        }
    };
    html! { <Layout title="page.order">{ content }</Layout> }
}

/// The dealership's actions on an order (only in the staff app).
#[cfg(feature = "staff")]
fn dealer_actions(id: &str, status: &str, due: &Amount, reload: &Callback<()>) -> Html {
    html! {
        <super::dealer::OrderActions id={id.to_owned()} status={status.to_owned()} currency={due.currency.clone()} due_minor={due.amount_minor} reload={reload.clone()} />
    }
}

/// The customer app has no dealership actions.
#[cfg(not(feature = "staff"))]
fn dealer_actions(_: &str, _: &str, _: &Amount, _: &Callback<()>) -> Html {
    html! {}
}
