//! A car's expediente: the car (and the way to its health page), where its maintenance stands (and the way to book a service), its
//! sale, the features it has had, its maintenance, diagnostics and repair orders, its invoices and
//! its manuals in the customer's language.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{Expediente as ExpedienteOp, expediente};
use crate::api::{QueryState, use_query};
use crate::components::repair::{diagnosis_from, diagnostics_view, repair_status};
use crate::components::{Layout, document_links, loading, name, page_error, stale_note};
use crate::i18n::{Locale, colour, date, kilometres, money, t, tf, value};
use crate::route::Route;
use crate::state::use_app;

/// Properties of [`ExpedientePage`].
#[derive(Properties, PartialEq)]
pub struct ExpedienteProps {
    /// The vehicle.
    pub vin: AttrValue,
}

/// The expediente page.
#[function_component(ExpedientePage)]
pub fn expediente_page(props: &ExpedienteProps) -> Html {
    let app = use_app();
    let locale = app.locale;
    let content = match use_query::<ExpedienteOp>(expediente::Variables { vin: props.vin.to_string() }, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { page_error(locale, &error, "vin") } },
        QueryState::Ready(loaded) => {
            let file = &loaded.data.expediente;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    { vehicle_section(locale, &file.vehicle) }
                    { maintenance_status(locale, &file.vehicle) }
                    { section(locale, "expediente.features", file.activations.nodes.iter().map(|a| {
                        html! {
                            <li>
                                <Link<Route> to={Route::Activation { id: a.id.clone() }}>{ a.feature.name.clone() }</Link<Route>>
                                { " · " }{ value(locale, &name(&a.duration_kind)) }{ " · " }{ value(locale, &name(&a.status)) }
                                if let Some(starts) = &a.starts_at { { " · " }{ date(locale, starts) } }
                                if let Some(ends) = &a.ends_at { { " – " }{ date(locale, ends) } }
                            </li>
                        }
                    }).collect()) }
                    { section(locale, "expediente.maintenance", file.maintenance.nodes.iter().map(|m| {
                        html! {
                            <li>
                                { value(locale, &name(&m.kind)) }{ " · " }{ date(locale, &m.performed_at) }{ " · " }{ kilometres(locale, m.mileage_km) }
                                { " · " }{ m.workshop.name.clone() }
                                if !m.notes.is_empty() { <br /><span class="muted">{ m.notes.clone() }</span> }
                                if let Some(due) = &m.next_due_at { <br />{ t(locale, "expediente.next_due") }{ " " }{ date(locale, due) } }
                            </li>
                        }
                    }).collect()) }
                    <section class="card" id="diagnostics">
                        <h2>{ t(locale, "expediente.diagnostics") }</h2>
                        { diagnostics_view(locale, &file.diagnostics.iter().map(|d| diagnosis_from!(d)).collect::<Vec<_>>()) }
                    </section>
                    <section class="card" id="repair-orders">
                        <h2>{ t(locale, "expediente.repair_orders") }</h2>
                        if file.repair_orders.is_empty() { <p class="muted">{ t(locale, "expediente.none") }</p> }
                        <ul>
                            { for file.repair_orders.iter().map(|job| html! {
                                <li>
                                    <Link<Route> to={Route::RepairOrder { id: job.id.clone() }}>{ job.number.clone() }</Link<Route>>
                                    { " · " }{ job.workshop.name.clone() }{ " · " }{ date(locale, &job.created_at) }{ " · " }
                                    { repair_status(locale, &name(&job.status), None) }
                                </li>
                            }) }
                        </ul>
                    </section>
                    { section(locale, "expediente.invoices", file.invoices.nodes.iter().map(|i| {
                        html! {
                            <li>{ i.number.clone() }{ " · " }{ value(locale, &name(&i.kind)) }{ " · " }{ date(locale, &i.issued_at) }{ " · " }
                                <strong>{ money(locale, i.gross.amount_minor, &i.gross.currency) }</strong>{ " · " }{ document_links(locale, &i.number, &name(&i.kind), &i.pdf_url) }</li>
                        }
                    }).collect()) }
                    { section(locale, "expediente.orders", file.orders.nodes.iter().map(|o| {
                        html! { <li>{ o.number.clone() }{ " · " }{ value(locale, &name(&o.status)) }{ " · " }{ date(locale, &o.created_at) }</li> }
                    }).collect()) }
                    { section(locale, "expediente.manuals", manuals(locale, &file.manuals)) }
                </>
            }
        }
    };
    html! { <Layout title="page.expediente">{ content }</Layout> }
}

fn vehicle_section(locale: Locale, car: &expediente::ExpedienteExpedienteVehicle) -> Html {
    html! {
        <section class="card">
            <h2>{ car.model.name.clone() }{ car.plate.clone().map(|plate| format!(" · {plate}")).unwrap_or_default() }</h2>
            <dl>
                <dt>{ "VIN" }</dt><dd>{ car.vin.clone() }</dd>
                <dt>{ t(locale, "expediente.status") }</dt><dd>{ value(locale, &name(&car.status)) }</dd>
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
fn maintenance_status(locale: Locale, car: &expediente::ExpedienteExpedienteVehicle) -> Html {
    let status = &car.maintenance_status;
    let state = name(&status.state);
    let due = match (&status.next_due_at, status.next_due_km) {
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
fn manuals(locale: Locale, manuals: &[expediente::ExpedienteExpedienteManuals]) -> Vec<Html> {
    let mut sorted: Vec<_> = manuals.iter().collect();
    sorted.sort_by_key(|manual| !manual.locale.eq_ignore_ascii_case(locale.tag()));
    sorted
        .into_iter()
        .map(|manual| html! { <li><a href={manual.url.clone()} rel="noopener" target="_blank">{ manual.title.clone() }</a>{ format!(" ({})", manual.locale) }</li> })
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
