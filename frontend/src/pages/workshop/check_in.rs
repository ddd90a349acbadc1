//! Checking a car in: its booking's car (or a walk-in's VIN), the odometer and what the customer
//! says; the repair order it opens is shown next.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{CheckInVehicle, check_in_vehicle};
use crate::api::{Api, ApiError};
use crate::components::forms::{clear_field_error, text};
use crate::components::{field_error, form_error};
use crate::i18n::t;
use crate::route::Route;
use crate::state::use_app;

/// The inputs the server can name in an error.
const FIELDS: [&str; 3] = ["vin", "odometerKm", "complaint"];

/// Properties of [`CheckInForm`].
#[derive(Properties, PartialEq)]
pub struct CheckInProps {
    /// The booking the car came for; `None` for a walk-in (its VIN is asked).
    pub booking: Option<AttrValue>,
    /// The car's last known mileage (the odometer cannot read less), when known.
    pub mileage_km: Option<i64>,
    /// What the customer wrote when booking.
    pub complaint: AttrValue,
}

/// The check-in form.
#[function_component(CheckInForm)]
pub fn check_in_form(props: &CheckInProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let navigator = use_navigator().expect("router");
    let locale = app.locale;
    let (vin, odometer, complaint) = (use_node_ref(), use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let prefix = props.booking.as_ref().map_or_else(|| "walk-in".to_owned(), |id| format!("check-in-{id}"));
    let onsubmit = {
        let (api, error, busy, booking) = (api.clone(), error.clone(), busy.clone(), props.booking.clone());
        let (vin, odometer, complaint) = (vin.clone(), odometer.clone(), complaint.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(odometer_km) = text(&odometer).replace(['.', ','], "").parse::<i64>().ok() else {
                return error.set(Some(ApiError::field("odometerKm", t(locale, "check_in.odometer_rule"))));
            };
            let walk_in = text(&vin);
            let input = check_in_vehicle::CheckInInput {
                booking_id: booking.as_ref().map(ToString::to_string),
                vin: (booking.is_none()).then_some(walk_in),
                odometer_km,
                complaint: text(&complaint),
            };
            let (api, error, busy, navigator) = (api.clone(), error.clone(), busy.clone(), navigator.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api.call::<CheckInVehicle>(check_in_vehicle::Variables { input }).await {
                    Ok(data) => navigator.push(&Route::RepairOrder { id: data.check_in_vehicle.id }),
                    Err(err) => {
                        error.set(Some(err));
                        busy.set(false);
                    }
                }
            });
        })
    };
    html! {
        <form class="check-in" {onsubmit} oninput={clear_field_error(&error)}>
            if props.booking.is_none() {
                <label for={format!("{prefix}-vin")}>{ "VIN" }</label>
                <input id={format!("{prefix}-vin")} ref={vin} required=true minlength="17" maxlength="17" autocomplete="off" />
                { field_error(locale, &error, "vin") }
            }
            <label for={format!("{prefix}-odometer")}>{ t(locale, "check_in.odometer") }</label>
            <input id={format!("{prefix}-odometer")} class="odometer" ref={odometer} required=true inputmode="numeric"
                value={props.mileage_km.map(|km| km.to_string()).unwrap_or_default()} autocomplete="off" />
            { field_error(locale, &error, "odometerKm") }
            <label for={format!("{prefix}-complaint")}>{ t(locale, "repair.complaint") }</label>
            <textarea id={format!("{prefix}-complaint")} class="complaint" ref={complaint} rows="3" maxlength="4000" value={props.complaint.to_string()} />
            { field_error(locale, &error, "complaint") }
            { form_error(locale, &error, &FIELDS) }
            <button type="submit" class="confirm-check-in" disabled={*busy}>{ t(locale, "check_in.submit") }</button>
        </form>
    }
}
