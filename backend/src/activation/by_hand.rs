//! Support's hands-on tools: a feature switched on or off in a car by hand, with a reason, audited
//! and never charged; tickets assigned and commented.

use entity::{
    ActivationStatus, DurationKind, OtaCommand, TicketStatus, activations, features, support_tickets, ticket_comments,
    users,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::billing::start_deactivation;
use super::end_reason::EndReason;
use super::jobs;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::fleet::service::vehicle_for;
use crate::platform::db::begin_write;
use crate::platform::events::{ActivationPhase, DomainEvent};
use crate::platform::outbox::Outbox;
use crate::policy::{Access, LIVE_STATUSES};

fn check_reason(reason: &str) -> ApiResult<String> {
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return Err(ApiError::bad_input("reason", "say why in 5 to 500 characters"));
    }
    Ok(reason.to_owned())
}

/// Switches feature `code` on (`on`) or off in car `vin` by hand: on, a free permanent activation
/// goes out over the air; off, the live one is switched off. Audited with `reason`; no charge.
pub async fn switch(
    app: &App,
    viewer: &Viewer,
    vin: &str,
    code: &str,
    on: bool,
    reason: &str,
) -> ApiResult<activations::Model> {
    let staff = viewer.user_with_role(PLATFORM_STAFF)?;
    let reason = check_reason(reason)?;
    let car = vehicle_for(app, viewer, vin, Access::History).await?;
    let feature = features::Entity::find()
        .filter(features::Column::Code.eq(code.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("feature"))?;
    let live = activations::Entity::find()
        .filter(activations::Column::VehicleId.eq(car.id))
        .filter(activations::Column::FeatureId.eq(feature.id))
        .filter(activations::Column::Status.is_in(LIVE_STATUSES))
        .one(&app.db)
        .await?;
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let now = app.clock.now();
    let switched = match (on, live) {
        (true, Some(_)) => return Err(ApiError::Conflict(format!("{} is already on in this car", feature.code))),
        (false, None) => return Err(ApiError::Conflict(format!("{} is not on in this car", feature.code))),
        (false, Some(live)) => {
            start_deactivation(app, &txn, &mut outbox, live, EndReason::SwitchedOffBySupport).await?
        }
        (true, None) => {
            let activation = activations::ActiveModel {
                id: Set(Uuid::now_v7()),
                vehicle_id: Set(car.id),
                feature_id: Set(feature.id),
                price_id: Set(None),
                duration_kind: Set(DurationKind::Permanent),
                duration_days: Set(0),
                status: Set(ActivationStatus::Pending),
                purchased_by: Set(car.owner_id.unwrap_or(staff.id)),
                starts_at: Set(None),
                ends_at: Set(None),
                cancel_at_period_end: Set(false),
                failure_reason: Set(None),
                failure_code: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                billed_until: Set(None),
                unpaid_since: Set(None),
                end_reason: Set(None),
            }
            .insert(&txn)
            .await
            .on_unique_violation("the feature was just switched on; look again")?;
            jobs::enqueue(app, &txn, &mut outbox, activation.id, OtaCommand::Activate).await?;
            outbox.push(DomainEvent::activation_progressed(activation.id, ActivationPhase::Queued, 0));
            activation
        }
    };
    let action = if on { "feature.switch_on_by_hand" } else { "feature.switch_off_by_hand" };
    let details = json!({ "vin": car.vin, "feature": feature.code, "reason": reason, "activation": switched.id });
    audit::record(app, &txn, viewer, action, Subject { kind: "vehicle", id: &car.id.to_string() }, details).await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(switched)
}

/// Gives ticket `ticket_id` to support member `assignee_id` (or nobody). Audited.
pub async fn assign_ticket(
    app: &App,
    viewer: &Viewer,
    ticket_id: Uuid,
    assignee_id: Option<Uuid>,
) -> ApiResult<support_tickets::Model> {
    viewer.user_with_role(PLATFORM_STAFF)?;
    let ticket =
        support_tickets::Entity::find_by_id(ticket_id).one(&app.db).await?.ok_or(ApiError::NotFound("ticket"))?;
    if let Some(assignee) = assignee_id {
        let person = users::Entity::find_by_id(assignee).one(&app.db).await?.ok_or(ApiError::NotFound("user"))?;
        if !PLATFORM_STAFF.contains(&person.role) || person.disabled_at.is_some() {
            return Err(ApiError::bad_input("assigneeId", "tickets go to support staff"));
        }
    }
    let mut assigned: support_tickets::ActiveModel = ticket.into();
    assigned.assigned_to = Set(assignee_id);
    let assigned = assigned.update(&app.db).await?;
    let subject = Subject { kind: "support_ticket", id: &ticket_id.to_string() };
    audit::record(app, &app.db, viewer, "ticket.assign", subject, json!({ "assignee": assignee_id })).await?;
    Ok(assigned)
}

/// Adds a comment to a ticket that is still open.
pub async fn comment_ticket(
    app: &App,
    viewer: &Viewer,
    ticket_id: Uuid,
    body: &str,
) -> ApiResult<ticket_comments::Model> {
    let author = viewer.user_with_role(PLATFORM_STAFF)?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 4000 {
        return Err(ApiError::bad_input("body", "a comment has 1 to 4,000 characters"));
    }
    let ticket =
        support_tickets::Entity::find_by_id(ticket_id).one(&app.db).await?.ok_or(ApiError::NotFound("ticket"))?;
    if ticket.status == TicketStatus::Resolved {
        return Err(ApiError::Conflict("the ticket is resolved".into()));
    }
    Ok(ticket_comments::ActiveModel {
        id: Set(Uuid::now_v7()),
        ticket_id: Set(ticket_id),
        author_id: Set(author.id),
        body: Set(body.to_owned()),
        created_at: Set(app.clock.now()),
    }
    .insert(&app.db)
    .await?)
}

/// A ticket's comments, oldest first.
pub async fn comments_of(app: &App, ticket_id: Uuid) -> ApiResult<Vec<ticket_comments::Model>> {
    Ok(ticket_comments::Entity::find()
        .filter(ticket_comments::Column::TicketId.eq(ticket_id))
        .order_by_asc(ticket_comments::Column::CreatedAt)
        .all(&app.db)
        .await?)
}
