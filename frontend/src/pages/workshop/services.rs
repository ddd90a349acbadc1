//! A service of the workshop, changed or added: its name, how long it takes, the maintenance it
//! records, whether it takes a bay or a lift, whether customers can book it, and its net price in
//! the workshop's region.

use yew::prelude::*;

use crate::api::ops::{MaintenanceKind, ResourceKind, SaveServiceType, my_workshop, save_service_type};
use crate::api::{Api, ApiError};
use crate::components::forms::{checked, clear_field_error, text};
use crate::components::{done_note, field_error, form_error, minor_units, name};
use crate::i18n::{money, t, value};
use crate::state::use_app;

type Service = my_workshop::MyWorkshopMeWorkshopServiceTypes;

/// How long a service may take, in minutes.
const DURATIONS: [i64; 4] = [60, 120, 240, 480];
/// The maintenance a service can record.
const KINDS: [&str; 6] = ["INSPECTION", "OIL_SERVICE", "BRAKES", "TYRES", "BATTERY", "REPAIR"];
/// The inputs the server can name in an error.
const FIELDS: [&str; 4] = ["name", "durationMinutes", "resourceKind", "prices"];

/// Properties of [`ServiceForm`].
#[derive(Properties, PartialEq)]
pub struct ServiceProps {
    /// The workshop.
    pub workshop: AttrValue,
    /// Its region's code: the price typed is for it.
    pub region: AttrValue,
    /// Its region's currency.
    pub currency: AttrValue,
    /// The service to change; `None` adds one.
    pub service: Option<Service>,
    /// Reloads the set-up.
    pub reload: Callback<()>,
}

/// One service's form.
#[function_component(ServiceForm)]
pub fn service_form(props: &ServiceProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (name_ref, duration, kind, resource, active, price) =
        (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<&'static str>);
    let service = props.service.as_ref();
    let prefix = service.map_or_else(|| "new-service".to_owned(), |s| format!("service-{}", s.id));
    let net_now =
        service.and_then(|s| s.prices.iter().find(|p| p.region.code == *props.region)).map(|p| p.net.amount_minor);
    let onsubmit = {
        let (api, error, saved, reload) = (api.clone(), error.clone(), saved.clone(), props.reload.clone());
        let (name_ref, duration, kind, resource, active, price) =
            (name_ref.clone(), duration.clone(), kind.clone(), resource.clone(), active.clone(), price.clone());
        let (workshop, region, id, new) =
            (props.workshop.to_string(), props.region.to_string(), service.map(|s| s.id.clone()), service.is_none());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: Option<web_sys::HtmlFormElement> = event.target_dyn_into();
            let typed = text(&price);
            let prices = match (typed.is_empty(), minor_units(&typed)) {
                (true, _) => Vec::new(),
                (false, Some(net_minor)) => {
                    vec![save_service_type::ServicePriceInput { net_minor, region_code: region.clone() }]
                }
                (false, None) => return error.set(Some(ApiError::field("prices", t(locale, "admin.price_rule")))),
            };
            let maintenance = text(&kind);
            let input = save_service_type::ServiceTypeInputObject {
                id: id.clone(),
                name: text(&name_ref),
                duration_minutes: text(&duration).parse().unwrap_or(60),
                maintenance_kind: (!maintenance.is_empty()).then(|| MaintenanceKind::from_name(&maintenance)),
                resource_kind: ResourceKind::from_name(&text(&resource)),
                active: checked(&active),
                prices,
            };
            let variables = save_service_type::Variables { workshop: workshop.clone(), input };
            let (api, error, saved, reload) = (api.clone(), error.clone(), saved.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<SaveServiceType>(variables).await {
                    Ok(()) => {
                        error.set(None);
                        saved.set(Some("setup.service_saved"));
                        if let (true, Some(form)) = (new, form) {
                            form.reset();
                        }
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let kind_now = service.and_then(|s| s.maintenance_kind.as_ref()).map(name).unwrap_or_default();
    let resource_now = service.map_or_else(|| "BAY".to_owned(), |s| name(&s.resource_kind));
    let minutes_now = service.map_or(60, |s| s.duration_minutes);
    html! {
        <form class="service-form" id={prefix.clone()} data-service={service.map(|s| s.name.clone())} {onsubmit} oninput={clear_field_error(&error)}>
            <h3>{ service.map_or_else(|| t(locale, "setup.add_service"), |s| s.name.clone()) }</h3>
            <label for={format!("{prefix}-name")}>{ t(locale, "setup.name") }</label>
            <input id={format!("{prefix}-name")} ref={name_ref} required=true maxlength="120" value={service.map(|s| s.name.clone()).unwrap_or_default()} autocomplete="off" />
            { field_error(locale, &error, "name") }
            <label for={format!("{prefix}-duration")}>{ t(locale, "setup.duration") }</label>
            <select id={format!("{prefix}-duration")} ref={duration}>
                { for DURATIONS.iter().map(|m| html! { <option value={m.to_string()} selected={*m == minutes_now}>{ t(locale, &format!("setup.minutes_{m}")) }</option> }) }
            </select>
            <label for={format!("{prefix}-kind")}>{ t(locale, "setup.maintenance") }</label>
            <select id={format!("{prefix}-kind")} ref={kind}>
                <option value="" selected={kind_now.is_empty()}>{ t(locale, "setup.no_maintenance") }</option>
                { for KINDS.iter().map(|k| html! { <option value={*k} selected={kind_now == *k}>{ value(locale, k) }</option> }) }
            </select>
            <label for={format!("{prefix}-resource")}>{ t(locale, "setup.takes") }</label>
            <select id={format!("{prefix}-resource")} ref={resource}>
                { for ["BAY", "LIFT"].iter().map(|k| html! { <option value={*k} selected={resource_now == *k}>{ t(locale, &format!("resource.{k}")) }</option> }) }
            </select>
            { field_error(locale, &error, "resourceKind") }
            <label class="choice"><input type="checkbox" ref={active} checked={service.is_none_or(|s| s.active)} />{ t(locale, "setup.bookable") }</label>
            <label for={format!("{prefix}-price")}>{ format!("{} ({}, {})", t(locale, "admin.net"), props.region, props.currency) }</label>
            <input id={format!("{prefix}-price")} ref={price} inputmode="decimal" autocomplete="off"
                value={net_now.map(|minor| money(locale, minor, &props.currency).trim_matches(|c: char| !c.is_ascii_digit()).to_owned()).unwrap_or_default()} />
            { field_error(locale, &error, "prices") }
            { form_error(locale, &error, &FIELDS) }
            <button type="submit" class="secondary">{ t(locale, if service.is_some() { "admin.save" } else { "admin.add" }) }</button>
            { done_note(locale, &saved) }
        </form>
    }
}
