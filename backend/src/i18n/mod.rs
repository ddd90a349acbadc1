//! Texts for people in their language, from the Fluent resources in `backend/locales/<lang>/`:
//! `messages.ftl` (notifications, invoices) and `errors.ftl` (API errors and failure reasons).
//!
//! Every text a person reads is looked up here; English is the fallback when a language lacks one.

pub mod errors;
pub mod failures;

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde_json::Value;

use crate::domain::Locale;

const SOURCES: [(Locale, &str, &str); 3] = [
    (Locale::En, include_str!("../../locales/en/messages.ftl"), include_str!("../../locales/en/errors.ftl")),
    (Locale::De, include_str!("../../locales/de/messages.ftl"), include_str!("../../locales/de/errors.ftl")),
    (Locale::Es, include_str!("../../locales/es/messages.ftl"), include_str!("../../locales/es/errors.ftl")),
];

/// The bundle of each language.
pub(crate) static BUNDLES: LazyLock<HashMap<Locale, FluentBundle<FluentResource>>> = LazyLock::new(|| {
    SOURCES
        .into_iter()
        .map(|(locale, messages, errors)| {
            let language = locale.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![language]);
            // Plain-text e-mails: no Unicode isolation marks around variables.
            bundle.set_use_isolating(false);
            for source in [messages, errors] {
                let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
                    tracing::error!(?errors, %locale, "errors in a message resource");
                    resource
                });
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(?errors, %locale, "duplicate messages in the resources");
                }
            }
            (locale, bundle)
        })
        .collect()
});

/// The English message resources, for tests that check every language has each message.
#[cfg(test)]
pub(crate) fn english_sources() -> [&'static str; 2] {
    [SOURCES[0].1, SOURCES[0].2]
}

/// The message `id` of `locale` alone (no fallback), with `args`.
pub(crate) fn message(locale: Locale, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
    let bundle = BUNDLES.get(&locale)?;
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
    if !errors.is_empty() {
        tracing::warn!(id, ?errors, "a message was rendered with errors");
    }
    Some(text)
}

/// The fields of `payload` as message arguments in `locale`: a `stage` or `status` (an order
/// status) by its name in the language, a text per language (a feature's name, a failure's
/// explanation) in the reader's.
pub(crate) fn arguments(locale: Locale, payload: &Value) -> FluentArgs<'_> {
    let mut args = FluentArgs::new();
    if let Value::Object(fields) = payload {
        for (key, value) in fields {
            let value: FluentValue<'_> = match value {
                Value::String(text) if key == "stage" || key == "status" => {
                    message(locale, &format!("status-{text}"), None).unwrap_or_else(|| text.clone()).into()
                }
                Value::String(text) => text.as_str().into(),
                Value::Number(number) => number.as_f64().map_or_else(|| number.to_string().into(), FluentValue::from),
                Value::Bool(flag) => flag.to_string().into(),
                Value::Null => "".into(),
                Value::Object(texts) => texts
                    .get(locale.tag())
                    .or_else(|| texts.get(Locale::En.tag()))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
                other => other.to_string().into(),
            };
            args.set(key.clone(), value);
        }
    }
    args
}

/// The message `id` in `locale` (falling back to English) with the fields of `payload`, if some
/// language has it.
pub fn find(locale: Locale, id: &str, payload: &Value) -> Option<String> {
    [locale, Locale::En].into_iter().find_map(|locale| message(locale, id, Some(&arguments(locale, payload))))
}

/// [`find`], or the id itself when no language has it, so a missing text shows as such rather
/// than as nothing.
pub fn text(locale: Locale, id: &str, payload: &Value) -> String {
    find(locale, id, payload).unwrap_or_else(|| id.to_owned())
}

/// A text written in every language by `write`, for a text stored now and read later in its
/// reader's (a notification's payload).
pub fn in_every_language(write: impl Fn(Locale) -> String) -> Value {
    Value::Object(Locale::ALL.into_iter().map(|locale| (locale.tag().to_owned(), Value::from(write(locale)))).collect())
}

/// The message `id` written in every language.
pub fn texts(id: &str, payload: &Value) -> Value {
    in_every_language(|locale| text(locale, id, payload))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_invoice_label_exists_in_every_language() {
        let english = &BUNDLES[&Locale::En];
        let labels: Vec<&str> = english_sources()
            .into_iter()
            .flat_map(str::lines)
            .filter_map(|line| line.split(" = ").next().filter(|id| id.starts_with("invoice-")))
            .collect();
        assert!(labels.len() > 10, "{labels:?}");
        for locale in [Locale::De, Locale::Es] {
            for id in &labels {
                assert!(BUNDLES[&locale].get_message(id).is_some(), "{locale} {id}");
                assert_ne!(
                    text(locale, id, &json!({ "rate": "19 %" })),
                    text(Locale::En, id, &json!({ "rate": "19 %" })),
                    "{locale} {id} is translated"
                );
            }
            assert!(english.get_message("invoice-title").is_some());
        }
        assert_eq!(text(Locale::De, "invoice-vat", &json!({ "rate": "19 %" })), "USt. 19 %");
        assert_eq!(text(Locale::De, "no-such-text", &json!({})), "no-such-text");
    }

    #[test]
    fn every_error_text_exists_in_every_language() {
        let ids: Vec<&str> = english_sources()[1]
            .lines()
            .filter_map(|line| line.split(" = ").next().filter(|id| !id.starts_with(['#', ' ']) && !id.is_empty()))
            .collect();
        assert!(ids.len() > 20, "{ids:?}");
        for locale in [Locale::De, Locale::Es] {
            for id in &ids {
                assert!(BUNDLES[&locale].get_message(id).is_some(), "{locale} lacks {id}");
            }
        }
    }

    #[test]
    fn countries_are_named_in_each_language() {
        assert_eq!(text(Locale::De, "region-ES", &json!({})), "Spanien");
        assert_eq!(text(Locale::Es, "region-DE", &json!({})), "Alemania");
        assert_eq!(text(Locale::En, "region-GB", &json!({})), "United Kingdom");
    }

    #[test]
    fn a_text_is_kept_in_every_language() {
        let texts = texts("failure-car_refused", &json!({}));
        assert_eq!(texts.as_object().map(|texts| texts.len()), Some(3));
        assert_ne!(texts["de"], texts["en"]);
    }
}
