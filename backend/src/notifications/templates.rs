//! Rendering notifications in the recipient's language from the Fluent resources in
//! `backend/locales/<lang>/messages.ftl` (through `i18n`).
//!
//! A template `order.stage_reached` has the messages `order-stage_reached-subject` and
//! `order-stage_reached-body`; the payload's fields are its variables, and a `stage` or `status`
//! value (an order status) is replaced by its name in the language.

use serde_json::Value;

use crate::domain::Locale;
use crate::i18n::{arguments, message};

/// A notification rendered for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Subject or title.
    pub subject: String,
    /// Body text.
    pub body: String,
}

/// Renders `template` in `locale` (falling back to English) with `payload`; `None` for an unknown
/// template.
pub fn render(locale: Locale, template: &str, payload: &Value) -> Option<Rendered> {
    let id = template.replace('.', "-");
    [locale, Locale::En].into_iter().find_map(|locale| {
        let args = arguments(locale, payload);
        let subject = message(locale, &format!("{id}-subject"), Some(&args))?;
        let body = message(locale, &format!("{id}-body"), Some(&args))?;
        Some(Rendered { subject, body })
    })
}

/// The text message of `template` in `locale` (falling back to English): its `-sms` message, short
/// enough for one or two messages; `None` when the template has none (the subject is sent then).
pub fn render_sms(locale: Locale, template: &str, payload: &Value) -> Option<String> {
    crate::i18n::find(locale, &format!("{}-sms", template.replace('.', "-")), payload)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// Every notice template.
    const TEMPLATES: &[&str] = &[
        "account.welcome",
        "account.set_password",
        "account.password_reset",
        "account.password_link",
        "account.identity_link",
        "account.invitation",
        "privacy.export_ready",
        "privacy.erasure_scheduled",
        "order.stage_reached",
        "order.ready",
        "order.ready_for_delivery",
        "order.final_payment_failed",
        "order.registration_refused",
        "order.cancelled",
        "order.delivered",
        "payment.failed",
        "payment.refunded",
        "payment.transfer_partial",
        "activation.debit_returned",
        "activation.transfer_not_received",
        "payment.refunded_in_full",
        "vehicle.traded_in",
        "dealer.order_ready",
        "dealer.final_payment_failed",
        "booking.requested",
        "booking.confirmed",
        "booking.rescheduled",
        "booking.cancelled",
        "booking.reminder_day",
        "booking.reminder_hour",
        "workshop.booking_requested",
        "workshop.booking_cancelled",
        "workshop.estimate_approved",
        "workshop.estimate_declined",
        "repair.checked_in",
        "repair.estimate_ready",
        "repair.reapproval_needed",
        "repair.ready",
        "repair.invoiced",
        "maintenance.due",
        "maintenance.overdue",
        "health.fault_code",
        "health.battery_low",
        "health.service_due",
        "health.silent",
        "offers.new_feature",
        "offers.campaign",
        "campaign.ask_on",
        "campaign.ask_off",
    ];

    use super::*;
    use crate::i18n::BUNDLES;

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
    fn every_text_message_fits_one_or_two_messages_and_splits_without_losing_a_character() {
        use crate::integrations::sms::segments;
        let payload = json!({
            "name": "Lucía García", "model": "Borealis", "order": "ORD-2026-000123", "stage": "PAINTING",
            "feature": "Lane keeping assistant", "vin": "WCAAS000000000042", "reason": "the car did not answer",
            "value": 11.5, "code": "P0301", "workshop": "Taller Madrid Norte", "date": "2026-12-24",
            "time": "09:30", "total": "1,234.56 EUR", "amount": "49.00 EUR",
        });
        for locale in Locale::ALL {
            for template in TEMPLATES {
                let subject = render(locale, template, &payload).expect("every template renders").subject;
                let text = render_sms(locale, template, &payload).unwrap_or(subject);
                let split = segments(&text);
                assert_eq!(split.parts.concat(), text, "{locale} {template}");
                assert!(split.parts.len() <= 2, "{locale} {template}: {} parts: {text}", split.parts.len());
            }
        }
    }

    #[test]
    fn every_template_exists_in_every_language() {
        let templates = TEMPLATES;
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
