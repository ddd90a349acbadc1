//! Fleet campaigns (staff app): the operations, typed and checked against the schema for what they
//! send, and their answers read into one shared [`Campaign`] (the list, the live view, the
//! subscription's events and the answers of approve, pause, resume, cancel and roll back all carry
//! one). Enum values are read as text (`RUNNING`): the pages only show them.

use wasm_bindgen::JsValue;

use super::json::{Answer, field, first, flag, integer, list, maybe_number, maybe_text, number, object, text};

pub use operations::{
    ApproveCampaign, CampaignProgress, CampaignView, Campaigns, CancelCampaign, CreateCampaign, PauseCampaign,
    ResumeCampaign, RollBackCampaign, approve_campaign, campaign_progress, campaign_view, campaigns, cancel_campaign,
    create_campaign, pause_campaign, resume_campaign, roll_back_campaign,
};

/// The generated operations (one file each: a request sends only its own operation's text).
#[allow(missing_docs, non_camel_case_types, dead_code, clippy::all)]
mod operations {
    use graphql_client::GraphQLQuery;

    /// GraphQL `DateTime`: RFC 3339 text.
    pub type DateTime = String;

    macro_rules! operations {
        ($($name:ident => $path:tt),* $(,)?) => {
            $(
                #[derive(GraphQLQuery)]
                #[graphql(schema_path = "../schema.graphql", query_path = $path, variables_derives = "Clone")]
                pub struct $name;
            )*
        };
    }

    operations!(
        Campaigns => "graphql/campaigns.graphql",
        CampaignView => "graphql/campaign.graphql",
        CampaignProgress => "graphql/campaign_progress.graphql",
        CreateCampaign => "graphql/create_campaign.graphql",
        ApproveCampaign => "graphql/approve_campaign.graphql",
        PauseCampaign => "graphql/pause_campaign.graphql",
        ResumeCampaign => "graphql/resume_campaign.graphql",
        CancelCampaign => "graphql/cancel_campaign.graphql",
        RollBackCampaign => "graphql/roll_back_campaign.graphql",
    );
}

/// Cars counted by where they stand.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    /// Every car.
    pub total: i64,
    /// Their turn has not come.
    pub waiting: i64,
    /// Their owners were asked and have not answered.
    pub asked: i64,
    /// Their owners agreed; they go at their turn.
    pub agreed: i64,
    /// The command is on its way.
    pub running: i64,
    /// Done as the campaign asks.
    pub succeeded: i64,
    /// Already as the campaign asks.
    pub already_done: i64,
    /// Failed.
    pub failed: i64,
    /// Not done within the in-progress timeout.
    pub timed_out: i64,
    /// Left out.
    pub skipped: i64,
    /// Withdrawn before the command went out.
    pub withdrawn: i64,
    /// Switched off again by a rollback.
    pub rolled_back: i64,
}

impl Counts {
    fn of(value: &JsValue) -> Self {
        Self {
            total: integer(value, "total"),
            waiting: integer(value, "waiting"),
            asked: integer(value, "asked"),
            agreed: integer(value, "agreed"),
            running: integer(value, "running"),
            succeeded: integer(value, "succeeded"),
            already_done: integer(value, "alreadyDone"),
            failed: integer(value, "failed"),
            timed_out: integer(value, "timedOut"),
            skipped: integer(value, "skipped"),
            withdrawn: integer(value, "withdrawn"),
            rolled_back: integer(value, "rolledBack"),
        }
    }

    /// Cars done: changed as asked, or already so.
    pub fn done(&self) -> i64 {
        self.succeeded + self.already_done
    }

    /// Cars whose turn failed: refused, unreachable or timed out.
    pub fn failures(&self) -> i64 {
        self.failed + self.timed_out
    }

    /// Cars still to have their turn (owners asked or agreed included).
    pub fn to_come(&self) -> i64 {
        self.waiting + self.asked + self.agreed
    }

    /// Cars that had their turn in another way: left out, withdrawn, rolled back.
    pub fn other(&self) -> i64 {
        self.skipped + self.withdrawn + self.rolled_back
    }
}

/// A group of a campaign with its gates and progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// 1 for the first.
    pub position: i64,
    /// Its name.
    pub name: String,
    /// Its cars (known once the campaign started).
    pub size: i64,
    /// `WAITING`, `RUNNING` or `DONE`.
    pub state: String,
    /// The share done (percent) that opens the next group.
    pub success_threshold_percent: i64,
    /// The share failed (percent) that pauses the campaign, if any.
    pub error_threshold_percent: Option<i64>,
    /// Its cars by where they stand.
    pub counts: Counts,
}

/// Failures or cars left out for one reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    /// e.g. `CAR_REFUSED`, `INCOMPATIBLE`.
    pub reason: String,
    /// How many.
    pub cars: i64,
}

/// Which cars a campaign is for (its VINs are not read: there may be many thousands).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Target {
    /// Model codes.
    pub models: Vec<String>,
    /// Region codes.
    pub regions: Vec<String>,
    /// The lowest firmware, inclusive.
    pub firmware_from: Option<String>,
    /// The highest firmware, inclusive.
    pub firmware_to: Option<String>,
}

/// A fleet campaign and how far it got.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Campaign {
    /// Stable id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `ACTIVATE`, `DEACTIVATE` or `OFFER`.
    pub action: String,
    /// The feature's code.
    pub feature_code: String,
    /// For ACTIVATE: days free of charge; none for good.
    pub days: Option<i64>,
    /// `AWAITING_APPROVAL`, `RUNNING`…
    pub state: String,
    /// Who paused it and why, which gate stopped it.
    pub state_reason: Option<String>,
    /// The admin who created it.
    pub created_by: Option<String>,
    /// The admin who approved it.
    pub approved_by: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When its first car's turn came.
    pub started_at: Option<String>,
    /// When it completed or stopped for good.
    pub finished_at: Option<String>,
    /// When the cars still waiting will have had their turn at the rate now.
    pub estimated_end_at: Option<String>,
    /// Cars started per minute, as configured.
    pub rate_per_minute: i64,
    /// The rate now, with the ramp's growth so far.
    pub current_rate_per_minute: f64,
    /// The ramp's factor, in percent.
    pub ramp_factor_percent: Option<i64>,
    /// The ramp's step: cars done per growth.
    pub ramp_every: Option<i64>,
    /// The rate's ceiling.
    pub max_rate_per_minute: Option<i64>,
    /// Seconds a car may take before it counts as timed out.
    pub timeout_seconds: i64,
    /// Whether owners are asked first.
    pub ask_owners: bool,
    /// The cars it is for.
    pub target: Target,
    /// The abort criteria: failure kinds counted, cars first, share.
    pub abort: (Vec<String>, i64, Option<i64>),
    /// Every car by where it stands.
    pub counts: Counts,
    /// Its groups in order.
    pub groups: Vec<Group>,
    /// Failures and cars left out by reason, most first.
    pub reasons: Vec<Reason>,
}

fn whole(value: &JsValue, name: &str) -> Option<i64> {
    maybe_number(value, name).map(|number| number as i64)
}

fn texts(value: &JsValue, name: &str) -> Vec<String> {
    list(value, name, |item| item.as_string().unwrap_or_default())
}

impl Campaign {
    /// The campaign in `value` (a `Campaign` object); fields not asked for read as empty.
    fn of(value: &JsValue) -> Self {
        let group = |v: &JsValue| Group {
            position: integer(v, "position"),
            name: text(v, "name"),
            size: integer(v, "size"),
            state: text(v, "state"),
            success_threshold_percent: integer(v, "successThresholdPercent"),
            error_threshold_percent: whole(v, "errorThresholdPercent"),
            counts: object(v, "counts").map(|c| Counts::of(&c)).unwrap_or_default(),
        };
        let target = object(value, "target").unwrap_or(JsValue::NULL);
        let abort = object(value, "abort").unwrap_or(JsValue::NULL);
        Self {
            id: text(value, "id"),
            name: text(value, "name"),
            action: text(value, "action"),
            feature_code: text(value, "featureCode"),
            days: whole(value, "days"),
            state: text(value, "state"),
            state_reason: maybe_text(value, "stateReason").filter(|reason| !reason.trim().is_empty()),
            created_by: maybe_text(value, "createdBy"),
            approved_by: maybe_text(value, "approvedBy"),
            created_at: text(value, "createdAt"),
            started_at: maybe_text(value, "startedAt"),
            finished_at: maybe_text(value, "finishedAt"),
            estimated_end_at: maybe_text(value, "estimatedEndAt"),
            rate_per_minute: integer(value, "ratePerMinute"),
            current_rate_per_minute: number(value, "currentRatePerMinute"),
            ramp_factor_percent: whole(value, "rampFactorPercent"),
            ramp_every: whole(value, "rampEvery"),
            max_rate_per_minute: whole(value, "maxRatePerMinute"),
            timeout_seconds: integer(value, "timeoutSeconds"),
            ask_owners: flag(value, "askOwners"),
            target: Target {
                models: texts(&target, "models"),
                regions: texts(&target, "regions"),
                firmware_from: maybe_text(&target, "firmwareFrom"),
                firmware_to: maybe_text(&target, "firmwareTo"),
            },
            abort: (texts(&abort, "failureKinds"), integer(&abort, "minExecuted"), whole(&abort, "failurePercent")),
            counts: object(value, "counts").map(|c| Counts::of(&c)).unwrap_or_default(),
            groups: list(value, "groups", group),
            reasons: list(value, "reasons", |v| Reason { reason: text(v, "reason"), cars: integer(v, "cars") }),
        }
    }
}

/// The campaign an operation answers with: `campaign`, `campaignProgress`, `approveCampaign`,
/// `resumeCampaign`.
impl Answer for Campaign {
    fn read(data: &JsValue) -> Option<Self> {
        Some(first(data)).filter(JsValue::is_object).map(|campaign| Self::of(&campaign))
    }
}

/// The campaigns, newest first (`campaigns`).
pub struct CampaignList(pub Vec<Campaign>);

impl Answer for CampaignList {
    fn read(data: &JsValue) -> Option<Self> {
        js_sys::Array::is_array(&field(data, "campaigns")).then(|| Self(list(data, "campaigns", Campaign::of)))
    }
}

/// What an admin's action did: the campaign as it is now, and for a stop the commands withdrawn and
/// those in flight, for a rollback the cars switched off again.
#[derive(Clone, Debug, PartialEq)]
pub struct Acted {
    /// The campaign afterwards.
    pub campaign: Campaign,
    /// Commands taken back before they went out (a stop).
    pub withdrawn: Option<i64>,
    /// Commands already on their way (a stop).
    pub in_flight: Option<i64>,
    /// Cars whose feature is being switched off again (a rollback).
    pub switched_off: Option<i64>,
}

impl Answer for Acted {
    fn read(data: &JsValue) -> Option<Self> {
        let answer = first(data);
        if !answer.is_object() {
            return None;
        }
        // Approve and resume answer the campaign itself; a stop and a rollback wrap it.
        let campaign = object(&answer, "campaign").map_or_else(|| Campaign::of(&answer), |c| Campaign::of(&c));
        Some(Self {
            campaign,
            withdrawn: whole(&answer, "withdrawn"),
            in_flight: whole(&answer, "inFlight"),
            switched_off: whole(&answer, "switchedOff"),
        })
    }
}

/// The id of the campaign `createCampaign` made.
pub struct Created(pub String);

impl Answer for Created {
    fn read(data: &JsValue) -> Option<Self> {
        Some(text(&first(data), "id")).filter(|id| !id.is_empty()).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn cars_are_counted_as_done_failed_to_come_and_otherwise_ended() {
        let counts = Counts {
            total: 20,
            waiting: 3,
            asked: 1,
            agreed: 1,
            running: 2,
            succeeded: 6,
            already_done: 1,
            failed: 2,
            timed_out: 1,
            skipped: 1,
            withdrawn: 1,
            rolled_back: 1,
        };
        assert_eq!((counts.done(), counts.failures(), counts.to_come(), counts.other()), (7, 3, 5, 3));
        let parts = counts.done() + counts.failures() + counts.to_come() + counts.other() + counts.running;
        assert_eq!(parts, counts.total, "every car is in one part");
    }
}
