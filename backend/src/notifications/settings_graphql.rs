//! GraphQL of the notification settings: channels per kind of notice, quiet hours, the phone for
//! text messages, and the devices that receive Web Push. Each person reads and changes only their
//! own.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{NotificationKind, push_devices};
use uuid::Uuid;

use super::devices::{self, NewDevice};
use super::kinds::{self, Channels};
use super::preferences::{self, Preferences, QuietHours as Hours};
use crate::auth::Allow;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, viewer};

/// The channels of one kind of notice (in the app it is always shown).
#[derive(SimpleObject)]
pub struct NotificationPreference {
    /// The kind of notice.
    kind: NotificationKind,
    /// By e-mail.
    email: bool,
    /// As a push notification on your devices.
    push: bool,
    /// By text message (needs a phone number and your opt-in).
    sms: bool,
    /// Whether e-mail cannot be switched off for this kind (security notices).
    email_required: bool,
}

impl NotificationPreference {
    fn of(kind: NotificationKind, channels: Channels) -> Self {
        let Channels { email, push, sms } = channels;
        Self { kind, email, push, sms, email_required: kinds::email_required(kind) }
    }
}

/// Hours without push or SMS, in a time zone.
#[derive(SimpleObject)]
pub struct QuietHours {
    /// Start, `HH:MM`.
    from: String,
    /// End, `HH:MM` (the next day when before the start).
    until: String,
    /// IANA time zone, e.g. `Europe/Madrid`.
    time_zone: String,
}

/// Someone's notification preferences.
pub struct NotificationPreferences(Preferences);

/// Someone's notification preferences.
#[Object]
impl NotificationPreferences {
    /// Each kind of notice with its channels.
    async fn kinds(&self) -> Vec<NotificationPreference> {
        self.0.kinds.iter().map(|(kind, channels)| NotificationPreference::of(*kind, *channels)).collect()
    }

    /// No push or SMS in these hours; they wait until the end.
    async fn quiet_hours(&self) -> Option<QuietHours> {
        self.0.quiet_hours().map(|hours| QuietHours {
            from: hours.from,
            until: hours.until,
            time_zone: hours.time_zone,
        })
    }

    /// The phone text messages go to (E.164).
    async fn phone(&self) -> Option<&str> {
        self.0.settings.as_ref().and_then(|settings| settings.sms_phone.as_deref())
    }

    /// Whether text messages are wanted at all.
    async fn sms_opt_in(&self) -> bool {
        preferences::sms_wanted(self.0.settings.as_ref())
    }
}

/// A device that receives push notifications.
pub struct PushDevice(push_devices::Model);

/// A device that receives push notifications.
#[Object]
impl PushDevice {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// A name for it (the browser and system).
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When a push last reached it.
    async fn last_pushed_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_pushed_at
    }
}

/// The channels chosen for one kind of notice.
#[derive(InputObject)]
pub struct NotificationPreferenceInput {
    /// The kind of notice.
    kind: NotificationKind,
    /// By e-mail (always on for security notices).
    email: bool,
    /// As a push notification on your devices.
    push: bool,
    /// By text message (needs an opted-in phone).
    sms: bool,
}

/// Quiet hours to set.
#[derive(InputObject)]
pub struct QuietHoursInput {
    /// Start, `HH:MM`.
    from: String,
    /// End, `HH:MM` (the next day when before the start).
    until: String,
    /// IANA time zone, e.g. `Europe/Madrid`.
    time_zone: String,
}

/// The phone for text messages and the opt-in.
#[derive(InputObject)]
pub struct SmsNumberInput {
    /// An international number (E.164 once normalised); null removes it.
    phone: Option<String>,
    /// Whether you want text messages.
    opt_in: bool,
}

/// A browser's push subscription to register.
#[derive(InputObject)]
pub struct RegisterPushDeviceInput {
    /// `subscription.endpoint`.
    endpoint: String,
    /// `subscription.keys.p256dh`, base64url.
    #[graphql(name = "p256dh")]
    p256dh: String,
    /// `subscription.keys.auth`, base64url.
    auth: String,
    /// A name for the device.
    label: Option<String>,
}

/// Notification settings queries.
#[derive(Default)]
pub struct NotificationSettingsQuery;

#[Object]
impl NotificationSettingsQuery {
    /// Your notification preferences: per kind of notice, the channels; quiet hours; the phone for SMS.
    #[graphql(guard = "Allow::any_user()")]
    async fn my_notification_preferences(&self, ctx: &Context<'_>) -> ApiResult<NotificationPreferences> {
        preferences::mine(app(ctx), viewer(ctx)).await.map(NotificationPreferences)
    }

    /// The devices you receive push notifications on.
    #[graphql(guard = "Allow::any_user()")]
    async fn my_push_devices(&self, ctx: &Context<'_>) -> ApiResult<Vec<PushDevice>> {
        Ok(devices::mine(app(ctx), viewer(ctx)).await?.into_iter().map(PushDevice).collect())
    }

    /// The server's VAPID public key (base64url, an uncompressed P-256 point) for
    /// `PushManager.subscribe`; null when push is not configured.
    async fn push_public_key(&self, ctx: &Context<'_>) -> Option<String> {
        app(ctx).integrations.push.public_key()
    }
}

/// Notification settings mutations.
#[derive(Default)]
pub struct NotificationSettingsMutation;

#[Object]
impl NotificationSettingsMutation {
    /// Chooses the channels of one kind of notice (security notices always go by e-mail).
    #[graphql(guard = "Allow::any_user()")]
    async fn set_notification_preference(
        &self,
        ctx: &Context<'_>,
        input: NotificationPreferenceInput,
    ) -> ApiResult<NotificationPreference> {
        let chosen = Channels { email: input.email, push: input.push, sms: input.sms };
        let channels = preferences::choose(app(ctx), viewer(ctx), input.kind, chosen).await?;
        Ok(NotificationPreference::of(input.kind, channels))
    }

    /// Sets your quiet hours (no push or SMS in them; they wait until the end); null clears them.
    #[graphql(guard = "Allow::any_user()")]
    async fn set_quiet_hours(
        &self,
        ctx: &Context<'_>,
        input: Option<QuietHoursInput>,
    ) -> ApiResult<NotificationPreferences> {
        let hours = input.map(|input| Hours { from: input.from, until: input.until, time_zone: input.time_zone });
        preferences::set_quiet_hours(app(ctx), viewer(ctx), hours).await?;
        preferences::mine(app(ctx), viewer(ctx)).await.map(NotificationPreferences)
    }

    /// Sets the phone number text messages go to (E.164, e.g. +34600123456), and whether you want
    /// them (opt-in); a null phone removes it.
    #[graphql(guard = "Allow::any_user()")]
    async fn set_sms_number(&self, ctx: &Context<'_>, input: SmsNumberInput) -> ApiResult<NotificationPreferences> {
        preferences::set_sms_number(app(ctx), viewer(ctx), input.phone.as_deref(), input.opt_in).await?;
        preferences::mine(app(ctx), viewer(ctx)).await.map(NotificationPreferences)
    }

    /// Registers this browser's push subscription (`PushSubscription.toJSON()`); registering the
    /// same endpoint again updates it.
    #[graphql(guard = "Allow::any_user()")]
    async fn register_push_device(&self, ctx: &Context<'_>, input: RegisterPushDeviceInput) -> ApiResult<PushDevice> {
        let device = NewDevice { endpoint: input.endpoint, p256dh: input.p256dh, auth: input.auth, label: input.label };
        devices::register(app(ctx), viewer(ctx), device).await.map(PushDevice)
    }

    /// Stops push notifications to one of your devices.
    #[graphql(guard = "Allow::any_user()")]
    async fn remove_push_device(&self, ctx: &Context<'_>, id: ID) -> ApiResult<bool> {
        let id: Uuid = id.parse().map_err(|_| ApiError::bad_input("id", "not a device id"))?;
        devices::remove(app(ctx), viewer(ctx), id).await
    }
}
