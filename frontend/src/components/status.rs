//! Loading, empty, error and "shown from cache" states, the same on every page. Plain functions
//! rather than components: they hold no state, and each component costs download size.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ApiError;
use crate::i18n::{Locale, reason_text, t, tf};
use crate::route::Route;

/// Something is on its way.
pub fn loading(locale: Locale) -> Html {
    html! { <p class="status" role="status" aria-live="polite">{ t(locale, "status.loading") }</p> }
}

/// Nothing to show: the message of `key`.
pub fn empty(locale: Locale, key: &str) -> Html {
    html! { <p class="status empty">{ t(locale, key) }</p> }
}

/// What to tell the user about `error`, in their language: the app's text for a refusal it knows,
/// else the server's message (written in the user's language), else the text of the code.
pub fn error_text(locale: Locale, error: &ApiError) -> String {
    match error {
        ApiError::RateLimited { retry_after_seconds } => wait_text(locale, *retry_after_seconds),
        ApiError::Server { reason: Some(reason), .. } if knows(locale, reason) => reason_text(locale, reason),
        ApiError::Server { code, message, .. } if !message.trim().is_empty() && code != "INTERNAL" => sentence(message),
        other => reason_text(locale, &other.code()),
    }
}

fn knows(locale: Locale, reason: &str) -> bool {
    let key = format!("error.{reason}");
    t(locale, &key) != key
}

/// `text` starting with a capital letter.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// An error explained in the user's language.
pub fn error_view(locale: Locale, error: &ApiError) -> Html {
    html! { <p class="status error" role="alert">{ error_text(locale, error) }</p> }
}

/// The error of a page's own query: an address naming nothing (unknown, or not even a valid id or
/// VIN in `url_field`) is a "not found" page with a way home, not an input error.
pub fn page_error(locale: Locale, error: &ApiError, url_field: &str) -> Html {
    let unknown = match error {
        ApiError::Server { code, field, .. } => {
            code == "NOT_FOUND" || code == "BAD_USER_INPUT" && field.as_deref() == Some(url_field)
        }
        _ => false,
    };
    if !unknown {
        return error_view(locale, error);
    }
    html! {
        <section class="card" id="not-found" role="alert">
            <h2>{ t(locale, "page.not_found") }</h2>
            <p>{ t(locale, "status.not_found") }</p>
            <Link<Route> to={Route::Home} classes="button">{ t(locale, "nav.home") }</Link<Route>>
        </section>
    }
}

/// The error of a form, unless it belongs to one of its `fields` (shown next to that field).
pub fn form_error(locale: Locale, error: &Option<ApiError>, fields: &[&str]) -> Html {
    match error {
        Some(error) if !error.field_name().is_some_and(|field| fields.contains(&field)) => error_view(locale, error),
        _ => html! {},
    }
}

/// The error of the input `field` of a form, next to it: what is wrong and the rule.
pub fn field_error(locale: Locale, error: &Option<ApiError>, field: &str) -> Html {
    match error {
        Some(error) if error.field_name() == Some(field) => html! {
            <p class="field-error" id={format!("{field}-error")} role="alert">{ error_text(locale, error) }</p>
        },
        _ => html! {},
    }
}

/// How long to wait before trying again, in whole minutes from a minute on (rounded up).
fn wait_text(locale: Locale, seconds: u64) -> String {
    if seconds < 60 {
        return tf(locale, "error.RATE_LIMITED_SECONDS", &[("seconds", &seconds.max(1).to_string())]);
    }
    tf(locale, "error.RATE_LIMITED_MINUTES", &[("minutes", &seconds.div_ceil(60).to_string())])
}

/// What an action did, said once it is done (`key` is its text).
#[cfg(feature = "more")]
pub fn done_note(locale: Locale, key: &Option<&'static str>) -> Html {
    match key {
        Some(key) => html! { <p class="status done" role="status" aria-live="polite">{ t(locale, key) }</p> },
        None => html! {},
    }
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
    fn a_refusal_is_told_by_the_app_else_by_the_server_in_the_users_language() {
        let server = |reason: Option<&str>, message: &str| ApiError::Server {
            code: "CONFLICT".into(),
            reason: reason.map(Into::into),
            field: None,
            message: message.into(),
        };
        assert_eq!(
            error_text(Locale::De, &server(None, "eine Testphase ist kostenlos.")),
            "Eine Testphase ist kostenlos."
        );
        assert_eq!(error_text(Locale::En, &server(Some("TRIAL_USED"), "x")), reason_text(Locale::En, "TRIAL_USED"));
        assert_eq!(error_text(Locale::De, &server(None, " ")), reason_text(Locale::De, "CONFLICT"));
        let internal = ApiError::Server { code: "INTERNAL".into(), reason: None, field: None, message: "oops".into() };
        assert_eq!(error_text(Locale::Es, &internal), reason_text(Locale::Es, "INTERNAL"));
    }

    #[test]
    fn a_lock_out_says_how_long_it_lasts() {
        assert_eq!(wait_text(Locale::De, 900), "Zu viele Versuche. Bitte in 15 Min. erneut versuchen.");
        assert_eq!(wait_text(Locale::En, 61), "Too many attempts. Try again in 2 min.");
        assert_eq!(wait_text(Locale::Es, 0), "Demasiados intentos. Vuelve a intentarlo en 1 s.");
    }
}
