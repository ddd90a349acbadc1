//! The customer's notifications, newest first, arriving live.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::lists::Notifications;
use crate::api::ops::{
    MarkAllRead, NewNotifications, Notifications as NotificationsOp, mark_all_read, new_notifications, notifications,
};
use crate::api::{Api, ApiError, QueryState, use_query_as, use_reload, ws};
use crate::components::{Layout, empty, error_view, loading, stale_note};
use crate::i18n::{date_time, t};
use crate::route::Route;
use crate::state::use_app;

/// The notifications page.
#[function_component(NotificationsPage)]
pub fn notifications_page() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let error = use_state(|| None::<ApiError>);
    {
        let (api, reload) = (api.clone(), reload.clone());
        use_effect_with((), move |_| {
            let subscription = ws::reload_on::<NewNotifications>(&api, new_notifications::Variables, reload);
            move || drop(subscription)
        });
    }
    let mark_read = {
        let (api, reload, error) = (api.clone(), reload.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, reload, error) = (api.clone(), reload.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<MarkAllRead>(mark_all_read::Variables).await {
                    Ok(()) => reload.emit(()),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let content = match use_query_as::<NotificationsOp, Notifications>(notifications::Variables, refresh) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let items = &loaded.data.0;
            let unread = items.iter().any(|item| !item.read);
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if let Some(err) = &*error { { error_view(locale, err) } }
                    if unread { <button type="button" class="secondary" onclick={mark_read}>{ t(locale, "notifications.mark_read") }</button> }
                    if items.is_empty() { { empty(locale, "notifications.empty") } }
                    <ul class="rows" id="notifications">
                        { for items.iter().map(|item| {
                            html! {
                                <li class={classes!((!item.read).then_some("unread"))}>
                                    <strong>{ item.title.clone() }</strong>{ " · " }<span class="muted">{ date_time(locale, &item.created_at) }</span>
                                    <br />{ item.body.clone() }
                                </li>
                            }
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <Layout title="page.notifications">
            <p><Link<Route> to={Route::NotificationSettings} classes="settings-link">{ t(locale, "notifications.settings") }</Link<Route>></p>
            { content }
        </Layout>
    }
}
