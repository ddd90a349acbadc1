//! Rendering notifications in the recipient's language from the Fluent resources in
//! `backend/locales/<lang>/messages.ftl`.
//!
//! A template `order.stage_reached` has the messages `order-stage_reached-subject` and
//! `order-stage_reached-body`; the payload's fields are its variables, and a `stage` or `status`
//! value (an order status) is replaced by its name in the language.

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde_json::Value;

use crate::domain::Locale;

const SOURCES: [(Locale, &str); 3] = [
    (Locale::En, include_str!("../../locales/en/messages.ftl")),
    (Locale::De, include_str!("../../locales/de/messages.ftl")),
    (Locale::Es, include_str!("../../locales/es/messages.ftl")),
];

static BUNDLES: LazyLock<HashMap<Locale, FluentBundle<FluentResource>>> = LazyLock::new(|| {
    SOURCES
        .into_iter()
        .map(|(locale, source)| {
            let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
                tracing::error!(?errors, %locale, "errors in the message resource");
                resource
            });
            let language = locale.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![language]);
            // Plain-text e-mails: no Unicode isolation marks around variables.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(?errors, %locale, "duplicate messages in the resource");
            }
            (locale, bundle)
        })
        .collect()
});

/// A notification rendered for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Subject or title.
    pub subject: String,
    /// Body text.
    pub body: String,
}

fn message(bundle: &FluentBundle<FluentResource>, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
    if !errors.is_empty() {
        tracing::warn!(id, ?errors, "a message was rendered with errors");
    }
    Some(text)
}

fn arguments<'a>(bundle: &FluentBundle<FluentResource>, locale: Locale, payload: &'a Value) -> FluentArgs<'a> {
    let mut args = FluentArgs::new();
    if let Value::Object(fields) = payload {
        for (key, value) in fields {
            let value: FluentValue<'a> = match value {
                Value::String(text) if key == "stage" || key == "status" => {
                    message(bundle, &format!("status-{text}"), None).unwrap_or_else(|| text.clone()).into()
                }
                Value::String(text) => text.as_str().into(),
                Value::Number(number) => number.as_f64().map_or_else(|| number.to_string().into(), FluentValue::from),
                Value::Bool(flag) => flag.to_string().into(),
                Value::Null => "".into(),
                // A text per language (a feature's name): the reader's, else English.
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

/// Renders `template` in `locale` (falling back to English) with `payload`; `None` for an unknown
/// template.
pub fn render(locale: Locale, template: &str, payload: &Value) -> Option<Rendered> {
    let id = template.replace('.', "-");
    [locale, Locale::En].into_iter().find_map(|locale| {
        let bundle = BUNDLES.get(&locale)?;
        let args = arguments(bundle, locale, payload);
        let subject = message(bundle, &format!("{id}-subject"), Some(&args))?;
        let body = message(bundle, &format!("{id}-body"), Some(&args))?;
        Some(Rendered { subject, body })
    })
}

/// The message `id` in `locale` (falling back to English) with the fields of `payload`; the id
/// itself when no language has it, so a missing text shows as such rather than as nothing.
pub fn text(locale: Locale, id: &str, payload: &Value) -> String {
    [locale, Locale::En]
        .into_iter()
        .find_map(|locale| {
            let bundle = BUNDLES.get(&locale)?;
            message(bundle, id, Some(&arguments(bundle, locale, payload)))
        })
        .unwrap_or_else(|| id.to_owned())
}

/// The name of an order status in `locale`, e.g. `in production`.
pub fn status_name(locale: Locale, status: &str) -> String {
    BUNDLES
        .get(&locale)
        .and_then(|bundle| message(bundle, &format!("status-{status}"), None))
        .unwrap_or_else(|| status.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn renders_in_each_language_with_localised_stages() {
        let payload = json!({ "name": "Anna", "model": "Aurora", "order": "ORD-1", "stage": "PAINTING" });
        let de = render(Locale::De, "order.stage_reached", &payload).expect("de");
        assert_eq!(de.subject, "Ihr Aurora: in der Lackiererei");
        assert!(de.body.contains("Hallo Anna"));
        let es = render(Locale::Es, "order.stage_reached", &payload).expect("es");
        assert_eq!(es.subject, "Su Aurora: en el taller de pintura");
        let en = render(Locale::En, "order.stage_reached", &payload).expect("en");
        assert_eq!(en.subject, "Your Aurora: in the paint shop");
        assert_eq!(render(Locale::En, "no.such_template", &payload), None);
    }

    #[test]
    fn every_invoice_label_exists_in_every_language() {
        let english = &BUNDLES[&Locale::En];
        let source = SOURCES[0].1;
        let labels: Vec<&str> = source
            .lines()
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
    fn every_template_exists_in_every_language() {
        let templates = [
            "account.welcome",
            "account.set_password",
            "account.password_reset",
            "account.password_link",
            "order.stage_reached",
            "order.ready",
            "order.ready_for_delivery",
            "order.final_payment_failed",
            "order.registration_refused",
            "order.cancelled",
            "order.delivered",
            "payment.failed",
            "payment.refunded",
            "payment.refunded_in_full",
            "vehicle.traded_in",
            "dealer.order_ready",
            "dealer.final_payment_failed",
        ];
        for locale in Locale::ALL {
            for template in templates {
                let id = template.replace('.', "-");
                let bundle = &BUNDLES[&locale];
                assert!(bundle.get_message(&format!("{id}-subject")).is_some(), "{locale} {template}");
                assert!(bundle.get_message(&format!("{id}-body")).is_some(), "{locale} {template}");
            }
        }
    }
}
