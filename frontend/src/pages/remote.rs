//! A car on the dashboard as its owner controls it from the phone: what it last reported (locked,
//! charge and range, climate) and the commands its model takes. A command is sent with a key made
//! for the tap (sent again with the same key when no answer came, so it runs once), followed live
//! until the car did it or could not, and explained when it failed. Without a connection the last
//! report is shown with its time and the controls are off: commands are never queued.
//!
//! A hook and a view rather than a component per car (each component costs the first bundle
//! kilobytes): the dashboard keeps the last command, of whichever car, and one click handler for
//! all of them reads the command from the button (`data-command`) and the car from its card
//! (`data-vin`).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlSelectElement};
use yew::prelude::*;

use crate::api::client::parse_answer;
use crate::api::dashboard::Car;
use crate::api::ops::{VehicleCommandProgress, vehicle_command_progress};
use crate::api::queue::new_key;
use crate::api::remote::{Command, Request, climate_target};
use crate::api::{Api, ApiError, ws};
use crate::components::error_text;
use crate::i18n::{Locale, date_time, kilometres, quantity, t, tf, time_of_day};

/// Where a command stands on this screen.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// Waiting for the API to take it.
    Sending,
    /// Taken: on its way to the car (`QUEUED`, `SENDING`), or ended.
    Command(Command),
    /// The API did not take it (or its answer never came).
    Refused(ApiError),
}

/// The last command asked for, and where it stands.
#[derive(Clone, Debug, PartialEq)]
struct Attempt {
    request: Request,
    phase: Phase,
}

impl Attempt {
    fn busy(&self) -> bool {
        match &self.phase {
            Phase::Sending => true,
            Phase::Command(command) => !command.ended(),
            Phase::Refused(_) => false,
        }
    }

    /// The request to send when the owner tries again: the same key when no answer came (the
    /// first may have arrived and must not run twice), a new one after the car could not be
    /// reached (that command has ended; a new one is needed).
    fn retry(&self) -> Option<Request> {
        match &self.phase {
            Phase::Refused(error) if retry_same(error) => Some(self.request.clone()),
            Phase::Command(command) if command.status == "FAILED" && command.retryable => {
                Some(Request { key: new_key(), ..self.request.clone() })
            }
            _ => None,
        }
    }
}

/// Whether a refusal may go away when the same request is sent again.
fn retry_same(error: &ApiError) -> bool {
    match error {
        ApiError::Offline | ApiError::RateLimited { .. } => true,
        ApiError::Server { code, reason, .. } => code == "INTERNAL" || code == "CONFLICT" && reason.is_none(),
        ApiError::Unauthenticated => false,
    }
}

/// A temperature, e.g. `21,5 °C`.
fn celsius(locale: Locale, value: f64) -> String {
    format!("{} °C", quantity(locale, value))
}

/// What the owner reads about a command.
fn phase_text(locale: Locale, phase: &Phase) -> String {
    match phase {
        Phase::Sending => t(locale, "remote.sending"),
        Phase::Command(command) => match command.status.as_str() {
            "SUCCEEDED" => t(locale, "remote.done"),
            "FAILED" => {
                let code = command.failure_code.clone().unwrap_or_default();
                let text = t(locale, &format!("remote.{code}"));
                if text.starts_with("remote.") || code.is_empty() { t(locale, "remote.failed") } else { text }
            }
            "SENDING" => t(locale, "remote.to_car"),
            _ => t(locale, "remote.sending"),
        },
        Phase::Refused(ApiError::Offline) => t(locale, "remote.no_answer"),
        Phase::Refused(ApiError::Server { reason: Some(reason), .. }) if reason == "NOT_SUPPORTED" => {
            t(locale, "remote.NOT_SUPPORTED")
        }
        Phase::Refused(ApiError::Server { code, reason: None, .. }) if code == "CONFLICT" => {
            t(locale, "remote.CONFLICT")
        }
        Phase::Refused(error) => error_text(locale, error),
    }
}

/// The commands, as the API names them.
const KINDS: [&str; 7] = ["LOCK", "UNLOCK", "FLASH_LIGHTS", "CLIMATE_ON", "CLIMATE_OFF", "CHARGE_START", "CHARGE_STOP"];
/// What the button that sends the last command again says it does.
const RETRY: &str = "retry";

/// The climate's settings as chosen on the car's card: target °C and minutes.
fn climate_settings(card: &Element) -> (f64, i64) {
    let find = |css: &str| card.query_selector(css).ok().flatten();
    let chosen = |css: &str| {
        find(css)
            .and_then(|select| select.dyn_into::<HtmlSelectElement>().ok())
            .and_then(|s| s.value().parse::<i64>().ok())
    };
    // The target is chosen in half degrees (whole numbers: no parser of decimals in the app).
    let target = chosen(".target").map_or(21.0, |halves| halves as f64 / 2.0);
    (climate_target(target), chosen(".minutes").unwrap_or(15))
}

/// The remote control of the dashboard's cars: the last command and the click handler of every
/// car's controls.
pub struct Remote {
    attempt: UseStateHandle<Option<Attempt>>,
    /// Handles the clicks on the cars' controls (set on the list of cars).
    pub onclick: Callback<MouseEvent>,
}

/// The remote control; `on_changed` reloads the dashboard (a car reported a new state).
#[hook]
pub fn use_remote(on_changed: Callback<()>) -> Remote {
    let api = use_context::<Api>().expect("api");
    let attempt = use_state(|| None::<Attempt>);
    // The live view of the command under way; dropping it ends it.
    let following = use_mut_ref(|| None::<ws::Subscription>);
    {
        let following = following.clone();
        use_effect_with((), move |_| move || drop(following.borrow_mut().take()));
    }
    let onclick = {
        let attempt = attempt.clone();
        Callback::from(move |event: MouseEvent| {
            let Some(clicked) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
            let (Some(button), Some(card)) =
                (clicked.closest("button[data-command]").ok().flatten(), clicked.closest("[data-vin]").ok().flatten())
            else {
                return;
            };
            let chosen = button.get_attribute("data-command").unwrap_or_default();
            let request = if chosen == RETRY {
                attempt.as_ref().and_then(Attempt::retry)
            } else {
                KINDS.into_iter().find(|kind| *kind == chosen).map(|kind| {
                    let climate = (kind == "CLIMATE_ON").then(|| climate_settings(&card));
                    Request {
                        vin: card.get_attribute("data-vin").unwrap_or_default(),
                        kind,
                        target_celsius: climate.map(|(target, _)| target),
                        duration_minutes: climate.map(|(_, minutes)| minutes),
                        key: new_key(),
                    }
                })
            };
            if let Some(request) = request {
                send(api.clone(), request, attempt.clone(), following.clone(), on_changed.clone());
            }
        })
    };
    Remote { attempt, onclick }
}

/// A command's button (clicks are handled by [`Remote::onclick`]).
fn command_button(locale: Locale, car: &Car, kind: &'static str, secondary: bool, disabled: bool) -> Html {
    if !car.commands.iter().any(|command| command == kind) {
        return html! {};
    }
    html! {
        <button type="button" class={classes!("command", secondary.then_some("secondary"))} data-command={kind} {disabled}>
            { t(locale, &format!("remote.{kind}")) }
        </button>
    }
}

/// A car's state and its remote controls; `usable` when commands can be sent now (the server
/// answered and what is shown is fresh).
pub fn car_view(locale: Locale, car: &Car, usable: bool, remote: &Remote) -> Html {
    let attempt = remote.attempt.as_ref();
    let busy = attempt.is_some_and(Attempt::busy);
    let disabled = !usable || busy;
    // The last command's line and its "try again" go with the car it was sent to.
    let attempt = attempt.filter(|attempt| attempt.request.vin == car.vin);
    let state = car.remote.as_ref();
    let locked = state.map(|state| state.locked);
    let climate_on = state.is_some_and(|state| state.climate_on);
    let charging = state.is_some_and(|state| state.charging);
    let retry = attempt.and_then(Attempt::retry).is_some();
    let climate_form = car.commands.iter().any(|command| command == "CLIMATE_ON") && !climate_on;
    html! {
        <section class="remote" aria-label={t(locale, "remote.title")}>
            <ul class="car-state">
                if let Some(locked) = locked {
                    <li class={classes!("lock-state", (!locked).then_some("open"))}>{ t(locale, if locked { "remote.locked" } else { "remote.unlocked" }) }</li>
                }
                if let Some(percent) = car.charge_percent {
                    <li class="charge">
                        { tf(locale, "remote.charge", &[("percent", &(percent.round() as i64).to_string())]) }
                        if let Some(range) = car.range_km() { { " · " }{ tf(locale, "remote.range", &[("range", &kilometres(locale, range))]) } }
                        if charging { { " · " }{ t(locale, "remote.charging") } }
                    </li>
                }
                if let Some(state) = state {
                    <li class="climate">
                        { t(locale, if state.climate_on { "remote.climate_on" } else { "remote.climate_off" }) }
                        if let Some(target) = state.target_celsius.filter(|_| state.climate_on) { { " · " }{ celsius(locale, target) } }
                        if let Some(until) = state.climate_until.as_ref().filter(|_| state.climate_on) { { " · " }{ tf(locale, "remote.until", &[("time", &time_of_day(until))]) } }
                    </li>
                }
            </ul>
            if let Some(state) = state {
                <p class="muted reported">
                    { tf(locale, "remote.reported", &[("when", &date_time(locale, &state.reported_at))]) }
                    if !state.online { { " · " }{ t(locale, "remote.car_offline") } }
                </p>
            }
            if !car.commands.is_empty() {
                if !usable { <p class="stale remote-offline" role="note">{ t(locale, "remote.needs_connection") }</p> }
                <div class="controls">
                    { command_button(locale, car, if locked == Some(false) { "LOCK" } else { "UNLOCK" }, false, disabled) }
                    if locked.is_none() { { command_button(locale, car, "LOCK", false, disabled) } }
                    { command_button(locale, car, "FLASH_LIGHTS", true, disabled) }
                    if climate_on { { command_button(locale, car, "CLIMATE_OFF", true, disabled) } }
                    { command_button(locale, car, if charging { "CHARGE_STOP" } else { "CHARGE_START" }, true, disabled) }
                </div>
                if climate_form {
                    <div class="climate-form">
                        <label>{ t(locale, "remote.target") }
                            <select class="target" {disabled}>
                                { for (30..=56).map(|half: u8| html! { <option value={half.to_string()} selected={half == 42}>{ celsius(locale, f64::from(half) / 2.0) }</option> }) }
                            </select>
                        </label>
                        <label>{ t(locale, "remote.minutes") }
                            <select class="minutes" {disabled}>
                                { for [5, 10, 15, 20, 30].into_iter().map(|m: u8| html! { <option value={m.to_string()} selected={m == 15}>{ tf(locale, "remote.for_minutes", &[("minutes", &m.to_string())]) }</option> }) }
                            </select>
                        </label>
                        { command_button(locale, car, "CLIMATE_ON", false, disabled) }
                    </div>
                }
                <p class={classes!("command-status", attempt.map(phase_class))} role="status" aria-live="polite">
                    if let Some(attempt) = attempt {
                        { t(locale, &format!("remote.{}", attempt.request.kind)) }{ ": " }{ phase_text(locale, &attempt.phase) }
                    }
                </p>
                if retry {
                    <button type="button" class="secondary retry" data-command={RETRY} disabled={!usable}>{ t(locale, "remote.retry") }</button>
                }
            }
        </section>
    }
}

/// Sends `request`, then follows the command live until it has ended; a command the car did
/// reloads the dashboard (the car reported its new state with it).
fn send(
    api: Api,
    request: Request,
    attempt: UseStateHandle<Option<Attempt>>,
    following: Rc<RefCell<Option<ws::Subscription>>>,
    on_changed: Callback<()>,
) {
    attempt.set(Some(Attempt { request: request.clone(), phase: Phase::Sending }));
    wasm_bindgen_futures::spawn_local(async move {
        let answer = api.execute(&request.body()).await.and_then(|data| parse_answer::<Command>(&data));
        let command = match answer {
            Ok(command) => command,
            Err(error) => return attempt.set(Some(Attempt { request, phase: Phase::Refused(error) })),
        };
        let id = command.id.clone();
        let on_event = {
            let following = following.clone();
            Callback::from(move |event: Option<Command>| {
                // A reconnection says nothing by itself: the next event says where it stands.
                let Some(command) = event.filter(|command| command.id == id) else { return };
                let (ended, succeeded) = (command.ended(), command.status == "SUCCEEDED");
                attempt.set(Some(Attempt { request: request.clone(), phase: Phase::Command(command) }));
                if ended {
                    drop(following.borrow_mut().take());
                    if succeeded {
                        on_changed.emit(());
                    }
                }
            })
        };
        // The answer is where the command stood; the subscription starts with where it stands now.
        on_event.emit(Some(command.clone()));
        if !command.ended() {
            let variables = vehicle_command_progress::Variables { command_id: command.id };
            let subscription = ws::subscribe_as::<VehicleCommandProgress, Command>(&api, variables, on_event);
            *following.borrow_mut() = Some(subscription);
        }
    });
}

/// The class of a command's line: how it went.
fn phase_class(attempt: &Attempt) -> &'static str {
    match &attempt.phase {
        Phase::Command(command) if command.status == "SUCCEEDED" => "succeeded",
        Phase::Command(command) if command.status == "FAILED" => "failed",
        Phase::Refused(_) => "failed",
        _ => "pending",
    }
}
