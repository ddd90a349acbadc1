//! The catalog of a car: every feature that fits, with its demo, its offers in the customer's
//! currency, the free trial, and why it cannot be bought now. Choosing an offer opens the order's
//! summary — price with VAT, when it is charged, how it is paid (among the methods of the car's
//! region: see `checkout`), the term and cancellation — and only its "order with obligation to pay"
//! button buys (BGB § 312j). Buying offline puts the purchase in the queue, with its method and
//! voucher code.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::checkout::{Catalog, Checkout, Entry as CatalogEntry, Made, Offer};
use crate::api::events;
use crate::api::ops::{
    Catalog as CatalogOp, CheckoutOptions, PurchaseFeature, StartTrial, catalog, checkout_options, start_trial,
};
use crate::api::queue::{self, QueuedPurchase};
use crate::api::{Api, ApiError, QueryState, use_query_as, use_reload};
use crate::components::{Layout, empty, error_view, loading, page_error, stale_note};
use crate::i18n::{Locale, money, t, tf, value};
use crate::pages::checkout;
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
    use_effect_with(props.vin.clone(), |_| events::page("catalog"));
    let content = match use_query_as::<CatalogOp, Catalog>(catalog::Variables { vin: props.vin.to_string() }, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { page_error(locale, &error, "vin") } },
        QueryState::Ready(loaded) => {
            let entries = &loaded.data.0;
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
    entry: CatalogEntry,
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
                match api.call_as::<StartTrial, Made>(variables).await {
                    Ok(Made(id)) => navigator.push(&Route::Activation { id }),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    // The offer whose order summary is open, and why ordering it failed.
    let chosen = use_state(|| None::<usize>);
    let refused = use_state(|| None::<ApiError>);
    let offers = entry.offers.iter().enumerate().filter(|(_, offer)| offer.kind != "TRIAL").map(|(at, offer)| {
        let kind = offer.kind.clone();
        let onclick = {
            let chosen = chosen.clone();
            Callback::from(move |_: MouseEvent| chosen.set(Some(at)))
        };
        let label = offer_label(locale, &kind, offer.days);
        html! {
            <li>
                <button type="button" class="offer" disabled={!entry.purchasable} data-kind={kind.clone()} {onclick}
                    aria-expanded={(*chosen == Some(at)).to_string()}
                    aria-label={format!("{} – {}", feature.name, label)}>
                    <span>{ label }</span>
                    <strong>{ offer_price(locale, &kind, offer.gross.amount_minor, &offer.gross.currency) }</strong>
                </button>
            </li>
        }
    });
    let summary = chosen.and_then(|at| entry.offers.get(at)).map(|offer| {
        let back = {
            let chosen = chosen.clone();
            Callback::from(move |_: MouseEvent| chosen.set(None))
        };
        let order = buy(api.clone(), app.clone(), navigator.clone(), refused.clone(), purchase_of(props, offer));
        html! {
            <OrderSummary vin={props.vin.clone()} feature={feature.name.clone()} code={feature.code.clone()} offer={offer.clone()}
                {order} {back} error={(*refused).clone()} />
        }
    });
    html! {
        <li class="card feature" data-code={feature.code.clone()}>
            <h2>{ feature.name.clone() }
                if feature.is_new { { " " }<span class="badge new">{ t(locale, "catalog.new") }</span> }</h2>
            <p>{ feature.description.clone() }</p>
            if !feature.demo_text.is_empty() {
                <p class="demo"><em>{ t(locale, "catalog.try_it") }{ " " }{ feature.demo_text.clone() }</em></p>
            }
            if let Some((id, status)) = &entry.current {
                <p class="current"><Link<Route> to={Route::Activation { id: id.clone() }}>{ value(locale, status) }</Link<Route>></p>
            }
            if let Some(code) = &entry.unavailable_code { <p class="warning" role="note">{ t(locale, &format!("catalog.{code}")) }</p> }
            if entry.trial_available {
                <button type="button" class="trial" onclick={trial}>{ t(locale, "catalog.start_trial") }</button>
            }
            <ul class="offers">{ for offers }</ul>
            { for summary }
        </li>
    }
}

/// What buying `offer` sends (its key is made when it is sent).
fn purchase_of(props: &EntryProps, offer: &Offer) -> QueuedPurchase {
    let kind = offer.kind.clone();
    QueuedPurchase {
        key: String::new(),
        vin: props.vin.to_string(),
        feature_code: props.entry.feature.code.clone(),
        feature_name: props.entry.feature.name.clone(),
        days: (kind == "FIXED_DAYS").then_some(offer.days),
        kind,
        method: None,
        voucher_code: None,
        refused: None,
    }
}

#[derive(Properties, PartialEq)]
struct OrderSummaryProps {
    vin: AttrValue,
    feature: AttrValue,
    code: AttrValue,
    offer: Offer,
    /// Orders with the method and the voucher code chosen.
    order: Callback<(Option<String>, Option<String>)>,
    back: Callback<MouseEvent>,
    error: Option<ApiError>,
}

/// The order as it will be placed: what, for how long, the price with its VAT and when it is
/// charged, how it is paid, the term and how to cancel; then the paid order's button.
#[function_component(OrderSummary)]
fn order_summary_view(props: &OrderSummaryProps) -> Html {
    let locale = use_app().locale;
    let offer = &props.offer;
    let kind = offer.kind.as_str();
    let price = offer_price(locale, kind, offer.gross.amount_minor, &offer.gross.currency);
    let vat = tf(
        locale,
        "confirm.vat",
        &[
            ("rate", &vat_rate(locale, offer.vat_rate)),
            ("vat", &money(locale, offer.vat.amount_minor, &offer.vat.currency)),
        ],
    );
    let terms = match kind {
        "MONTHLY" => t(locale, "confirm.renews_monthly"),
        "ANNUAL" => t(locale, "confirm.renews_yearly"),
        "FIXED_DAYS" => tf(locale, "confirm.fixed_days", &[("days", &offer.days.to_string())]),
        _ => t(locale, "confirm.permanent"),
    };
    let (refresh, reload) = use_reload();
    let options =
        use_query_as::<CheckoutOptions, Checkout>(checkout_options::Variables { vin: props.vin.to_string() }, refresh);
    let checkout = match &options {
        QueryState::Ready(loaded) => Some(loaded.data.clone()),
        _ => None,
    };
    // The method the customer picked, else the one the server would choose.
    let picked = use_state(|| None::<String>);
    let method =
        (*picked).clone().or_else(|| checkout.as_ref().map(|c| checkout::default_method(c, offer.gross.amount_minor)));
    let voucher = use_node_ref();
    let payment = match (&checkout, &method) {
        (Some(options), Some(method)) => {
            let choose = Callback::from(move |method| picked.set(Some(method)));
            checkout::methods(locale, options, method, &format!("pay-{}", props.code), &choose, &voucher, &reload)
        }
        // Offline or still asking: the server charges the card or mandate saved with the account.
        _ => html! { <p class="payment-card">{ t(locale, "confirm.saved_card") }</p> },
    };
    let order = {
        let order = props.order.clone();
        Callback::from(move |_: MouseEvent| order.emit((method.clone(), checkout::voucher_code(&voucher))))
    };
    let title_id = format!("order-{}", props.code);
    // Opened, the summary takes the focus: it is read out and scrolled into view on a phone.
    let summary = use_node_ref();
    {
        let summary = summary.clone();
        use_effect_with((), move |()| {
            if let Some(section) = summary.cast::<web_sys::HtmlElement>() {
                let _ = section.focus();
            }
        });
    }
    html! {
        <section class="order-summary" role="group" aria-labelledby={title_id.clone()} tabindex="-1" ref={summary}>
            <h3 id={title_id}>{ t(locale, "confirm.title") }</h3>
            <dl>
                <dt>{ t(locale, "confirm.feature") }</dt><dd>{ props.feature.clone() }</dd>
                <dt>{ t(locale, "confirm.duration") }</dt><dd>{ offer_label(locale, kind, offer.days) }</dd>
                <dt>{ t(locale, "confirm.price") }</dt>
                <dd class="price"><strong>{ price }</strong>{ " " }<span class="vat">{ vat }</span></dd>
                <dt>{ t(locale, "confirm.when") }</dt><dd>{ t(locale, "confirm.charged_on_activation") }</dd>
                <dt>{ t(locale, "confirm.terms") }</dt><dd class="terms">{ terms }</dd>
            </dl>
            { payment }
            if let Some(err) = &props.error { { error_view(locale, err) } }
            <div class="actions">
                <button type="button" class="order" onclick={order}>{ t(locale, "confirm.order") }</button>
                <button type="button" class="secondary back" onclick={props.back.clone()}>{ t(locale, "confirm.back") }</button>
            </div>
        </section>
    }
}

/// An offer's price as it is paid: per month or per year for subscriptions.
fn offer_price(locale: Locale, kind: &str, minor: i64, currency: &str) -> String {
    let price = money(locale, minor, currency);
    match kind {
        "MONTHLY" => tf(locale, "confirm.per_month", &[("price", &price)]),
        "ANNUAL" => tf(locale, "confirm.per_year", &[("price", &price)]),
        _ => price,
    }
}

/// A VAT rate in basis points as people write it: 1900 → "19", 750 → "7,5" in German.
fn vat_rate(locale: Locale, basis_points: i64) -> String {
    let whole = basis_points / 100;
    let rest = basis_points % 100;
    if rest == 0 {
        return whole.to_string();
    }
    let decimals = format!("{rest:02}");
    let separator = if locale == Locale::En { '.' } else { ',' };
    format!("{whole}{separator}{}", decimals.trim_end_matches('0'))
}

fn offer_label(locale: Locale, kind: &str, days: i64) -> String {
    match kind {
        "FIXED_DAYS" => tf(locale, "offer.days", &[("days", &days.to_string())]),
        other => value(locale, other),
    }
}

/// Buys now with the method and voucher code chosen, or — without a connection — puts the purchase
/// in the queue with them (the same key is sent either way, so it can never be bought twice).
fn buy(
    api: Api,
    app: crate::state::AppContext,
    navigator: Navigator,
    error: UseStateHandle<Option<ApiError>>,
    purchase: QueuedPurchase,
) -> Callback<(Option<String>, Option<String>)> {
    Callback::from(move |(method, voucher_code): (Option<String>, Option<String>)| {
        // Written in two parts: the app's text keys look the same (`area.key`).
        events::action(concat!("feature", ".purchase"));
        let purchase = QueuedPurchase { key: queue::new_key(), method, voucher_code, ..purchase.clone() };
        let (api, app, navigator, error) = (api.clone(), app.clone(), navigator.clone(), error.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match api.call_as::<PurchaseFeature, Made>(queue::variables(&purchase)).await {
                Ok(Made(id)) => navigator.push(&Route::Activation { id }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_rates_are_written_as_people_write_them() {
        assert_eq!(vat_rate(Locale::De, 1900), "19");
        assert_eq!(vat_rate(Locale::De, 750), "7,5");
        assert_eq!(vat_rate(Locale::En, 750), "7.5");
        assert_eq!(vat_rate(Locale::Es, 2105), "21,05");
    }

    #[test]
    fn subscriptions_are_priced_per_period() {
        assert_eq!(offer_price(Locale::De, "MONTHLY", 1_189, "EUR"), "11,89 € pro Monat");
        assert_eq!(offer_price(Locale::En, "ANNUAL", 11_899, "EUR"), "€118.99 per year");
        assert_eq!(offer_price(Locale::Es, "PERMANENT", 35_699, "EUR"), "356,99 €");
    }
}
