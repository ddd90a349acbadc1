//! What support looks up and redoes.

use entity::{NotificationChannel, NotificationStatus, audit_events, notifications, orders, payments, users, vehicles};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::service::users_matching;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::domain::Vin;
use crate::error::{ApiError, ApiResult};
use crate::platform::db::{contains, search_needle};
use crate::platform::events::DomainEvent;

/// Most results of each kind.
const FOUND_MAX: u64 = 20;
/// Most entries of a timeline.
const TIMELINE_MAX: u64 = 200;

/// What one search found.
pub struct Found {
    /// People whose name or e-mail matches.
    pub users: Vec<users::Model>,
    /// Cars whose VIN or plate matches, or those of the people found.
    pub vehicles: Vec<vehicles::Model>,
    /// Orders whose number matches, or those of the people found.
    pub orders: Vec<orders::Model>,
    /// Payments whose gateway reference matches, or those of the people found.
    pub payments: Vec<payments::Model>,
}

/// Searches customers, vehicles, orders and payments by name, e-mail, VIN, plate, order number or
/// payment reference.
pub async fn search(app: &App, viewer: &Viewer, text: &str) -> ApiResult<Found> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let needle = search_needle(text);
    if !(2..=100).contains(&needle.chars().count()) {
        return Err(ApiError::bad_input("text", "search for 2 to 100 characters"));
    }
    let db = &app.db;
    let people = users_matching(&needle);
    let users = users::Entity::find()
        .filter(users::Column::Id.in_subquery(people.clone()))
        .filter(users::Column::ErasedAt.is_null())
        .order_by_asc(users::Column::Name)
        .limit(FOUND_MAX)
        .all(db)
        .await?;
    let vehicles = vehicles::Entity::find()
        .filter(
            Condition::any()
                .add(contains(vehicles::Column::Vin, &needle))
                .add(contains(vehicles::Column::Plate, &needle))
                .add(vehicles::Column::OwnerId.in_subquery(people.clone())),
        )
        .order_by_asc(vehicles::Column::Vin)
        .limit(FOUND_MAX)
        .all(db)
        .await?;
    let orders = orders::Entity::find()
        .filter(
            Condition::any()
                .add(contains(orders::Column::Number, &needle))
                .add(orders::Column::CustomerId.in_subquery(people.clone())),
        )
        .order_by_desc(orders::Column::CreatedAt)
        .limit(FOUND_MAX)
        .all(db)
        .await?;
    let payments = payments::Entity::find()
        .filter(
            Condition::any()
                .add(contains(payments::Column::ProviderRef, &needle))
                .add(payments::Column::PayerId.in_subquery(people)),
        )
        .order_by_desc(payments::Column::CreatedAt)
        .limit(FOUND_MAX)
        .all(db)
        .await?;
    Ok(Found { users, vehicles, orders, payments })
}

/// Whose timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum TimelineOf {
    /// A person, by id: what they did and what was done to their account.
    User,
    /// A car, by VIN: what was done to it.
    Vehicle,
}

/// The audit trail of a person or a car, newest first (200 at most).
pub async fn timeline(app: &App, viewer: &Viewer, of: TimelineOf, key: &str) -> ApiResult<Vec<audit_events::Model>> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let about = match of {
        TimelineOf::User => {
            let id: Uuid = key.trim().parse().map_err(|_| ApiError::bad_input("key", "not a user id"))?;
            Condition::any().add(audit_events::Column::ActorUserId.eq(id)).add(
                Condition::all()
                    .add(audit_events::Column::SubjectType.eq("user"))
                    .add(audit_events::Column::SubjectId.eq(id.to_string())),
            )
        }
        TimelineOf::Vehicle => {
            let vin = Vin::parse(key).map_err(|err| ApiError::bad_input("key", err.to_string()))?;
            let car = vehicles::Entity::find()
                .filter(vehicles::Column::Vin.eq(vin.as_str()))
                .one(&app.db)
                .await?
                .ok_or(ApiError::NotFound("vehicle"))?;
            Condition::all()
                .add(audit_events::Column::SubjectType.eq("vehicle"))
                .add(audit_events::Column::SubjectId.is_in([car.id.to_string(), car.vin]))
        }
    };
    Ok(audit_events::Entity::find()
        .filter(about)
        .order_by_desc(audit_events::Column::OccurredAt)
        // Ids are time-ordered (UUIDv7): entries of the same instant keep their order.
        .order_by_desc(audit_events::Column::Id)
        .limit(TIMELINE_MAX)
        .all(&app.db)
        .await?)
}

/// Sends a failed e-mail again: it goes back in the queue with its attempts counted afresh.
/// Audited.
pub async fn resend_email(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<notifications::Model> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let mail = notifications::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("notification"))?;
    if mail.channel != NotificationChannel::Email || mail.status != NotificationStatus::Failed {
        return Err(ApiError::Conflict("only an e-mail that failed is sent again".into()));
    }
    let now = app.clock.now();
    notifications::Entity::update_many()
        .col_expr(notifications::Column::Status, Expr::value(NotificationStatus::Pending))
        .col_expr(notifications::Column::Attempts, Expr::value(0))
        .col_expr(notifications::Column::NextAttemptAt, Expr::value(now))
        .filter(notifications::Column::Id.eq(id))
        .exec(&app.db)
        .await?;
    let subject = Subject { kind: "user", id: &mail.user_id.to_string() };
    audit::record(app, &app.db, viewer, "notification.resend", subject, json!({ "notification": id })).await?;
    // The answer is the e-mail as queued: once woken, the dispatcher may already be sending it.
    let queued =
        notifications::Model { status: NotificationStatus::Pending, attempts: 0, next_attempt_at: Some(now), ..mail };
    app.events.publish(DomainEvent::MailQueued).await;
    Ok(queued)
}
