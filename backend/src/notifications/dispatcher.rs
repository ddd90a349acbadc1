//! The dispatcher: a background worker that renders queued notices in the recipient's language and
//! hands them to their channel — the mail server, the car's display, the push services of the
//! recipient's devices, the SMS provider — retrying with backoff; after the last attempt the
//! notification is marked FAILED with the error, where support can see it. Push and text messages
//! due in the recipient's quiet hours wait for their end.
//!
//! Each attempt is claimed with a conditional update, so several server instances can run it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use entity::{NotificationChannel, NotificationStatus, notification_settings, notifications, users};
use futures::StreamExt;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{channels, preferences, templates, unsubscribe};
use crate::app::{App, AppState};
use crate::domain::Locale;
use crate::integrations::mail::OutgoingMail;
use crate::platform::events::Topic;
use crate::platform::rounds;

/// How long a claimed attempt may take before another worker may try again.
const CLAIM: Duration = Duration::minutes(2);
/// How often the queue is looked at without a wake-up.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// The channels the dispatcher sends on (in-app notices are delivered when stored).
const DISPATCHED: [NotificationChannel; 4] =
    [NotificationChannel::Email, NotificationChannel::InCar, NotificationChannel::Push, NotificationChannel::Sms];

/// Messages claimed per round.
const BATCH: u64 = 64;

/// Messages of a batch sent at once: one per connection to the mail server. Each is a
/// conversation with the mail server, the car's API or a push service that mostly waits: sent one
/// after the other, the dispatcher managed about 50 a second, far behind an OTA engine that tells
/// hundreds of customers a second.
const SENDING_AT_ONCE: usize = crate::integrations::mail::smtp::CONNECTIONS as usize;

/// The payload key of a one-time password link's id: the address with its token is derived only
/// when the e-mail is composed, so no payload, stored body or log holds it.
pub const PASSWORD_LINK_KEY: &str = "passwordLinkId";

/// The payload key of a repair estimate's one-time approval link, derived the same way.
pub const ESTIMATE_LINK_KEY: &str = "estimateLinkId";
/// The payload key of an identity-link e-mail's link id (the link's token is derived from it when
/// the e-mail is sent).
pub const IDENTITY_LINK_KEY: &str = "identityLinkId";

/// The wait before attempt `attempt + 1`: 30 s, doubling, at most an hour.
pub fn backoff(attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.clamp(1, 8) - 1).unwrap_or(0);
    Duration::seconds(30 * 2_i64.pow(exponent)).min(Duration::hours(1))
}

/// Runs until `stop`: delivers due e-mails whenever one is queued, and every few seconds.
pub async fn run(app: AppState, stop: CancellationToken) {
    let mut queued = app.events.subscribe_topic(Topic::Mail);
    loop {
        if let Err(err) = drain(&app).await {
            tracing::warn!(error = %err, "e-mail dispatch failed; retrying");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            _ = queued.next() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Attempts rounds of due messages until a round finds less than a full batch, so that a backlog
/// is worked off at once — one round per wake-up or poll sent 50 messages every 2 s once the
/// wake-ups stopped. Answers how many were due. Every attempt moves its message's next
/// attempt into the future (claimed, or failed and backed off), so the rounds end.
pub async fn drain(app: &App) -> Result<usize, DbErr> {
    rounds::until_short(BATCH as usize, || deliver_due(app)).await
}

/// Attempts a batch of due e-mails once; answers how many were due (another worker may have claimed
/// some of them first: the batch was full all the same, so a backlog goes on). The due ones are claimed in
/// one statement, their recipients read in one, and those delivered marked in one: a few
/// statements for a batch instead of three for each message.
pub async fn deliver_due(app: &App) -> Result<usize, DbErr> {
    let now = app.clock.now();
    let due: Vec<Uuid> = notifications::Entity::find()
        .select_only()
        .column(notifications::Column::Id)
        .filter(notifications::Column::Channel.is_in(DISPATCHED))
        .filter(notifications::Column::Status.eq(NotificationStatus::Pending))
        .filter(notifications::Column::NextAttemptAt.lte(now))
        .order_by_asc(notifications::Column::NextAttemptAt)
        .limit(BATCH)
        .into_tuple()
        .all(&app.db)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let claimed = claim(app, &due, now).await?;
    let recipients = recipients_of(app, &claimed).await?;
    let settings = settings_of(app, &claimed).await?;
    let (count, recipients, settings) = (due.len(), &recipients, &settings);
    // Owned: futures borrowing the batch's items fail `tokio::spawn`'s bounds (a known limit of
    // the compiler's lifetime inference over async closures).
    let outcomes: Vec<_> = futures::stream::iter(claimed)
        .map(|notification| async move {
            let user = notification.user_id;
            let outcome = attempt(app, &notification, recipients.get(&user), settings.get(&user)).await;
            (notification, outcome)
        })
        .buffered(SENDING_AT_ONCE)
        .collect()
        .await;
    let mut delivered = Vec::new();
    for (notification, outcome) in outcomes {
        match outcome {
            Outcome::Sent => delivered.push(notification.id),
            Outcome::SentAs(provider_ref) => mark_sent_as(app, &notification, &provider_ref).await?,
            Outcome::Waits(until) => record_wait(app, &notification, until).await?,
            Outcome::NotSent(failure) => record_failure(app, &notification, failure).await?,
        }
    }
    mark_sent(app, &delivered).await?;
    Ok(count)
}

/// Claims the attempts of `due` that no other worker claimed since they were read (a claimed
/// one is not due again until its claim lapses), counting the attempt; answers them, oldest first.
async fn claim(app: &App, due: &[Uuid], now: DateTime<Utc>) -> Result<Vec<notifications::Model>, DbErr> {
    let mut claimed = notifications::Entity::update_many()
        .col_expr(notifications::Column::Attempts, Expr::col(notifications::Column::Attempts).add(1))
        .col_expr(notifications::Column::NextAttemptAt, Expr::value(now + CLAIM))
        .filter(notifications::Column::Id.is_in(due.iter().copied()))
        .filter(notifications::Column::Status.eq(NotificationStatus::Pending))
        .filter(notifications::Column::NextAttemptAt.lte(now))
        .exec_with_returning(&app.db)
        .await?;
    claimed.sort_by_key(|notification| (notification.created_at, notification.id));
    Ok(claimed)
}

/// The recipients of `claimed`, by id.
async fn recipients_of(app: &App, claimed: &[notifications::Model]) -> Result<HashMap<Uuid, users::Model>, DbErr> {
    let ids: HashSet<Uuid> = claimed.iter().map(|notification| notification.user_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let users = users::Entity::find().filter(users::Column::Id.is_in(ids)).all(&app.db).await?;
    Ok(users.into_iter().map(|user| (user.id, user)).collect())
}

/// The recipients' notification settings (quiet hours, phone) where a claimed message is a push
/// or a text message, by user id.
async fn settings_of(
    app: &App,
    claimed: &[notifications::Model],
) -> Result<HashMap<Uuid, notification_settings::Model>, DbErr> {
    let ids: HashSet<Uuid> = claimed
        .iter()
        .filter(|notification| matches!(notification.channel, NotificationChannel::Push | NotificationChannel::Sms))
        .map(|notification| notification.user_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = notification_settings::Entity::find()
        .filter(notification_settings::Column::UserId.is_in(ids))
        .all(&app.db)
        .await?;
    Ok(rows.into_iter().map(|settings| (settings.user_id, settings)).collect())
}

/// What became of an attempt.
enum Outcome {
    /// Handed over.
    Sent,
    /// Handed over; the provider's id of it, which its delivery receipt names.
    SentAs(String),
    /// In the recipient's quiet hours: it goes when they end.
    Waits(DateTime<Utc>),
    /// Not handed over.
    NotSent(channels::NotSent),
}

/// Delivers `notification` (claimed, its attempt counted) to `recipient`.
async fn attempt(
    app: &App,
    notification: &notifications::Model,
    recipient: Option<&users::Model>,
    settings: Option<&notification_settings::Model>,
) -> Outcome {
    let interrupts = matches!(notification.channel, NotificationChannel::Push | NotificationChannel::Sms);
    if let Some(until) =
        settings.filter(|_| interrupts).and_then(|settings| preferences::quiet_until(settings, app.clock.now()))
    {
        return Outcome::Waits(until);
    }
    let mail = match compose(app, notification, recipient) {
        Ok(mail) => mail,
        Err(error) => return Outcome::NotSent(channels::NotSent { error, retryable: false }),
    };
    let retryable = |error: String| Outcome::NotSent(channels::NotSent { error, retryable: true });
    match notification.channel {
        NotificationChannel::InCar => {
            let vin = notification.payload["vin"].as_str().unwrap_or_default();
            app.integrations
                .fleet
                .message(vin, &mail.subject)
                .await
                .map_or_else(|err| retryable(err.to_string()), |()| Outcome::Sent)
        }
        NotificationChannel::Push => {
            channels::push(app, notification, &mail).await.map_or_else(Outcome::NotSent, |()| Outcome::Sent)
        }
        NotificationChannel::Sms => {
            let text = sms_text(recipient, notification, &mail);
            channels::sms(app, notification, settings, text).await.map_or_else(Outcome::NotSent, Outcome::SentAs)
        }
        _ => {
            app.integrations.mailer.send(&mail).await.map_or_else(|err| retryable(err.to_string()), |()| Outcome::Sent)
        }
    }
}

/// A text message's words: the template's own `-sms` message where it has one, else its subject.
fn sms_text(recipient: Option<&users::Model>, notification: &notifications::Model, mail: &OutgoingMail) -> String {
    let locale = recipient.and_then(|user| Locale::from_tag(&user.locale)).unwrap_or_default();
    templates::render_sms(locale, &notification.template, &notification.payload).unwrap_or_else(|| mail.subject.clone())
}

/// Puts `notification` off until its recipient's quiet hours end; the attempt does not count.
async fn record_wait(app: &App, notification: &notifications::Model, until: DateTime<Utc>) -> Result<(), DbErr> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::NextAttemptAt, Expr::value(until))
        .col_expr(notifications::Column::Attempts, Expr::value(notification.attempts - 1))
        .filter(notifications::Column::Id.eq(notification.id))
        .exec(&app.db)
        .await?;
    Ok(())
}

/// Marks `notification` sent, keeping the provider's id of it for its delivery receipt.
async fn mark_sent_as(app: &App, notification: &notifications::Model, provider_ref: &str) -> Result<(), DbErr> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::Status, Expr::value(NotificationStatus::Sent))
        .col_expr(notifications::Column::SentAt, Expr::value(app.clock.now()))
        .col_expr(notifications::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(notifications::Column::ProviderRef, Expr::value(provider_ref.chars().take(64).collect::<String>()))
        .filter(notifications::Column::Id.eq(notification.id))
        .exec(&app.db)
        .await?;
    Ok(())
}

/// Schedules the next attempt of `notification`, or gives it up after the last.
async fn record_failure(
    app: &App,
    notification: &notifications::Model,
    failure: channels::NotSent,
) -> Result<(), DbErr> {
    let (now, attempt) = (app.clock.now(), notification.attempts);
    let update = notifications::Entity::update_many().filter(notifications::Column::Id.eq(notification.id));
    let update = if failure.retryable && attempt < app.config.mail_max_attempts as i32 {
        tracing::info!(notification = %notification.id, channel = ?notification.channel, attempt, error = %failure.error, "notice not delivered; will retry");
        update
            .col_expr(notifications::Column::NextAttemptAt, Expr::value(now + backoff(attempt)))
            .col_expr(notifications::Column::LastError, Expr::value(truncate(&failure.error)))
    } else {
        tracing::warn!(notification = %notification.id, channel = ?notification.channel, attempt, error = %failure.error, "notice given up");
        update
            .col_expr(notifications::Column::Status, Expr::value(NotificationStatus::Failed))
            .col_expr(notifications::Column::LastError, Expr::value(truncate(&failure.error)))
    };
    update.exec(&app.db).await?;
    Ok(())
}

/// Marks `delivered` as sent.
async fn mark_sent(app: &App, delivered: &[Uuid]) -> Result<(), DbErr> {
    if delivered.is_empty() {
        return Ok(());
    }
    notifications::Entity::update_many()
        .col_expr(notifications::Column::Status, Expr::value(NotificationStatus::Sent))
        .col_expr(notifications::Column::SentAt, Expr::value(app.clock.now()))
        .col_expr(notifications::Column::LastError, Expr::value(Option::<String>::None))
        .filter(notifications::Column::Id.is_in(delivered.iter().copied()))
        .exec(&app.db)
        .await?;
    Ok(())
}

fn truncate(error: &str) -> String {
    error.chars().take(300).collect()
}

/// The e-mail for a notification, or why there is none to send.
fn compose(
    app: &App,
    notification: &notifications::Model,
    recipient: Option<&users::Model>,
) -> Result<OutgoingMail, String> {
    let Some(user) = recipient else {
        return Err("the recipient no longer exists".into());
    };
    if user.erased_at.is_some() {
        return Err("the recipient's account was erased".into());
    }
    let locale = Locale::from_tag(&user.locale).unwrap_or_default();
    let mut payload = notification.payload.clone();
    let link_id = payload.get(PASSWORD_LINK_KEY).and_then(|id| id.as_str()).and_then(|id| id.parse().ok());
    if let Some(link_id) = link_id {
        payload["link"] = app.link_signer.password_link(&app.config.public_base(), link_id).into();
    }
    let estimate_link = payload.get(ESTIMATE_LINK_KEY).and_then(|id| id.as_str()).and_then(|id| id.parse().ok());
    if let Some(link_id) = estimate_link {
        payload["link"] = app.link_signer.estimate_link(&app.config.public_base(), link_id).into();
    }
    let identity_link = payload.get(IDENTITY_LINK_KEY).and_then(|id| id.as_str()).and_then(|id| id.parse().ok());
    if let Some(link_id) = identity_link {
        payload["link"] = app.link_signer.identity_link(&app.config.public_base(), link_id).into();
    }
    let Some(rendered) = templates::render(locale, &notification.template, &payload) else {
        return Err(format!("no template {}", notification.template));
    };
    let unsubscribe = (super::kinds::kind_of(&notification.template) == entity::NotificationKind::Offers)
        .then(|| unsubscribe::link(app, user.id));
    let body = match &unsubscribe {
        Some(link) => format!("{}\n\n{}", rendered.body, unsubscribe::footer(locale, link)),
        None => rendered.body,
    };
    Ok(OutgoingMail {
        to: user.email.clone(),
        to_name: user.name.clone(),
        subject: rendered.subject,
        body,
        unsubscribe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(20), Duration::hours(1));
    }
}
