//! The dealership's intranet: registering a sale (a model to order from the factory, or a car from
//! stock, for a new or an existing customer), the stock, and the actions on an order (payments,
//! handover, cancellation).

use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{
    CancelOrder, Locale as ApiLocale, MarkDelivered, Models, PaymentKind, RecordPayment, RegisterSale, Stock,
    cancel_order, mark_delivered, models, record_payment, register_sale, stock,
};
use crate::api::{Api, ApiError, QueryState, queue, use_query};
use crate::components::forms::{clear_field_error, query_param, text};
use crate::components::{
    Layout, done_note, empty, error_view, field_error, form_error, loading, minor_units, stale_note,
};
use crate::i18n::{Locale, t};
use crate::route::Route;
use crate::state::use_app;

/// The inputs of the sale form that the server can name in an error.
const SALE_FIELDS: [&str; 5] = ["name", "customerEmail", "modelCode", "priceNetMinor", "stockVin"];

/// The form's fields.
#[derive(Clone, Default, PartialEq)]
struct Fields {
    name: NodeRef,
    email: NodeRef,
    phone: NodeRef,
    language: NodeRef,
    model: NodeRef,
    stock_vin: NodeRef,
    color: NodeRef,
    price: NodeRef,
}

impl Fields {
    fn input(&self, locale: Locale, from_stock: bool) -> Result<register_sale::RegisterSaleInput, ApiError> {
        let price_net_minor = minor_units(&text(&self.price))
            .ok_or_else(|| ApiError::field("priceNetMinor", t(locale, "sale.price_rule")))?;
        let phone = text(&self.phone);
        let color = text(&self.color);
        let (model_code, stock_vin) =
            if from_stock { (None, Some(text(&self.stock_vin))) } else { (Some(text(&self.model)), None) };
        if model_code.as_deref() == Some("") {
            return Err(ApiError::field("modelCode", t(locale, "sale.model_rule")));
        }
        if stock_vin.as_deref() == Some("") {
            return Err(ApiError::field("stockVin", t(locale, "sale.stock_rule")));
        }
        Ok(register_sale::RegisterSaleInput {
            customer: register_sale::CustomerInput {
                name: text(&self.name),
                email: text(&self.email),
                phone: (!phone.is_empty()).then_some(phone),
                locale: Some(ApiLocale::from_name(&text(&self.language).to_ascii_uppercase())),
            },
            model_code,
            stock_vin,
            price_net_minor,
            configuration: (!color.is_empty()).then(|| serde_json::json!({ "color": color })),
        })
    }
}

/// Registering a sale.
#[function_component(NewSale)]
pub fn new_sale() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let navigator = use_navigator().expect("router");
    let locale = app.locale;
    let fields = use_state(Fields::default);
    let preset_vin = use_memo((), |_| query_param("vin"));
    let from_stock = use_state(|| !preset_vin.is_empty());
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let models = use_query::<Models>(models::Variables, 0);
    let stock = use_query::<Stock>(stock::Variables, 0);
    let onsubmit = {
        let (fields, from_stock, error, busy) = (fields.clone(), from_stock.clone(), error.clone(), busy.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let input = match fields.input(locale, *from_stock) {
                Ok(input) => input,
                Err(err) => return error.set(Some(err)),
            };
            let (api, navigator, error, busy) = (api.clone(), navigator.clone(), error.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api.call::<RegisterSale>(register_sale::Variables { input }).await {
                    Ok(data) => navigator.push(&Route::Order { id: data.register_sale.id }),
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let choose = |stock_sale: bool| {
        let from_stock = from_stock.clone();
        Callback::from(move |_: Event| from_stock.set(stock_sale))
    };
    let car_choice = if *from_stock {
        match stock {
            QueryState::Loading => html! { { loading(locale) } },
            QueryState::Failed(error) => html! { { error_view(locale, &error) } },
            QueryState::Ready(loaded) if loaded.data.stock.nodes.is_empty() => {
                html! { { empty(locale, "stock.empty") } }
            }
            QueryState::Ready(loaded) => html! {
                <>
                    <label for="stock-vin">{ t(locale, "sale.stock_vin") }</label>
                    <select id="stock-vin" ref={fields.stock_vin.clone()} required=true>
                        // Yew inserts a list's nodes from its end: every option says whether it is the
                        // selected one, or the browser would keep the last.
                        { for loaded.data.stock.nodes.iter().enumerate().map(|(i, car)| {
                            let selected = if preset_vin.is_empty() { i == 0 } else { car.vin == *preset_vin };
                            html! { <option value={car.vin.clone()} {selected}>{ format!("{} · {} · {}", car.model.name, car.color, car.vin) }</option> }
                        }) }
                    </select>
                    { field_error(locale, &error, "stockVin") }
                </>
            },
        }
    } else {
        match models {
            QueryState::Loading => html! { { loading(locale) } },
            QueryState::Failed(error) => html! { { error_view(locale, &error) } },
            QueryState::Ready(loaded) => html! {
                <>
                    <label for="model">{ t(locale, "sale.model") }</label>
                    <select id="model" ref={fields.model.clone()} required=true>
                        { for loaded.data.models.iter().enumerate().map(|(i, model)| html! {
                            <option value={model.code.clone()} selected={i == 0}>{ format!("{} ({})", model.name, model.model_year) }</option>
                        }) }
                    </select>
                    { field_error(locale, &error, "modelCode") }
                    <label for="color">{ t(locale, "sale.color") }</label>
                    <input id="color" ref={fields.color.clone()} autocomplete="off" />
                </>
            },
        }
    };
    html! {
        <Layout title="page.new_sale">
            <form class="card" {onsubmit} id="sale-form" oninput={clear_field_error(&error)}>
                <fieldset>
                    <legend>{ t(locale, "sale.customer") }</legend>
                    <p class="muted">{ t(locale, "sale.customer_hint") }</p>
                    <label for="customer-name">{ t(locale, "sale.name") }</label>
                    <input id="customer-name" ref={fields.name.clone()} required=true autocomplete="off" />
                    { field_error(locale, &error, "name") }
                    <label for="customer-email">{ t(locale, "sale.email") }</label>
                    <input id="customer-email" type="email" ref={fields.email.clone()} required=true autocomplete="off" />
                    { field_error(locale, &error, "customerEmail") }
                    <label for="customer-phone">{ t(locale, "sale.phone") }</label>
                    <input id="customer-phone" type="tel" ref={fields.phone.clone()} autocomplete="off" />
                    <label for="customer-language">{ t(locale, "profile.language") }</label>
                    <select id="customer-language" ref={fields.language.clone()}>
                        { for Locale::ALL.iter().map(|l| html! { <option value={l.tag()} selected={*l == locale}>{ l.name() }</option> }) }
                    </select>
                </fieldset>
                <fieldset>
                    <legend>{ t(locale, "sale.car") }</legend>
                    <label class="choice"><input type="radio" name="source" id="source-factory" checked={!*from_stock} onchange={choose(false)} />{ t(locale, "sale.from_factory") }</label>
                    <label class="choice"><input type="radio" name="source" id="source-stock" checked={*from_stock} onchange={choose(true)} />{ t(locale, "sale.from_stock") }</label>
                    { car_choice }
                    <label for="price">{ format!("{} ({})", t(locale, "sale.price"), app.me.as_ref().map(|me| me.currency.clone()).unwrap_or_default()) }</label>
                    <input id="price" ref={fields.price.clone()} required=true inputmode="decimal" autocomplete="off" />
                    { field_error(locale, &error, "priceNetMinor") }
                </fieldset>
                { form_error(locale, &error, &SALE_FIELDS) }
                <button type="submit" disabled={*busy}>{ t(locale, "sale.submit") }</button>
            </form>
        </Layout>
    }
}

/// The dealership's stock.
#[function_component(StockPage)]
pub fn stock_page() -> Html {
    let app = use_app();
    let navigator = use_navigator().expect("router");
    let locale = app.locale;
    let sell = |vin: String| {
        let navigator = navigator.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = navigator.push_with_query(&Route::NewSale, &[("vin", vin.as_str())]);
        })
    };
    let content = match use_query::<Stock>(stock::Variables, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let cars = &loaded.data.stock.nodes;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if cars.is_empty() { { empty(locale, "stock.empty") } }
                    <ul class="rows" id="stock">
                        { for cars.iter().map(|car| {
                            html! {
                                <li>
                                    { format!("{} · {} · {} · {} {}", car.model.name, car.color, car.vin, t(locale, "expediente.firmware"), car.firmware_version) }
                                    { " " }<button type="button" class="secondary" onclick={sell(car.vin.clone())}>{ t(locale, "stock.sell") }</button>
                                </li>
                            }
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! { <Layout title="page.stock">{ content }</Layout> }
}

/// Properties of [`OrderActions`].
#[derive(Properties, PartialEq)]
pub struct ActionProps {
    /// The order.
    pub id: AttrValue,
    /// Its status.
    pub status: AttrValue,
    /// Its currency.
    pub currency: AttrValue,
    /// What is still due, in minor units: the final payment is exactly this.
    pub due_minor: i64,
    /// Reloads the order after an action.
    pub reload: Callback<()>,
}

/// Payments, handover and cancellation of an order.
#[function_component(OrderActions)]
pub fn order_actions(props: &ActionProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let amount = use_node_ref();
    let card = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let finished = use_state(|| None::<&'static str>);
    let done = {
        let (reload, error, finished) = (props.reload.clone(), error.clone(), finished.clone());
        move |what: &'static str| {
            error.set(None);
            finished.set(Some(what));
            reload.emit(());
        }
    };
    let pay = |kind: PaymentKind| {
        let (api, amount, card, error, id, done) =
            (api.clone(), amount.clone(), card.clone(), error.clone(), props.id.to_string(), done.clone());
        Callback::from(move |_: MouseEvent| {
            let typed = amount.cast::<HtmlInputElement>().map(|input| input.value()).unwrap_or_default();
            let token =
                card.cast::<HtmlInputElement>().map(|input| input.value().trim().to_owned()).unwrap_or_default();
            let Some(amount_minor) = minor_units(&typed) else {
                error.set(Some(ApiError::field("amountMinor", t(locale, "order.amount_rule"))));
                return;
            };
            let variables = record_payment::Variables {
                input: record_payment::RecordPaymentInput {
                    order_id: id.clone(),
                    kind,
                    amount_minor,
                    payment_method: token,
                    idempotency_key: queue::new_key(),
                },
            };
            let (api, error, done) = (api.clone(), error.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<RecordPayment>(variables).await {
                    Ok(_) => done("order.payment_recorded"),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let deliver = {
        let (api, error, id, done) = (api.clone(), error.clone(), props.id.to_string(), done.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, id, done) = (api.clone(), error.clone(), id.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<MarkDelivered>(mark_delivered::Variables { order_id: id }).await {
                    Ok(_) => done("order.delivered_done"),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let cancel = {
        let (api, error, id, done) = (api.clone(), error.clone(), props.id.to_string(), done.clone());
        let reason = t(locale, "order.cancel_reason");
        Callback::from(move |_: MouseEvent| {
            let (api, error, id, done, reason) = (api.clone(), error.clone(), id.clone(), done.clone(), reason.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<CancelOrder>(cancel_order::Variables { order_id: id, reason }).await {
                    Ok(_) => done("order.cancelled_done"),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let status = props.status.as_str();
    let cancellable = !matches!(status, "PAID" | "REGISTERED" | "DELIVERED" | "CANCELLED");
    html! {
        <section class="card" id="dealer-actions">
            <h2>{ t(locale, "order.actions") }</h2>
            if matches!(status, "AWAITING_RESERVATION" | "READY") {
                <label for="amount">{ format!("{} ({})", t(locale, "order.amount"), props.currency) }</label>
                if status == "READY" {
                    <input id="amount" inputmode="decimal" ref={amount.clone()} value={format!("{}.{:02}", props.due_minor / 100, props.due_minor % 100)} />
                } else {
                    <input id="amount" inputmode="decimal" ref={amount.clone()} />
                }
                { field_error(locale, &error, "amountMinor") }
                <label for="card-token">{ t(locale, "order.card_token") }</label>
                <input id="card-token" autocomplete="off" ref={card.clone()} />
                { field_error(locale, &error, "paymentMethod") }
                if status == "AWAITING_RESERVATION" {
                    <button type="button" id="pay-reservation" onclick={pay(PaymentKind::RESERVATION)}>{ t(locale, "order.record_reservation") }</button>
                } else {
                    <button type="button" id="pay-final" onclick={pay(PaymentKind::FINAL)}>{ t(locale, "order.record_final") }</button>
                }
            }
            if status == "REGISTERED" { <button type="button" id="deliver" onclick={deliver}>{ t(locale, "order.deliver") }</button> }
            if cancellable { <button type="button" class="secondary" onclick={cancel}>{ t(locale, "order.cancel") }</button> }
            { form_error(locale, &error, &["amountMinor", "paymentMethod"]) }
            { done_note(locale, &finished) }
        </section>
    }
}
