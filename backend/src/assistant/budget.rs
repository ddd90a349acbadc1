//! What the assistant's model may cost a workshop (or the platform) per month, and what it cost:
//! the configured cap unless an admin gave the workshop its own.

use chrono::{DateTime, Utc};
use entity::{assistant_spend, workshops};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use super::answering::month_of;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::platform::db::begin_write;
use crate::policy;

/// Who pays for questions asked of no workshop.
pub const PLATFORM_PAYER: &str = "platform";
/// Millionths of the currency unit in a minor unit (a cent).
const MICROS_PER_MINOR: i64 = 10_000;
/// The highest cap an admin may set: 1,000,000.00 a month.
const MAX_CAP_MINOR: i64 = 100_000_000;

/// A payer's month.
pub struct Budget {
    /// `YYYY-MM`, UTC.
    pub month: String,
    /// The cap, in minor units.
    pub cap_minor: i64,
    /// Whether the cap is the workshop's own (else the configured one).
    pub own_cap: bool,
    /// Spent so far, in millionths of the currency unit.
    pub spent_micros: i64,
    /// Tokens sent to the model this month.
    pub prompt_tokens: i64,
    /// Tokens the model wrote this month.
    pub completion_tokens: i64,
}

impl Budget {
    /// Whether the month's spend reached the cap.
    pub fn used_up(&self) -> bool {
        self.spent_micros >= self.cap_minor.saturating_mul(MICROS_PER_MINOR)
    }
}

/// The payer of questions asked of `workshop_id` (or of none).
pub fn payer_of(workshop_id: Option<Uuid>) -> String {
    workshop_id.map_or_else(|| PLATFORM_PAYER.to_owned(), |id| id.to_string())
}

/// The month of `now` for the payer of `workshop_id`.
pub async fn of(app: &App, workshop_id: Option<Uuid>, now: DateTime<Utc>) -> ApiResult<Budget> {
    let own = match workshop_id {
        Some(id) => workshops::Entity::find_by_id(id).one(&app.db).await?.and_then(|w| w.assistant_cap_minor),
        None => None,
    };
    let month = month_of(now);
    let spend = assistant_spend::Entity::find_by_id((payer_of(workshop_id), month.clone())).one(&app.db).await?;
    Ok(Budget {
        month,
        cap_minor: own.unwrap_or(app.config.assistant_monthly_cap_minor),
        own_cap: own.is_some(),
        spent_micros: spend.as_ref().map_or(0, |spend| spend.cost_micros),
        prompt_tokens: spend.as_ref().map_or(0, |spend| spend.prompt_tokens),
        completion_tokens: spend.as_ref().map_or(0, |spend| spend.completion_tokens),
    })
}

/// A workshop's month (its staff, support, admins).
pub async fn of_workshop(app: &App, viewer: &Viewer, workshop_id: Uuid) -> ApiResult<Budget> {
    if !policy::assistant_questions(viewer, workshop_id) {
        return Err(ApiError::Forbidden("only the workshop's staff see its assistant's budget".into()));
    }
    workshops::Entity::find_by_id(workshop_id).one(&app.db).await?.ok_or(ApiError::NotFound("workshop"))?;
    of(app, Some(workshop_id), app.clock.now()).await
}

/// Gives a workshop its own monthly cap (`None`: the configured one again); admins only.
pub async fn set_cap(app: &App, viewer: &Viewer, workshop_id: Uuid, cap_minor: Option<i64>) -> ApiResult<Budget> {
    viewer.user_with_role(&[entity::Role::Admin])?;
    if cap_minor.is_some_and(|cap| !(0..=MAX_CAP_MINOR).contains(&cap)) {
        return Err(ApiError::bad_input("capMinor", "give a cap from 0 to 100000000 cents"));
    }
    let workshop =
        workshops::Entity::find_by_id(workshop_id).one(&app.db).await?.ok_or(ApiError::NotFound("workshop"))?;
    let txn = begin_write(&app.db).await?;
    let mut workshop: workshops::ActiveModel = workshop.into();
    workshop.assistant_cap_minor = Set(cap_minor);
    workshop.update(&txn).await?;
    let subject = Subject { kind: "workshop", id: &workshop_id.to_string() };
    audit::record(app, &txn, viewer, "workshop.assistant_cap", subject, json!({ "capMinor": cap_minor })).await?;
    txn.commit().await?;
    of(app, Some(workshop_id), app.clock.now()).await
}
