//! Loading, empty, error and "shown from cache" states, the same on every page. Plain functions
//! rather than components: they hold no state, and each component costs download size.

use yew::prelude::*;

use crate::api::ApiError;
use crate::i18n::{Locale, reason_text, t, tf};

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
    let text = match error {
        ApiError::RateLimited { retry_after_seconds } => wait_text(locale, *retry_after_seconds),
        other => reason_text(locale, &other.code()),
    };
    html! { <p class="status error" role="alert">{ text }</p> }
}

/// How long to wait before trying again, in whole minutes from a minute on (rounded up).
fn wait_text(locale: Locale, seconds: u64) -> String {
    if seconds < 60 {
        return tf(locale, "error.RATE_LIMITED_SECONDS", &[("seconds", &seconds.max(1).to_string())]);
    }
    tf(locale, "error.RATE_LIMITED_MINUTES", &[("minutes", &seconds.div_ceil(60).to_string())])
}

/// A note that what is shown was saved earlier (only while it could not be refreshed).
pub fn stale_note(locale: Locale, stale: bool) -> Html {
    if stale {
        html! { <p class="stale" role="note">{ t(locale, "status.stale") }</p> }
    } else {
        html! {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_out_says_how_long_it_lasts() {
        assert_eq!(wait_text(Locale::De, 900), "Zu viele Versuche. Bitte in 15 Min. erneut versuchen.");
        assert_eq!(wait_text(Locale::En, 61), "Too many attempts. Try again in 2 min.");
        assert_eq!(wait_text(Locale::Es, 0), "Demasiados intentos. Vuelve a intentarlo en 1 s.");
    }
}
