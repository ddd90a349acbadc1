//! The rollout rate: cars started per minute, growing by a factor every so many cars done (a ramp)
//! up to a ceiling, and the allowance a runner may spend now.

use chrono::{DateTime, Utc};
use entity::campaigns;

use super::spec::MAX_RATE;

/// The rate now, in cars per minute, after `done` cars succeeded.
pub fn per_minute(campaign: &campaigns::Model, done: i64) -> f64 {
    let base = f64::from(campaign.rate_per_minute);
    let ceiling = f64::from(campaign.max_rate_per_minute.unwrap_or(MAX_RATE));
    let grown = match (campaign.ramp_factor_percent, campaign.ramp_every) {
        (Some(factor), Some(every)) if every > 0 => {
            let steps = i32::try_from(done / i64::from(every)).unwrap_or(i32::MAX).min(64);
            base * (f64::from(factor) / 100.0).powi(steps)
        }
        _ => base,
    };
    grown.min(ceiling).max(base.min(ceiling))
}

/// The allowance, in thousandths of a car, at `now`: what was left, plus the rate over the time
/// since it was counted. It holds at most one minute's worth (at least one car), so a runner that
/// was held up catches up for a short while and no more.
pub fn allowance(campaign: &campaigns::Model, done: i64, now: DateTime<Utc>) -> i64 {
    let rate = per_minute(campaign, done);
    let since = campaign.credited_at.unwrap_or(now);
    let elapsed_ms = (now - since).num_milliseconds().max(0) as f64;
    // Rounded up to the thousandth: the rounds of a minute add up to the rate, not a car short.
    let earned = (rate * elapsed_ms / 60.0).ceil();
    let cap = (rate * 1000.0).max(1000.0);
    (campaign.credit_milli as f64 + earned).min(cap) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::{CampaignAction, CampaignState};
    use uuid::Uuid;

    fn campaign(rate: i32, ramp: Option<(i32, i32)>, max: Option<i32>) -> campaigns::Model {
        let now = Utc::now();
        campaigns::Model {
            id: Uuid::nil(),
            name: "c".into(),
            action: CampaignAction::Activate,
            feature_id: Uuid::nil(),
            days: None,
            target: "{}".into(),
            starts_at: now,
            ends_at: None,
            rate_per_minute: rate,
            ramp_factor_percent: ramp.map(|(factor, _)| factor),
            ramp_every: ramp.map(|(_, every)| every),
            max_rate_per_minute: max,
            timeout_seconds: 600,
            abort_failure_kinds: "[]".into(),
            abort_min_executed: 0,
            abort_failure_percent: None,
            ask_owners: false,
            answer_hours: 72,
            retry_minutes: 30,
            state: CampaignState::Running,
            state_reason: None,
            created_by: Uuid::nil(),
            approved_by: None,
            credit_milli: 0,
            credited_at: Some(now),
            started_at: Some(now),
            finished_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn the_rate_grows_by_its_factor_every_step_up_to_its_ceiling() {
        let ramped = campaign(10, Some((200, 50)), Some(60));
        assert!((per_minute(&ramped, 0) - 10.0).abs() < 1e-9);
        assert!((per_minute(&ramped, 49) - 10.0).abs() < 1e-9);
        assert!((per_minute(&ramped, 50) - 20.0).abs() < 1e-9);
        assert!((per_minute(&ramped, 100) - 40.0).abs() < 1e-9);
        assert!((per_minute(&ramped, 150) - 60.0).abs() < 1e-9, "capped");
        assert!((per_minute(&campaign(10, None, None), 1_000) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn the_allowance_earns_the_rate_over_time_and_holds_at_most_a_minute() {
        let mut steady = campaign(120, None, None);
        let start = steady.credited_at.expect("counted");
        assert_eq!(allowance(&steady, 0, start + chrono::Duration::seconds(1)), 2_000);
        assert_eq!(allowance(&steady, 0, start + chrono::Duration::milliseconds(250)), 500);
        let ten = campaign(10, None, None);
        assert_eq!(allowance(&ten, 0, start + chrono::Duration::seconds(5)), 834, "rounded up");
        assert_eq!(allowance(&steady, 0, start + chrono::Duration::minutes(10)), 120_000, "one minute's worth");
        steady.credit_milli = 700;
        assert_eq!(allowance(&steady, 0, start + chrono::Duration::seconds(1)), 2_700);
        let slow = campaign(1, None, None);
        assert_eq!(allowance(&slow, 0, start + chrono::Duration::hours(1)), 1_000, "at least one car");
    }
}
