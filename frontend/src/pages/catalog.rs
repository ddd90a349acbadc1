//! The catalog of a car: every feature that fits, with its demo, its offers in the customer's
//! currency, the free trial, and why it cannot be bought now. Buying offline puts the purchase in
//! the queue.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{Catalog as CatalogOp, PurchaseFeature, StartTrial, catalog, start_trial};
use crate::api::queue::{self, QueuedPurchase};
use crate::api::{Api, ApiError, QueryState, use_query};
use crate::components::{Layout, empty, error_view, loading, name, stale_note};
use crate::i18n::{Locale, money, t, tf, value};
use crate::route::Route;
use crate::state::{Action, use_app};

/// Properties of [`CatalogPage`].
#[derive(Properties, PartialEq)]
pub struct CatalogProps {
    /// The vehicle.
    pub vin: AttrValue,
}

/// The catalog page.
#[function_component(CatalogPage)]
pub fn catalog_page(props: &CatalogProps) -> Html {
    let locale = use_app().locale;
    let error = use_state(|| None::<ApiError>);
    let content = match use_query::<CatalogOp>(catalog::Variables { vin: props.vin.to_string() }, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let entries = &loaded.data.catalog.nodes;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if let Some(err) = &*error { { error_view(locale, err) } }
                    if entries.is_empty() { { empty(locale, "catalog.empty") } }
                    <ul class="cards" id="catalog">
                        { for entries.iter().map(|entry| html! { <Entry vin={props.vin.clone()} entry={entry.clone()} error={error.clone()} /> }) }
                    </ul>
                </>
            }
        }
    };
    html! { <Layout title="page.catalog">{ content }</Layout> }
}

#[derive(Properties, PartialEq)]
struct EntryProps {
    vin: AttrValue,
    entry: catalog::CatalogCatalogNodes,
    error: UseStateHandle<Option<ApiError>>,
}

#[function_component(Entry)]
fn entry(props: &EntryProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let navigator = use_navigator().expect("router");
    let locale = app.locale;
    let entry = &props.entry;
    let feature = &entry.feature;
    // One key for this card: pressing twice starts one trial.
    let trial_key = use_memo((), |_| queue::new_key());
    let trial = {
        let (api, navigator, error) = (api.clone(), navigator.clone(), props.error.clone());
        let (vin, feature_code) = (props.vin.to_string(), feature.code.clone());
        Callback::from(move |_: MouseEvent| {
            let variables = start_trial::Variables {
                vin: vin.clone(),
                feature_code: feature_code.clone(),
                idempotency_key: Some((*trial_key).clone()),
            };
            let (api, navigator, error) = (api.clone(), navigator.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.call::<StartTrial>(variables).await {
                    Ok(data) => navigator.push(&Route::Activation { id: data.start_trial.id }),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let offers = entry.offers.iter().filter(|offer| name(&offer.duration_kind) != "TRIAL").map(|offer| {
        let kind = name(&offer.duration_kind);
        let purchase = QueuedPurchase {
            key: String::new(),
            vin: props.vin.to_string(),
            feature_code: feature.code.clone(),
            feature_name: feature.name.clone(),
            kind: kind.clone(),
            days: (kind == "FIXED_DAYS").then_some(offer.duration_days),
            refused: None,
        };
        let onclick = buy(api.clone(), app.clone(), navigator.clone(), props.error.clone(), purchase);
        let label = offer_label(locale, &kind, offer.duration_days);
        html! {
            <li>
                <button type="button" class="offer" disabled={!entry.purchasable} data-kind={kind.clone()} {onclick}
                    aria-label={format!("{} – {}", feature.name, label)}>
                    <span>{ label }</span>
                    <strong>{ money(locale, offer.gross.amount_minor, &offer.gross.currency) }</strong>
                </button>
            </li>
        }
    });
    html! {
        <li class="card feature" data-code={feature.code.clone()}>
            <h2>{ feature.name.clone() }</h2>
            <p>{ feature.description.clone() }</p>
            <p class="demo"><em>{ t(locale, "catalog.try_it") }{ " " }{ feature.demo_text.clone() }</em></p>
            if let Some(current) = &entry.current_activation {
                <p class="current"><Link<Route> to={Route::Activation { id: current.id.clone() }}>{ value(locale, &name(&current.status)) }</Link<Route>></p>
            }
            if let Some(code) = &entry.unavailable_code { <p class="warning" role="note">{ t(locale, &format!("catalog.{code}")) }</p> }
            if entry.trial_available {
                <button type="button" class="trial" onclick={trial}>{ t(locale, "catalog.start_trial") }</button>
            }
            <ul class="offers">{ for offers }</ul>
        </li>
    }
}

fn offer_label(locale: Locale, kind: &str, days: i64) -> String {
    match kind {
        "FIXED_DAYS" => tf(locale, "offer.days", &[("days", &days.to_string())]),
        other => value(locale, other),
    }
}

/// Buys now, or — without a connection — puts the purchase in the queue (the same key is sent
/// either way, so it can never be bought twice).
fn buy(
    api: Api,
    app: crate::state::AppContext,
    navigator: Navigator,
    error: UseStateHandle<Option<ApiError>>,
    purchase: QueuedPurchase,
) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let purchase = QueuedPurchase { key: queue::new_key(), ..purchase.clone() };
        let (api, app, navigator, error) = (api.clone(), app.clone(), navigator.clone(), error.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match api.call::<PurchaseFeature>(queue::variables(&purchase)).await {
                Ok(data) => navigator.push(&Route::Activation { id: data.purchase_feature.id }),
                Err(ApiError::Offline) => {
                    queue::push(purchase);
                    app.dispatch(Action::Queued(queue::load().len()));
                    navigator.push(&Route::Queue);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    })
}
