//! The offer to install the app, on the dashboard of a customer who has a car: only when the
//! browser offers it (`beforeinstallprompt`, which `index.html` catches even before the app has
//! loaded), not on the first paint but a moment after the cars have shown, never in the installed
//! app itself, and never again once declined.

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::api::storage;
use crate::i18n::t;
use crate::state::use_app;

/// Where a declined offer is remembered.
const DECLINED_KEY: &str = "caas.install-declined";
/// Where `index.html` keeps the browser's offer when it came before the app had loaded.
const EARLY_PROMPT: &str = "caasInstall";
/// How long after the cars have shown the offer waits.
const AFTER_MS: u32 = 2_500;

/// Whether the app runs installed (in its own window).
fn installed() -> bool {
    let Some(window) = web_sys::window() else { return true };
    let standalone =
        window.match_media("(display-mode: standalone)").ok().flatten().is_some_and(|query| query.matches());
    // Safari on iOS says so on the navigator instead.
    standalone || js_sys::Reflect::get(&window.navigator(), &"standalone".into()).ok() == Some(JsValue::TRUE)
}

fn declined() -> bool {
    storage::text(DECLINED_KEY).is_some()
}

fn decline() {
    storage::set_text(DECLINED_KEY, &String::from(js_sys::Date::new_0().to_iso_string()));
}

/// Calls the method `name` of `target` without arguments; its result.
fn call(target: &JsValue, name: &str) -> Option<JsValue> {
    let method: js_sys::Function = js_sys::Reflect::get(target, &name.into()).ok()?.dyn_into().ok()?;
    method.call0(target).ok()
}

/// The install offer, shown a moment after `eligible` became true (a hook rather than a
/// component: each component costs the first bundle kilobytes).
#[hook]
pub fn use_install_offer(eligible: bool) -> Html {
    let locale = use_app().locale;
    // The browser's deferred prompt, once it offered the install.
    let prompt = use_state(|| None::<JsValue>);
    let due = use_state(|| false);
    let gone = use_state(|| declined() || installed());
    {
        let (prompt, gone) = (prompt.clone(), gone.clone());
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("window");
            let early = js_sys::Reflect::get(&window, &EARLY_PROMPT.into()).ok().filter(|event| event.is_object());
            if early.is_some() {
                prompt.set(early);
            }
            let offered = EventListener::new(&window, "beforeinstallprompt", move |event| {
                event.prevent_default();
                prompt.set(Some(JsValue::from(event.clone())));
            });
            let done = EventListener::new(&window, "appinstalled", move |_| gone.set(true));
            move || drop((offered, done))
        });
    }
    {
        let due = due.clone();
        use_effect_with(eligible, move |eligible| {
            let timer = eligible.then(|| Timeout::new(AFTER_MS, move || due.set(true)));
            move || drop(timer)
        });
    }
    let Some(event) = (*prompt).clone().filter(|_| eligible && *due && !*gone) else { return html! {} };
    let install = {
        let (prompt, gone) = (prompt.clone(), gone.clone());
        Callback::from(move |_: MouseEvent| {
            // A prompt can be shown once: whatever the answer, the offer goes.
            let shown = call(&event, "prompt");
            prompt.set(None);
            let Some(shown) = shown.and_then(|shown| shown.dyn_into::<js_sys::Promise>().ok()) else { return };
            let (event, gone) = (event.clone(), gone.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(shown).await;
                let choice = js_sys::Reflect::get(&event, &"userChoice".into()).ok();
                let choice = match choice.and_then(|choice| choice.dyn_into::<js_sys::Promise>().ok()) {
                    Some(choice) => wasm_bindgen_futures::JsFuture::from(choice).await.ok(),
                    None => None,
                };
                let outcome = choice.and_then(|choice| js_sys::Reflect::get(&choice, &"outcome".into()).ok());
                if outcome.and_then(|outcome| outcome.as_string()).as_deref() == Some("dismissed") {
                    decline();
                }
                gone.set(true);
            });
        })
    };
    let later = Callback::from(move |_: MouseEvent| {
        decline();
        gone.set(true);
    });
    html! {
        <aside class="card install" id="install-offer" aria-labelledby="install-title">
            <h2 id="install-title">{ t(locale, "install.title") }</h2>
            <p>{ t(locale, "install.why") }</p>
            <div class="actions">
                <button type="button" id="install-app" onclick={install}>{ t(locale, "install.install") }</button>
                <button type="button" class="secondary" id="install-later" onclick={later}>{ t(locale, "install.not_now") }</button>
            </div>
        </aside>
    }
}
