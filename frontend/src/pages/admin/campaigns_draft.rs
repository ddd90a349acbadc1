//! What the campaign form holds, read into the `createCampaign` input: numbers checked as numbers
//! (the server checks the rules and names the field it refuses), VINs split from what was pasted,
//! groups chosen by a count, a share or a region.

use crate::api::ApiError;
use crate::api::campaigns::create_campaign::{
    AbortCriteriaInput, CampaignAction, CampaignGroupInput, CampaignTargetInput, CreateCampaignInput, FailureKind,
};
use crate::i18n::{Locale, t};

/// The inputs nested in the campaign's input, as the server names them in its errors. Written in
/// parts: the texts' test takes every dotted string literal of the sources for a text's key.
pub mod nested {
    /// The target's VINs.
    pub const TARGET_VINS: &str = concat!("target", ".vins");
    /// The target's firmware range (the server names its start for either end).
    pub const TARGET_FIRMWARE: &str = concat!("target", ".firmwareFrom");
    /// Cars that must have ended their turn before the campaign can abort.
    pub const ABORT_AFTER: &str = concat!("abort", ".minExecuted");
    /// The failure share that aborts.
    pub const ABORT_PERCENT: &str = concat!("abort", ".failurePercent");
    /// A group's name.
    pub const GROUP_NAME: &str = concat!("groups", ".name");
    /// A group's count of cars.
    pub const GROUP_COUNT: &str = concat!("groups", ".carCount");
    /// A group's share of the target.
    pub const GROUP_PERCENT: &str = concat!("groups", ".percent");
    /// A group's region.
    pub const GROUP_REGION: &str = concat!("groups", ".region");
    /// A group's success threshold.
    pub const GROUP_SUCCESS: &str = concat!("groups", ".successThresholdPercent");
    /// A group's error threshold.
    pub const GROUP_ERROR: &str = concat!("groups", ".errorThresholdPercent");
}

/// How a group's cars are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// The next this many cars of the target.
    Count,
    /// The next this share of the target.
    Percent,
    /// The target's cars in a region.
    Region,
}

impl Way {
    /// Every way, as the form offers them.
    pub const ALL: [Way; 3] = [Way::Count, Way::Percent, Way::Region];

    /// The value of its option.
    pub fn key(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Percent => "percent",
            Self::Region => "region",
        }
    }

    /// The way whose option value is `key` (a count when unknown).
    pub fn of(key: &str) -> Self {
        Self::ALL.into_iter().find(|way| way.key() == key).unwrap_or(Self::Count)
    }
}

/// A group as typed in its row.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupRow {
    /// Stable within the form, so that rows keep their inputs when one is removed.
    pub key: u32,
    /// Its name.
    pub name: String,
    /// How its cars are chosen.
    pub way: Way,
    /// The count or the share.
    pub amount: String,
    /// The region's code.
    pub region: String,
    /// The share done that opens the next group, in percent.
    pub success: String,
    /// The share failed that pauses the campaign, in percent (empty: never).
    pub error: String,
}

impl GroupRow {
    /// A new row: the next 10 % of the target, opening the next group once all are done.
    pub fn new(key: u32) -> Self {
        Self {
            key,
            name: String::new(),
            way: Way::Percent,
            amount: "10".into(),
            region: String::new(),
            success: "100".into(),
            error: String::new(),
        }
    }
}

/// What the form's fields hold (trimmed), before they are read as the API takes them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Typed {
    /// The campaign's name.
    pub name: String,
    /// `ACTIVATE`, `DEACTIVATE` or `OFFER`.
    pub action: String,
    /// The feature's code.
    pub feature: String,
    /// Days free of charge (ACTIVATE; empty for good).
    pub days: String,
    /// VINs, separated by spaces, commas or lines.
    pub vins: String,
    /// Model codes ticked.
    pub models: Vec<String>,
    /// Region codes ticked.
    pub regions: Vec<String>,
    /// The lowest firmware.
    pub firmware_from: String,
    /// The highest firmware.
    pub firmware_to: String,
    /// `""` (either), `"true"` (only cars with the feature on) or `"false"`.
    pub has_feature: String,
    /// Cars started per minute.
    pub rate: String,
    /// The ramp's factor in percent.
    pub ramp_factor: String,
    /// The ramp's step in cars done.
    pub ramp_every: String,
    /// The rate's ceiling.
    pub max_rate: String,
    /// The in-progress timeout in seconds.
    pub timeout: String,
    /// The failure share that aborts, in percent.
    pub abort_percent: String,
    /// Cars that must have ended their turn before it can abort.
    pub abort_after: String,
    /// The failure kinds the abort criteria count (none: every kind).
    pub abort_kinds: Vec<String>,
    /// Whether owners are asked first.
    pub ask_owners: bool,
    /// Hours owners have to answer.
    pub answer_hours: String,
}

/// A whole number typed in `field`.
fn whole(locale: Locale, field: &str, typed: &str) -> Result<i64, ApiError> {
    typed.trim().parse().map_err(|_| ApiError::field(field, t(locale, "campaign.rule_number")))
}

/// A whole number typed in `field`, or none when it is empty.
fn maybe_whole(locale: Locale, field: &str, typed: &str) -> Result<Option<i64>, ApiError> {
    if typed.trim().is_empty() { Ok(None) } else { whole(locale, field, typed).map(Some) }
}

/// The text typed, or none when it is empty.
fn maybe_text(typed: &str) -> Option<String> {
    Some(typed.trim().to_owned()).filter(|text| !text.is_empty())
}

/// The VINs in what was typed or pasted: separated by spaces, commas, semicolons or lines.
pub fn vins_of(typed: &str) -> Vec<String> {
    typed
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|vin| !vin.is_empty())
        .map(str::to_ascii_uppercase)
        .collect()
}

fn action_of(name: &str) -> CampaignAction {
    match name {
        "DEACTIVATE" => CampaignAction::DEACTIVATE,
        "OFFER" => CampaignAction::OFFER,
        _ => CampaignAction::ACTIVATE,
    }
}

fn failure_kind(name: &str) -> FailureKind {
    match name {
        "CAR_REFUSED" => FailureKind::CAR_REFUSED,
        "CAR_UNREACHABLE" => FailureKind::CAR_UNREACHABLE,
        _ => FailureKind::TIMED_OUT,
    }
}

fn group_input(locale: Locale, row: &GroupRow) -> Result<CampaignGroupInput, ApiError> {
    let (car_count, percent, region) = match row.way {
        Way::Count => (Some(whole(locale, nested::GROUP_COUNT, &row.amount)?), None, None),
        Way::Percent => (None, Some(whole(locale, nested::GROUP_PERCENT, &row.amount)?), None),
        Way::Region => (None, None, Some(row.region.clone())),
    };
    Ok(CampaignGroupInput {
        name: row.name.trim().to_owned(),
        car_count,
        percent,
        region,
        success_threshold_percent: whole(locale, nested::GROUP_SUCCESS, &row.success)?,
        error_threshold_percent: maybe_whole(locale, nested::GROUP_ERROR, &row.error)?,
    })
}

fn target_input(typed: &Typed) -> CampaignTargetInput {
    let listed = |items: &[String]| Some(items.to_vec()).filter(|items| !items.is_empty());
    CampaignTargetInput {
        vins: listed(&vins_of(&typed.vins)),
        models: listed(&typed.models),
        regions: listed(&typed.regions),
        firmware_from: maybe_text(&typed.firmware_from),
        firmware_to: maybe_text(&typed.firmware_to),
        has_feature: match typed.has_feature.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
    }
}

/// The `createCampaign` input of what the form holds, or the first field that is not a number.
pub fn campaign_input(locale: Locale, typed: &Typed, groups: &[GroupRow]) -> Result<CreateCampaignInput, ApiError> {
    let activate = typed.action == "ACTIVATE";
    let asked = typed.ask_owners && typed.action != "OFFER";
    Ok(CreateCampaignInput {
        name: typed.name.trim().to_owned(),
        action: action_of(&typed.action),
        feature_code: typed.feature.clone(),
        days: if activate { maybe_whole(locale, "days", &typed.days)? } else { None },
        target: target_input(typed),
        starts_at: None,
        ends_at: None,
        groups: groups.iter().map(|row| group_input(locale, row)).collect::<Result<_, _>>()?,
        rate_per_minute: whole(locale, "ratePerMinute", &typed.rate)?,
        ramp_factor_percent: maybe_whole(locale, "rampFactorPercent", &typed.ramp_factor)?,
        ramp_every: maybe_whole(locale, "rampEvery", &typed.ramp_every)?,
        max_rate_per_minute: maybe_whole(locale, "maxRatePerMinute", &typed.max_rate)?,
        timeout_seconds: whole(locale, "timeoutSeconds", &typed.timeout)?,
        abort: AbortCriteriaInput {
            failure_kinds: typed.abort_kinds.iter().map(|kind| failure_kind(kind)).collect(),
            min_executed: maybe_whole(locale, nested::ABORT_AFTER, &typed.abort_after)?.unwrap_or(0),
            failure_percent: maybe_whole(locale, nested::ABORT_PERCENT, &typed.abort_percent)?,
        },
        ask_owners: asked,
        answer_hours: if asked { whole(locale, "answerHours", &typed.answer_hours)? } else { 72 },
        retry_minutes: 30,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> Typed {
        Typed {
            name: "Goodwill month".into(),
            action: "ACTIVATE".into(),
            feature: "HEATED_SEATS".into(),
            days: "30".into(),
            vins: "wcaaur1s0tz000001, WCAAUR1S0TZ000002\nWCAAUR1S0TZ000003".into(),
            rate: "60".into(),
            timeout: "600".into(),
            answer_hours: "72".into(),
            ..Typed::default()
        }
    }

    fn field_of(result: Result<CreateCampaignInput, ApiError>) -> String {
        result.err().and_then(|error| error.field_name().map(str::to_owned)).unwrap_or_default()
    }

    #[test]
    fn vins_are_read_from_whatever_separates_them() {
        assert_eq!(vins_of(" a1, b2;c3\n\n d4 "), vec!["A1", "B2", "C3", "D4"]);
        assert!(vins_of(" \n ").is_empty());
    }

    #[test]
    fn the_form_becomes_the_input_the_api_takes() {
        let mut rows = vec![GroupRow::new(1), GroupRow::new(2)];
        rows[0].name = " pilot ".into();
        rows[0].way = Way::Count;
        rows[0].amount = "5".into();
        rows[0].error = "10".into();
        rows[1].way = Way::Region;
        rows[1].region = "DE".into();
        let input = campaign_input(Locale::En, &typed(), &rows).expect("an input");
        assert_eq!(input.days, Some(30));
        assert_eq!(input.target.vins.as_ref().map(Vec::len), Some(3));
        assert_eq!(input.target.models, None, "no model ticked: any model");
        assert_eq!((input.groups[0].name.as_str(), input.groups[0].car_count), ("pilot", Some(5)));
        assert_eq!(input.groups[0].error_threshold_percent, Some(10));
        assert_eq!((input.groups[1].region.as_deref(), input.groups[1].percent), (Some("DE"), None));
        assert_eq!(input.rate_per_minute, 60);
        assert!(!input.ask_owners);
    }

    #[test]
    fn days_are_for_an_activation_only_and_owners_are_not_asked_about_an_offer() {
        let mut offer = typed();
        offer.action = "OFFER".into();
        offer.ask_owners = true;
        let input = campaign_input(Locale::En, &offer, &[]).expect("an input");
        assert_eq!((input.days, input.ask_owners), (None, false));
    }

    #[test]
    fn a_number_that_is_not_one_names_its_field() {
        let mut spoiled = typed();
        spoiled.rate = "sixty".into();
        assert_eq!(field_of(campaign_input(Locale::En, &spoiled, &[])), "ratePerMinute");
        let mut spoiled = typed();
        spoiled.abort_percent = "5 %".into();
        assert_eq!(field_of(campaign_input(Locale::En, &spoiled, &[])), nested::ABORT_PERCENT);
        let mut row = GroupRow::new(1);
        row.amount = "a few".into();
        assert_eq!(field_of(campaign_input(Locale::En, &typed(), &[row])), nested::GROUP_PERCENT);
    }
}
