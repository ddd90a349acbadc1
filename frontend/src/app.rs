//! The root: the API client and the shared state in context, the router, the service worker, the
//! connectivity listeners and the offline queue's replay.

use gloo_events::EventListener;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::client::parse;
use crate::api::hooks::Reconnections;
use crate::api::ops::me;
use crate::api::{Api, queue};
use crate::i18n::Locale;
use crate::pages;
use crate::route::Route;
use crate::state::{Action, AppContext, AppState, ME_KEY, load_me};

fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        let container = window.navigator().service_worker();
        let _ = container.register("/sw.js");
    }
}

/// Sends the queued purchases and updates the count.
fn replay_queue(api: Api, state: AppContext) {
    wasm_bindgen_futures::spawn_local(async move {
        if !queue::load().is_empty() {
            queue::flush(&api).await;
        }
        state.dispatch(Action::Queued(queue::load().iter().filter(|p| p.refused.is_none()).count()));
    });
}

/// The cheapest request there is, to learn whether the server can be reached.
const PROBE: &str = r#"{"query":"{__typename}"}"#;
const PROBE_INTERVAL_MS: u32 = 3_000;

/// The app.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState {
        signed_in: Api::session_saved(),
        role: String::new(),
        me: None,
        locale: Locale::of_browser(),
        online: true,
        queued: queue::load().len(),
        reconnections: 0,
    });
    let api = {
        let state = state.clone();
        use_memo((), move |_| {
            let on_session = {
                let state = state.clone();
                Callback::from(move |signed_in| state.dispatch(Action::Session(signed_in)))
            };
            let on_connectivity = {
                let state = state.clone();
                Callback::from(move |online| state.dispatch(Action::Online(online)))
            };
            Api::new(on_session, on_connectivity)
        })
    };
    let api = (*api).clone();
    use_effect_with((), |_| register_service_worker());
    {
        let api = api.clone();
        use_effect_with((), move |_| crate::api::events::start(api));
    }
    {
        let (api, state) = (api.clone(), state.clone());
        use_effect_with(state.signed_in, move |signed_in| {
            if *signed_in {
                // Render at once from what is known (token, last profile), then refresh.
                if let Some(claims) = api.claims() {
                    state.dispatch(Action::Claims(claims));
                }
                if let Some(me) = Api::cached(ME_KEY).and_then(|data| parse::<me::ResponseData>(&data).ok()) {
                    state.dispatch(Action::Me(Box::new(me.me)));
                }
                let api = api.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    load_me(&api, &state).await;
                    replay_queue(api, state);
                });
            }
        });
    }
    {
        let (api, state) = (api.clone(), state.clone());
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("window");
            let online = {
                let (api, state) = (api.clone(), state.clone());
                EventListener::new(&window, "online", move |_| {
                    state.dispatch(Action::Online(true));
                    replay_queue(api.clone(), state.clone());
                })
            };
            let offline = EventListener::new(&window, "offline", move |_| state.dispatch(Action::Online(false)));
            move || drop((online, offline))
        });
    }
    {
        // While the server cannot be reached, ask it every few seconds whether it is back: the
        // browser's own online/offline events do not see a server or a network further away.
        let api = api.clone();
        use_effect_with(state.online, move |online| {
            let probe = (!*online).then(|| {
                gloo_timers::callback::Interval::new(PROBE_INTERVAL_MS, move || {
                    let api = api.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = api.execute(PROBE).await;
                    });
                })
            });
            move || drop(probe)
        });
    }
    {
        // Whenever the server is reachable again, try the queue.
        let (api, state) = (api.clone(), state.clone());
        use_effect_with(state.online, move |online| {
            if *online && state.signed_in {
                replay_queue(api, state);
            }
        });
    }
    let reconnections = Reconnections(state.reconnections);
    html! {
        <ContextProvider<Api> context={api}>
            <ContextProvider<AppContext> context={state}>
                <ContextProvider<Reconnections> context={reconnections}>
                    <BrowserRouter basename={crate::route::BASENAME}>
                        <Switch<Route> render={pages::render} />
                    </BrowserRouter>
                </ContextProvider<Reconnections>>
            </ContextProvider<AppContext>>
        </ContextProvider<Api>>
    }
}
