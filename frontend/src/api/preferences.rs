//! The answer of `NotificationPreferences` — per kind of notice its channels, the quiet hours,
//! the phone for text messages, the devices push notifications go to and the server's push key —
//! read field by field (see `api::workshop`). Enum values are read as text.

use wasm_bindgen::JsValue;

use super::json::{Answer, flag, list, maybe_text, object, text};

/// The channels of one kind of notice.
#[derive(Clone, Debug, PartialEq)]
pub struct KindChannels {
    /// `BILLING`, `SECURITY`…
    pub kind: String,
    /// By e-mail.
    pub email: bool,
    /// As a push notification.
    pub push: bool,
    /// By text message.
    pub sms: bool,
    /// Whether e-mail cannot be switched off (security notices).
    pub email_required: bool,
}

/// Hours without push or SMS.
#[derive(Clone, Debug, PartialEq)]
pub struct QuietHours {
    /// Start, `HH:MM`.
    pub from: String,
    /// End, `HH:MM`.
    pub until: String,
    /// IANA time zone.
    pub time_zone: String,
}

/// A device push notifications go to.
#[derive(Clone, Debug, PartialEq)]
pub struct PushDevice {
    /// Stable id.
    pub id: String,
    /// Its name ("Chrome on Android").
    pub label: String,
    /// When it was registered.
    pub created_at: String,
    /// When a push last reached it.
    pub last_pushed_at: Option<String>,
}

/// The notification settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Preferences {
    /// Each kind of notice with its channels.
    pub kinds: Vec<KindChannels>,
    /// The quiet hours, if set.
    pub quiet_hours: Option<QuietHours>,
    /// The phone text messages go to (E.164).
    pub phone: Option<String>,
    /// Whether text messages are wanted at all.
    pub sms_opt_in: bool,
    /// The devices push notifications go to.
    pub devices: Vec<PushDevice>,
    /// The server's public key for push subscriptions; none when push is not set up.
    pub push_key: Option<String>,
}

impl Answer for Preferences {
    fn read(data: &JsValue) -> Option<Self> {
        let preferences = object(data, "myNotificationPreferences")?;
        let kind = |v: &JsValue| KindChannels {
            kind: text(v, "kind"),
            email: flag(v, "email"),
            push: flag(v, "push"),
            sms: flag(v, "sms"),
            email_required: flag(v, "emailRequired"),
        };
        let device = |v: &JsValue| PushDevice {
            id: text(v, "id"),
            label: text(v, "label"),
            created_at: text(v, "createdAt"),
            last_pushed_at: maybe_text(v, "lastPushedAt"),
        };
        let quiet = |v: JsValue| QuietHours {
            from: text(&v, "from"),
            until: text(&v, "until"),
            time_zone: text(&v, "timeZone"),
        };
        Some(Self {
            kinds: list(&preferences, "kinds", kind),
            quiet_hours: object(&preferences, "quietHours").map(quiet),
            phone: maybe_text(&preferences, "phone").filter(|phone| !phone.is_empty()),
            sms_opt_in: flag(&preferences, "smsOptIn"),
            devices: list(data, "myPushDevices", device),
            push_key: maybe_text(data, "pushPublicKey").filter(|key| !key.is_empty()),
        })
    }
}
