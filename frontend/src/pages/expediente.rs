//! A car's expediente: the car (and the way to its health page), the assistant, where its
//! maintenance stands (and the way to book a service), its sale, the features it has had, its
//! maintenance, diagnostics and repair orders, its invoices and its manuals in the customer's
//! language.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::expediente::{Car, Entry, Expediente};
use crate::api::ops::{Expediente as ExpedienteOp, expediente};
use crate::api::{QueryState, use_query_as};
use crate::components::repair::{diagnostics_view, repair_status};
use crate::components::{Layout, document_links, loading, page_error, stale_note};
use crate::i18n::{Locale, colour, date, kilometres, money, t, tf, value};
use crate::pages::assistant::assistant;
use crate::route::Route;
use crate::state::use_app;

/// Properties of [`ExpedientePage`].
#[derive(Properties, PartialEq)]
pub struct ExpedienteProps {
    /// The vehicle.
    pub vin: AttrValue,
    /// With the assistant's chat panel open.
    #[prop_or_default]
    pub assistant: bool,
}

/// The expediente page.
#[function_component(ExpedientePage)]
pub fn expediente_page(props: &ExpedienteProps) -> Html {
    let app = use_app();
    let locale = app.locale;
    let variables = expediente::Variables { vin: props.vin.to_string() };
    let content = match use_query_as::<ExpedienteOp, Expediente>(variables, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { page_error(locale, &error, "vin") } },
        QueryState::Ready(loaded) => {
            let file = &loaded.data;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    { vehicle_section(locale, &file.car) }
                    { assistant(locale, Some(&file.car.vin), &[], props.assistant) }
                    { maintenance_status(locale, &file.car) }
                    { section(locale, "expediente.features", file.activations.iter().map(|a| {
                        html! {
                            <li>
                                <Link<Route> to={Route::Activation { id: a.id.clone() }}>{ a.title.clone() }</Link<Route>>
                                { " · " }{ value(locale, &a.detail) }{ " · " }{ value(locale, &a.kind) }
                                if !a.at.is_empty() { { " · " }{ date(locale, &a.at) } }
                                if let Some(ends) = &a.until { { " – " }{ date(locale, ends) } }
                            </li>
                        }
                    }).collect()) }
                    { section(locale, "expediente.maintenance", file.maintenance.iter().map(|m| {
                        html! {
                            <li>
                                { value(locale, &m.kind) }{ " · " }{ date(locale, &m.at) }{ " · " }{ kilometres(locale, m.mileage_km) }
                                { " · " }{ m.place.clone() }
                                if !m.notes.is_empty() { <br /><span class="muted">{ m.notes.clone() }</span> }
                                if let Some(due) = &m.until { <br />{ t(locale, "expediente.next_due") }{ " " }{ date(locale, due) } }
                            </li>
                        }
                    }).collect()) }
                    <section class="card" id="diagnostics">
                        <h2>{ t(locale, "expediente.diagnostics") }</h2>
                        { diagnostics_view(locale, &file.diagnostics) }
                    </section>
                    <section class="card" id="repair-orders">
                        <h2>{ t(locale, "expediente.repair_orders") }</h2>
                        if file.repair_orders.is_empty() { <p class="muted">{ t(locale, "expediente.none") }</p> }
                        <ul>
                            { for file.repair_orders.iter().map(|job| html! {
                                <li>
                                    <Link<Route> to={Route::RepairOrder { id: job.id.clone() }}>{ job.title.clone() }</Link<Route>>
                                    { " · " }{ job.place.clone() }{ " · " }{ date(locale, &job.at) }{ " · " }
                                    { repair_status(locale, &job.kind, None) }
                                </li>
                            }) }
                        </ul>
                    </section>
                    { section(locale, "expediente.invoices", file.invoices.iter().map(|i| {
                        let gross = i.amount.as_ref().map(|a| money(locale, a.amount_minor, &a.currency)).unwrap_or_default();
                        html! {
                            <li>{ i.title.clone() }{ " · " }{ value(locale, &i.kind) }{ " · " }{ date(locale, &i.at) }{ " · " }
                                <strong>{ gross }</strong>{ " · " }{ document_links(locale, &i.title, &i.kind, &i.url) }</li>
                        }
                    }).collect()) }
                    { section(locale, "expediente.orders", file.orders.iter().map(|o| {
                        html! { <li>{ o.title.clone() }{ " · " }{ value(locale, &o.kind) }{ " · " }{ date(locale, &o.at) }</li> }
                    }).collect()) }
                    { section(locale, "expediente.manuals", manuals(locale, &file.manuals)) }
                </>
            }
        }
    };
    html! { <Layout title="page.expediente">{ content }</Layout> }
}

fn vehicle_section(locale: Locale, car: &Car) -> Html {
    html! {
        <section class="card">
            <h2>{ car.model.clone() }{ car.plate.clone().map(|plate| format!(" · {plate}")).unwrap_or_default() }</h2>
            <dl>
                <dt>{ "VIN" }</dt><dd>{ car.vin.clone() }</dd>
                <dt>{ t(locale, "expediente.status") }</dt><dd>{ value(locale, &car.status) }</dd>
                <dt>{ t(locale, "expediente.color") }</dt><dd>{ colour(locale, &car.color) }</dd>
                <dt>{ t(locale, "expediente.mileage") }</dt><dd>{ kilometres(locale, car.mileage_km) }</dd>
                <dt>{ t(locale, "expediente.firmware") }</dt><dd>{ car.firmware_version.clone() }</dd>
            </dl>
            <p class="actions">
                <Link<Route> to={Route::Catalog { vin: car.vin.clone() }} classes="button">{ t(locale, "dashboard.discover") }</Link<Route>>
                <Link<Route> to={Route::VehicleHealth { vin: car.vin.clone() }} classes="button secondary">{ t(locale, "page.health") }</Link<Route>>
            </p>
        </section>
    }
}

/// Whether the car's service is due, with when and at what mileage, and the way to book it.
fn maintenance_status(locale: Locale, car: &Car) -> Html {
    let state = car.maintenance_state.clone();
    let due = match (&car.next_due_at, car.next_due_km) {
        (Some(at), Some(km)) => {
            let key = if state == "OVERDUE" { "expediente.was_due" } else { "expediente.next_service" };
            tf(locale, key, &[("date", &date(locale, at)), ("km", &kilometres(locale, km))])
        }
        (Some(at), None) => date(locale, at),
        (None, Some(km)) => kilometres(locale, km),
        (None, None) => String::new(),
    };
    html! {
        <section class="card" id="maintenance-status">
            <h2>{ t(locale, "expediente.maintenance_status") }</h2>
            <p class={classes!("maintenance-state", state.to_ascii_lowercase())} data-state={state.clone()}>
                <strong>{ t(locale, &format!("maintenance_state.{state}")) }</strong>
            </p>
            if !due.is_empty() { <p>{ due }</p> }
            <p class="actions">
                <Link<Route> to={Route::BookService { vin: car.vin.clone() }} classes="button">{ t(locale, "booking.book_service") }</Link<Route>>
                <Link<Route> to={Route::Bookings} classes="button secondary">{ t(locale, "nav.bookings") }</Link<Route>>
            </p>
        </section>
    }
}

/// The manuals in the user's language first.
fn manuals(locale: Locale, manuals: &[Entry]) -> Vec<Html> {
    let mut sorted: Vec<_> = manuals.iter().collect();
    sorted.sort_by_key(|manual| !manual.place.eq_ignore_ascii_case(locale.tag()));
    sorted
        .into_iter()
        .map(|manual| html! { <li><a href={manual.url.clone()} rel="noopener" target="_blank">{ manual.title.clone() }</a>{ format!(" ({})", manual.place) }</li> })
        .collect()
}

fn section(locale: Locale, title: &str, items: Vec<Html>) -> Html {
    html! {
        <section class="card">
            <h2>{ t(locale, title) }</h2>
            if items.is_empty() { <p class="muted">{ t(locale, "expediente.none") }</p> } else { <ul>{ for items }</ul> }
        </section>
    }
}
