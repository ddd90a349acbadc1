//! What an admin asks a campaign to do, checked before anything is stored: the action, the target,
//! the schedule, the groups with their gates, the rate and its ramp, the in-progress timeout and
//! the abort criteria.

use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::CampaignAction;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

/// Which cars a campaign is for: every condition given must hold (none given: every owned car).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, InputObject, SimpleObject)]
#[graphql(input_name = "CampaignTargetInput", name = "CampaignTarget")]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// Model codes (e.g. `AURORA`).
    pub models: Option<Vec<String>>,
    /// The lowest firmware version, inclusive.
    pub firmware_from: Option<String>,
    /// The highest firmware version, inclusive.
    pub firmware_to: Option<String>,
    /// Region codes (e.g. `DE`) of the cars.
    pub regions: Option<Vec<String>>,
    /// A list of VINs.
    pub vins: Option<Vec<String>>,
    /// Only cars that have the campaign's feature on (`true`) or do not (`false`).
    pub has_feature: Option<bool>,
}

/// A group of a campaign: its cars, chosen by one of a number, a share of the target or a region,
/// and its gates.
#[derive(Clone, Debug, InputObject)]
#[graphql(name = "CampaignGroupInput")]
pub struct GroupSpec {
    /// Its name, as the live view shows it.
    pub name: String,
    /// The next this many cars of the target.
    pub car_count: Option<i32>,
    /// The next this share of the target, in percent.
    pub percent: Option<i32>,
    /// The target's cars in this region (code).
    pub region: Option<String>,
    /// The share of its cars done (in percent) that starts the next group.
    #[graphql(default = 100)]
    pub success_threshold_percent: i32,
    /// The share of its cars failed (in percent) that pauses the whole campaign; none, it never
    /// pauses it.
    pub error_threshold_percent: Option<i32>,
}

/// Why a car's turn failed, as the abort criteria count it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Enum, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FailureKind {
    /// The car refused the command.
    CarRefused,
    /// The car could not be reached or did not confirm.
    CarUnreachable,
    /// Not done within the in-progress timeout.
    TimedOut,
}

impl FailureKind {
    /// The stored name (the activation's failure code, or `TIMED_OUT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CarRefused => "CAR_REFUSED",
            Self::CarUnreachable => "CAR_UNREACHABLE",
            Self::TimedOut => "TIMED_OUT",
        }
    }
}

/// When a campaign stops for good by itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, InputObject, SimpleObject)]
#[graphql(input_name = "AbortCriteriaInput", name = "AbortCriteria")]
pub struct AbortCriteria {
    /// The failures counted (none: every kind).
    pub failure_kinds: Vec<FailureKind>,
    /// Not before this many cars ended their turn.
    pub min_executed: i32,
    /// Stops when this share (in percent) of the cars that ended their turn failed so.
    pub failure_percent: Option<i32>,
}

/// A campaign as an admin asks for it.
#[derive(Clone, Debug, InputObject)]
#[graphql(name = "CreateCampaignInput")]
pub struct CampaignSpec {
    /// Its name.
    pub name: String,
    /// What it does to each car.
    pub action: CampaignAction,
    /// The feature's code.
    pub feature_code: String,
    /// For ACTIVATE: days free of charge; not given, for good.
    pub days: Option<i32>,
    /// The cars.
    #[graphql(default)]
    pub target: Target,
    /// When it starts (now when not given).
    pub starts_at: Option<DateTime<Utc>>,
    /// Its window's end: cars whose turn has not come by then are left out.
    pub ends_at: Option<DateTime<Utc>>,
    /// The groups, in order (one group of every car when none).
    #[graphql(default)]
    pub groups: Vec<GroupSpec>,
    /// Cars started per minute.
    pub rate_per_minute: i32,
    /// The rate grows by this factor, in percent (200 doubles it) ...
    pub ramp_factor_percent: Option<i32>,
    /// ... every this many cars done.
    pub ramp_every: Option<i32>,
    /// The rate never grows past this.
    pub max_rate_per_minute: Option<i32>,
    /// A car not done this many seconds after its start is TIMED_OUT.
    #[graphql(default = 600)]
    pub timeout_seconds: i32,
    /// When it stops by itself.
    #[graphql(default)]
    pub abort: AbortCriteria,
    /// Ask each owner first (in the app); owners who decline or do not answer in time are left out.
    #[graphql(default)]
    pub ask_owners: bool,
    /// How long owners have to answer.
    #[graphql(default = 72)]
    pub answer_hours: i32,
    /// How long a car that could not be reached waits before it is tried again within the window.
    #[graphql(default = 30)]
    pub retry_minutes: i32,
}

/// The most cars a campaign may start per minute.
pub const MAX_RATE: i32 = 1_000_000;

fn within(field: &'static str, value: i32, low: i32, high: i32, message: &'static str) -> ApiResult<()> {
    if (low..=high).contains(&value) { Ok(()) } else { Err(ApiError::bad_input(field, message)) }
}

fn optional_within(
    field: &'static str,
    value: Option<i32>,
    low: i32,
    high: i32,
    message: &'static str,
) -> ApiResult<()> {
    value.map_or(Ok(()), |value| within(field, value, low, high, message))
}

/// Checks everything that does not need the database.
pub fn check(spec: &CampaignSpec, now: DateTime<Utc>) -> ApiResult<()> {
    let name = spec.name.trim().chars().count();
    if !(3..=120).contains(&name) {
        return Err(ApiError::bad_input("name", "a campaign's name has 3 to 120 characters"));
    }
    match (spec.action, spec.days) {
        (CampaignAction::Activate, days) => {
            optional_within("days", days, 1, 3650, "give 1 to 3,650 days, or none for good")?
        }
        (_, Some(_)) => return Err(ApiError::bad_input("days", "days are for a free activation only")),
        (_, None) => {}
    }
    if let Some(ends_at) = spec.ends_at
        && ends_at <= spec.starts_at.unwrap_or(now).max(now)
    {
        return Err(ApiError::bad_input("endsAt", "the window must end after it starts and in the future"));
    }
    within("ratePerMinute", spec.rate_per_minute, 1, MAX_RATE, "give 1 to 1,000,000 cars a minute")?;
    check_ramp(spec)?;
    within("timeoutSeconds", spec.timeout_seconds, 10, 7 * 24 * 3600, "give 10 seconds to 7 days")?;
    within("answerHours", spec.answer_hours, 1, 720, "give owners 1 to 720 hours to answer")?;
    within("retryMinutes", spec.retry_minutes, 1, 7 * 24 * 60, "give 1 minute to 7 days")?;
    within("abort.minExecuted", spec.abort.min_executed, 0, 10_000_000, "give a count of cars, 0 or more")?;
    optional_within("abort.failurePercent", spec.abort.failure_percent, 1, 100, "give 1 to 100 percent")?;
    check_target(&spec.target)?;
    check_groups(&spec.groups)
}

fn check_ramp(spec: &CampaignSpec) -> ApiResult<()> {
    match (spec.ramp_factor_percent, spec.ramp_every) {
        (None, None) => {}
        (Some(factor), Some(every)) => {
            within("rampFactorPercent", factor, 101, 1000, "a ramp grows the rate by 101 to 1,000 percent")?;
            within("rampEvery", every, 1, 10_000_000, "a ramp grows every 1 or more cars done")?;
        }
        _ => return Err(ApiError::bad_input("rampEvery", "a ramp needs both its factor and its step")),
    }
    if let Some(max) = spec.max_rate_per_minute {
        within("maxRatePerMinute", max, spec.rate_per_minute, MAX_RATE, "the highest rate is at least the rate")?;
    }
    Ok(())
}

fn check_target(target: &Target) -> ApiResult<()> {
    if target.vins.as_ref().is_some_and(|vins| vins.len() > 100_000) {
        return Err(ApiError::bad_input("target.vins", "at most 100,000 VINs"));
    }
    if target.vins.iter().flatten().any(|vin| vin.trim().len() != 17) {
        return Err(ApiError::bad_input("target.vins", "a VIN has 17 characters"));
    }
    let versions = [&target.firmware_from, &target.firmware_to];
    if versions.into_iter().flatten().any(|version| !is_version(version)) {
        return Err(ApiError::bad_input("target.firmwareFrom", "a firmware version is dotted numbers, e.g. 2.4.0"));
    }
    Ok(())
}

fn is_version(version: &str) -> bool {
    let version = version.trim();
    !version.is_empty()
        && version.len() <= 32
        && version.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
}

fn check_groups(groups: &[GroupSpec]) -> ApiResult<()> {
    if groups.len() > 20 {
        return Err(ApiError::bad_input("groups", "at most 20 groups"));
    }
    for group in groups {
        let name = group.name.trim().chars().count();
        if !(1..=80).contains(&name) {
            return Err(ApiError::bad_input("groups.name", "a group's name has 1 to 80 characters"));
        }
        let ways = [group.car_count.is_some(), group.percent.is_some(), group.region.is_some()];
        if ways.into_iter().filter(|given| *given).count() != 1 {
            return Err(ApiError::bad_input("groups", "choose a group's cars by one of a count, a share or a region"));
        }
        optional_within("groups.carCount", group.car_count, 1, 10_000_000, "a group has 1 or more cars")?;
        optional_within("groups.percent", group.percent, 1, 100, "give 1 to 100 percent")?;
        within("groups.successThresholdPercent", group.success_threshold_percent, 1, 100, "give 1 to 100 percent")?;
        optional_within(
            "groups.errorThresholdPercent",
            group.error_threshold_percent,
            1,
            100,
            "give 1 to 100 percent",
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CampaignSpec {
        CampaignSpec {
            name: "Goodwill month".into(),
            action: CampaignAction::Activate,
            feature_code: "HEATED_SEATS".into(),
            days: Some(30),
            target: Target::default(),
            starts_at: None,
            ends_at: None,
            groups: vec![GroupSpec {
                name: "pilot".into(),
                car_count: Some(10),
                percent: None,
                region: None,
                success_threshold_percent: 90,
                error_threshold_percent: Some(20),
            }],
            rate_per_minute: 60,
            ramp_factor_percent: None,
            ramp_every: None,
            max_rate_per_minute: None,
            timeout_seconds: 600,
            abort: AbortCriteria::default(),
            ask_owners: false,
            answer_hours: 72,
            retry_minutes: 30,
        }
    }

    /// A change that spoils a sound campaign, and the field it must be refused on.
    type Spoiled = (fn(&mut CampaignSpec), &'static str);

    fn field_of(result: ApiResult<()>) -> String {
        match result {
            Err(ApiError::BadInput { field: Some(field), .. }) => field.to_owned(),
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    #[test]
    fn a_sound_campaign_passes_and_each_bad_part_names_its_field() {
        let now = Utc::now();
        assert!(check(&spec(), now).is_ok());
        let cases: Vec<Spoiled> = vec![
            (|s| s.name = " x ".into(), "name"),
            (|s| s.days = Some(0), "days"),
            (|s| s.rate_per_minute = 0, "ratePerMinute"),
            (|s| s.ramp_factor_percent = Some(200), "rampEvery"),
            (|s| s.timeout_seconds = 1, "timeoutSeconds"),
            (|s| s.abort.failure_percent = Some(101), "abort.failurePercent"),
            (|s| s.target.vins = Some(vec!["SHORT".into()]), "target.vins"),
            (|s| s.target.firmware_from = Some("2.x".into()), "target.firmwareFrom"),
            (|s| s.groups[0].percent = Some(50), "groups"),
            (|s| s.groups[0].error_threshold_percent = Some(0), "groups.errorThresholdPercent"),
            (|s| s.ends_at = Some(Utc::now() - chrono::Duration::hours(1)), "endsAt"),
        ];
        for (spoil, field) in cases {
            let mut spoiled = spec();
            spoil(&mut spoiled);
            assert_eq!(field_of(check(&spoiled, now)), field);
        }
        let mut deactivation = spec();
        deactivation.action = CampaignAction::Deactivate;
        assert_eq!(field_of(check(&deactivation, now)), "days");
    }
}
