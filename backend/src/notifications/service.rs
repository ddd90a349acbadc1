//! Creating and reading notifications.

use entity::{NotificationChannel, NotificationStatus, notifications};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;

use super::{kinds, preferences};
use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageArgs, keyset};
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;

/// Notifies `user_id` on each of `channels`: in-app notifications are stored as sent and pushed to
/// live subscribers; the others are queued for the dispatcher, which renders and sends them with
/// retries — the caller never waits for a mail server. `EMAIL` among `channels` stands for the
/// channels beyond the app that the user chose for the template's kind of notice (e-mail, push,
/// text message; their defaults when they chose nothing).
pub async fn notify(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    user_id: Uuid,
    template: &str,
    payload: Value,
    channels: &[NotificationChannel],
) -> ApiResult<()> {
    let channels = &chosen_channels(db, user_id, template, channels).await?;
    if channels.is_empty() {
        return Ok(());
    }
    let now = app.clock.now();
    let in_app_id = Uuid::now_v7();
    let row = |channel: NotificationChannel| {
        let in_app = channel == NotificationChannel::InApp;
        notifications::ActiveModel {
            id: Set(if in_app { in_app_id } else { Uuid::now_v7() }),
            user_id: Set(user_id),
            channel: Set(channel),
            template: Set(template.to_owned()),
            payload: Set(payload.clone()),
            status: Set(if in_app { NotificationStatus::Sent } else { NotificationStatus::Pending }),
            attempts: Set(0),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(in_app.then_some(now)),
            read_at: Set(None),
            next_attempt_at: Set((!in_app).then_some(now)),
            provider_ref: Set(None),
            delivered_at: Set(None),
        }
    };
    // Every channel in one statement.
    notifications::Entity::insert_many(channels.iter().map(|channel| row(*channel))).exec_without_returning(db).await?;
    if channels.contains(&NotificationChannel::InApp) {
        outbox.push(DomainEvent::NotificationCreated { user_id, notification_id: in_app_id });
    }
    if channels.iter().any(|channel| *channel != NotificationChannel::InApp) {
        // One wake-up call for the dispatcher, however many of its channels were queued.
        outbox.push(DomainEvent::MailQueued);
    }
    Ok(())
}

/// `channels` with `EMAIL` replaced by the channels `user_id` chose for `template`'s kind.
async fn chosen_channels(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    template: &str,
    channels: &[NotificationChannel],
) -> ApiResult<Vec<NotificationChannel>> {
    let mut chosen: Vec<_> =
        channels.iter().copied().filter(|channel| *channel != NotificationChannel::Email).collect();
    if channels.contains(&NotificationChannel::Email) {
        let beyond_the_app = preferences::channels_for(db, user_id, kinds::kind_of(template)).await?;
        let wanted = [
            (beyond_the_app.email, NotificationChannel::Email),
            (beyond_the_app.push, NotificationChannel::Push),
            (beyond_the_app.sms, NotificationChannel::Sms),
        ];
        chosen.extend(wanted.into_iter().filter_map(|(on, channel)| on.then_some(channel)));
    }
    Ok(chosen)
}

/// In the app and by e-mail: how customers hear about their orders.
pub const APP_AND_EMAIL: &[NotificationChannel] = &[NotificationChannel::InApp, NotificationChannel::Email];

/// A page of the signed-in user's in-app notifications, newest first.
pub async fn my_notifications(
    app: &App,
    viewer: &Viewer,
    args: &PageArgs,
    unread_only: bool,
) -> ApiResult<Page<notifications::Model>> {
    let me = viewer.user()?;
    let mut select = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(me.id))
        .filter(notifications::Column::Channel.eq(NotificationChannel::InApp));
    if unread_only {
        select = select.filter(notifications::Column::ReadAt.is_null());
    }
    let rows = keyset(select, notifications::Column::Id, Order::Desc, args.after_uuid()?, args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |notification| notification.id.to_string()))
}

/// Marks one of the signed-in user's notifications read.
pub async fn mark_read(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<notifications::Model> {
    let me = viewer.user()?;
    let notification = notifications::Entity::find_by_id(id)
        .filter(notifications::Column::UserId.eq(me.id))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("notification"))?;
    if notification.read_at.is_some() {
        return Ok(notification);
    }
    let mut active: notifications::ActiveModel = notification.into();
    active.read_at = Set(Some(app.clock.now()));
    Ok(active.update(&app.db).await?)
}

/// Marks all of the signed-in user's notifications read; returns how many changed.
pub async fn mark_all_read(app: &App, viewer: &Viewer) -> ApiResult<u64> {
    let me = viewer.user()?;
    let result = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(app.clock.now()))
        .filter(notifications::Column::UserId.eq(me.id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(&app.db)
        .await?;
    Ok(result.rows_affected)
}

/// A page of notifications in `status` on pushed channels (e-mail…), newest first: what support
/// looks at when a message did not reach someone.
pub async fn deliveries(
    app: &App,
    viewer: &Viewer,
    status: NotificationStatus,
    args: &PageArgs,
) -> ApiResult<Page<notifications::Model>> {
    viewer.user_with_role(crate::auth::viewer::PLATFORM_STAFF)?;
    let select = notifications::Entity::find()
        .filter(notifications::Column::Channel.ne(NotificationChannel::InApp))
        .filter(notifications::Column::Status.eq(status));
    let rows = keyset(select, notifications::Column::Id, Order::Desc, args.after_uuid()?, args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |notification| notification.id.to_string()))
}

/// One of the user's notifications by id, for the live stream.
pub async fn find_for_user(app: &App, user_id: Uuid, id: Uuid) -> ApiResult<Option<notifications::Model>> {
    Ok(notifications::Entity::find_by_id(id).filter(notifications::Column::UserId.eq(user_id)).one(&app.db).await?)
}
