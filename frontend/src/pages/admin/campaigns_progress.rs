//! How far a campaign got, as the live view shows it: its state, each group with its progress bar
//! (done, failed, running, left out and waiting of its size), state and gates, the totals, the
//! failures and cars left out by reason, the rate with its ramp and the estimated end. Plain
//! functions of the campaign: the live view renders them again at each event.

use yew::prelude::*;

use crate::api::campaigns::{Campaign, Counts, Group, Reason};
use crate::i18n::{Locale, date_time, quantity, t, tf};

/// The colour of each part of a progress bar, as the legend names it.
const PARTS: [(&str, &str); 5] = [
    ("done", "var(--ok)"),
    ("failed", "var(--bad)"),
    ("running", "var(--focus)"),
    ("other", "var(--muted)"),
    ("waiting", "var(--line)"),
];

/// `part` of `whole` in percent (0 for an empty whole), at most 100.
pub fn share(part: i64, whole: i64) -> f64 {
    if whole <= 0 { 0.0 } else { (part.max(0) as f64 * 100.0 / whole as f64).min(100.0) }
}

/// The parts of a bar of `counts`, in the order of [`PARTS`].
fn parts(counts: &Counts) -> [i64; 5] {
    [counts.done(), counts.failures(), counts.running, counts.other(), counts.to_come()]
}

/// The colour a state's badge has.
fn state_colour(state: &str) -> &'static str {
    match state {
        "RUNNING" | "COMPLETED" | "DONE" => "var(--ok)",
        "PAUSED" | "AWAITING_APPROVAL" => "var(--focus)",
        "ABORTED" | "CANCELLED" => "var(--bad)",
        _ => "var(--brand)",
    }
}

/// A campaign's state as a badge.
pub fn state_badge(locale: Locale, state: &str) -> Html {
    html! {
        <span class="badge campaign-state" data-state={state.to_owned()} style={format!("background:{}", state_colour(state))}>
            { t(locale, &format!("campaign_state.{state}")) }
        </span>
    }
}

/// A group's state as a badge.
fn group_badge(locale: Locale, state: &str) -> Html {
    html! {
        <span class="badge group-state" style={format!("background:{}", state_colour(state))}>
            { t(locale, &format!("campaign_group_state.{state}")) }
        </span>
    }
}

/// The progress bar of `counts` out of `size` cars (the text next to it says the same in words).
fn bar(counts: &Counts, size: i64) -> Html {
    let widths = parts(counts);
    html! {
        <div class="campaign-bar" aria-hidden="true"
            style="display:flex;height:1rem;border-radius:4px;overflow:hidden;background:var(--line);margin:.25rem 0 .5rem">
            { for PARTS.iter().zip(widths).filter(|(_, cars)| *cars > 0).map(|((name, colour), cars)| html! {
                <span class={format!("bar-{name}")} style={format!("width:{:.2}%;background:{colour}", share(cars, size))}></span>
            }) }
        </div>
    }
}

/// The counts of `counts` out of `size` in words, e.g. "12 of 40 done · 1 failed · 2 running · 25
/// waiting".
pub fn counts_line(locale: Locale, counts: &Counts, size: i64) -> String {
    let mut line = tf(
        locale,
        "campaign.counts_line",
        &[
            ("done", &counts.done().to_string()),
            ("size", &size.to_string()),
            ("failed", &counts.failures().to_string()),
            ("running", &counts.running.to_string()),
            ("waiting", &counts.to_come().to_string()),
        ],
    );
    if counts.other() > 0 {
        line.push_str(&tf(locale, "campaign.counts_other", &[("other", &counts.other().to_string())]));
    }
    line
}

/// What the colours of the bars mean.
pub fn legend(locale: Locale) -> Html {
    html! {
        <ul class="legend" aria-hidden="true">
            { for PARTS.iter().map(|(name, colour)| html! {
                <li><span class="swatch" style={format!("background:{colour}")}></span>{ t(locale, &format!("campaign.part_{name}")) }</li>
            }) }
        </ul>
    }
}

/// A group: its state, its gates, its bar and its counts.
fn group_view(locale: Locale, group: &Group) -> Html {
    let success = tf(locale, "campaign.gate_success", &[("percent", &group.success_threshold_percent.to_string())]);
    let error = match group.error_threshold_percent {
        Some(percent) => tf(locale, "campaign.gate_error", &[("percent", &percent.to_string())]),
        None => t(locale, "campaign.gate_no_error"),
    };
    html! {
        <li class="card campaign-group-progress" data-position={group.position.to_string()} data-state={group.state.clone()}>
            <h3>{ format!("{}. {} ", group.position, group.name) }{ group_badge(locale, &group.state) }</h3>
            <p class="muted gates">{ format!("{success} · {error}") }</p>
            { bar(&group.counts, group.size) }
            <p class="group-counts">{ counts_line(locale, &group.counts, group.size) }</p>
        </li>
    }
}

/// Every group, in order.
pub fn groups_view(locale: Locale, groups: &[Group]) -> Html {
    html! {
        <section aria-labelledby="campaign-groups-title">
            <h2 id="campaign-groups-title">{ t(locale, "campaign.groups") }</h2>
            { legend(locale) }
            <ol class="cards" id="campaign-groups">{ for groups.iter().map(|group| group_view(locale, group)) }</ol>
        </section>
    }
}

/// The whole campaign's counts: the bar, the line that changes as cars take their turn (announced
/// politely), and every count.
pub fn totals_view(locale: Locale, counts: &Counts) -> Html {
    let rows = [
        ("campaign.count_succeeded", counts.succeeded),
        ("campaign.count_already_done", counts.already_done),
        ("campaign.count_failed", counts.failed),
        ("campaign.count_timed_out", counts.timed_out),
        ("campaign.count_running", counts.running),
        ("campaign.count_waiting", counts.waiting),
        ("campaign.count_asked", counts.asked),
        ("campaign.count_agreed", counts.agreed),
        ("campaign.count_skipped", counts.skipped),
        ("campaign.count_withdrawn", counts.withdrawn),
        ("campaign.count_rolled_back", counts.rolled_back),
    ];
    html! {
        <section class="card" id="campaign-totals" aria-labelledby="campaign-totals-title">
            <h2 id="campaign-totals-title">{ t(locale, "campaign.totals") }</h2>
            { bar(counts, counts.total) }
            <p id="campaign-counts" aria-live="polite" aria-atomic="true"
                data-done={counts.done().to_string()} data-failed={counts.failures().to_string()}
                data-running={counts.running.to_string()}
                data-total={counts.total.to_string()}>
                { counts_line(locale, counts, counts.total) }
            </p>
            <dl>
                { for rows.iter().filter(|(_, cars)| *cars > 0).map(|(key, cars)| html! {
                    <><dt>{ t(locale, key) }</dt><dd data-count={*key}>{ cars.to_string() }</dd></>
                }) }
            </dl>
        </section>
    }
}

/// The name of a failure kind or of why cars were left out (its code when the app does not know it).
pub fn reason_name(locale: Locale, reason: &str) -> String {
    let key = format!("campaign_reason.{reason}");
    let name = t(locale, &key);
    if name == key { reason.to_owned() } else { name }
}

/// The failures and cars left out by reason, most first.
pub fn reasons_view(locale: Locale, reasons: &[Reason]) -> Html {
    html! {
        <section class="card" aria-labelledby="campaign-reasons-title">
            <h2 id="campaign-reasons-title">{ t(locale, "campaign.reasons") }</h2>
            if reasons.is_empty() {
                <p class="muted" id="campaign-no-reasons">{ t(locale, "campaign.no_reasons") }</p>
            } else {
                <ul id="campaign-reasons">
                    { for reasons.iter().map(|reason| html! {
                        <li data-reason={reason.reason.clone()}>
                            { format!("{}: {}", reason_name(locale, &reason.reason), reason.cars) }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

/// The ramp in words: its factor, its step and its ceiling; none without one.
fn ramp_text(locale: Locale, campaign: &Campaign) -> String {
    let ceiling =
        campaign.max_rate_per_minute.map(|max| tf(locale, "campaign.ramp_ceiling", &[("max", &max.to_string())]));
    match (campaign.ramp_factor_percent, campaign.ramp_every) {
        (Some(factor), Some(every)) => {
            let factor = quantity(locale, factor as f64 / 100.0);
            let ramp = tf(locale, "campaign.ramp_text", &[("factor", &factor), ("every", &every.to_string())]);
            ceiling.map_or(ramp.clone(), |ceiling| format!("{ramp}{ceiling}"))
        }
        _ => t(locale, "campaign.no_ramp"),
    }
}

/// The pace: the rate now and as configured, the ramp, the estimated end, the timeout and the
/// abort criteria.
pub fn pace_view(locale: Locale, campaign: &Campaign) -> Html {
    let per_minute = |rate: f64| tf(locale, "campaign.per_minute", &[("rate", &quantity(locale, rate))]);
    let (kinds, after, percent) = &campaign.abort;
    let abort = match percent {
        Some(percent) => {
            let kinds: Vec<String> = kinds.iter().map(|kind| reason_name(locale, kind)).collect();
            let kinds = if kinds.is_empty() { t(locale, "campaign.every_failure") } else { kinds.join(", ") };
            tf(
                locale,
                "campaign.abort_text",
                &[("percent", &percent.to_string()), ("after", &after.to_string()), ("kinds", &kinds)],
            )
        }
        None => t(locale, "campaign.no_abort"),
    };
    let end = campaign
        .estimated_end_at
        .as_deref()
        .map_or_else(|| t(locale, "campaign.no_estimate"), |at| date_time(locale, at));
    html! {
        <section class="card" id="campaign-pace" aria-labelledby="campaign-pace-title">
            <h2 id="campaign-pace-title">{ t(locale, "campaign.pace") }</h2>
            <dl>
                <dt>{ t(locale, "campaign.rate_now") }</dt>
                <dd id="campaign-rate-now">{ per_minute(campaign.current_rate_per_minute) }</dd>
                <dt>{ t(locale, "campaign.rate_configured") }</dt>
                <dd>{ per_minute(campaign.rate_per_minute as f64) }</dd>
                <dt>{ t(locale, "campaign.ramp") }</dt>
                <dd id="campaign-ramp">{ ramp_text(locale, campaign) }</dd>
                <dt>{ t(locale, "campaign.estimated_end") }</dt>
                <dd id="campaign-estimated-end">{ end }</dd>
                <dt>{ t(locale, "campaign.timeout_short") }</dt>
                <dd>{ tf(locale, "campaign.seconds", &[("seconds", &campaign.timeout_seconds.to_string())]) }</dd>
                <dt>{ t(locale, "campaign.abort") }</dt>
                <dd>{ abort }</dd>
            </dl>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_a_percentage_of_the_whole_and_an_empty_group_shows_nothing() {
        assert_eq!(share(10, 40), 25.0);
        assert_eq!(share(3, 0), 0.0);
        assert_eq!(share(50, 40), 100.0, "never past the end of the bar");
    }

    #[test]
    fn the_counts_line_says_what_the_bar_shows() {
        let counts = Counts {
            total: 40,
            succeeded: 10,
            already_done: 2,
            failed: 1,
            running: 3,
            waiting: 24,
            ..Counts::default()
        };
        assert_eq!(counts_line(Locale::En, &counts, 40), "12 of 40 done · 1 failed · 3 running · 24 waiting");
        let stopped = Counts { skipped: 2, withdrawn: 1, ..counts };
        assert!(
            counts_line(Locale::En, &stopped, 40).ends_with(" · 3 left out"),
            "{}",
            counts_line(Locale::En, &stopped, 40)
        );
    }

    #[test]
    fn the_ramp_is_told_with_its_factor_step_and_ceiling() {
        let campaign = Campaign {
            ramp_factor_percent: Some(200),
            ramp_every: Some(20),
            max_rate_per_minute: Some(40),
            ..Campaign::default()
        };
        assert_eq!(ramp_text(Locale::En, &campaign), "×2 every 20 cars done, at most 40 a minute");
        assert_eq!(ramp_text(Locale::En, &Campaign::default()), t(Locale::En, "campaign.no_ramp"));
    }
}
