//! GraphQL types, queries, mutations and the live subscription of notifications.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Json, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{NotificationChannel, NotificationStatus, notifications};
use futures::stream::{Stream, StreamExt};
use uuid::Uuid;

use super::{service, templates};
use crate::app::AppState;
use crate::auth::Allow;
use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::connection;
use crate::graphql::context::{app, locale, viewer};
use crate::pagination::PageArgs;
use crate::platform::events::{DomainEvent, Topic};

// Its own fields are those of `NotificationFields`; the accounts domain adds `recipient`
// (`#[ComplexObject] impl Notification`), so that notifications never import accounts.
/// A message to the user.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Notification {
    #[graphql(flatten)]
    fields: NotificationFields,
}

impl Notification {
    /// The notification's row.
    pub fn row(&self) -> &notifications::Model {
        &self.fields.0
    }
}

impl From<notifications::Model> for Notification {
    fn from(row: notifications::Model) -> Self {
        Self { fields: NotificationFields(row) }
    }
}

/// The fields of [`Notification`] that notifications know.
pub struct NotificationFields(notifications::Model);

#[Object]
impl NotificationFields {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The channel it was sent on.
    async fn channel(&self) -> NotificationChannel {
        self.0.channel
    }

    /// What it is about, e.g. `order.stage_reached`; the app renders it in the user's language.
    async fn template(&self) -> &str {
        &self.0.template
    }

    /// The facts the template needs (order number, stage, feature…).
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(self.0.payload.clone())
    }

    /// Delivery state (in-app notifications are delivered when stored).
    async fn status(&self) -> NotificationStatus {
        self.0.status
    }

    /// Delivery attempts so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// Why the last delivery attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// Title in the reader's language.
    async fn title(&self, ctx: &Context<'_>) -> String {
        self.rendered(ctx).map(|r| r.subject).unwrap_or_else(|| self.0.template.clone())
    }

    /// Text in the reader's language.
    async fn body(&self, ctx: &Context<'_>) -> String {
        self.rendered(ctx).map(|r| r.body).unwrap_or_default()
    }

    /// Whether the user has read it.
    async fn read(&self) -> bool {
        self.0.read_at.is_some()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was handed to its channel (the mail server, a push service, the SMS provider).
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }

    /// When the SMS provider reported a text message delivered to the handset.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
}

impl NotificationFields {
    fn rendered(&self, ctx: &Context<'_>) -> Option<templates::Rendered> {
        templates::render(locale(ctx), &self.0.template, &self.0.payload)
    }
}

fn parse_id(id: &ID) -> ApiResult<Uuid> {
    id.parse().map_err(|_| ApiError::bad_input("id", "not a notification id"))
}

/// Notification queries.
#[derive(Default)]
pub struct NotificationsQuery;

#[Object]
impl NotificationsQuery {
    /// Your in-app notifications, newest first.
    #[graphql(
        guard = "Allow::any_user()",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
        #[graphql(default = false)] unread_only: bool,
    ) -> ApiResult<Connection<String, Notification>> {
        let args = PageArgs::parse(after, first)?;
        let page = service::my_notifications(app(ctx), viewer(ctx), &args, unread_only).await?;
        Ok(connection(page, Notification::from))
    }

    /// E-mails (and other pushed messages) in a delivery state, newest first — FAILED ones are those
    /// that never reached their recipient (SUPPORT, ADMIN).
    #[graphql(
        guard = "Allow::users(crate::auth::viewer::PLATFORM_STAFF)",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn notification_deliveries(
        &self,
        ctx: &Context<'_>,
        status: NotificationStatus,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Notification>> {
        let args = PageArgs::parse(after, first)?;
        Ok(connection(service::deliveries(app(ctx), viewer(ctx), status, &args).await?, Notification::from))
    }
}

/// Notification mutations.
#[derive(Default)]
pub struct NotificationsMutation;

#[Object]
impl NotificationsMutation {
    /// Marks one of your notifications read.
    #[graphql(guard = "Allow::any_user()")]
    async fn mark_notification_read(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Notification> {
        service::mark_read(app(ctx), viewer(ctx), parse_id(&id)?).await.map(Notification::from)
    }

    /// Marks all your notifications read; returns how many changed.
    #[graphql(guard = "Allow::any_user()")]
    async fn mark_all_notifications_read(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        service::mark_all_read(app(ctx), viewer(ctx)).await
    }
}

/// Live notification stream.
#[derive(Default)]
pub struct NotificationsSubscription;

#[Subscription]
impl NotificationsSubscription {
    /// Your new notifications, as they are created.
    #[graphql(guard = "Allow::any_user()")]
    async fn notifications(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = Notification> + use<>, ApiError> {
        let user_id = viewer(ctx).user()?.id;
        let app: AppState = ctx.data_unchecked::<AppState>().clone();
        let events = app.events.subscribe_topic(Topic::User(user_id));
        Ok(events.filter_map(move |(_, event)| {
            let app = app.clone();
            async move {
                let DomainEvent::NotificationCreated { user_id: recipient, notification_id } = event else {
                    return None;
                };
                if recipient != user_id {
                    return None;
                }
                match service::find_for_user(&app, user_id, notification_id).await {
                    Ok(found) => found.map(Notification::from),
                    Err(err) => {
                        tracing::warn!(error = ?err, "could not load a notification for a subscriber");
                        None
                    }
                }
            }
        }))
    }
}
