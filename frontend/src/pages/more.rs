//! The way from the first build to the pages of the second (Cargo feature `more`): the rarer
//! pages are not in the bundle a customer downloads first, so opening one loads its address anew,
//! and the server (or the service worker) answers it with the second build's page.

#[cfg(not(feature = "more"))]
use yew::prelude::*;

#[cfg(not(feature = "more"))]
use crate::components::{Layout, empty, loading};
#[cfg(not(feature = "more"))]
use crate::i18n::Locale;

/// The address last sent to the second build, in the tab's session storage. The second build
/// forgets it as it starts: finding it here again means the server sent this build back, and
/// loading the address once more would never end.
const SENT_KEY: &str = "caas.more";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Loads the current address anew, for the second build to show it.
#[cfg(not(feature = "more"))]
pub fn open(locale: Locale) -> Html {
    let Some(location) = web_sys::window().map(|window| window.location()) else { return html! {} };
    let address = location.href().unwrap_or_default();
    let storage = session_storage();
    let sent_before = storage.as_ref().and_then(|s| s.get_item(SENT_KEY).ok().flatten()).is_some_and(|a| a == address);
    if let Some(storage) = &storage {
        let _ = if sent_before { storage.remove_item(SENT_KEY) } else { storage.set_item(SENT_KEY, &address) };
    }
    if sent_before {
        return html! { <Layout title="page.not_found">{ empty(locale, "status.not_found") }</Layout> };
    }
    let _ = location.reload();
    html! { <Layout title="page.loading">{ loading(locale) }</Layout> }
}

/// Forgets the address sent here (the second build has started).
#[cfg(feature = "more")]
pub fn arrived() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(SENT_KEY);
    }
}
