//! Setting the workshop up (its administrator only): the week's opening hours, the days it is
//! closed, its bays, lifts and loan cars, and its services with their prices.

use yew::prelude::*;

use crate::api::ops::{
    MyWorkshop, ResourceKind, SaveWorkshopResource, SetClosedDay, SetOpeningHours, Weekday, my_workshop,
    save_workshop_resource, set_closed_day, set_opening_hours,
};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::forms::{checked, text};
use crate::components::{Layout, done_note, empty, error_view, field_error, loading, name, stale_note};
use crate::i18n::calendar::WEEKDAYS;
use crate::i18n::{date, t, value};
use crate::state::use_app;

use super::services::ServiceForm;

type Workshop = my_workshop::MyWorkshopMeWorkshop;
type Service = my_workshop::MyWorkshopMeWorkshopServiceTypes;

/// Runs a change and tells how it went: `done` names what was saved.
fn run(
    error: &UseStateHandle<Option<ApiError>>,
    saved: &UseStateHandle<Option<&'static str>>,
    reload: &Callback<()>,
    done: &'static str,
    change: impl std::future::Future<Output = Result<(), ApiError>> + 'static,
) {
    let (error, saved, reload) = (error.clone(), saved.clone(), reload.clone());
    wasm_bindgen_futures::spawn_local(async move {
        match change.await {
            Ok(()) => {
                error.set(None);
                saved.set(Some(done));
                reload.emit(());
            }
            Err(err) => {
                saved.set(None);
                error.set(Some(err));
            }
        }
    });
}

/// The set-up page.
#[function_component(Setup)]
pub fn setup() -> Html {
    let app = use_app();
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let content = match use_query::<MyWorkshop>(my_workshop::Variables, refresh) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) => match (&loaded.data.me.workshop, loaded.data.me.workshop_admin) {
            (Some(workshop), true) => html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    <p class="muted">{ format!("{} · {}", workshop.name, workshop.city) }</p>
                    <Hours workshop={workshop.clone()} reload={reload.clone()} />
                    <ClosedDays workshop={workshop.clone()} reload={reload.clone()} />
                    <Resources workshop={workshop.clone()} reload={reload.clone()} />
                    <section class="card" id="services-setup">
                        <h2>{ t(locale, "setup.services") }</h2>
                        { for workshop.service_types.iter().map(|service| html! {
                            <ServiceForm workshop={workshop.id.clone()} region={workshop.region.code.clone()}
                                currency={workshop.region.currency.clone()} service={Some(service.clone())} reload={reload.clone()} />
                        }) }
                        <ServiceForm workshop={workshop.id.clone()} region={workshop.region.code.clone()}
                            currency={workshop.region.currency.clone()} service={None::<Service>} reload={reload.clone()} />
                    </section>
                </>
            },
            _ => empty(locale, "setup.admins_only"),
        },
    };
    html! { <Layout title="page.setup">{ content }</Layout> }
}

#[derive(Properties, PartialEq)]
struct PartProps {
    workshop: Workshop,
    reload: Callback<()>,
}

/// The week's opening hours: a day not ticked is closed.
#[function_component(Hours)]
fn hours(props: &PartProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let rows = use_memo((), |_| WEEKDAYS.map(|_| (NodeRef::default(), NodeRef::default(), NodeRef::default())));
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<&'static str>);
    let onsubmit =
        {
            let (api, rows, error, saved, reload) =
                (api.clone(), rows.clone(), error.clone(), saved.clone(), props.reload.clone());
            let workshop = props.workshop.id.clone();
            Callback::from(move |event: SubmitEvent| {
                event.prevent_default();
                let hours = WEEKDAYS
                    .iter()
                    .zip(rows.iter())
                    .filter(|(_, (open, _, _))| checked(open))
                    .map(|(day, (_, opens, closes))| set_opening_hours::OpeningHoursInput {
                        weekday: Weekday::from_name(day),
                        opens: text(opens),
                        closes: text(closes),
                    })
                    .collect();
                let variables = set_opening_hours::Variables { workshop: workshop.clone(), hours };
                let api = api.clone();
                run(&error, &saved, &reload, "setup.hours_saved", async move {
                    api.send::<SetOpeningHours>(variables).await
                });
            })
        };
    html! {
        <form class="card" id="hours-form" {onsubmit}>
            <h2>{ t(locale, "setup.hours") }</h2>
            <p class="muted">{ t(locale, "setup.hours_hint") }</p>
            { for WEEKDAYS.iter().zip(rows.iter()).map(|(day, (open, opens, closes))| {
                let now = props.workshop.opening_hours.iter().find(|h| name(&h.weekday) == *day);
                html! {
                    <fieldset class="weekday" data-day={*day}>
                        <legend>
                            <label class="choice"><input type="checkbox" id={format!("open-{day}")} ref={open.clone()} checked={now.is_some()} />{ value(locale, day) }</label>
                        </legend>
                        <div class="times">
                            <label for={format!("opens-{day}")}>{ t(locale, "setup.opens") }</label>
                            <input type="time" id={format!("opens-{day}")} ref={opens.clone()} value={now.map_or("08:00".to_owned(), |h| h.opens.clone())} />
                            <label for={format!("closes-{day}")}>{ t(locale, "setup.closes") }</label>
                            <input type="time" id={format!("closes-{day}")} ref={closes.clone()} value={now.map_or("17:00".to_owned(), |h| h.closes.clone())} />
                        </div>
                    </fieldset>
                }
            }) }
            { field_error(locale, &error, "hours") }
            if error.as_ref().is_some_and(|e| e.field_name() != Some("hours")) { { error_view(locale, error.as_ref().expect("an error")) } }
            <button type="submit">{ t(locale, "admin.save") }</button>
            { done_note(locale, &saved) }
        </form>
    }
}

/// The days the workshop is closed, and closing another one.
#[function_component(ClosedDays)]
fn closed_days(props: &PartProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (day, reason) = (use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<&'static str>);
    let set = |closed: bool, fixed: Option<String>| {
        let (api, error, saved, reload) = (api.clone(), error.clone(), saved.clone(), props.reload.clone());
        let (day, reason, workshop) = (day.clone(), reason.clone(), props.workshop.id.clone());
        move || {
            let variables = set_closed_day::Variables {
                workshop: workshop.clone(),
                day: fixed.clone().unwrap_or_else(|| text(&day)),
                closed,
                reason: if closed { text(&reason) } else { String::new() },
            };
            let api = api.clone();
            let done = if closed { "setup.closed_saved" } else { "setup.reopened" };
            run(&error, &saved, &reload, done, async move { api.send::<SetClosedDay>(variables).await });
        }
    };
    let onsubmit = {
        let close = set(true, None);
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            close();
        })
    };
    html! {
        <section class="card" id="closed-days">
            <h2>{ t(locale, "setup.closed_days") }</h2>
            if props.workshop.closed_days.is_empty() { <p class="muted">{ t(locale, "expediente.none") }</p> }
            <ul class="rows">
                { for props.workshop.closed_days.iter().map(|closed| {
                    let reopen = set(false, Some(closed.day.clone()));
                    html! {
                        <li data-day={closed.day.clone()}>
                            { date(locale, &closed.day) }{ " · " }{ closed.reason.clone() }{ " " }
                            <button type="button" class="link" onclick={Callback::from(move |_: MouseEvent| reopen())}>{ t(locale, "setup.reopen") }</button>
                        </li>
                    }
                }) }
            </ul>
            <form id="closed-day-form" {onsubmit}>
                <label for="closed-day">{ t(locale, "setup.day") }</label>
                <input id="closed-day" type="date" ref={day} required=true />
                <label for="closed-reason">{ t(locale, "setup.reason") }</label>
                <input id="closed-reason" ref={reason} maxlength="200" autocomplete="off" />
                <button type="submit">{ t(locale, "setup.close_day") }</button>
            </form>
            if let Some(err) = &*error { { error_view(locale, err) } }
            { done_note(locale, &saved) }
        </section>
    }
}

/// The bays, lifts and loan cars: renamed, switched off and on, added.
#[function_component(Resources)]
fn resources(props: &PartProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<&'static str>);
    let (new_name, new_kind) = (use_node_ref(), use_node_ref());
    let save = |id: Option<String>, name: NodeRef, kind: Option<ResourceKind>, active: NodeRef| {
        let (api, error, saved, reload, workshop) =
            (api.clone(), error.clone(), saved.clone(), props.reload.clone(), props.workshop.id.clone());
        let new_kind = new_kind.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let input = save_workshop_resource::ResourceInputObject {
                id: id.clone(),
                name: text(&name),
                kind: kind.unwrap_or_else(|| ResourceKind::from_name(&text(&new_kind))),
                active: id.is_none() || checked(&active),
            };
            let variables = save_workshop_resource::Variables { workshop: workshop.clone(), input };
            let api = api.clone();
            run(&error, &saved, &reload, "setup.resource_saved", async move {
                api.send::<SaveWorkshopResource>(variables).await
            });
        })
    };
    html! {
        <section class="card" id="resources-setup">
            <h2>{ t(locale, "setup.resources") }</h2>
            <ul class="rows">
                { for props.workshop.resources.iter().map(|resource| {
                    let (name_ref, active_ref) = (NodeRef::default(), NodeRef::default());
                    let onsubmit = save(Some(resource.id.clone()), name_ref.clone(), Some(resource.kind), active_ref.clone());
                    html! {
                        <li data-resource={resource.id.clone()}>
                            <form class="resource-form" {onsubmit}>
                                <label for={format!("resource-{}", resource.id)}>{ t(locale, &format!("resource.{}", name(&resource.kind))) }</label>
                                <input id={format!("resource-{}", resource.id)} ref={name_ref} value={resource.name.clone()} required=true maxlength="80" />
                                <label class="choice"><input type="checkbox" ref={active_ref} checked={resource.active} />{ t(locale, "setup.active") }</label>
                                <button type="submit" class="secondary">{ t(locale, "admin.save") }</button>
                            </form>
                        </li>
                    }
                }) }
            </ul>
            <form id="resource-new" onsubmit={save(None, new_name.clone(), None, NodeRef::default())}>
                <h3>{ t(locale, "setup.add_resource") }</h3>
                <label for="new-resource-name">{ t(locale, "setup.name") }</label>
                <input id="new-resource-name" ref={new_name} required=true maxlength="80" autocomplete="off" />
                <label for="new-resource-kind">{ t(locale, "setup.kind") }</label>
                <select id="new-resource-kind" ref={new_kind}>
                    { for ["BAY", "LIFT", "LOAN_CAR"].iter().map(|k| html! { <option value={*k} selected={*k == "BAY"}>{ t(locale, &format!("resource.{k}")) }</option> }) }
                </select>
                <button type="submit">{ t(locale, "admin.add") }</button>
            </form>
            if let Some(err) = &*error { { error_view(locale, err) } }
            { done_note(locale, &saved) }
        </section>
    }
}
