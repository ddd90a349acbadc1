//! The customer's dashboard: their cars, each with what it last reported (locked, charge and
//! range, climate) and its remote controls, the features on each (what is expiring soon), and the
//! way to discover more, to each car's file and to its health; the assistant; and, once, the offer
//! to install the app.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::dashboard::{Car, Dashboard as Answer};
use crate::api::ops::{Dashboard as DashboardOp, dashboard};
use crate::api::{QueryState, use_query_as, use_reload};
use crate::components::{Layout, empty, error_view, loading, stale_note};
use crate::i18n::{Locale, date, t, value};
use crate::pages::assistant::assistant;
use crate::pages::install::use_install_offer;
use crate::pages::remote::{Remote, car_view, use_remote};
use crate::route::Route;
use crate::state::use_app;

/// Properties of [`Dashboard`].
#[derive(Properties, PartialEq)]
pub struct DashboardProps {
    /// With the assistant's chat panel open.
    #[prop_or_default]
    pub assistant: bool,
}

/// The dashboard.
#[function_component(Dashboard)]
pub fn dashboard_page(props: &DashboardProps) -> Html {
    let app = use_app();
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let remote = use_remote(reload);
    let state = use_query_as::<DashboardOp, Answer>(dashboard::Variables, refresh);
    let content = match &state {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, error) } },
        QueryState::Ready(loaded) => {
            let vehicles = &loaded.data.cars;
            let unread = loaded.data.unread;
            // Commands need the server, and a state saved earlier may be out of date.
            let usable = app.online && !loaded.stale;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if unread > 0 {
                        <p class="notice"><Link<Route> to={Route::Notifications}>{ crate::i18n::plural(locale, "dashboard.unread", unread) }</Link<Route>></p>
                    }
                    if vehicles.is_empty() { { empty(locale, "dashboard.no_vehicles") } }
                    <ul class="cards" id="vehicles" onclick={remote.onclick.clone()}>
                        { for vehicles.iter().map(|vehicle| vehicle_card(locale, vehicle, usable, &remote)) }
                    </ul>
                    { assistant(locale, None, vehicles, props.assistant) }
                </>
            }
        }
    };
    // Offered to a customer with a car, once the cars have shown from the server.
    let offer_install = matches!(&state, QueryState::Ready(loaded) if !loaded.stale && !loaded.data.cars.is_empty());
    let install = use_install_offer(app.online && offer_install);
    html! { <Layout title="page.dashboard">{ content }{ install }</Layout> }
}

fn vehicle_card(locale: Locale, vehicle: &Car, usable: bool, remote: &Remote) -> Html {
    let live: Vec<_> =
        vehicle.features.iter().filter(|a| matches!(a.status.as_str(), "ACTIVE" | "PENDING" | "ACTIVATING")).collect();
    html! {
        <li class="card vehicle" data-vin={vehicle.vin.clone()}>
            <h2>{ format!("{} · {}", vehicle.model, vehicle.plate.clone().unwrap_or_else(|| value(locale, &vehicle.status))) }</h2>
            <p class="muted">{ format!("{} · {}", vehicle.vin, vehicle.color) }</p>
            { car_view(locale, vehicle, usable, remote) }
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
