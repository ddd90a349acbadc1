//! The assistant on the dashboard and on a car's page. Its chat panel is the second bundle's
//! (`panel`): the first bundle shows only the way to open it, a link to the panel's own address
//! (`/assistant`, `/vehicles/<vin>/assistant`), which the server answers with the second bundle.

#[cfg(feature = "more")]
mod panel;

use yew::prelude::*;

use crate::api::dashboard::Car;
use crate::i18n::{Locale, t};

/// The assistant on the page of the car `vin`, or on the dashboard (`None`, where booking a
/// service is offered for each of the customer's `cars`); `open` when the address asks for it.
#[cfg(feature = "more")]
pub fn assistant(_: Locale, vin: Option<&str>, cars: &[Car], open: bool) -> Html {
    let cars: Vec<(AttrValue, AttrValue)> =
        cars.iter().map(|car| (car.vin.clone().into(), car_name(car).into())).collect();
    html! { <panel::ChatPanel vin={vin.map(|vin| AttrValue::from(vin.to_owned()))} {cars} {open} /> }
}

/// The way to the assistant: a link to the address that opens its panel, loaded anew (the
/// server answers it with the second bundle).
#[cfg(not(feature = "more"))]
pub fn assistant(locale: Locale, vin: Option<&str>, _: &[Car], _: bool) -> Html {
    use yew_router::Routable;

    use crate::route::Route;

    let href = vin.map_or(Route::Assistant, |vin| Route::VehicleAssistant { vin: vin.to_owned() }).to_path();
    let open = html! { <a {href} class="button" id="assistant-open">{ t(locale, "assistant.open") }</a> };
    frame(locale, vin.is_some(), open)
}

/// The panel's frame with what it says before it is opened, and `content`.
fn frame(locale: Locale, about_car: bool, content: Html) -> Html {
    html! {
        <section class="card assistant" id="assistant" aria-labelledby="assistant-title">
            <h2 id="assistant-title">{ t(locale, "assistant.title") }</h2>
            <p class="muted">{ t(locale, if about_car { "assistant.intro_car" } else { "assistant.intro" }) }</p>
            { content }
        </section>
    }
}

/// A car as the customer knows it: its model and plate.
#[cfg(feature = "more")]
fn car_name(car: &Car) -> String {
    match &car.plate {
        Some(plate) => format!("{} · {plate}", car.model),
        None => car.model.clone(),
    }
}
