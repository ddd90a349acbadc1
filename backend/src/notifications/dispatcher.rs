//! The dispatcher: a background worker that renders queued e-mails (and messages for the car's
//! display) in the recipient's language and hands them to the mail server (or the car), retrying with backoff; after the last attempt the notification
//! is marked FAILED with the error, where support can see it.
//!
//! Each attempt is claimed with a conditional update, so several server instances can run it.

use chrono::Duration;
use entity::{NotificationChannel, NotificationStatus, notifications, users};
use futures::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio_util::sync::CancellationToken;

use super::templates;
use crate::app::{App, AppState};
use crate::domain::Locale;
use crate::integrations::mail::OutgoingMail;
use crate::platform::events::Topic;

/// How long a claimed attempt may take before another worker may try again.
const CLAIM: Duration = Duration::minutes(2);
/// How often the queue is looked at without a wake-up.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);

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
        if let Err(err) = deliver_due(&app).await {
            tracing::warn!(error = %err, "e-mail dispatch failed; retrying");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            _ = queued.next() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Attempts every due e-mail once; returns how many were attempted.
pub async fn deliver_due(app: &App) -> Result<usize, DbErr> {
    let now = app.clock.now();
    let due = notifications::Entity::find()
        .filter(notifications::Column::Channel.is_in([NotificationChannel::Email, NotificationChannel::InCar]))
        .filter(notifications::Column::Status.eq(NotificationStatus::Pending))
        .filter(notifications::Column::NextAttemptAt.lte(now))
        .order_by_asc(notifications::Column::NextAttemptAt)
        .limit(50)
        .all(&app.db)
        .await?;
    let mut attempted = 0;
    for notification in due {
        if claim(app, &notification).await? {
            attempt(app, notification).await?;
            attempted += 1;
        }
    }
    Ok(attempted)
}

async fn claim(app: &App, notification: &notifications::Model) -> Result<bool, DbErr> {
    let claimed = notifications::Entity::update_many()
        .col_expr(notifications::Column::Attempts, Expr::value(notification.attempts + 1))
        .col_expr(notifications::Column::NextAttemptAt, Expr::value(app.clock.now() + CLAIM))
        .filter(notifications::Column::Id.eq(notification.id))
        .filter(notifications::Column::Attempts.eq(notification.attempts))
        .filter(notifications::Column::Status.eq(NotificationStatus::Pending))
        .exec(&app.db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

async fn attempt(app: &App, notification: notifications::Model) -> Result<(), DbErr> {
    let attempt = notification.attempts + 1;
    let outcome = match compose(app, &notification).await? {
        Ok(mail) if notification.channel == NotificationChannel::InCar => {
            let vin = notification.payload["vin"].as_str().unwrap_or_default().to_owned();
            app.integrations.fleet.message(&vin, &mail.subject).await.map_err(|err| (err.to_string(), true))
        }
        Ok(mail) => app.integrations.mailer.send(&mail).await.map_err(|err| (err.to_string(), true)),
        Err(reason) => Err((reason, false)),
    };
    let now = app.clock.now();
    let update = notifications::Entity::update_many().filter(notifications::Column::Id.eq(notification.id));
    let update = match outcome {
        Ok(()) => update
            .col_expr(notifications::Column::Status, Expr::value(NotificationStatus::Sent))
            .col_expr(notifications::Column::SentAt, Expr::value(now))
            .col_expr(notifications::Column::LastError, Expr::value(Option::<String>::None)),
        Err((error, retryable)) if retryable && attempt < app.config.mail_max_attempts as i32 => {
            tracing::info!(notification = %notification.id, attempt, %error, "e-mail not delivered; will retry");
            update
                .col_expr(notifications::Column::NextAttemptAt, Expr::value(now + backoff(attempt)))
                .col_expr(notifications::Column::LastError, Expr::value(truncate(&error)))
        }
        Err((error, _)) => {
            tracing::warn!(notification = %notification.id, attempt, %error, "e-mail given up");
            update
                .col_expr(notifications::Column::Status, Expr::value(NotificationStatus::Failed))
                .col_expr(notifications::Column::LastError, Expr::value(truncate(&error)))
        }
    };
    update.exec(&app.db).await?;
    Ok(())
}

fn truncate(error: &str) -> String {
    error.chars().take(300).collect()
}

/// The e-mail for a notification, or why there is none to send.
async fn compose(app: &App, notification: &notifications::Model) -> Result<Result<OutgoingMail, String>, DbErr> {
    let Some(user) = users::Entity::find_by_id(notification.user_id).one(&app.db).await? else {
        return Ok(Err("the recipient no longer exists".into()));
    };
    if user.erased_at.is_some() {
        return Ok(Err("the recipient's account was erased".into()));
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
        return Ok(Err(format!("no template {}", notification.template)));
    };
    Ok(Ok(OutgoingMail { to: user.email, to_name: user.name, subject: rendered.subject, body: rendered.body }))
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
