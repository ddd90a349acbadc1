//! What customers look at and do, for the business figures: a page shown (`catalog`) or an action
//! taken (`feature.purchase`), by name and time only — never who, which car or anything typed.
//! Events wait in memory and go in batches: every 15 seconds, as soon as 20 are waiting, and when
//! the page is hidden. Sending never holds the app up; a batch that cannot be sent is kept for the
//! next try (up to the API's 100 a batch), anything else is dropped.

use std::cell::RefCell;

use gloo_events::EventListener;
use gloo_timers::callback::Interval;

use super::Api;
use super::ApiError;
use super::client::body;
use super::ops::{
    RecordUserActions, UserActionKind, record_user_actions::UserActionInput, record_user_actions::Variables,
};

/// How often waiting events are sent.
const FLUSH_EVERY_MS: u32 = 15_000;
/// How many events are sent at once without waiting for the timer.
const BATCH: usize = 20;
/// The most the API takes in one batch, and the most kept while it cannot be reached.
const KEEP_AT_MOST: usize = 100;

/// An event waiting: its kind, its name and when it happened.
type Event = (UserActionKind, &'static str, String);

thread_local! {
    static WAITING: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
    static CLIENT: RefCell<Option<Api>> = const { RefCell::new(None) };
}

/// Starts sending events with `api`: on a timer and when the page is hidden. Once per app.
pub fn start(api: Api) {
    CLIENT.with(|client| *client.borrow_mut() = Some(api));
    Interval::new(FLUSH_EVERY_MS, flush).forget();
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        let hidden = document.clone();
        EventListener::new(&document, "visibilitychange", move |_| {
            if hidden.hidden() {
                flush();
            }
        })
        .forget();
    }
}

/// A page was shown, e.g. `catalog`.
pub fn page(name: &'static str) {
    record(UserActionKind::PAGE, name);
}

/// An action was taken, e.g. `feature.purchase`.
pub fn action(name: &'static str) {
    record(UserActionKind::ACTION, name);
}

fn record(kind: UserActionKind, name: &'static str) {
    let occurred_at = String::from(js_sys::Date::new_0().to_iso_string());
    let waiting = WAITING.with(|waiting| {
        let mut waiting = waiting.borrow_mut();
        waiting.push((kind, name, occurred_at));
        waiting.len()
    });
    if waiting >= BATCH {
        flush();
    }
}

/// Sends what is waiting, in the background.
fn flush() {
    let Some(api) = CLIENT.with(|client| client.borrow().clone()).filter(Api::signed_in) else { return };
    let events = WAITING.with(|waiting| std::mem::take(&mut *waiting.borrow_mut()));
    if events.is_empty() {
        return;
    }
    let actions = events
        .iter()
        .map(|(kind, name, occurred_at)| UserActionInput {
            kind: *kind,
            name: (*name).to_owned(),
            occurred_at: occurred_at.clone(),
        })
        .collect();
    let body = body::<RecordUserActions>(Variables { actions });
    wasm_bindgen_futures::spawn_local(async move {
        let Err(ApiError::Offline) = api.execute(&body).await else { return };
        // Kept for the next try, oldest first, at most what the API takes at once.
        WAITING.with(|waiting| {
            let mut waiting = waiting.borrow_mut();
            let newer = std::mem::take(&mut *waiting);
            waiting.extend(events.into_iter().chain(newer));
            waiting.truncate(KEEP_AT_MOST);
        });
    });
}
