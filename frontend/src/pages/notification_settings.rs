//! The customer's notification settings: for each kind of notice the channels it comes by (e-mail,
//! push, text message; security notices always by e-mail), quiet hours without push or text
//! messages, the phone number text messages go to with the customer's opt-in, and push on this
//! device (asked for here, registered with the server) with the list of devices push goes to.
//!
//! One component with one handler per kind of action, like the privacy page: each row says what it
//! is about in `data-` attributes, and a channel's change sends the row's three switches as they
//! are on the screen (a quick second tap is not lost to a reload still on its way).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::api::client::body;
use crate::api::ops::{
    NotificationKind, NotificationPreferences, RemovePushDevice, SetNotificationPreference, SetQuietHours,
    SetSmsNumber, notification_preferences, remove_push_device, set_notification_preference, set_quiet_hours,
    set_sms_number,
};
use crate::api::preferences::{KindChannels, Preferences, PushDevice};
use crate::api::push::{self, PushFailure};
use crate::api::{Api, ApiError, QueryState, use_query_as, use_reload};
use crate::components::{Layout, done_note, error_view, field_error, form_error, loading, stale_note};
use crate::i18n::{Locale, date, date_time, t, tf};
use crate::state::use_app;

/// The parts of the page an action can concern: its answer is shown there.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Channels,
    Quiet,
    Sms,
    Push,
}

/// The answer to the last action: where, and what it did or why not.
type Said = Option<(Part, Result<&'static str, ApiError>)>;

/// The quiet hours offered when none are set.
const QUIET_FROM: &str = "22:00";
const QUIET_UNTIL: &str = "07:00";

/// The browser's time zone, e.g. `Europe/Madrid`.
fn browser_time_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let zone = js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into()).ok();
    zone.and_then(|zone| zone.as_string()).unwrap_or_else(|| "UTC".into())
}

/// The input inside `form` matching `css`.
fn input(form: &Element, css: &str) -> Option<HtmlInputElement> {
    form.query_selector(css).ok().flatten()?.dyn_into().ok()
}

fn value(form: &Element, css: &str) -> String {
    input(form, css).map(|i| i.value().trim().to_owned()).unwrap_or_default()
}

fn ticked(form: &Element, css: &str) -> bool {
    input(form, css).is_some_and(|i| i.checked())
}

/// What a failure to switch push on means to the customer.
fn push_failure(locale: Locale, failure: PushFailure) -> ApiError {
    let message = match failure {
        PushFailure::Api(error) => return error,
        PushFailure::Unsupported => t(locale, "settings.push_unsupported"),
        PushFailure::Denied => t(locale, "settings.push_denied"),
        PushFailure::NotSubscribed => t(locale, "settings.push_failed"),
    };
    ApiError::Server { code: "PUSH".into(), reason: None, field: None, message }
}

/// The notification settings page.
#[function_component(NotificationSettingsPage)]
pub fn notification_settings_page() -> Html {
    let locale = use_app().locale;
    let api = use_context::<Api>().expect("api");
    let (refresh, reload) = use_reload();
    let said = use_state(|| None as Said);
    // The forms' fields as the customer set them, until saved: the page re-renders from what the
    // server has, and a field must not go back to it meanwhile.
    let sms_wanted = use_state(|| None::<bool>);
    let quiet_wanted = use_state(|| None::<bool>);
    let remember = |wanted: &UseStateHandle<Option<bool>>| {
        let wanted = wanted.clone();
        Callback::from(move |event: Event| {
            wanted.set(Some(event.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };
    let phone_typed = use_state(|| None::<String>);
    let from_typed = use_state(|| None::<String>);
    let until_typed = use_state(|| None::<String>);
    let zone_typed = use_state(|| None::<String>);
    let keep = |typed: &UseStateHandle<Option<String>>| {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| {
            typed.set(Some(event.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let shown = |typed: &UseStateHandle<Option<String>>, saved: String| (**typed).clone().unwrap_or(saved);
    let state = use_query_as::<NotificationPreferences, Preferences>(notification_preferences::Variables, refresh);
    // Sends a request body, then says `done` in `part` and reloads the page, or says why not: a
    // form keeps what was typed to be corrected, a switch goes back to what the server has.
    let run = {
        let (api, said, reload) = (api.clone(), said.clone(), reload.clone());
        move |part: Part, request: String, done: &'static str| {
            let (api, said, reload) = (api.clone(), said.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api.execute(&request).await;
                if answer.is_ok() || part == Part::Channels {
                    reload.emit(());
                }
                said.set(Some((part, answer.map(|_| done))));
            });
        }
    };
    let channel = {
        let run = run.clone();
        Callback::from(move |event: Event| {
            let Some(row) = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("[data-kind]").ok().flatten())
            else {
                return;
            };
            let kind = NotificationKind::from_name(&row.get_attribute("data-kind").unwrap_or_default());
            let input = set_notification_preference::NotificationPreferenceInput {
                kind,
                email: ticked(&row, "[data-channel=email]"),
                push: ticked(&row, "[data-channel=push]"),
                sms: ticked(&row, "[data-channel=sms]"),
            };
            let request = body::<SetNotificationPreference>(set_notification_preference::Variables { input });
            run(Part::Channels, request, "settings.saved");
        })
    };
    let quiet = {
        let run = run.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: Element = event.target_unchecked_into();
            let input = ticked(&form, "#quiet-on").then(|| set_quiet_hours::QuietHoursInput {
                from: value(&form, "#quiet-from"),
                until: value(&form, "#quiet-until"),
                time_zone: value(&form, "#quiet-zone"),
            });
            run(Part::Quiet, body::<SetQuietHours>(set_quiet_hours::Variables { input }), "settings.saved");
        })
    };
    let sms = {
        let run = run.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: Element = event.target_unchecked_into();
            let phone = value(&form, "#phone");
            let input = set_sms_number::SmsNumberInput {
                phone: (!phone.is_empty()).then_some(phone),
                opt_in: ticked(&form, "#sms-opt-in"),
            };
            run(Part::Sms, body::<SetSmsNumber>(set_sms_number::Variables { input }), "settings.saved");
        })
    };
    let remove_device = {
        let (api, said, reload) = (api.clone(), said.clone(), reload.clone());
        Callback::from(move |event: MouseEvent| {
            let Some(button) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            let Some(id) =
                button.closest("[data-device]").ok().flatten().and_then(|row| row.get_attribute("data-device"))
            else {
                return;
            };
            let (api, said, reload) = (api.clone(), said.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let this_device = push::registered().is_some_and(|here| here.id == id);
                let answer = api.send::<RemovePushDevice>(remove_push_device::Variables { id }).await;
                if answer.is_ok() && this_device {
                    push::disable_here().await;
                }
                reload.emit(());
                said.set(Some((Part::Push, answer.map(|()| "settings.device_removed"))));
            });
        })
    };
    let enable_push = |key: String| {
        let (api, said, reload) = (api.clone(), said.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, said, reload, key) = (api.clone(), said.clone(), reload.clone(), key.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = push::enable(&api, &key).await;
                reload.emit(());
                said.set(Some((Part::Push, answer.map(|_| "settings.push_on").map_err(|f| push_failure(locale, f)))));
            });
        })
    };
    // What the last action said, in its part of the page.
    let answer = |part: Part, fields: &[&str]| match &*said {
        Some((at, Ok(done))) if *at == part => done_note(locale, &Some(*done)),
        Some((at, Err(error))) if *at == part => form_error(locale, &Some(error.clone()), fields),
        _ => Html::default(),
    };
    let sms_error = match &*said {
        Some((Part::Sms, Err(error))) => Some(error.clone()),
        _ => None,
    };
    let content = match &state {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, error),
        QueryState::Ready(loaded) => {
            let settings = &loaded.data;
            let sms_ready = settings.phone.is_some() && settings.sms_opt_in;
            let hours = settings.quiet_hours.clone();
            let here = push::registered().filter(|here| settings.devices.iter().any(|device| device.id == here.id));
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    <section class="card" id="channels" aria-labelledby="channels-title">
                        <h2 id="channels-title">{ t(locale, "settings.channels") }</h2>
                        <p class="muted">{ t(locale, "settings.channels_explain") }</p>
                        { answer(Part::Channels, &[]) }
                        <ul class="kinds" onchange={channel}>
                            { for settings.kinds.iter().map(|kind| kind_row(locale, kind, sms_ready)) }
                        </ul>
                        if !sms_ready { <p class="muted" id="sms-hint">{ t(locale, "settings.sms_needs_phone") }</p> }
                    </section>
                    <form class="card" id="quiet-hours" onsubmit={quiet.clone()}>
                        <h2>{ t(locale, "settings.quiet_title") }</h2>
                        <p class="muted">{ t(locale, "settings.quiet_explain") }</p>
                        <label class="choice"><input type="checkbox" id="quiet-on" checked={quiet_wanted.unwrap_or(hours.is_some())} onchange={remember(&quiet_wanted)} />{ t(locale, "settings.quiet_on") }</label>
                        <div class="quiet-times">
                            <label for="quiet-from">{ t(locale, "settings.quiet_from") }
                                <input id="quiet-from" type="time" required=true value={shown(&from_typed, hours.as_ref().map_or(QUIET_FROM.into(), |q| q.from.clone()))} oninput={keep(&from_typed)} /></label>
                            <label for="quiet-until">{ t(locale, "settings.quiet_until") }
                                <input id="quiet-until" type="time" required=true value={shown(&until_typed, hours.as_ref().map_or(QUIET_UNTIL.into(), |q| q.until.clone()))} oninput={keep(&until_typed)} /></label>
                        </div>
                        <label for="quiet-zone">{ t(locale, "settings.time_zone") }</label>
                        <input id="quiet-zone" type="text" required=true autocomplete="off" value={shown(&zone_typed, hours.as_ref().map_or_else(browser_time_zone, |q| q.time_zone.clone()))} oninput={keep(&zone_typed)} />
                        { answer(Part::Quiet, &[]) }
                        <button type="submit">{ t(locale, "settings.save") }</button>
                    </form>
                    <form class="card" id="sms" onsubmit={sms}>
                        <h2>{ t(locale, "settings.sms_title") }</h2>
                        <label for="phone">{ t(locale, "settings.phone") }</label>
                        <input id="phone" type="tel" autocomplete="tel" inputmode="tel" placeholder="+34600123456" value={shown(&phone_typed, settings.phone.clone().unwrap_or_default())} oninput={keep(&phone_typed)} />
                        { field_error(locale, &sms_error, "phone") }
                        <label class="choice"><input type="checkbox" id="sms-opt-in" checked={sms_wanted.unwrap_or(settings.sms_opt_in)} onchange={remember(&sms_wanted)} />{ t(locale, "settings.sms_opt_in") }</label>
                        { answer(Part::Sms, &["phone"]) }
                        <button type="submit">{ t(locale, "settings.save") }</button>
                    </form>
                    <section class="card" id="push" aria-labelledby="push-title">
                        <h2 id="push-title">{ t(locale, "settings.push_title") }</h2>
                        { push_here(locale, settings, here.is_some(), &enable_push) }
                        { answer(Part::Push, &[]) }
                        <h3>{ t(locale, "settings.devices") }</h3>
                        if settings.devices.is_empty() { <p class="muted">{ t(locale, "settings.no_devices") }</p> }
                        <ul class="rows" id="push-devices" onclick={remove_device}>
                            { for settings.devices.iter().map(|device| device_row(locale, device, here.as_ref().is_some_and(|h| h.id == device.id))) }
                        </ul>
                    </section>
                </>
            }
        }
    };
    html! { <Layout title="page.notification_settings">{ content }</Layout> }
}

/// A kind of notice with its three channels.
fn kind_row(locale: Locale, kind: &KindChannels, sms_ready: bool) -> Html {
    let name = t(locale, &format!("notice_kind.{}", kind.kind));
    let switch = |channel: &'static str, key: &str, on: bool, disabled: bool| {
        html! {
            <label class="choice">
                <input type="checkbox" data-channel={channel} checked={on} {disabled}
                    aria-label={format!("{name}: {}", t(locale, key))} />
                { t(locale, key) }
            </label>
        }
    };
    html! {
        <li class="kind" data-kind={kind.kind.clone()}>
            <span class="kind-name">{ name.clone() }</span>
            <span class="switches">
                { switch("email", "settings.email", kind.email, kind.email_required) }
                { switch("push", "settings.push", kind.push, false) }
                { switch("sms", "settings.sms", kind.sms, !sms_ready && !kind.sms) }
            </span>
            if kind.email_required { <span class="muted required">{ t(locale, "settings.email_required") }</span> }
        </li>
    }
}

/// Push on this device: on, or the button that asks for it, or why it cannot be.
fn push_here(
    locale: Locale,
    settings: &Preferences,
    on_here: bool,
    enable: &impl Fn(String) -> Callback<MouseEvent>,
) -> Html {
    let Some(key) = &settings.push_key else {
        return html! { <p class="muted" id="push-state">{ t(locale, "settings.push_not_offered") }</p> };
    };
    if !push::supported() {
        return html! { <p class="muted" id="push-state">{ t(locale, "settings.push_unsupported") }</p> };
    }
    if on_here {
        return html! { <p id="push-state" class="status done">{ t(locale, "settings.push_on") }</p> };
    }
    html! {
        <>
            <p id="push-state">{ t(locale, "settings.push_explain") }</p>
            <button type="button" id="enable-push" onclick={enable(key.clone())}>{ t(locale, "settings.push_enable") }</button>
        </>
    }
}

/// A device push goes to, with the button that stops it.
fn device_row(locale: Locale, device: &PushDevice, this_device: bool) -> Html {
    let last = match &device.last_pushed_at {
        Some(at) => tf(locale, "settings.last_push", &[("when", &date_time(locale, at))]),
        None => t(locale, "settings.no_push_yet"),
    };
    html! {
        <li class="device" data-device={device.id.clone()}>
            <strong>{ device.label.clone() }</strong>
            if this_device { { " " }<span class="badge">{ t(locale, "settings.this_device") }</span> }
            <p class="muted">{ tf(locale, "settings.added", &[("date", &date(locale, &device.created_at))]) }{ " · " }{ last }</p>
            <button type="button" class="secondary remove-device" aria-label={format!("{} {}", t(locale, "settings.remove_device"), device.label)}>
                { t(locale, "settings.remove_device") }
            </button>
        </li>
    }
}
