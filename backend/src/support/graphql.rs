//! Support's desk over GraphQL (SUPPORT, ADMIN).

use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};
use entity::audit_events;

use super::service::{self, Found, TimelineOf};
use crate::accounts::graphql::User;
use crate::auth::Allow;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::error::ApiResult;
use crate::fleet::graphql::Vehicle;
use crate::graphql::context::{app, load_by_id, parse_id, viewer};
use crate::notifications::graphql::Notification;
use crate::orders::graphql::Order;
use crate::payments::graphql::Payment;

/// What a search found, each kind 20 at most.
pub struct SupportSearchResult(Found);

#[Object]
impl SupportSearchResult {
    /// People whose name or e-mail matches.
    async fn users(&self) -> Vec<User> {
        self.0.users.iter().cloned().map(User).collect()
    }

    /// Cars whose VIN or plate matches, and those of the people found.
    async fn vehicles(&self) -> Vec<Vehicle> {
        self.0.vehicles.iter().cloned().map(Vehicle::from).collect()
    }

    /// Orders whose number matches, and those of the people found.
    async fn orders(&self) -> Vec<Order> {
        self.0.orders.iter().cloned().map(Order).collect()
    }

    /// Payments whose gateway reference matches, and those of the people found.
    async fn payments(&self) -> Vec<Payment> {
        self.0.payments.iter().cloned().map(Payment).collect()
    }
}

/// One entry of the audit trail.
pub struct AuditEntry(audit_events::Model);

#[Object]
impl AuditEntry {
    /// What was done, e.g. `consent.grant`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// When.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// The person who did it (none for the platform itself or a partner key).
    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(id) = self.0.actor_user_id else { return Ok(None) };
        Ok(load_by_id::<entity::users::Entity>(ctx, id).await?.map(User))
    }

    /// The kind of thing it was done to, e.g. `vehicle`.
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }

    /// Its id.
    async fn subject_id(&self) -> &str {
        &self.0.subject_id
    }

    /// What else was recorded.
    async fn details(&self) -> Json<serde_json::Value> {
        Json(self.0.details.clone())
    }
}

/// Support queries.
#[derive(Default)]
pub struct SupportQuery;

#[Object]
impl SupportQuery {
    /// Customers, vehicles, orders and payments matching a name, e-mail, VIN, plate, order number
    /// or payment reference (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn support_search(&self, ctx: &Context<'_>, text: String) -> ApiResult<SupportSearchResult> {
        service::search(app(ctx), viewer(ctx), &text).await.map(SupportSearchResult)
    }

    /// A person's (`key`: their id) or a car's (`key`: its VIN) audit trail, newest first, 200 at
    /// most (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn timeline(&self, ctx: &Context<'_>, of: TimelineOf, key: String) -> ApiResult<Vec<AuditEntry>> {
        Ok(service::timeline(app(ctx), viewer(ctx), of, &key).await?.into_iter().map(AuditEntry).collect())
    }
}

/// Support mutations.
#[derive(Default)]
pub struct SupportMutation;

#[Object]
impl SupportMutation {
    /// Sends a failed e-mail again (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn resend_email(&self, ctx: &Context<'_>, notification_id: ID) -> ApiResult<Notification> {
        let id = parse_id(&notification_id, "notificationId")?;
        service::resend_email(app(ctx), viewer(ctx), id).await.map(Notification::from)
    }
}
