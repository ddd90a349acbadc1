//! Loading, empty, error and "shown from cache" states, the same on every page. Plain functions
//! rather than components: they hold no state, and each component costs download size.

use yew::prelude::*;

use crate::api::ApiError;
use crate::i18n::{Locale, reason_text, t};

/// Something is on its way.
pub fn loading(locale: Locale) -> Html {
    html! { <p class="status" role="status" aria-live="polite">{ t(locale, "status.loading") }</p> }
}

/// Nothing to show: the message of `key`.
pub fn empty(locale: Locale, key: &str) -> Html {
    html! { <p class="status empty">{ t(locale, key) }</p> }
}

/// An error explained in the user's language.
pub fn error_view(locale: Locale, error: &ApiError) -> Html {
    html! { <p class="status error" role="alert">{ reason_text(locale, &error.code()) }</p> }
}

/// A note that what is shown was saved earlier (only while it could not be refreshed).
pub fn stale_note(locale: Locale, stale: bool) -> Html {
    if stale {
        html! { <p class="stale" role="note">{ t(locale, "status.stale") }</p> }
    } else {
        html! {}
    }
}
