//! What support's one search box finds, grouped: people, cars (with their features, payments and
//! refunds, and a feature switched by hand), orders and payments; a person's or a car's history
//! opens beside it.

use yew::prelude::*;

use super::{ActivationRow, ActivationView, Document, PaymentRow};
use crate::api::ops::{
    SupportSearch, SwitchFeature, Timeline, TimelineOf, VehicleFeatures, support_search, switch_feature, timeline,
    vehicle_features,
};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::forms::{clear_field_error, text};
use crate::components::{empty, error_view, field_error, form_error, loading, name, stale_note};
use crate::i18n::{date_time, money, t, tf, value};
use crate::state::use_app;

/// Properties of [`SearchResults`].
#[derive(Properties, PartialEq)]
pub struct SearchProps {
    /// What was searched for.
    pub text: AttrValue,
}

/// Everything found for a search, grouped.
#[function_component(SearchResults)]
pub fn search_results(props: &SearchProps) -> Html {
    let app = use_app();
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let variables = support_search::Variables { text: props.text.to_string() };
    match use_query::<SupportSearch>(variables, refresh) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! {
            <>
                { field_error(locale, &Some(error.clone()), "text") }
                { form_error(locale, &Some(error), &["text"]) }
            </>
        },
        QueryState::Ready(loaded) => {
            let found = &loaded.data.support_search;
            let nothing = found.users.is_empty()
                && found.vehicles.is_empty()
                && found.orders.is_empty()
                && found.payments.is_empty();
            html! {
                <section id="search-results" aria-live="polite">
                    { stale_note(locale, loaded.stale) }
                    if nothing { { empty(locale, "support.no_results") } }
                    if !found.users.is_empty() {
                        <h2>{ t(locale, "support.people") }</h2>
                        <ul class="cards" id="found-people">
                            { for found.users.iter().map(|user| html! {
                                <li class="card person" data-email={user.email.clone()}>
                                    <h3>{ user.name.clone() }</h3>
                                    <p>{ user.email.clone() }{ " · " }{ value(locale, &name(&user.role)) }</p>
                                    if user.disabled_at.is_some() { <p class="warning">{ t(locale, "support.disabled") }</p> }
                                    <History of={TimelineOf::USER} subject={user.id.clone()} label={user.name.clone()} />
                                </li>
                            }) }
                        </ul>
                    }
                    if !found.vehicles.is_empty() {
                        <h2>{ t(locale, "support.cars") }</h2>
                        <ul class="cards" id="found-cars">
                            { for found.vehicles.iter().map(|car| {
                                let activations: Vec<ActivationRow> = car.activations.iter().map(|a| rows_from!(a)).collect();
                                html! {
                                    <li class="card" data-vin={car.vin.clone()}>
                                        <h3>{ car.model.name.clone() }{ " · " }{ car.vin.clone() }{ car.plate.clone().map(|p| format!(" · {p}")).unwrap_or_default() }</h3>
                                        if let Some(owner) = &car.owner { <p>{ owner.name.clone() }{ " · " }{ owner.email.clone() }</p> }
                                        <p class="muted">{ value(locale, &name(&car.status)) }</p>
                                        if !activations.is_empty() {
                                            <ul class="activations">
                                                { for activations.into_iter().map(|a| html! { <li><ActivationView activation={a} reload={reload.clone()} /></li> }) }
                                            </ul>
                                        }
                                        <SwitchForm vin={car.vin.clone()} reload={reload.clone()} />
                                        <History of={TimelineOf::VEHICLE} subject={car.vin.clone()} label={car.vin.clone()} />
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                    if !found.orders.is_empty() {
                        <h2>{ t(locale, "support.orders") }</h2>
                        <ul class="rows" id="found-orders">
                            { for found.orders.iter().map(|order| html! {
                                <li>
                                    <strong>{ order.number.clone() }</strong>{ " · " }{ value(locale, &name(&order.status)) }
                                    { " · " }{ money(locale, order.gross.amount_minor, &order.gross.currency) }
                                    <p class="muted">{ order.customer.name.clone() }{ " · " }{ date_time(locale, &order.created_at) }</p>
                                </li>
                            }) }
                        </ul>
                    }
                    if !found.payments.is_empty() {
                        <h2>{ t(locale, "support.payments") }</h2>
                        <ul class="rows" id="found-payments">
                            { for found.payments.iter().map(|payment| html! {
                                <li>
                                    { money(locale, payment.amount.amount_minor, &payment.amount.currency) }{ " · " }
                                    { value(locale, &name(&payment.kind)) }{ " · " }{ value(locale, &name(&payment.status)) }
                                    <p class="muted">{ date_time(locale, &payment.created_at) }</p>
                                    if let Some(message) = &payment.failure_message { <p class="warning">{ message.clone() }</p> }
                                </li>
                            }) }
                        </ul>
                    }
                </section>
            }
        }
    }
}

/// Properties of [`History`].
#[derive(Properties, PartialEq)]
struct HistoryProps {
    of: TimelineOf,
    /// A person's id or a car's VIN.
    subject: AttrValue,
    /// Whose history, for the button's label.
    label: AttrValue,
}

/// A button that opens a person's or a car's history.
#[function_component(History)]
fn history(props: &HistoryProps) -> Html {
    let locale = use_app().locale;
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <div class="history">
            <button type="button" class="secondary show-history" onclick={toggle} aria-expanded={open.to_string()}
                aria-label={format!("{} {}", t(locale, "support.history"), props.label)}>{ t(locale, "support.history") }</button>
            if *open { <TimelineView of={props.of} subject={props.subject.clone()} /> }
        </div>
    }
}

/// Properties of [`TimelineView`].
#[derive(Properties, PartialEq)]
struct TimelineProps {
    of: TimelineOf,
    subject: AttrValue,
}

/// What was done by or to a person, or to a car, newest first.
#[function_component(TimelineView)]
fn timeline_view(props: &TimelineProps) -> Html {
    let locale = use_app().locale;
    let variables = timeline::Variables { of: props.of, key: props.subject.to_string() };
    match use_query::<Timeline>(variables, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) if loaded.data.timeline.is_empty() => {
            html! { { empty(locale, "support.no_history") } }
        }
        QueryState::Ready(loaded) => html! {
            <ol class="rows timeline">
                { for loaded.data.timeline.iter().map(|entry| {
                    let actor = entry.actor.as_ref().map_or_else(|| t(locale, "support.platform"), |a| format!("{} ({})", a.name, a.email));
                    html! {
                        <li data-action={entry.action.clone()}>
                            <strong><code>{ entry.action.clone() }</code></strong>{ " · " }{ date_time(locale, &entry.occurred_at) }
                            <p class="muted">{ actor }</p>
                            <details class="technical">
                                <summary>{ t(locale, "support.details") }</summary>
                                <p>{ format!("{} {}", entry.subject_type, entry.subject_id) }</p>
                                <p><code>{ entry.details.to_string() }</code></p>
                            </details>
                        </li>
                    }
                }) }
            </ol>
        },
    }
}

/// Properties of [`SwitchForm`].
#[derive(Properties, PartialEq)]
struct SwitchProps {
    vin: AttrValue,
    reload: Callback<()>,
}

/// A feature switched on (free, for good) or off in a car by hand, saying why.
#[function_component(SwitchForm)]
fn switch_form(props: &SwitchProps) -> Html {
    let locale = use_app().locale;
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <div class="switch-feature">
            <button type="button" class="secondary open-switch" onclick={toggle} aria-expanded={open.to_string()}
                aria-label={format!("{} {}", t(locale, "support.switch"), props.vin)}>{ t(locale, "support.switch") }</button>
            if *open { <SwitchFields vin={props.vin.clone()} reload={props.reload.clone()} /> }
        </div>
    }
}

/// The fields of [`SwitchForm`], with the car's features.
#[function_component(SwitchFields)]
fn switch_fields(props: &SwitchProps) -> Html {
    let locale = use_app().locale;
    let api = use_context::<Api>().expect("api");
    let (feature, on, reason) = (use_node_ref(), use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ApiError>);
    let switched = use_state(|| None::<String>);
    let features = use_query::<VehicleFeatures>(vehicle_features::Variables { vin: props.vin.to_string() }, 0);
    let onsubmit = {
        let (api, error, switched, reload, vin) =
            (api.clone(), error.clone(), switched.clone(), props.reload.clone(), props.vin.to_string());
        let (feature, on, reason) = (feature.clone(), on.clone(), reason.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let variables = switch_feature::Variables {
                vin: vin.clone(),
                feature_code: text(&feature),
                on: text(&on) == "on",
                reason: text(&reason),
            };
            if variables.reason.is_empty() {
                return error.set(Some(ApiError::field("reason", t(locale, "support.reason_rule"))));
            }
            let (api, error, switched, reload) = (api.clone(), error.clone(), switched.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.call::<SwitchFeature>(variables).await {
                    Ok(data) => {
                        error.set(None);
                        switched.set(Some(name(&data.switch_feature.status)));
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let id = |field: &str| format!("switch-{}-{field}", props.vin);
    let choices = match features {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => html! {
            <select id={id("feature")} ref={feature}>
                { for loaded.data.catalog.nodes.iter().enumerate().map(|(i, entry)| {
                    let state = entry.current_activation.as_ref().map(|a| format!(" · {}", value(locale, &name(&a.status)))).unwrap_or_default();
                    html! { <option value={entry.feature.code.clone()} selected={i == 0}>{ format!("{}{state}", entry.feature.name) }</option> }
                }) }
            </select>
        },
    };
    html! {
        <form class="switch-form" oninput={clear_field_error(&error)} {onsubmit}>
            <label for={id("feature")}>{ t(locale, "support.feature") }</label>
            { choices }
            <label for={id("on")}>{ t(locale, "support.switch_to") }</label>
            <select id={id("on")} ref={on}>
                <option value="on" selected=true>{ t(locale, "support.switch_on") }</option>
                <option value="off">{ t(locale, "support.switch_off") }</option>
            </select>
            <label for={id("reason")}>{ t(locale, "support.reason") }</label>
            <input id={id("reason")} ref={reason} maxlength="300" autocomplete="off" />
            { field_error(locale, &error, "reason") }
            { form_error(locale, &error, &["reason"]) }
            if let Some(status) = &*switched {
                <p class="status done" role="status">{ tf(locale, "support.switched", &[("status", &value(locale, status))]) }</p>
            }
            <button type="submit">{ t(locale, "support.switch_send") }</button>
        </form>
    }
}
