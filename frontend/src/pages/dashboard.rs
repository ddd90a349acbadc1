//! The customer's dashboard: their cars, the features on each (what is expiring soon), and the
//! way to discover more, to each car's file and to its health.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::dashboard::{Car, Dashboard as Answer};
use crate::api::ops::{Dashboard as DashboardOp, dashboard};
use crate::api::{QueryState, use_query_as};
use crate::components::{Layout, empty, error_view, loading, stale_note};
use crate::i18n::{date, t, value};
use crate::route::Route;
use crate::state::use_app;

/// The dashboard.
#[function_component(Dashboard)]
pub fn dashboard_page() -> Html {
    let app = use_app();
    let locale = app.locale;
    let content = match use_query_as::<DashboardOp, Answer>(dashboard::Variables, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let vehicles = &loaded.data.cars;
            let unread = loaded.data.unread;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if unread > 0 {
                        <p class="notice"><Link<Route> to={Route::Notifications}>{ crate::i18n::plural(locale, "dashboard.unread", unread) }</Link<Route>></p>
                    }
                    if vehicles.is_empty() { { empty(locale, "dashboard.no_vehicles") } }
                    <ul class="cards" id="vehicles">
                        { for vehicles.iter().map(|vehicle| vehicle_card(locale, vehicle)) }
                    </ul>
                </>
            }
        }
    };
    html! { <Layout title="page.dashboard">{ content }</Layout> }
}

fn vehicle_card(locale: crate::i18n::Locale, vehicle: &Car) -> Html {
    let live: Vec<_> =
        vehicle.features.iter().filter(|a| matches!(a.status.as_str(), "ACTIVE" | "PENDING" | "ACTIVATING")).collect();
    html! {
        <li class="card vehicle" data-vin={vehicle.vin.clone()}>
            <h2>{ format!("{} · {}", vehicle.model, vehicle.plate.clone().unwrap_or_else(|| value(locale, &vehicle.status))) }</h2>
            <p class="muted">{ format!("{} · {}", vehicle.vin, vehicle.color) }</p>
            <h3>{ t(locale, "dashboard.features") }</h3>
            if live.is_empty() { <p class="muted">{ t(locale, "dashboard.no_features") }</p> }
            <ul class="features">
                { for live.into_iter().map(|activation| html! {
                    <li class={classes!(activation.expiring_soon.then_some("expiring"))}>
                        <Link<Route> to={Route::Activation { id: activation.id.clone() }}>{ activation.name.clone() }</Link<Route>>
                        { " · " }{ value(locale, &activation.status) }
                        if let Some(ends) = &activation.ends_at { { " · " }{ t(locale, "dashboard.until") }{ " " }{ date(locale, ends) } }
                        if activation.expiring_soon { <strong>{ " · " }{ t(locale, "dashboard.expiring") }</strong> }
                    </li>
                }) }
            </ul>
            <p class="actions">
                <Link<Route> to={Route::Catalog { vin: vehicle.vin.clone() }} classes="button">{ t(locale, "dashboard.discover") }</Link<Route>>
                <Link<Route> to={Route::Vehicle { vin: vehicle.vin.clone() }} classes="button secondary">{ t(locale, "dashboard.expediente") }</Link<Route>>
                <Link<Route> to={Route::VehicleHealth { vin: vehicle.vin.clone() }} classes="button secondary">{ t(locale, "page.health") }</Link<Route>>
            </p>
        </li>
    }
}
