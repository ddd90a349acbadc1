//! The customer's bookings: the coming ones first (soonest first), then the earlier ones, latest
//! first; a cancellation asks first, and a car at the workshop leads to its repair order.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{CancelBooking, MyBookings, cancel_booking, my_bookings};
use crate::api::workshop::{Booking, Bookings};
use crate::api::{Api, ApiError, QueryState, use_query_as, use_reload};
use crate::components::{Layout, empty, error_view, loading, stale_note};
use crate::i18n::{Locale, day_heading, t, tf, wall_day, wall_time};
use crate::route::Route;
use crate::state::use_app;

/// The customer's bookings: the coming ones first (soonest first), then the earlier ones, latest
/// first. Cancelling asks first.
#[function_component(BookingsPage)]
pub fn bookings_page() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let asking = use_state(|| None::<String>);
    let error = use_state(|| None::<ApiError>);
    let ask = {
        let asking = asking.clone();
        Callback::from(move |id: Option<String>| asking.set(id))
    };
    let cancel = {
        let (api, asking, error, reload) = (api.clone(), asking.clone(), error.clone(), reload.clone());
        Callback::from(move |id: String| {
            let (api, asking, error, reload) = (api.clone(), asking.clone(), error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<CancelBooking>(cancel_booking::Variables { id, reason: String::new() }).await {
                    Ok(()) => {
                        asking.set(None);
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let content = match use_query_as::<MyBookings, Bookings>(my_bookings::Variables, refresh) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) => {
            let all = &loaded.data.0;
            let open = |b: &&Booking| matches!(b.status.as_str(), "REQUESTED" | "CONFIRMED" | "CHECKED_IN");
            // The server lists the latest first: the coming ones read soonest first.
            let coming: Vec<&Booking> = all.iter().filter(open).rev().collect();
            let earlier: Vec<&Booking> = all.iter().filter(|b| !open(b)).collect();
            let row = |b: &&Booking| booking_row(locale, b, asking.as_deref() == Some(b.id.as_str()), (&ask, &cancel));
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if let Some(err) = &*error { { error_view(locale, err) } }
                    if all.is_empty() { { empty(locale, "booking.none") } }
                    if !coming.is_empty() {
                        <h2>{ t(locale, "booking.coming") }</h2>
                        <ul class="cards" id="bookings-coming">{ for coming.iter().map(row) }</ul>
                    }
                    if !earlier.is_empty() {
                        <h2>{ t(locale, "booking.earlier_bookings") }</h2>
                        <ul class="cards" id="bookings-earlier">{ for earlier.iter().map(row) }</ul>
                    }
                </>
            }
        }
    };
    html! { <Layout title="page.bookings">{ content }</Layout> }
}

/// A booking; `asking` while its cancellation waits to be confirmed.
fn booking_row(
    locale: Locale,
    b: &Booking,
    asking: bool,
    (ask, cancel): (&Callback<Option<String>>, &Callback<String>),
) -> Html {
    let status = b.status.clone();
    let car =
        format!("{}{}", b.vehicle.model.name, b.vehicle.plate.as_ref().map(|p| format!(" · {p}")).unwrap_or_default());
    let ask_with = |id: Option<String>| {
        let ask = ask.clone();
        Callback::from(move |_: MouseEvent| ask.emit(id.clone()))
    };
    let confirm = {
        let (cancel, id) = (cancel.clone(), b.id.clone());
        Callback::from(move |_: MouseEvent| cancel.emit(id.clone()))
    };
    html! {
        <li class="card booking" data-id={b.id.clone()} data-status={status.clone()}>
            <h3>{ day_heading(locale, &wall_day(&b.starts_at)) }{ ", " }{ wall_time(&b.starts_at) }{ "–" }{ wall_time(&b.ends_at) }</h3>
            <p>{ b.service.name.clone() }{ " · " }{ b.workshop.name.clone() }{ ", " }{ b.workshop.city.clone() }</p>
            <p class="muted">{ car }</p>
            <p><span class="status-badge">{ t(locale, &format!("booking_status.{status}")) }</span>
                if status == "REQUESTED" { { " · " }{ t(locale, "booking.confirms_soon") } }</p>
            if b.loan_car { <p>{ t(locale, "booking.with_loan_car") }</p> }
            if let Some(reason) = b.cancel_reason.as_ref().filter(|r| !r.is_empty()) { <p class="muted">{ reason.clone() }</p> }
            if let Some((id, number)) = &b.repair_order {
                <p><Link<Route> to={Route::RepairOrder { id: id.clone() }} classes="button">{ tf(locale, "booking.repair_order", &[("number", number)]) }</Link<Route>></p>
            }
            if matches!(status.as_str(), "REQUESTED" | "CONFIRMED") {
                if asking {
                    <div class="confirm-cancel" role="group">
                        <p>{ tf(locale, "booking.cancel_ask", &[("date", &day_heading(locale, &wall_day(&b.starts_at)))]) }</p>
                        <div class="actions">
                            <button type="button" class="confirm-cancel-booking" onclick={confirm}>{ t(locale, "booking.cancel_confirm") }</button>
                            <button type="button" class="secondary" onclick={ask_with(None)}>{ t(locale, "booking.cancel_keep") }</button>
                        </div>
                    </div>
                } else {
                    <button type="button" class="secondary cancel-booking" onclick={ask_with(Some(b.id.clone()))}>{ t(locale, "booking.cancel") }</button>
                }
            }
        </li>
    }
}
