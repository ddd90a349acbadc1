//! The workshop's calendar: a day or a week of its bays and lifts, each with the bookings it holds
//! (time, service, car, who brings it, status), and what the workshop does with a booking:
//! confirm a request, check the car in, record that it did not come, cancel.

use std::collections::HashMap;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{
    CancelBooking, ConfirmBooking, MarkNoShow, MyWorkshop, WorkshopBookings, cancel_booking, confirm_booking,
    mark_no_show, my_workshop, workshop_bookings,
};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::forms::query_param;
use crate::components::{Layout, error_view, loading, name, stale_note};
use crate::i18n::calendar::{add_days, has_come, monday_of, parts, start_of, today};
use crate::i18n::{Locale, day_heading, t, tf, wall_day, wall_time};
use crate::route::Route;
use crate::state::use_app;

use super::check_in::CheckInForm;
use super::phone::PhoneBooking;

type Booking = workshop_bookings::WorkshopBookingsWorkshopBookings;
type Resource = my_workshop::MyWorkshopMeWorkshopResources;

/// The days shown: one, or the week (Monday to Sunday) of the chosen day.
fn days_shown(day: &str, week: bool) -> Vec<String> {
    if week {
        let monday = monday_of(day);
        (0..7).map(|offset| add_days(&monday, offset)).collect()
    } else {
        vec![day.to_owned()]
    }
}

/// The calendar, the workshop's home page. `?day=YYYY-MM-DD&view=week` opens a given day or week.
#[function_component(Calendar)]
pub fn calendar() -> Html {
    let app = use_app();
    let locale = app.locale;
    let day = use_state(|| Some(query_param("day")).filter(|day| parts(day).is_some()).unwrap_or_else(today));
    let week = use_state(|| query_param("view") == "week");
    let (refresh, reload) = use_reload();
    let days = days_shown(&day, *week);
    let first = days.first().cloned().unwrap_or_default();
    let after = add_days(days.last().map_or(&first, |last| last), 1);
    let variables = workshop_bookings::Variables { from: start_of(&first), to: start_of(&after) };
    let bookings = use_query::<WorkshopBookings>(variables, refresh);
    let workshop = use_query::<MyWorkshop>(my_workshop::Variables, 0);
    let step = if *week { 7 } else { 1 };
    let go = |to: Option<i64>| {
        let day = day.clone();
        Callback::from(move |_: MouseEvent| day.set(to.map_or_else(today, |offset| add_days(&day, offset))))
    };
    let view = |as_week: bool| {
        let week = week.clone();
        Callback::from(move |_: MouseEvent| week.set(as_week))
    };
    let content = match (bookings, workshop) {
        (QueryState::Failed(error), _) | (_, QueryState::Failed(error)) => error_view(locale, &error),
        (QueryState::Ready(bookings), QueryState::Ready(workshop)) => {
            let resources = workshop.data.me.workshop.as_ref().map(|w| w.resources.as_slice()).unwrap_or_default();
            let listed = &bookings.data.workshop_bookings;
            html! {
                <>
                    { stale_note(locale, bookings.stale) }
                    { for days.iter().map(|day| day_view(locale, day, listed, resources, *week, &reload)) }
                </>
            }
        }
        _ => loading(locale),
    };
    html! {
        <Layout title="page.calendar">
            <div class="calendar-bar" role="group" aria-label={t(locale, "calendar.navigation")}>
                <button type="button" class="secondary" id="view-day" aria-pressed={(!*week).to_string()} onclick={view(false)}>{ t(locale, "calendar.day") }</button>
                <button type="button" class="secondary" id="view-week" aria-pressed={week.to_string()} onclick={view(true)}>{ t(locale, "calendar.week") }</button>
                <button type="button" class="secondary" id="previous" aria-label={t(locale, "calendar.previous")} onclick={go(Some(-step))}>{ "‹" }</button>
                <button type="button" class="secondary" id="today" onclick={go(None)}>{ t(locale, "calendar.today") }</button>
                <button type="button" class="secondary" id="next" aria-label={t(locale, "calendar.next")} onclick={go(Some(step))}>{ "›" }</button>
            </div>
            <PhoneBooking day={(*day).clone()} reload={reload.clone()} />
            <div id="calendar">{ content }</div>
        </Layout>
    }
}

/// One day: a column per bay or lift with its bookings, then those holding none (cancelled,
/// missed). In the week view, resources without bookings are left out.
fn day_view(
    locale: Locale,
    day: &str,
    all: &[Booking],
    resources: &[Resource],
    week: bool,
    reload: &Callback<()>,
) -> Html {
    let mut of_day: Vec<&Booking> = all.iter().filter(|b| wall_day(&b.starts_at) == day).collect();
    of_day.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    let names: HashMap<&str, &Resource> = resources.iter().map(|r| (r.id.as_str(), r)).collect();
    let is_bay = |id: &str| names.get(id).is_some_and(|r| name(&r.kind) != "LOAN_CAR");
    let columns: Vec<Html> = resources
        .iter()
        .filter(|r| name(&r.kind) != "LOAN_CAR")
        .filter_map(|resource| {
            let held: Vec<&&Booking> = of_day.iter().filter(|b| b.resources.iter().any(|r| r.id == resource.id)).collect();
            if held.is_empty() && (week || !resource.active) {
                return None;
            }
            let kind = t(locale, &format!("resource.{}", name(&resource.kind)));
            // "Hebebühne · Hebebühne" says nothing more: the kind only when the name does not say it.
            let kind = (!resource.name.contains(&kind)).then(|| format!(" · {kind}"));
            Some(html! {
                <section class="resource" data-resource={resource.id.clone()}>
                    <h3>{ resource.name.clone() }<span class="muted">{ kind }</span></h3>
                    if held.is_empty() { <p class="muted">{ t(locale, "calendar.free") }</p> }
                    <ul class="cal-bookings">
                        { for held.iter().map(|b| html! { <BookingCard booking={(**b).clone()} loan_car={loan_car_name(b, &names)} reload={reload.clone()} /> }) }
                    </ul>
                </section>
            })
        })
        .collect();
    let unheld: Vec<&&Booking> = of_day.iter().filter(|b| !b.resources.iter().any(|r| is_bay(&r.id))).collect();
    html! {
        <section class="card cal-day" data-day={day.to_owned()}>
            <h2>{ day_heading(locale, day) }</h2>
            if of_day.is_empty() && week { <p class="muted">{ t(locale, "calendar.no_bookings") }</p> }
            <div class="resources">{ for columns }</div>
            if !unheld.is_empty() {
                <section class="resource unheld">
                    <h3>{ t(locale, "calendar.without_bay") }</h3>
                    <ul class="cal-bookings">
                        { for unheld.iter().map(|b| html! { <BookingCard booking={(**b).clone()} loan_car={loan_car_name(b, &names)} reload={reload.clone()} /> }) }
                    </ul>
                </section>
            }
        </section>
    }
}

/// The loan car a booking holds, by name.
fn loan_car_name(booking: &Booking, resources: &HashMap<&str, &Resource>) -> Option<AttrValue> {
    booking
        .resources
        .iter()
        .filter_map(|held| resources.get(held.id.as_str()))
        .find(|resource| name(&resource.kind) == "LOAN_CAR")
        .map(|resource| AttrValue::from(resource.name.clone()))
}

#[derive(Properties, PartialEq)]
struct CardProps {
    booking: Booking,
    loan_car: Option<AttrValue>,
    reload: Callback<()>,
}

/// What the workshop can do with an open booking.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Nothing,
    CheckIn,
    Cancel,
}

/// A booking on the calendar with its actions.
#[function_component(BookingCard)]
fn booking_card(props: &CardProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let open = use_state(|| Open::Nothing);
    let error = use_state(|| None::<ApiError>);
    let b = &props.booking;
    let status = name(&b.status);
    let act = |action: &'static str| {
        let (api, error, reload, id) = (api.clone(), error.clone(), props.reload.clone(), b.id.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, reload, id) = (api.clone(), error.clone(), reload.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let done = match action {
                    "confirm" => api.send::<ConfirmBooking>(confirm_booking::Variables { id }).await,
                    "no_show" => api.send::<MarkNoShow>(mark_no_show::Variables { id }).await,
                    _ => api.send::<CancelBooking>(cancel_booking::Variables { id, reason: String::new() }).await,
                };
                match done {
                    Ok(()) => reload.emit(()),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let show = |what: Open| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(if *open == what { Open::Nothing } else { what }))
    };
    let bookable = matches!(status.as_str(), "REQUESTED" | "CONFIRMED");
    let car = b.vehicle.plate.clone().unwrap_or_else(|| b.vehicle.vin.clone());
    html! {
        <li class={classes!("booking", status.to_ascii_lowercase())} data-id={b.id.clone()} data-status={status.clone()}>
            <p><strong>{ wall_time(&b.starts_at) }{ "–" }{ wall_time(&b.ends_at) }</strong>{ " · " }{ b.service_type.name.clone() }</p>
            <p>{ format!("{} · {car}", b.vehicle.model.name) }</p>
            <p class="muted">{ b.contact_name.clone() }
                if !b.contact_phone.is_empty() { { " · " }<a href={format!("tel:{}", b.contact_phone)}>{ b.contact_phone.clone() }</a> }</p>
            if !b.notes.is_empty() { <p class="notes">{ b.notes.clone() }</p> }
            if let Some(car) = &props.loan_car { <p>{ tf(locale, "calendar.loan_car", &[("car", car)]) }</p> }
            else if b.loan_car { <p>{ t(locale, "booking.with_loan_car") }</p> }
            <p><span class="status-badge booking-status">{ t(locale, &format!("booking_status.{status}")) }</span></p>
            if let Some(job) = &b.repair_order {
                <p><Link<Route> to={Route::RepairOrder { id: job.id.clone() }}>{ tf(locale, "booking.repair_order", &[("number", &job.number)]) }</Link<Route>></p>
            }
            if bookable {
                <div class="actions">
                    if status == "REQUESTED" { <button type="button" class="confirm-booking" onclick={act("confirm")}>{ t(locale, "calendar.confirm") }</button> }
                    <button type="button" class="check-in-booking" onclick={show(Open::CheckIn)}>{ t(locale, "check_in.open") }</button>
                    if has_come(&b.starts_at) { <button type="button" class="secondary no-show" onclick={act("no_show")}>{ t(locale, "calendar.no_show") }</button> }
                    <button type="button" class="secondary cancel-booking" onclick={show(Open::Cancel)}>{ t(locale, "booking.cancel") }</button>
                </div>
            }
            if bookable && *open == Open::CheckIn {
                <CheckInForm booking={Some(AttrValue::from(b.id.clone()))} mileage_km={Some(b.vehicle.mileage_km)} complaint={b.notes.clone()} />
            }
            if bookable && *open == Open::Cancel {
                <div class="confirm-cancel" role="group">
                    <p>{ t(locale, "calendar.cancel_ask") }</p>
                    <div class="actions">
                        <button type="button" class="confirm-cancel-booking" onclick={act("cancel")}>{ t(locale, "booking.cancel_confirm") }</button>
                        <button type="button" class="secondary" onclick={show(Open::Cancel)}>{ t(locale, "booking.cancel_keep") }</button>
                    </div>
                </div>
            }
            if let Some(err) = &*error { { error_view(locale, err) } }
        </li>
    }
}
