//! The purchases made without a connection, waiting to be sent: each can be removed, or sent now.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::Api;
use crate::api::queue::{self, QueuedPurchase};
use crate::components::{Layout, empty};
use crate::i18n::{Locale, reason_text, t, tf, value};
use crate::route::Route;
use crate::state::{Action, use_app};

fn describe(locale: Locale, purchase: &QueuedPurchase) -> String {
    // A voucher redeemed offline: its code is kept as the name.
    if purchase.feature_code.is_empty() {
        return format!("{}: {}", t(locale, "pay.voucher"), purchase.feature_name);
    }
    let duration = match (purchase.kind.as_str(), purchase.days) {
        ("FIXED_DAYS", Some(days)) => tf(locale, "offer.days", &[("days", &days.to_string())]),
        (kind, _) => value(locale, kind),
    };
    format!("{} · {} · {}", purchase.feature_name, duration, purchase.vin)
}

/// The queue page.
#[function_component(QueuePage)]
pub fn queue_page() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let items = use_state(queue::load);
    let count = |items: &[QueuedPurchase]| items.iter().filter(|p| p.refused.is_none()).count();
    {
        // Re-read when the app's count changes (the queue was sent in the background).
        let items = items.clone();
        use_effect_with(app.queued, move |_| items.set(queue::load()));
    }
    let send_now = {
        let (api, app, items) = (api.clone(), app.clone(), items.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, app, items) = (api.clone(), app.clone(), items.clone());
            wasm_bindgen_futures::spawn_local(async move {
                queue::flush(&api).await;
                let now = queue::load();
                app.dispatch(Action::Queued(count(&now)));
                items.set(now);
            });
        })
    };
    let remove = |key: String| {
        let (app, items) = (app.clone(), items.clone());
        Callback::from(move |_: MouseEvent| {
            queue::remove(&key);
            let now = queue::load();
            app.dispatch(Action::Queued(count(&now)));
            items.set(now);
        })
    };
    let applied = use_state(queue::applied);
    {
        let applied = applied.clone();
        use_effect_with(app.queued, move |_| applied.set(queue::applied()));
    }
    let forget = {
        let (app, applied) = (app.clone(), applied.clone());
        Callback::from(move |_: MouseEvent| {
            queue::forget_applied();
            applied.set(Vec::new());
            app.dispatch(Action::Queued(app.queued));
        })
    };
    html! {
        <Layout title="page.queue">
            if !applied.is_empty() {
                <section class="card" id="queue-applied" aria-live="polite">
                    <h2>{ t(locale, "queue.applied_title") }</h2>
                    <ul>
                        { for applied.iter().map(|done| html! {
                            <li><Link<Route> to={Route::Activation { id: done.activation_id.clone() }}>{ describe(locale, &done.purchase) }</Link<Route>></li>
                        }) }
                    </ul>
                    <button type="button" class="secondary" onclick={forget}>{ t(locale, "queue.applied_clear") }</button>
                </section>
            }
            <p>{ t(locale, "queue.explain") }</p>
            if items.is_empty() { { empty(locale, "queue.empty") } }
            <ul class="rows" id="queue">
                { for items.iter().map(|purchase| html! {
                    <li data-key={purchase.key.clone()}>
                        { describe(locale, purchase) }
                        if let Some(reason) = &purchase.refused {
                            <br /><span class="warning">{ t(locale, "queue.refused") }{ " " }{ reason_text(locale, reason) }</span>
                        }
                        <button type="button" class="secondary" onclick={remove(purchase.key.clone())}
                            aria-label={format!("{} {}", t(locale, "queue.remove"), purchase.feature_name)}>{ t(locale, "queue.remove") }</button>
                    </li>
                }) }
            </ul>
            if !items.is_empty() { <button type="button" onclick={send_now}>{ t(locale, "queue.send_now") }</button> }
        </Layout>
    }
}
