//! Partner organisations: registered by name, each with its API keys (what they may read, when
//! they were last used) and the cars it may read. A new key's secret is shown once, when it is
//! made; a key is revoked at once, after a confirmation.

use yew::prelude::*;

use crate::api::ops::{
    ApiEnum, CreateApiKey, CreatePartner, Partners, RevokeApiKey, Scope, create_api_key, create_partner, partners,
    revoke_api_key,
};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::forms::{clear_field_error, text};
use crate::components::{Layout, done_note, empty, error_view, field_error, form_error, loading, stale_note};
use crate::i18n::{date, date_time, t, tf};
use crate::state::use_app;

/// Every scope a key can have.
const SCOPES: [Scope; 4] = [Scope::CATALOG_READ, Scope::VEHICLES_READ, Scope::EXPEDIENTE_READ, Scope::TELEMETRY_READ];

/// A scope as the API documents it, e.g. `catalog:read`.
fn scope_label(scope: &Scope) -> String {
    scope.as_str().to_ascii_lowercase().replace("_read", ":read")
}

/// The partners page.
#[function_component(PartnersPage)]
pub fn partners_page() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let new_name = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let created = use_state(|| None::<&'static str>);
    let onsubmit = {
        let (api, new_name, error, created, reload) =
            (api.clone(), new_name.clone(), error.clone(), created.clone(), reload.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let variables = create_partner::Variables { name: text(&new_name) };
            let (api, error, created, reload) = (api.clone(), error.clone(), created.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<CreatePartner>(variables).await {
                    Ok(()) => {
                        error.set(None);
                        created.set(Some("partners.created"));
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let list = match use_query::<Partners>(partners::Variables, refresh) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => html! {
            <>
                { stale_note(locale, loaded.stale) }
                if loaded.data.partners.is_empty() { { empty(locale, "partners.none") } }
                <ul class="cards" id="partners">
                    { for loaded.data.partners.iter().map(|partner| html! {
                        <PartnerCard partner={partner.clone()} reload={reload.clone()} />
                    }) }
                </ul>
            </>
        },
    };
    html! {
        <Layout title="page.partners">
            <form class="card" id="new-partner" oninput={clear_field_error(&error)} {onsubmit}>
                <label for="partner-name">{ t(locale, "partners.new") }</label>
                <input id="partner-name" ref={new_name} required=true maxlength="120" autocomplete="off" />
                { field_error(locale, &error, "name") }
                { form_error(locale, &error, &["name"]) }
                { done_note(locale, &created) }
                <button type="submit">{ t(locale, "partners.create") }</button>
            </form>
            { list }
        </Layout>
    }
}

/// Properties of [`PartnerCard`].
#[derive(Properties, PartialEq)]
struct PartnerProps {
    partner: partners::PartnersPartners,
    reload: Callback<()>,
}

/// A partner: its cars, its keys, and a new key.
#[function_component(PartnerCard)]
fn partner_card(props: &PartnerProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let partner = &props.partner;
    let key_name = use_node_ref();
    let scopes = use_state(|| vec![Scope::VEHICLES_READ]);
    let error = use_state(|| None::<ApiError>);
    let secret = use_state(|| None::<String>);
    let revoking = use_state(|| None::<String>);
    let create = {
        let (api, key_name, scopes, error, secret, reload) =
            (api.clone(), key_name.clone(), scopes.clone(), error.clone(), secret.clone(), props.reload.clone());
        let partner_id = partner.id.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let variables = create_api_key::Variables {
                partner_id: partner_id.clone(),
                name: text(&key_name),
                scopes: (*scopes).clone(),
            };
            let (api, error, secret, reload) = (api.clone(), error.clone(), secret.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.call::<CreateApiKey>(variables).await {
                    Ok(data) => {
                        error.set(None);
                        secret.set(Some(data.create_api_key.secret));
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let revoke = |id: String| {
        let (api, error, revoking, reload) = (api.clone(), error.clone(), revoking.clone(), props.reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, revoking, reload) = (api.clone(), error.clone(), revoking.clone(), reload.clone());
            let variables = revoke_api_key::Variables { id: id.clone() };
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<RevokeApiKey>(variables).await {
                    Ok(()) => {
                        revoking.set(None);
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let ask = |id: Option<String>| {
        let revoking = revoking.clone();
        Callback::from(move |_: MouseEvent| revoking.set(id.clone()))
    };
    let prefix = format!("partner-{}", partner.id);
    html! {
        <li class="card partner" data-partner={partner.name.clone()}>
            <h2>{ partner.name.clone() }</h2>
            <p class="muted">{ tf(locale, "partners.since", &[("date", &date(locale, &partner.created_at))]) }</p>
            <p>{ tf(locale, "partners.cars", &[("count", &partner.granted_vehicles.len().to_string())]) }</p>
            if !partner.granted_vehicles.is_empty() {
                <p class="muted vins">{ partner.granted_vehicles.join(", ") }</p>
            }
            <h3>{ t(locale, "partners.keys") }</h3>
            if partner.api_keys.is_empty() { <p class="muted">{ t(locale, "partners.no_keys") }</p> }
            <ul class="rows keys">
                { for partner.api_keys.iter().map(|key| {
                    let scopes: Vec<String> = key.scopes.iter().map(scope_label).collect();
                    let used = key.last_used_at.as_ref().map_or_else(
                        || t(locale, "partners.never_used"),
                        |at| tf(locale, "partners.last_used", &[("date", &date_time(locale, at))]),
                    );
                    html! {
                        <li class="key" data-prefix={key.prefix.clone()}>
                            <strong>{ key.name.clone() }</strong>{ " · " }<code>{ format!("{}…", key.prefix) }</code>
                            <p class="muted">{ scopes.join(", ") }</p>
                            <p class="muted">{ tf(locale, "partners.created_on", &[("date", &date(locale, &key.created_at))]) }{ " · " }{ used }</p>
                            if let Some(revoked) = &key.revoked_at {
                                <p class="warning">{ tf(locale, "partners.revoked_on", &[("date", &date_time(locale, revoked))]) }</p>
                            } else if revoking.as_deref() == Some(key.id.as_str()) {
                                <div class="confirm" role="group">
                                    <p>{ tf(locale, "partners.revoke_ask", &[("key", &key.name)]) }</p>
                                    <div class="actions">
                                        <button type="button" class="confirm-revoke" onclick={revoke(key.id.clone())}>{ t(locale, "partners.revoke_confirm") }</button>
                                        <button type="button" class="secondary" onclick={ask(None)}>{ t(locale, "admin.keep") }</button>
                                    </div>
                                </div>
                            } else {
                                <button type="button" class="secondary revoke" onclick={ask(Some(key.id.clone()))}
                                    aria-label={format!("{} {}", t(locale, "partners.revoke"), key.name)}>{ t(locale, "partners.revoke") }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
            if let Some(secret) = &*secret {
                <div class="secret" role="status">
                    <p><strong>{ t(locale, "partners.secret_once") }</strong></p>
                    <p><code class="secret-value">{ secret.clone() }</code></p>
                </div>
            }
            <form class="new-key" oninput={clear_field_error(&error)} onsubmit={create}>
                <h3>{ t(locale, "partners.new_key") }</h3>
                <label for={format!("{prefix}-key-name")}>{ t(locale, "partners.key_name") }</label>
                <input id={format!("{prefix}-key-name")} ref={key_name} required=true maxlength="120" autocomplete="off" />
                <fieldset>
                    <legend>{ t(locale, "partners.scopes") }</legend>
                    { for SCOPES.iter().map(|scope| {
                        let on = scopes.contains(scope);
                        let toggle = {
                            let (scopes, scope) = (scopes.clone(), *scope);
                            Callback::from(move |_: Event| {
                                let mut chosen = (*scopes).clone();
                                if chosen.contains(&scope) { chosen.retain(|s| *s != scope) } else { chosen.push(scope) }
                                scopes.set(chosen);
                            })
                        };
                        html! {
                            <label class="choice">
                                <input type="checkbox" value={scope.as_str()} checked={on} onchange={toggle} />
                                <code>{ scope_label(scope) }</code>
                            </label>
                        }
                    }) }
                </fieldset>
                { field_error(locale, &error, "scopes") }
                { form_error(locale, &error, &["scopes"]) }
                <button type="submit">{ t(locale, "partners.create_key") }</button>
            </form>
        </li>
    }
}
