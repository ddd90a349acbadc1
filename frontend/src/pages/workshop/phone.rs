//! A booking taken on the phone: the car's VIN, the service, a free time of the chosen day, and
//! who brings the car. The workshop's own bookings are confirmed at once.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::ops::{AvailableSlots, BookService, MyWorkshop, available_slots, book_service, my_workshop};
use crate::api::{Api, ApiError, QueryState, use_query};
use crate::components::forms::{checked, clear_field_error, text};
use crate::components::{done_note, empty, error_view, field_error, form_error, loading};
use crate::i18n::{t, wall_time};
use crate::state::use_app;

/// The inputs the server can name in an error.
const FIELDS: [&str; 4] = ["vin", "startsAt", "contact", "notes"];

/// Properties of [`PhoneBooking`].
#[derive(Properties, PartialEq)]
pub struct PhoneProps {
    /// The day shown on the calendar (the form's first choice).
    pub day: AttrValue,
    /// Reloads the calendar.
    pub reload: Callback<()>,
}

/// The "book by phone" form, folded until opened.
#[function_component(PhoneBooking)]
pub fn phone_booking(props: &PhoneProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (vin, slot, name, phone, loan_car) =
        (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let service = use_state(String::new);
    let day = use_state(|| props.day.to_string());
    let error = use_state(|| None::<ApiError>);
    let booked = use_state(|| None::<&'static str>);
    let workshop = use_query::<MyWorkshop>(my_workshop::Variables, 0);
    let QueryState::Ready(workshop) = workshop else { return html! {} };
    let Some(shop) = workshop.data.me.workshop.clone() else { return html! {} };
    let services: Vec<_> = shop.service_types.iter().filter(|s| s.active).cloned().collect();
    let chosen = if service.is_empty() {
        services.first().map(|s| s.id.clone()).unwrap_or_default()
    } else {
        (*service).clone()
    };
    let on_service = {
        let service = service.clone();
        Callback::from(move |event: Event| {
            service.set(event.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let on_day = {
        let day = day.clone();
        Callback::from(move |event: Event| day.set(event.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let onsubmit = {
        let (api, error, booked, reload) = (api.clone(), error.clone(), booked.clone(), props.reload.clone());
        let (vin, slot, name, phone, loan_car) =
            (vin.clone(), slot.clone(), name.clone(), phone.clone(), loan_car.clone());
        let (workshop_id, service_id) = (shop.id.clone(), chosen.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: Option<web_sys::HtmlFormElement> = event.target_dyn_into();
            let starts_at = text(&slot);
            if starts_at.is_empty() {
                return error.set(Some(ApiError::field("startsAt", t(locale, "booking.pick_slot"))));
            }
            let input = book_service::BookServiceInput {
                workshop_id: workshop_id.clone(),
                service_type_id: service_id.clone(),
                vin: text(&vin).to_ascii_uppercase(),
                starts_at,
                loan_car: checked(&loan_car),
                notes: String::new(),
                contact: Some(book_service::ContactInput {
                    name: text(&name),
                    phone: text(&phone),
                    email: String::new(),
                }),
                resource_id: None,
            };
            let (api, error, booked, reload) = (api.clone(), error.clone(), booked.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<BookService>(book_service::Variables { input }).await {
                    Ok(()) => {
                        error.set(None);
                        booked.set(Some("phone.booked"));
                        if let Some(form) = form {
                            form.reset();
                        }
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    html! {
        <details class="card phone-booking">
            <summary>{ t(locale, "phone.title") }</summary>
            <form id="phone-form" {onsubmit} oninput={clear_field_error(&error)}>
                <label for="phone-vin">{ "VIN" }</label>
                <input id="phone-vin" ref={vin} required=true minlength="17" maxlength="17" autocomplete="off" />
                { field_error(locale, &error, "vin") }
                <label for="phone-service">{ t(locale, "booking.service") }</label>
                <select id="phone-service" onchange={on_service}>
                    { for services.iter().map(|s| html! { <option value={s.id.clone()} selected={s.id == chosen}>{ s.name.clone() }</option> }) }
                </select>
                <label for="phone-day">{ t(locale, "phone.day") }</label>
                <input id="phone-day" type="date" value={(*day).clone()} onchange={on_day} />
                if !chosen.is_empty() {
                    <DaySlots workshop={shop.id.clone()} service={chosen.clone()} day={(*day).clone()} node={slot} />
                }
                { field_error(locale, &error, "startsAt") }
                <label for="phone-name">{ t(locale, "phone.name") }</label>
                <input id="phone-name" ref={name} required=true maxlength="120" autocomplete="off" />
                <label for="phone-phone">{ t(locale, "phone.phone") }</label>
                <input id="phone-phone" type="tel" ref={phone} autocomplete="off" />
                { field_error(locale, &error, "contact") }
                <label class="choice"><input type="checkbox" ref={loan_car} />{ t(locale, "booking.loan_car") }</label>
                { form_error(locale, &error, &FIELDS) }
                <button type="submit">{ t(locale, "booking.book") }</button>
                { done_note(locale, &booked) }
            </form>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct SlotProps {
    workshop: AttrValue,
    service: AttrValue,
    day: AttrValue,
    node: NodeRef,
}

/// The free times of one day, as a choice.
#[function_component(DaySlots)]
fn day_slots(props: &SlotProps) -> Html {
    let locale = use_app().locale;
    let variables = available_slots::Variables {
        workshop: props.workshop.to_string(),
        service: props.service.to_string(),
        from: props.day.to_string(),
        to: props.day.to_string(),
        loan_car: false,
    };
    match use_query::<AvailableSlots>(variables, 0) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) if loaded.data.available_slots.is_empty() => empty(locale, "booking.no_slots"),
        QueryState::Ready(loaded) => html! {
            <>
                <label for="phone-slot">{ t(locale, "phone.time") }</label>
                <select id="phone-slot" ref={props.node.clone()}>
                    { for loaded.data.available_slots.iter().enumerate().map(|(i, slot)| html! {
                        <option value={slot.starts_at.clone()} selected={i == 0}>{ wall_time(&slot.starts_at) }</option>
                    }) }
                </select>
            </>
        },
    }
}
