//! Catalog administration: every feature with its prices in a region, by duration model; a price
//! can be changed or added (net, in the region's currency; customers see it with VAT).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::ops::{AdminFeatures, DurationKind, Regions, SetPrice, admin_features, regions, set_price};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::{Layout, done_note, empty, error_view, loading, minor_units, name, stale_note};
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

/// The admin page.
#[function_component(AdminPage)]
pub fn admin_page() -> Html {
    let app = use_app();
    let locale = app.locale;
    let region = use_state(|| app.me.as_ref().map(|me| me.region.clone()).unwrap_or_else(|| "DE".into()));
    let (refresh, reload) = use_reload();
    let on_region = {
        let region = region.clone();
        Callback::from(move |event: Event| region.set(event.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let regions = match use_query::<Regions>(regions::Variables, 0) {
        QueryState::Ready(loaded) => loaded.data.regions.clone(),
        _ => Vec::new(),
    };
    let features = use_query::<AdminFeatures>(admin_features::Variables { region_code: (*region).clone() }, refresh);
    let content = match features {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let features = &loaded.data.features.nodes;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if features.is_empty() { { empty(locale, "admin.no_features") } }
                    <ul class="cards" id="features">
                        { for features.iter().map(|feature| html! {
                            <FeaturePrices feature={feature.clone()} region={(*region).clone()} reload={reload.clone()} />
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <Layout title="page.admin">
            <div class="filters">
                <label for="admin-region">{ t(locale, "profile.region") }</label>
                <select id="admin-region" onchange={on_region}>
                    { for regions.iter().map(|r| html! { <option value={r.code.clone()} selected={r.code == *region}>{ format!("{} ({})", r.name, r.currency) }</option> }) }
                </select>
            </div>
            { content }
        </Layout>
    }
}

#[derive(Properties, PartialEq)]
struct FeatureProps {
    feature: admin_features::AdminFeaturesFeaturesNodes,
    region: AttrValue,
    reload: Callback<()>,
}

#[function_component(FeaturePrices)]
fn feature_prices(props: &FeatureProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let error = use_state(|| None::<ApiError>);
    let new_kind = use_node_ref();
    let new_days = use_node_ref();
    let new_net = use_node_ref();
    let price_input = {
        let (code, region) = (props.feature.code.clone(), props.region.to_string());
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
    let feature = &props.feature;
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
    let id = |suffix: &str| format!("{}-{suffix}", feature.code.to_ascii_lowercase());
    html! {
        <li class="card" data-code={feature.code.clone()}>
            <h2>{ feature.name.clone() }</h2>
            <p class="muted">{ feature.code.clone() }{ " · " }{ feature.category.clone() }
                if feature.requires_maintenance { { " · " }{ t(locale, "admin.requires_maintenance") } }</p>
            if feature.prices.is_empty() { <p class="muted">{ t(locale, "admin.no_prices") }</p> }
            <ul class="prices">
                { for feature.prices.iter().map(|price| {
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
                                aria-label={format!("{} {} {label}", t(locale, "admin.save"), feature.name)}>{ t(locale, "admin.save") }</button>
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
        </li>
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
