//! The web app's page and action events, sent in batches: the user id, the kind, a name and when;
//! nothing else about the person.

use chrono::{DateTime, Duration, Utc};
use entity::{user_actions, users};
use sea_orm::{ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

/// Most events one batch carries.
pub const MAX_BATCH: usize = 100;
/// How old an event may be when it arrives (a phone offline for a day still counts).
const OLDEST_HOURS: i64 = 48;

/// What an event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum UserActionKind {
    /// A page was shown, e.g. `catalog`.
    Page,
    /// Something was done, e.g. `feature.purchase`.
    Action,
}

impl UserActionKind {
    fn stored(self) -> &'static str {
        match self {
            Self::Page => "PAGE",
            Self::Action => "ACTION",
        }
    }
}

/// One event as the app sends it.
#[derive(Clone, Debug)]
pub struct UserAction {
    /// Page or action.
    pub kind: UserActionKind,
    /// Which: lower-case letters, digits, `.`, `-` and `_`, at most 64.
    pub name: String,
    /// When it happened, by the device's clock.
    pub occurred_at: DateTime<Utc>,
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

/// Stores a batch of the signed-in user's events; how many were kept. Events dated more than 48
/// hours ago are dropped; a device clock ahead of ours is taken as now.
pub async fn record(app: &App, viewer: &Viewer, actions: Vec<UserAction>) -> ApiResult<usize> {
    let me = viewer.user()?;
    if actions.len() > MAX_BATCH {
        return Err(ApiError::bad_input("actions", "send at most 100 events at a time"));
    }
    if let Some(bad) = actions.iter().find(|action| !valid_name(&action.name)) {
        return Err(ApiError::bad_input(
            "actions",
            format!("{:?} is not an event name", bad.name.chars().take(64).collect::<String>()),
        ));
    }
    let user = users::Entity::find_by_id(me.id).one(&app.db).await?.ok_or(ApiError::NotFound("user"))?;
    let now = app.clock.now();
    let rows: Vec<user_actions::ActiveModel> = actions
        .into_iter()
        .filter(|action| action.occurred_at > now - Duration::hours(OLDEST_HOURS))
        .map(|action| user_actions::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user.id),
            kind: Set(action.kind.stored().to_owned()),
            name: Set(action.name),
            region_id: Set(user.region_id),
            occurred_at: Set(action.occurred_at.min(now)),
            received_at: Set(now),
        })
        .collect();
    let kept = rows.len();
    if kept > 0 {
        user_actions::Entity::insert_many(rows).exec_without_returning(&app.db).await?;
    }
    Ok(kept)
}
