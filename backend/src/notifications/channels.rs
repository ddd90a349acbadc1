//! Sending one rendered notice as a Web Push to each of the recipient's devices, or as a text
//! message to the phone they opted in with. The dispatcher claims, retries and records; this says
//! what happened.

use entity::{notification_settings, notifications, push_devices};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::preferences::sms_wanted;
use crate::app::App;
use crate::integrations::mail::OutgoingMail;
use crate::integrations::push::{PushError, PushMessage, PushSubscription};
use crate::integrations::sms::{OutgoingSms, SmsError};

/// How long a push service keeps a notice for a device that is off: a day, after which the notice
/// is stale (the app shows it anyway).
const PUSH_TTL_SECONDS: u32 = 24 * 60 * 60;

/// A notice that did not go, and whether trying again may help.
pub struct NotSent {
    /// Why, for support (no addresses or keys).
    pub error: String,
    /// Whether another attempt may succeed.
    pub retryable: bool,
}

impl NotSent {
    fn final_(error: impl Into<String>) -> Self {
        Self { error: error.into(), retryable: false }
    }
}

/// Pushes `rendered` to every device of the recipient of `notification`. Sent when one device took
/// it; a subscription its push service says is gone is removed; not sent (retryable) when the
/// services were unavailable.
pub async fn push(app: &App, notification: &notifications::Model, rendered: &OutgoingMail) -> Result<(), NotSent> {
    let devices = push_devices::Entity::find()
        .filter(push_devices::Column::UserId.eq(notification.user_id))
        .all(&app.db)
        .await
        .map_err(|err| NotSent { error: format!("devices not read: {err}"), retryable: true })?;
    if devices.is_empty() {
        return Err(NotSent::final_("no push device registered"));
    }
    let message = PushMessage {
        title: rendered.subject.clone(),
        body: summary(&rendered.body),
        url: Some(link_of(notification)),
        tag: notification.template.clone(),
    };
    let (mut delivered, mut gone, mut failure) = (Vec::new(), Vec::new(), None);
    for device in &devices {
        let subscription = PushSubscription {
            endpoint: device.endpoint.clone(),
            p256dh: device.p256dh.clone(),
            auth: device.auth.clone(),
        };
        match app.integrations.push.send(&subscription, &message, PUSH_TTL_SECONDS).await {
            Ok(()) => delivered.push(device.id),
            Err(PushError::Gone) => gone.push(device.id),
            Err(PushError::Rejected(error)) => failure = failure.or(Some(NotSent::final_(error))),
            Err(PushError::Unavailable(error)) => failure = Some(NotSent { error, retryable: true }),
        }
    }
    record_devices(app, &delivered, &gone).await;
    if !delivered.is_empty() {
        return Ok(());
    }
    Err(failure.unwrap_or_else(|| NotSent::final_("every device's subscription has expired")))
}

/// Marks `delivered` devices pushed to and removes those whose subscription is `gone`. A failure
/// here only loses a timestamp or leaves a device to be removed at the next push.
async fn record_devices(app: &App, delivered: &[uuid::Uuid], gone: &[uuid::Uuid]) {
    if !gone.is_empty() {
        let removed = push_devices::Entity::delete_many()
            .filter(push_devices::Column::Id.is_in(gone.iter().copied()))
            .exec(&app.db)
            .await;
        if let Err(err) = removed {
            tracing::warn!(error = %err, "expired push subscriptions not removed");
        }
    }
    if !delivered.is_empty() {
        let marked = push_devices::Entity::update_many()
            .col_expr(push_devices::Column::LastPushedAt, Expr::value(app.clock.now()))
            .filter(push_devices::Column::Id.is_in(delivered.iter().copied()))
            .exec(&app.db)
            .await;
        if let Err(err) = marked {
            tracing::warn!(error = %err, "push devices not marked");
        }
    }
}

/// Sends `text` to the phone the recipient opted in with; answers the provider's id of the message,
/// which its delivery receipt names.
pub async fn sms(
    app: &App,
    notification: &notifications::Model,
    settings: Option<&notification_settings::Model>,
    text: String,
) -> Result<String, NotSent> {
    let phone = settings.filter(|settings| sms_wanted(Some(settings))).and_then(|settings| settings.sms_phone.clone());
    let Some(to) = phone else {
        return Err(NotSent::final_("the recipient has no phone opted in to text messages"));
    };
    let sms = OutgoingSms {
        to,
        body: text,
        reference: notification.id,
        status_callback: format!("{}/webhooks/sms", app.config.public_base()),
    };
    match app.integrations.sms.send(&sms).await {
        Ok(sent) => Ok(sent.provider_id),
        Err(SmsError::InvalidNumber) => Err(NotSent::final_("the provider refused the phone number")),
        Err(SmsError::Rejected(error)) => Err(NotSent::final_(error)),
        Err(SmsError::Unavailable(error)) => Err(NotSent { error, retryable: true }),
    }
}

/// The app's page a notice opens on: the car it is about, else the notifications.
fn link_of(notification: &notifications::Model) -> String {
    match notification.payload.get("vin").and_then(|vin| vin.as_str()) {
        Some(vin) if !vin.is_empty() => format!("/vehicles/{vin}"),
        _ => "/notifications".to_owned(),
    }
}

/// The body of a notice for a lock screen: its first paragraph after the greeting, at most 240
/// characters.
fn summary(body: &str) -> String {
    let mut paragraphs = body.split("\n\n").map(str::trim).filter(|paragraph| !paragraph.is_empty());
    let first = paragraphs.next().unwrap_or_default();
    let text = if first.ends_with([',', ':']) { paragraphs.next().unwrap_or(first) } else { first };
    let mut summary: String = text.chars().take(240).collect();
    if text.chars().count() > 240 {
        summary.pop();
        summary.push('…');
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_screen_gets_the_first_paragraph_after_the_greeting() {
        assert_eq!(summary("Hello Anna,\n\nYour car is ready.\n\nRegards"), "Your car is ready.");
        assert_eq!(summary("Heated seats is on in your car."), "Heated seats is on in your car.");
        let long = "x".repeat(300);
        assert_eq!(summary(&long).chars().count(), 240);
        assert!(summary(&long).ends_with('…'));
    }
}
