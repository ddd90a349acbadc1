//! The kinds of notice people choose channels for, which kind each template is, and each kind's
//! defaults: what a user who never opened the settings gets.

use entity::NotificationKind;

/// The channels beyond the app (where every notice is shown) of one kind of notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Channels {
    /// By e-mail.
    pub email: bool,
    /// By Web Push to the user's devices.
    pub push: bool,
    /// By text message.
    pub sms: bool,
}

impl Channels {
    /// No channel beyond the app.
    pub const NONE: Self = Self { email: false, push: false, sms: false };
}

/// Every kind, in the order the settings list them.
pub const ALL: [NotificationKind; 7] = [
    NotificationKind::OrderProgress,
    NotificationKind::ActivationResult,
    NotificationKind::Billing,
    NotificationKind::Reminders,
    NotificationKind::HealthAlerts,
    NotificationKind::Offers,
    NotificationKind::Security,
];

/// The kind of notice template `template` (`domain.name`) is.
pub fn kind_of(template: &str) -> NotificationKind {
    let (domain, name) = template.split_once('.').unwrap_or((template, ""));
    match domain {
        "account" | "privacy" => NotificationKind::Security,
        "activation" if matches!(name, "active" | "failed" | "ended") => NotificationKind::ActivationResult,
        // A campaign's question about a feature of the car: answered in the app.
        "campaign" => NotificationKind::ActivationResult,
        "activation" | "payment" => NotificationKind::Billing,
        "booking" | "maintenance" | "workshop" => NotificationKind::Reminders,
        "health" => NotificationKind::HealthAlerts,
        "offers" => NotificationKind::Offers,
        _ => NotificationKind::OrderProgress,
    }
}

/// Whether e-mail cannot be switched off for `kind`: account and security notices (password links,
/// sign-in changes, data exports) must reach the address the account is known by.
pub fn email_required(kind: NotificationKind) -> bool {
    kind == NotificationKind::Security
}

/// What `kind` is sent on for someone who chose nothing; `sms_wanted`: they gave a phone and opted
/// in. Marketing is off until asked for; money goes by e-mail (a record to keep); a text message
/// only where it is worth interrupting someone — their car's health and a feature's result.
pub fn defaults(kind: NotificationKind, sms_wanted: bool) -> Channels {
    use NotificationKind as K;
    match kind {
        K::Offers => Channels::NONE,
        K::Security | K::Billing => Channels { email: true, push: false, sms: false },
        K::HealthAlerts | K::ActivationResult => Channels { email: true, push: true, sms: sms_wanted },
        K::OrderProgress | K::Reminders => Channels { email: true, push: true, sms: false },
    }
}

/// `chosen` within the rules of `kind`: security notices go by e-mail and by nothing else (their
/// links must not show on a lock screen); text messages only to someone who opted in.
pub fn within_rules(kind: NotificationKind, chosen: Channels, sms_wanted: bool) -> Channels {
    if email_required(kind) {
        return Channels { email: true, push: false, sms: false };
    }
    Channels { sms: chosen.sms && sms_wanted, ..chosen }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_the_kind_people_expect() {
        assert_eq!(kind_of("account.password_reset"), NotificationKind::Security);
        assert_eq!(kind_of("privacy.export_ready"), NotificationKind::Security);
        assert_eq!(kind_of("activation.active"), NotificationKind::ActivationResult);
        assert_eq!(kind_of("activation.failed"), NotificationKind::ActivationResult);
        assert_eq!(kind_of("activation.debit_returned"), NotificationKind::Billing);
        assert_eq!(kind_of("payment.refunded"), NotificationKind::Billing);
        assert_eq!(kind_of("order.stage_reached"), NotificationKind::OrderProgress);
        assert_eq!(kind_of("repair.ready"), NotificationKind::OrderProgress);
        assert_eq!(kind_of("booking.reminder_day"), NotificationKind::Reminders);
        assert_eq!(kind_of("maintenance.due"), NotificationKind::Reminders);
        assert_eq!(kind_of("health.battery_low"), NotificationKind::HealthAlerts);
        assert_eq!(kind_of("offers.new_feature"), NotificationKind::Offers);
    }

    #[test]
    fn security_goes_by_email_whatever_was_chosen_and_sms_needs_the_opt_in() {
        let everything = Channels { email: false, push: true, sms: true };
        assert_eq!(
            within_rules(NotificationKind::Security, everything, true),
            Channels { email: true, push: false, sms: false }
        );
        assert!(!within_rules(NotificationKind::HealthAlerts, everything, false).sms);
        assert!(within_rules(NotificationKind::HealthAlerts, everything, true).sms);
        assert_eq!(defaults(NotificationKind::Offers, true), Channels::NONE);
        assert!(defaults(NotificationKind::HealthAlerts, true).sms);
        assert!(!defaults(NotificationKind::HealthAlerts, false).sms);
    }
}
