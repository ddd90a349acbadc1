//! Booking a service for a car: a workshop of the customer's region, its services with their price
//! and duration, the free times of a week (and the weeks after), a loan car and notes; the booking
//! waits for the workshop to confirm it.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{
    AvailableSlots, BookService, Workshops as WorkshopsOp, available_slots, book_service, workshops,
};
use crate::api::workshop::{BookedAt, Slots, Workshops};
use crate::api::{Api, ApiError, QueryState, use_query_as};
use crate::components::{Layout, empty, error_view, field_error, form_error, loading, stale_note};
use crate::i18n::calendar::{add_days, today};
use crate::i18n::{Locale, day_heading, money, t, tf, wall_day, wall_time};
use crate::route::Route;
use crate::state::use_app;

/// Properties of [`BookServicePage`].
#[derive(Properties, PartialEq)]
pub struct BookProps {
    /// The car.
    pub vin: AttrValue,
}

/// A booking made here, as the customer is shown it.
#[derive(Clone, PartialEq)]
struct Booked {
    starts_at: String,
    workshop: String,
    service: String,
}

/// How long a service takes, e.g. `2 h`.
fn duration(minutes: i64) -> String {
    if minutes % 60 == 0 { format!("{} h", minutes / 60) } else { format!("{minutes} min") }
}

/// The booking page: the workshops of the customer's region (their profile's), their services,
/// the free times, and the booking once made.
#[function_component(BookServicePage)]
pub fn book_service_page(props: &BookProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let workshop = use_state(|| None::<String>);
    let service = use_state(|| None::<String>);
    let week = use_state(|| 0_i64);
    let loan_car = use_state(|| false);
    let slot = use_state(|| None::<String>);
    let notes = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let booked = use_state(|| None::<Booked>);
    let region = app.me.as_ref().map(|me| me.region.clone());
    let loaded = match (&*booked, use_query_as::<WorkshopsOp, Workshops>(workshops::Variables { region }, 0)) {
        (Some(done), _) => return html! { <Layout title="page.book_service">{ booked_view(locale, done) }</Layout> },
        (None, QueryState::Ready(loaded)) => loaded,
        (None, QueryState::Loading) => return html! { <Layout title="page.book_service">{ loading(locale) }</Layout> },
        (None, QueryState::Failed(error)) => {
            return html! { <Layout title="page.book_service">{ error_view(locale, &error) }</Layout> };
        }
    };
    let list = &loaded.data.0;
    let Some(chosen) = workshop.as_ref().and_then(|id| list.iter().find(|w| &w.id == id)).or_else(|| list.first())
    else {
        return html! { <Layout title="page.book_service">{ empty(locale, "booking.no_workshops") }</Layout> };
    };
    let chosen_service = service.as_ref().and_then(|id| chosen.services.iter().find(|s| &s.id == id));
    let on_workshop = {
        let (workshop, service, slot) = (workshop.clone(), service.clone(), slot.clone());
        Callback::from(move |event: Event| {
            workshop.set(Some(event.target_unchecked_into::<HtmlSelectElement>().value()));
            service.set(None);
            slot.set(None);
        })
    };
    let choose_service = |id: &str| {
        let (service, slot, id) = (service.clone(), slot.clone(), id.to_owned());
        Callback::from(move |_: Event| {
            service.set(Some(id.clone()));
            slot.set(None);
        })
    };
    let on_loan_car = {
        let (loan_car, slot) = (loan_car.clone(), slot.clone());
        Callback::from(move |event: Event| {
            loan_car.set(event.target_unchecked_into::<HtmlInputElement>().checked());
            slot.set(None);
        })
    };
    let on_week = {
        let (week, slot) = (week.clone(), slot.clone());
        Callback::from(move |to: i64| {
            week.set(to);
            slot.set(None);
        })
    };
    let on_slot = {
        let slot = slot.clone();
        Callback::from(move |starts_at: String| slot.set(Some(starts_at)))
    };
    let onsubmit = {
        let (api, error, busy, booked, notes) =
            (api.clone(), error.clone(), busy.clone(), booked.clone(), notes.clone());
        let (workshop_id, workshop_name) = (chosen.id.clone(), format!("{}, {}", chosen.name, chosen.city));
        let service = chosen_service.map(|s| (s.id.clone(), s.name.clone()));
        let (slot, loan_car, vin) = ((*slot).clone(), *loan_car, props.vin.to_string());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some((service_type_id, service)), Some(starts_at)) = (service.clone(), slot.clone()) else { return };
            let notes = notes.cast::<HtmlTextAreaElement>().map(|area| area.value()).unwrap_or_default();
            let input = book_service::BookServiceInput {
                workshop_id: workshop_id.clone(),
                service_type_id,
                vin: vin.clone(),
                starts_at,
                loan_car,
                notes: notes.trim().to_owned(),
                contact: None,
                resource_id: None,
            };
            let (api, error, busy, booked, workshop) =
                (api.clone(), error.clone(), busy.clone(), booked.clone(), workshop_name.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api.call_as::<BookService, BookedAt>(book_service::Variables { input }).await {
                    Ok(BookedAt(starts_at)) => booked.set(Some(Booked { starts_at, workshop, service })),
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <Layout title="page.book_service">
            <form class="card" id="booking-form" {onsubmit}>
                { stale_note(locale, loaded.stale) }
                <label for="workshop">{ t(locale, "booking.workshop") }</label>
                <select id="workshop" onchange={on_workshop}>
                    { for list.iter().map(|w| html! {
                        <option value={w.id.clone()} selected={w.id == chosen.id}>{ format!("{} · {}", w.name, w.city) }</option>
                    }) }
                </select>
                <p class="muted">{ chosen.address.clone() }</p>
                <fieldset id="services">
                    <legend>{ t(locale, "booking.service") }</legend>
                    if chosen.services.is_empty() { { empty(locale, "booking.no_services") } }
                    { for chosen.services.iter().map(|s| {
                        let kind = s.maintenance_kind.clone().unwrap_or_default();
                        let price = s.gross.as_ref().map(|g| format!(" · {}", money(locale, g.amount_minor, &g.currency)));
                        html! {
                            <label class="choice service">
                                <input type="radio" name="service" value={s.id.clone()} data-kind={kind}
                                    checked={chosen_service.is_some_and(|c| c.id == s.id)} onchange={choose_service(&s.id)} />
                                <span><strong>{ s.name.clone() }</strong><br />
                                    <span class="muted">{ duration(s.duration_minutes) }{ price.unwrap_or_default() }</span></span>
                            </label>
                        }
                    }) }
                </fieldset>
                <label class="choice"><input type="checkbox" id="loan-car" checked={*loan_car} onchange={on_loan_car} />{ t(locale, "booking.loan_car") }</label>
                if let Some(s) = chosen_service {
                    <SlotPicker workshop={chosen.id.clone()} service={s.id.clone()} city={chosen.city.clone()} week={*week}
                        loan_car={*loan_car} selected={(*slot).clone()} {on_slot} {on_week} />
                } else {
                    <p class="muted">{ t(locale, "booking.choose_service") }</p>
                }
                { field_error(locale, &error, "startsAt") }
                <label for="notes">{ t(locale, "booking.notes") }</label>
                <textarea id="notes" ref={notes} rows="3" maxlength="2000" />
                { field_error(locale, &error, "notes") }
                { form_error(locale, &error, &["startsAt", "notes"]) }
                if !app.online { <p class="warning" id="booking-offline">{ t(locale, "booking.offline") }</p> }
                <button type="submit" id="book" disabled={*busy || !app.online || slot.is_none()}>{ t(locale, "booking.book") }</button>
            </form>
        </Layout>
    }
}

fn booked_view(locale: Locale, done: &Booked) -> Html {
    html! {
        <section class="card" id="booking-done" role="status">
            <h2>{ t(locale, "booking.requested") }</h2>
            <p>{ done.service.clone() }{ " · " }{ done.workshop.clone() }</p>
            <p><strong>{ day_heading(locale, &wall_day(&done.starts_at)) }{ ", " }{ wall_time(&done.starts_at) }</strong></p>
            <p>{ t(locale, "booking.confirms_soon") }</p>
            <p class="actions"><Link<Route> to={Route::Bookings} classes="button">{ t(locale, "nav.bookings") }</Link<Route>></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SlotProps {
    workshop: AttrValue,
    service: AttrValue,
    city: AttrValue,
    /// Weeks after this one.
    week: i64,
    loan_car: bool,
    selected: Option<String>,
    on_slot: Callback<String>,
    on_week: Callback<i64>,
}

/// The free times of a week, by day.
#[function_component(SlotPicker)]
fn slot_picker(props: &SlotProps) -> Html {
    let locale = use_app().locale;
    let from = add_days(&today(), 7 * props.week);
    let variables = available_slots::Variables {
        workshop: props.workshop.to_string(),
        service: props.service.to_string(),
        from: from.clone(),
        to: add_days(&from, 6),
        loan_car: props.loan_car,
    };
    let week_button = |to: i64, key: &str, id: &'static str| {
        let on_week = props.on_week.clone();
        html! { <button type="button" class="secondary" {id} onclick={Callback::from(move |_: MouseEvent| on_week.emit(to))}>{ t(locale, key) }</button> }
    };
    let slots = match use_query_as::<AvailableSlots, Slots>(variables, 0) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) => {
            let slots = &loaded.data.0;
            let mut days: Vec<(String, Vec<&str>)> = Vec::new();
            for slot in slots {
                let day = wall_day(slot);
                match days.last_mut() {
                    Some((last, times)) if *last == day => times.push(slot.as_str()),
                    _ => days.push((day, vec![slot.as_str()])),
                }
            }
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if days.is_empty() { { empty(locale, "booking.no_slots") } }
                    { for days.into_iter().map(|(day, times)| html! {
                        <fieldset class="slot-day" data-day={day.clone()}>
                            <legend>{ day_heading(locale, &day) }</legend>
                            <div class="slot-times">
                                { for times.into_iter().map(|starts_at| {
                                    let on_slot = props.on_slot.clone();
                                    let value = starts_at.to_owned();
                                    let onchange = Callback::from(move |_: Event| on_slot.emit(value.clone()));
                                    html! {
                                        <label class="slot">
                                            <input type="radio" name="slot" value={starts_at.to_owned()} {onchange}
                                                checked={props.selected.as_deref() == Some(starts_at)} />
                                            { wall_time(starts_at) }
                                        </label>
                                    }
                                }) }
                            </div>
                        </fieldset>
                    }) }
                </>
            }
        }
    };
    html! {
        <section id="slots" aria-live="polite">
            <h3>{ t(locale, "booking.free_times") }</h3>
            <p class="muted">{ tf(locale, "booking.local_times", &[("city", &props.city)]) }</p>
            { slots }
            <p class="actions">
                if props.week > 0 { { week_button(props.week - 1, "booking.earlier", "earlier") } }
                { week_button(props.week + 1, "booking.later", "later") }
            </p>
        </section>
    }
}
