//! The GraphQL part of fleet campaigns: admins create, approve, stop, resume and roll back; support
//! and admins watch them live; owners answer a campaign's question about their car.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::{Context, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Duration, Utc};
use entity::{CampaignAction, CampaignCarState, CampaignGroupState, CampaignState, Role, campaign_groups, campaigns};
use futures::stream::{Stream, StreamExt};
use sea_orm::EntityTrait;
use tokio::sync::OnceCell;

use super::progress::{Counts, Tally, tally};
use super::service;
use super::spec::{AbortCriteria, CampaignSpec, FailureKind, Target};
use crate::app::{App, AppState};
use crate::auth::{Allow, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, parse_id, viewer};
use crate::platform::events::{DomainEvent, Topic};
use crate::policy;

const STAFF: &[Role] = &[Role::Support, Role::Admin];
const ADMINS: &[Role] = &[Role::Admin];

/// A fleet campaign and how far it got. Its groups and counts are read once per campaign, when
/// first asked for.
pub struct Campaign {
    model: campaigns::Model,
    counted: Arc<OnceCell<(Vec<campaign_groups::Model>, Tally)>>,
}

impl Campaign {
    fn new(model: campaigns::Model) -> Self {
        Self { model, counted: Arc::new(OnceCell::new()) }
    }

    async fn counted(&self, app: &App) -> ApiResult<&(Vec<campaign_groups::Model>, Tally)> {
        self.counted
            .get_or_try_init(|| async {
                let groups = service::groups(&app.db, self.model.id).await?;
                Ok::<_, ApiError>((groups, tally(&app.db, self.model.id).await?))
            })
            .await
    }
}

/// A fleet campaign and how far it got.
#[Object]
impl Campaign {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.model.name
    }

    /// What it does to each car.
    async fn action(&self) -> CampaignAction {
        self.model.action
    }

    /// The feature's code.
    async fn feature_code(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let feature = entity::features::Entity::find_by_id(self.model.feature_id).one(&app(ctx).db).await?;
        Ok(feature.map(|feature| feature.code).unwrap_or_default())
    }

    /// For ACTIVATE: the days free of charge; none for good.
    async fn days(&self) -> Option<i32> {
        self.model.days
    }

    /// The cars it is for.
    async fn target(&self) -> Target {
        serde_json::from_str(&self.model.target).unwrap_or_default()
    }

    /// When it starts.
    async fn starts_at(&self) -> DateTime<Utc> {
        self.model.starts_at
    }

    /// Its window's end, if any.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.model.ends_at
    }

    /// Cars started per minute, as configured.
    async fn rate_per_minute(&self) -> i32 {
        self.model.rate_per_minute
    }

    /// The ramp's factor, in percent.
    async fn ramp_factor_percent(&self) -> Option<i32> {
        self.model.ramp_factor_percent
    }

    /// The ramp's step: cars done per growth.
    async fn ramp_every(&self) -> Option<i32> {
        self.model.ramp_every
    }

    /// The rate's ceiling.
    async fn max_rate_per_minute(&self) -> Option<i32> {
        self.model.max_rate_per_minute
    }

    /// The rate now, with the ramp's growth so far.
    async fn current_rate_per_minute(&self, ctx: &Context<'_>) -> ApiResult<f64> {
        let (_, counted) = self.counted(app(ctx)).await?;
        Ok(super::rate::per_minute(&self.model, counted.all.done()))
    }

    /// Seconds a car may take before it counts as TIMED_OUT.
    async fn timeout_seconds(&self) -> i32 {
        self.model.timeout_seconds
    }

    /// When it stops by itself.
    async fn abort(&self) -> AbortCriteria {
        AbortCriteria {
            failure_kinds: serde_json::from_str::<Vec<FailureKind>>(&self.model.abort_failure_kinds)
                .unwrap_or_default(),
            min_executed: self.model.abort_min_executed,
            failure_percent: self.model.abort_failure_percent,
        }
    }

    /// Whether owners are asked first.
    async fn ask_owners(&self) -> bool {
        self.model.ask_owners
    }

    /// Hours owners have to answer.
    async fn answer_hours(&self) -> i32 {
        self.model.answer_hours
    }

    /// Minutes a car not reached waits before it is tried again within the window.
    async fn retry_minutes(&self) -> i32 {
        self.model.retry_minutes
    }

    /// Where it stands.
    async fn state(&self) -> CampaignState {
        self.model.state
    }

    /// Why it stands there: who paused it and why, which gate stopped it.
    async fn state_reason(&self) -> Option<&str> {
        self.model.state_reason.as_deref()
    }

    /// The admin who created it (e-mail address).
    async fn created_by(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        email_of(app(ctx), Some(self.model.created_by)).await
    }

    /// The second admin who approved it (e-mail address).
    async fn approved_by(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        email_of(app(ctx), self.model.approved_by).await
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    /// When its first car's turn came.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.model.started_at
    }

    /// When it completed or was stopped for good.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.model.finished_at
    }

    /// Its groups in order, with their gates and progress.
    async fn groups(&self, ctx: &Context<'_>) -> ApiResult<Vec<CampaignGroup>> {
        let (groups, counted) = self.counted(app(ctx)).await?;
        Ok(groups.iter().map(|group| CampaignGroup::of(group, counted.group(group.position))).collect())
    }

    /// Every car counted by where it stands.
    async fn counts(&self, ctx: &Context<'_>) -> ApiResult<Counts> {
        Ok(self.counted(app(ctx)).await?.1.all)
    }

    /// Failures and cars left out, by reason, most first.
    async fn reasons(&self, ctx: &Context<'_>) -> ApiResult<Vec<CampaignReason>> {
        let (_, counted) = self.counted(app(ctx)).await?;
        let mut reasons: Vec<CampaignReason> = counted
            .reasons
            .iter()
            .map(|(reason, cars)| CampaignReason { reason: reason.clone(), cars: *cars })
            .collect();
        reasons.sort_by(|a, b| b.cars.cmp(&a.cars).then_with(|| a.reason.cmp(&b.reason)));
        Ok(reasons)
    }

    /// When the cars still waiting will have had their turn at the rate now (running campaigns).
    async fn estimated_end_at(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        if self.model.state != CampaignState::Running {
            return Ok(None);
        }
        let (_, counted) = self.counted(app(ctx)).await?;
        let rate = super::rate::per_minute(&self.model, counted.all.done());
        let waiting = counted.all.waiting + counted.all.agreed;
        let seconds = (waiting as f64 / rate * 60.0).ceil() as i64;
        Ok(Some(app(ctx).clock.now() + Duration::seconds(seconds)))
    }
}

async fn email_of(app: &App, user: Option<uuid::Uuid>) -> ApiResult<Option<String>> {
    let Some(id) = user else { return Ok(None) };
    Ok(entity::users::Entity::find_by_id(id).one(&app.db).await?.map(|user| user.email))
}

/// A group of a campaign, its gates and progress.
#[derive(SimpleObject)]
pub struct CampaignGroup {
    /// 1 for the first.
    pub position: i32,
    /// Its name.
    pub name: String,
    /// Its cars (known once the campaign started).
    pub size: i32,
    /// Where it stands.
    pub state: CampaignGroupState,
    /// The share of its cars done (percent) that opens the next group.
    pub success_threshold_percent: i32,
    /// The share of its cars failed (percent) that pauses the campaign; none, it never does.
    pub error_threshold_percent: Option<i32>,
    /// Its cars counted by where they stand.
    pub counts: Counts,
    /// When its cars' turns began.
    pub started_at: Option<DateTime<Utc>>,
    /// When its last car had its turn.
    pub finished_at: Option<DateTime<Utc>>,
}

impl CampaignGroup {
    fn of(group: &campaign_groups::Model, counts: Counts) -> Self {
        Self {
            position: group.position,
            name: group.name.clone(),
            size: group.size,
            state: group.state,
            success_threshold_percent: group.success_threshold_percent,
            error_threshold_percent: group.error_threshold_percent,
            counts,
            started_at: group.started_at,
            finished_at: group.finished_at,
        }
    }
}

/// Cars that failed or were left out for one reason.
#[derive(SimpleObject)]
pub struct CampaignReason {
    /// A failure kind (`CAR_REFUSED`, `CAR_UNREACHABLE`, `TIMED_OUT`) or why cars were left out
    /// (`INCOMPATIBLE`, `MAINTENANCE_OVERDUE`, `DECLINED`, `NO_ANSWER`, `WINDOW_CLOSED`, `STOPPED`).
    pub reason: String,
    /// How many.
    pub cars: i64,
}

/// What a stop did.
#[derive(SimpleObject)]
pub struct CampaignStop {
    /// The campaign, stopped.
    pub campaign: Campaign,
    /// Commands taken back before they went out.
    pub withdrawn: i64,
    /// Commands already on their way: they finish and are reported.
    pub in_flight: i64,
}

/// What a rollback did.
#[derive(SimpleObject)]
pub struct CampaignRollback {
    /// The campaign.
    pub campaign: Campaign,
    /// Cars whose feature is being switched off again.
    pub switched_off: i64,
}

/// Fleet campaign queries.
#[derive(Default)]
pub struct CampaignsQuery;

#[Object]
impl CampaignsQuery {
    /// Fleet campaigns, newest first, or those in `state` (support and admins).
    #[graphql(guard = "Allow::users(STAFF)")]
    async fn campaigns(&self, ctx: &Context<'_>, state: Option<CampaignState>) -> ApiResult<Vec<Campaign>> {
        Ok(service::list(app(ctx), viewer(ctx), state).await?.into_iter().map(Campaign::new).collect())
    }

    /// One fleet campaign (support and admins).
    #[graphql(guard = "Allow::users(STAFF)")]
    async fn campaign(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Campaign> {
        policy::watch_campaigns(viewer(ctx))?;
        let id = parse_id(&id, "id")?;
        Ok(Campaign::new(service::find(&app(ctx).db, id).await?))
    }
}

/// Fleet campaign mutations.
#[derive(Default)]
pub struct CampaignsMutation;

fn stopped((campaign, withdrawal): (campaigns::Model, super::stop::Withdrawal)) -> CampaignStop {
    CampaignStop {
        campaign: Campaign::new(campaign),
        withdrawn: i64::try_from(withdrawal.withdrawn).unwrap_or(i64::MAX),
        in_flight: i64::try_from(withdrawal.in_flight).unwrap_or(i64::MAX),
    }
}

#[Object]
impl CampaignsMutation {
    /// Creates a fleet campaign; it starts only once a second admin approved it.
    #[graphql(guard = "Allow::users(ADMINS)")]
    async fn create_campaign(&self, ctx: &Context<'_>, input: CampaignSpec) -> ApiResult<Campaign> {
        service::create(app(ctx), viewer(ctx), input).await.map(Campaign::new)
    }

    /// Approves a campaign another admin created (four eyes); it starts at its start time.
    #[graphql(guard = "Allow::users(ADMINS)")]
    async fn approve_campaign(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Campaign> {
        let id = parse_id(&id, "id")?;
        service::approve(app(ctx), viewer(ctx), id).await.map(Campaign::new)
    }

    /// The emergency stop: no car starts once this returns, on any instance; commands not yet sent
    /// are withdrawn (their cars go again on resume), those on their way finish and are reported.
    #[graphql(guard = "Allow::users(ADMINS)")]
    async fn pause_campaign(&self, ctx: &Context<'_>, id: ID, reason: Option<String>) -> ApiResult<CampaignStop> {
        let id = parse_id(&id, "id")?;
        service::pause(app(ctx), viewer(ctx), id, reason).await.map(stopped)
    }

    /// Resumes a paused campaign; the cars that failed in its running groups go again.
    #[graphql(guard = "Allow::users(ADMINS)")]
    async fn resume_campaign(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Campaign> {
        let id = parse_id(&id, "id")?;
        service::resume(app(ctx), viewer(ctx), id).await.map(Campaign::new)
    }

    /// Stops a campaign for good: commands not yet sent are withdrawn, those on their way finish,
    /// cars whose turn had not come are left out.
    #[graphql(guard = "Allow::users(ADMINS)")]
    async fn cancel_campaign(&self, ctx: &Context<'_>, id: ID, reason: Option<String>) -> ApiResult<CampaignStop> {
        let id = parse_id(&id, "id")?;
        service::cancel(app(ctx), viewer(ctx), id, reason).await.map(stopped)
    }

    /// Switches off again what a cancelled or aborted activation campaign switched on.
    #[graphql(guard = "Allow::users(ADMINS)")]
    async fn roll_back_campaign(&self, ctx: &Context<'_>, id: ID) -> ApiResult<CampaignRollback> {
        let id = parse_id(&id, "id")?;
        let (campaign, switched_off) = service::roll_back(app(ctx), viewer(ctx), id).await?;
        Ok(CampaignRollback {
            campaign: Campaign::new(campaign),
            switched_off: i64::try_from(switched_off).unwrap_or(0),
        })
    }

    /// A car's owner answers a campaign's question about it: agreed, it goes at its turn; declined,
    /// it is left out.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn answer_campaign_question(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        vin: String,
        agree: bool,
    ) -> ApiResult<CampaignCarState> {
        let id = parse_id(&campaign_id, "campaignId")?;
        service::answer(app(ctx), viewer(ctx), id, &vin, agree).await
    }
}

/// Fleet campaign subscriptions.
#[derive(Default)]
pub struct CampaignsSubscription;

#[Subscription]
impl CampaignsSubscription {
    /// A campaign as it goes: first where it stands, then again at each change — a car's outcome,
    /// a group opened, a gate, a stop — at most once per round of the runner (support and admins).
    #[graphql(guard = "Allow::users(STAFF)")]
    async fn campaign_progress(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<impl Stream<Item = Campaign> + use<>, ApiError> {
        policy::watch_campaigns(Viewer::of(ctx))?;
        let id = parse_id(&id, "id")?;
        let app: AppState = ctx.data_unchecked::<AppState>().clone();
        // Subscribed before the campaign is read: no change between the two is missed.
        let events = app.events.subscribe_topic(Topic::Campaign(id));
        let read_from = Instant::now();
        let current = service::find(&app.db, id).await?;
        let changes = events
            .filter(move |(published, event)| {
                std::future::ready(*published >= read_from && matches!(event, DomainEvent::CampaignChanged { .. }))
            })
            .filter_map(move |_| {
                let app = app.clone();
                async move { service::find(&app.db, id).await.ok().map(Campaign::new) }
            });
        Ok(futures::stream::once(async move { Campaign::new(current) }).chain(changes))
    }
}
