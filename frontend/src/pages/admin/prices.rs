//! A feature's prices in a region, by duration model: each can be changed or taken off sale, and
//! one added (net, in the region's currency; customers see it with VAT).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::ops::{DurationKind, RemovePrice, SetPrice, admin_features, remove_price, set_price};
use crate::api::{Api, ApiError};
use crate::components::{done_note, error_view, minor_units, name};
use crate::i18n::{Locale, money, t, tf, value};
use crate::state::use_app;

const KINDS: [&str; 5] = ["PERMANENT", "MONTHLY", "ANNUAL", "FIXED_DAYS", "TRIAL"];

fn duration_label(locale: Locale, kind: &str, days: i64) -> String {
    match kind {
        "FIXED_DAYS" | "TRIAL" => {
            format!("{} · {}", value(locale, kind), tf(locale, "offer.days", &[("days", &days.to_string())]))
        }
        other => value(locale, other),
    }
}

/// Major units for an input's initial text, e.g. `49.99`.
fn major(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Properties of [`FeaturePrices`].
#[derive(Properties, PartialEq)]
pub struct PricesProps {
    /// The feature's code.
    pub code: AttrValue,
    /// The feature's name, for the buttons' labels.
    pub feature: AttrValue,
    /// Its prices in the region.
    pub prices: Vec<admin_features::AdminFeaturesAllFeaturesPrices>,
    /// The region.
    pub region: AttrValue,
    /// Reloads the list once a price changed.
    pub reload: Callback<()>,
}

/// The prices of a feature in a region, to change, take off sale or add.
#[function_component(FeaturePrices)]
pub fn feature_prices(props: &PricesProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let error = use_state(|| None::<ApiError>);
    let new_kind = use_node_ref();
    let new_days = use_node_ref();
    let new_net = use_node_ref();
    let price_input = {
        let (code, region) = (props.code.to_string(), props.region.to_string());
        move |kind: &str, days: Option<i64>, net: &NodeRef| -> Option<set_price::PriceInput> {
            Some(set_price::PriceInput {
                feature_code: code.clone(),
                region_code: region.clone(),
                duration_kind: DurationKind::from_name(kind),
                duration_days: days?,
                net_minor: minor_units(&read_input(net))?,
            })
        }
    };
    let saved = use_state(|| None::<&'static str>);
    let send = {
        let (api, error, reload) = (api.clone(), error.clone(), props.reload.clone());
        let saved = saved.clone();
        move |input: Option<set_price::PriceInput>| {
            let answer = Answer { error: error.clone(), saved: saved.clone(), reload: reload.clone(), locale };
            send_price(api.clone(), answer, input)
        }
    };
    let remove = {
        let (api, error, saved, reload) = (api.clone(), error.clone(), saved.clone(), props.reload.clone());
        let (code, region) = (props.code.to_string(), props.region.to_string());
        move |kind: &str, days: i64| {
            let (api, error, saved, reload) = (api.clone(), error.clone(), saved.clone(), reload.clone());
            let (code, region, kind) = (code.clone(), region.clone(), DurationKind::from_name(kind));
            Callback::from(move |_: MouseEvent| {
                let (api, error, saved, reload) = (api.clone(), error.clone(), saved.clone(), reload.clone());
                let variables = remove_price::Variables {
                    feature_code: code.clone(),
                    region_code: region.clone(),
                    duration_kind: kind,
                    duration_days: days,
                };
                saved.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    match api.send::<RemovePrice>(variables).await {
                        Ok(()) => {
                            error.set(None);
                            saved.set(Some("admin.price_removed"));
                            reload.emit(());
                        }
                        Err(err) => error.set(Some(err)),
                    }
                });
            })
        }
    };
    let add = {
        let (price_input, send) = (price_input.clone(), send.clone());
        let (new_kind, new_days, new_net) = (new_kind.clone(), new_days.clone(), new_net.clone());
        Callback::from(move |_: MouseEvent| {
            let kind = new_kind.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let days_text = read_input(&new_days);
            let days = if days_text.trim().is_empty() { Some(0) } else { days_text.trim().parse().ok() };
            send(price_input(&kind, days, &new_net));
        })
    };
    let id = |suffix: &str| format!("{}-{suffix}", props.code.to_ascii_lowercase());
    let feature = &props.feature;
    html! {
        <section class="feature-prices">
            <h3>{ t(locale, "admin.prices") }</h3>
            if props.prices.is_empty() { <p class="muted">{ t(locale, "admin.no_prices") }</p> }
            <ul class="prices">
                { for props.prices.iter().map(|price| {
                    let kind = name(&price.duration_kind);
                    let net = NodeRef::default();
                    let input_id = id(&format!("{}-{}", kind.to_ascii_lowercase(), price.duration_days));
                    let label = duration_label(locale, &kind, price.duration_days);
                    html! {
                        <li>
                            <label for={input_id.clone()}>{ format!("{label} · {} ({})", t(locale, "admin.net"), price.net.currency) }</label>
                            <input id={input_id} inputmode="decimal" value={major(price.net.amount_minor)} ref={net.clone()} />
                            <span class="muted">{ t(locale, "admin.gross") }{ " " }{ money(locale, price.gross.amount_minor, &price.gross.currency) }</span>
                            <button type="button" class="secondary" onclick={
                                let (price_input, send, kind, days) = (price_input.clone(), send.clone(), kind.clone(), price.duration_days);
                                Callback::from(move |_: MouseEvent| send(price_input(&kind, Some(days), &net)))
                            }
                                aria-label={format!("{} {feature} {label}", t(locale, "admin.save"))}>{ t(locale, "admin.save") }</button>
                            <button type="button" class="secondary remove-price" onclick={remove(&kind, price.duration_days)}
                                aria-label={format!("{} {feature} {label}", t(locale, "admin.remove_price"))}>{ t(locale, "admin.remove_price") }</button>
                        </li>
                    }
                }) }
            </ul>
            <fieldset class="inline">
                <legend>{ t(locale, "admin.add_price") }</legend>
                <label for={id("new-kind")}>{ t(locale, "admin.duration") }</label>
                <select id={id("new-kind")} ref={new_kind}>
                    { for KINDS.iter().enumerate().map(|(i, k)| html! { <option value={*k} selected={i == 0}>{ value(locale, k) }</option> }) }
                </select>
                <label for={id("new-days")}>{ t(locale, "admin.days") }</label>
                <input id={id("new-days")} inputmode="numeric" ref={new_days} />
                <label for={id("new-net")}>{ t(locale, "admin.net") }</label>
                <input id={id("new-net")} inputmode="decimal" ref={new_net} />
                <button type="button" onclick={add}>{ t(locale, "admin.add") }</button>
            </fieldset>
            if let Some(err) = &*error { { error_view(locale, err) } }
            { done_note(locale, &saved) }
        </section>
    }
}

fn read_input(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>().map(|input| input.value()).unwrap_or_default()
}

/// Where the answer of saving a price goes.
struct Answer {
    error: UseStateHandle<Option<ApiError>>,
    saved: UseStateHandle<Option<&'static str>>,
    reload: Callback<()>,
    locale: Locale,
}

/// Saves a price (or says what is wrong with it), says it is saved and reloads the list.
fn send_price(api: Api, answer: Answer, input: Option<set_price::PriceInput>) {
    answer.saved.set(None);
    let Some(input) = input else {
        answer.error.set(Some(ApiError::field("netMinor", t(answer.locale, "admin.price_rule"))));
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        match api.send::<SetPrice>(set_price::Variables { input }).await {
            Ok(_) => {
                answer.error.set(None);
                answer.saved.set(Some("admin.price_saved"));
                answer.reload.emit(());
            }
            Err(err) => answer.error.set(Some(err)),
        }
    });
}
