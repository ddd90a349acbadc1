//! The e-mails (and other pushed messages) that never reached their recipient, newest first, each
//! with why the last attempt failed and a button to send it again.

use yew::prelude::*;

use crate::api::ops::{FailedDeliveries, ResendEmail, failed_deliveries, resend_email};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::{done_note, empty, error_view, loading, name, stale_note};
use crate::i18n::{date_time, plural, t, value};
use crate::state::use_app;

/// The failed deliveries.
#[function_component(FailedEmails)]
pub fn failed_emails() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let error = use_state(|| None::<ApiError>);
    let sent = use_state(|| None::<&'static str>);
    let resend = |id: String| {
        let (api, error, sent, reload) = (api.clone(), error.clone(), sent.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, sent, reload) = (api.clone(), error.clone(), sent.clone(), reload.clone());
            let variables = resend_email::Variables { notification_id: id.clone() };
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<ResendEmail>(variables).await {
                    Ok(()) => {
                        error.set(None);
                        sent.set(Some("support.resent"));
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let content = match use_query::<FailedDeliveries>(failed_deliveries::Variables, refresh) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let failed = &loaded.data.notification_deliveries.nodes;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if failed.is_empty() { { empty(locale, "support.no_failed_emails") } }
                    <ul class="rows" id="failed-emails">
                        { for failed.iter().map(|n| html! {
                            <li data-notification={n.id.clone()}>
                                <strong>{ n.title.clone() }</strong>{ " · " }{ value(locale, &name(&n.channel)) }
                                <p>{ n.recipient.name.clone() }{ " · " }{ n.recipient.email.clone() }</p>
                                <p class="muted">{ date_time(locale, &n.created_at) }{ " · " }{ plural(locale, "support.attempts", n.attempts as usize) }</p>
                                if let Some(reason) = &n.last_error {
                                    <details class="technical"><summary>{ t(locale, "support.details") }</summary><p>{ reason.clone() }</p></details>
                                }
                                <button type="button" class="secondary resend" onclick={resend(n.id.clone())}
                                    aria-label={format!("{} {}", t(locale, "support.resend"), n.recipient.email)}>{ t(locale, "support.resend") }</button>
                            </li>
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <>
            if let Some(err) = &*error { { error_view(locale, err) } }
            { done_note(locale, &sent) }
            { content }
        </>
    }
}
