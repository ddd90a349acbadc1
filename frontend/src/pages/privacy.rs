//! The customer's data rights: a copy of their data (asked for, listed with its state, downloaded
//! while ready), the erasure of their account (asked for with their password; while it waits, its
//! date and a way to cancel), and for each car the partners they let read it, what each may read,
//! given and taken back.
//!
//! One component with one handler per kind of action: the buttons and forms of every export and
//! car say what they are about in `data-` attributes (a component or a callback per row would cost
//! kilobytes of download for a page most customers rarely open).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::client::body;
use crate::api::ops::{
    CancelAccountErasure, Consents as ConsentsQuery, GrantVehicleAccess, Privacy as PrivacyQuery,
    RequestAccountErasure, RequestDataExport, RevokeVehicleAccess, Scope, cancel_account_erasure, consents,
    grant_vehicle_access, privacy, request_account_erasure, request_data_export, revoke_vehicle_access,
};
use crate::api::privacy::{Consents, Privacy};
use crate::api::{Api, ApiError, QueryState, use_query_as, use_reload};
use crate::components::download::save_file;
use crate::components::{Layout, done_note, empty, error_view, field_error, loading, stale_note};
use crate::i18n::{Locale, date, date_time, t, tf};
use crate::state::use_app;

/// The parts of the page an action can concern: its answer is shown there.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Export,
    Erasure,
    Consents,
}

/// The answer to the last action: where, and what it did or why not.
type Said = Option<(Part, Result<&'static str, ApiError>)>;

/// The value of attribute `name` of the element an event came from, or of its closest ancestor
/// that has one.
fn data(event: &Event, name: &str) -> Option<String> {
    let target: Element = event.target()?.dyn_into().ok()?;
    target.closest(&format!("[{name}]")).ok()??.get_attribute(name)
}

/// The privacy page.
#[function_component(PrivacyPage)]
pub fn privacy_page() -> Html {
    let locale = use_app().locale;
    let api = use_context::<Api>().expect("api");
    let (refresh, reload) = use_reload();
    let said = use_state(|| None as Said);
    let state = use_query_as::<PrivacyQuery, Privacy>(privacy::Variables, refresh);
    let shared = use_query_as::<ConsentsQuery, Consents>(consents::Variables, refresh);
    // While a copy is being put together, look again every two seconds.
    let pending =
        matches!(&state, QueryState::Ready(loaded) if loaded.data.exports.iter().any(|e| e.status == "PENDING"));
    {
        let reload = reload.clone();
        use_effect_with((pending, refresh), move |(pending, _)| {
            let timer = pending.then(|| gloo_timers::callback::Timeout::new(2_000, move || reload.emit(())));
            move || drop(timer)
        });
    }
    // Sends a request body (not generic: it exists once however many operations use it), then
    // says `done` in `part` and reloads the page, or says why not.
    let run = {
        let (api, said, reload) = (api.clone(), said.clone(), reload.clone());
        move |part: Part, request: String, done: &'static str| {
            let (api, said, reload) = (api.clone(), said.clone(), reload.clone());
            said.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api.execute(&request).await;
                if answer.is_ok() {
                    reload.emit(());
                }
                said.set(Some((part, answer.map(|_| done))));
            });
        }
    };
    let request_export = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| {
            run(Part::Export, body::<RequestDataExport>(request_data_export::Variables), "privacy.export_asked")
        })
    };
    let download = {
        let (api, said) = (api.clone(), said.clone());
        Callback::from(move |event: MouseEvent| {
            let Some(path) = data(&event, "data-path") else { return };
            let (api, said) = (api.clone(), said.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.document(&path).await {
                    Ok(json) => drop(save_file("caas-data.json", "application/json", &json)),
                    Err(err) => said.set(Some((Part::Export, Err(err)))),
                }
            });
        })
    };
    let erase = {
        let run = run.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: Element = event.target_unchecked_into();
            let password =
                form.query_selector("input").ok().flatten().and_then(|i| i.dyn_into::<HtmlInputElement>().ok());
            let variables =
                request_account_erasure::Variables { password: password.map(|i| i.value()).unwrap_or_default() };
            run(Part::Erasure, body::<RequestAccountErasure>(variables), "privacy.erase_asked");
        })
    };
    let cancel = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| {
            let request = body::<CancelAccountErasure>(cancel_account_erasure::Variables);
            run(Part::Erasure, request, "privacy.erase_cancelled");
        })
    };
    let revoke = {
        let run = run.clone();
        Callback::from(move |event: MouseEvent| {
            let (Some(vin), Some(partner_id)) = (data(&event, "data-vin"), data(&event, "data-partner")) else {
                return;
            };
            let variables = revoke_vehicle_access::Variables { vin, partner_id };
            run(Part::Consents, body::<RevokeVehicleAccess>(variables), "privacy.revoked");
        })
    };
    let grant = {
        let (run, said) = (run.clone(), said.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: Element = event.target_unchecked_into();
            let partner =
                form.query_selector("select").ok().flatten().and_then(|s| s.dyn_into::<HtmlSelectElement>().ok());
            let ticked = form.query_selector_all("input:checked").ok();
            let scopes: Vec<Scope> = (0..ticked.as_ref().map_or(0, |list| list.length()))
                .filter_map(|i| ticked.as_ref()?.get(i)?.dyn_into::<HtmlInputElement>().ok())
                .map(|input| Scope::from_name(&input.value()))
                .collect();
            if scopes.is_empty() {
                let rule = t(locale, "privacy.scope_rule");
                let error =
                    ApiError::Server { code: "BAD_USER_INPUT".into(), reason: None, field: None, message: rule };
                return said.set(Some((Part::Consents, Err(error))));
            }
            let variables = grant_vehicle_access::Variables {
                vin: form.get_attribute("data-vin").unwrap_or_default(),
                partner_id: partner.map(|p| p.value()).unwrap_or_default(),
                scopes,
            };
            run(Part::Consents, body::<GrantVehicleAccess>(variables), "privacy.granted");
        })
    };
    // What the last action said, in its part of the page.
    let answer = |part: Part| match &*said {
        Some((at, Ok(done))) if *at == part => done_note(locale, &Some(*done)),
        Some((at, Err(error))) if *at == part && error.field_name() != Some("password") => error_view(locale, error),
        _ => Html::default(),
    };
    let erasure_error = match &*said {
        Some((Part::Erasure, Err(error))) => Some(error.clone()),
        _ => None,
    };
    let (exports, erasure) = match &state {
        QueryState::Loading => (loading(locale), Html::default()),
        QueryState::Failed(error) => (error_view(locale, error), Html::default()),
        QueryState::Ready(loaded) => (
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if loaded.data.exports.is_empty() { { empty(locale, "privacy.no_exports") } }
                    <ul class="rows" id="exports" onclick={download}>
                        { for loaded.data.exports.iter().map(|export| export_row(locale, export)) }
                    </ul>
                </>
            },
            match &loaded.data.erasure_due {
                Some(due) => html! {
                    <>
                        <p class="warning" id="erasure-due">{ tf(locale, "privacy.erase_due", &[("date", &date_time(locale, due))]) }</p>
                        <button type="button" id="cancel-erasure" onclick={cancel}>{ t(locale, "privacy.erase_cancel") }</button>
                    </>
                },
                None => html! {
                    <form id="erasure-form" onsubmit={erase}>
                        <p>{ t(locale, "privacy.erase_explain") }</p>
                        <label for="erase-password">{ t(locale, "privacy.erase_password") }</label>
                        <input id="erase-password" type="password" required=true autocomplete="current-password" />
                        { field_error(locale, &erasure_error, "password") }
                        <button type="submit">{ t(locale, "privacy.erase") }</button>
                    </form>
                },
            },
        ),
    };
    html! {
        <Layout title="page.privacy">
            <section class="card" id="data-export">
                <h2>{ t(locale, "privacy.export_title") }</h2>
                <p>{ t(locale, "privacy.export_explain") }</p>
                <button type="button" id="request-export" onclick={request_export}>{ t(locale, "privacy.export_ask") }</button>
                { answer(Part::Export) }
                { exports }
            </section>
            <section class="card" id="erasure">
                <h2>{ t(locale, "privacy.erase_title") }</h2>
                { answer(Part::Erasure) }
                { erasure }
            </section>
            <section id="consents" onclick={revoke}>
                <h2>{ t(locale, "privacy.consents_title") }</h2>
                <p>{ t(locale, "privacy.consents_explain") }</p>
                { answer(Part::Consents) }
                { consents_view(locale, &shared, &grant) }
            </section>
        </Layout>
    }
}

/// An export: when it was asked for, its state, and its download while it is ready.
fn export_row(locale: Locale, export: &crate::api::privacy::Export) -> Html {
    let status = match (export.status.as_str(), &export.expires_at) {
        ("READY", Some(until)) => tf(locale, "privacy.export_ready", &[("date", &date_time(locale, until))]),
        ("PENDING", _) => t(locale, "privacy.export_pending"),
        _ => t(locale, "privacy.export_expired"),
    };
    html! {
        <li data-status={export.status.clone()}>
            { tf(locale, "privacy.export_of", &[("date", &date_time(locale, &export.requested_at))]) }
            <p class="muted">{ status }</p>
            if let Some(path) = &export.download_path {
                <button type="button" class="download" data-path={path.clone()}>{ t(locale, "privacy.download") }</button>
            }
        </li>
    }
}

/// Each car with the partners that may read it (taken back through the section's handler), and
/// the form to let one more read it.
fn consents_view(locale: Locale, state: &QueryState<Consents>, grant: &Callback<SubmitEvent>) -> Html {
    let loaded = match state {
        QueryState::Loading => return loading(locale),
        QueryState::Failed(error) => return error_view(locale, error),
        QueryState::Ready(loaded) if loaded.data.cars.is_empty() => return empty(locale, "dashboard.no_vehicles"),
        QueryState::Ready(loaded) => loaded,
    };
    let choices = &loaded.data;
    html! {
        <>
            { stale_note(locale, loaded.stale) }
            { for choices.cars.iter().map(|car| html! {
                <article class="card" data-vin={car.vin.clone()}>
                    <h3>{ car.title.clone() }</h3>
                    if car.consents.is_empty() { <p class="muted">{ t(locale, "privacy.no_consents") }</p> }
                    <ul class="rows">
                        { for car.consents.iter().map(|consent| html! {
                            <li class="consent">
                                <strong>{ consent.partner.label.clone() }</strong>{ " · " }
                                { tf(locale, "privacy.since", &[("date", &date(locale, &consent.granted_at))]) }
                                <ul>{ for consent.scopes.iter().map(|scope| html! { <li>{ scope.clone() }</li> }) }</ul>
                                <button type="button" class="secondary revoke" data-partner={consent.partner.id.clone()}
                                    aria-label={format!("{} {}", t(locale, "privacy.revoke"), consent.partner.label)}>{ t(locale, "privacy.revoke") }</button>
                            </li>
                        }) }
                    </ul>
                    if !choices.partners.is_empty() {
                        <form class="grant" data-vin={car.vin.clone()} onsubmit={grant.clone()}>
                            <label for={format!("{}-partner", car.vin)}>{ t(locale, "privacy.partner") }</label>
                            <select id={format!("{}-partner", car.vin)}>
                                { for choices.partners.iter().map(|p| html! { <option value={p.id.clone()}>{ p.label.clone() }</option> }) }
                            </select>
                            <fieldset>
                                <legend>{ t(locale, "privacy.scopes") }</legend>
                                { for choices.scopes.iter().map(|scope| html! {
                                    <label class="choice"><input type="checkbox" value={scope.id.clone()} />{ scope.label.clone() }</label>
                                }) }
                            </fieldset>
                            <button type="submit">{ t(locale, "privacy.grant") }</button>
                        </form>
                    }
                </article>
            }) }
        </>
    }
}
