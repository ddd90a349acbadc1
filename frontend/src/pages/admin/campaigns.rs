//! Fleet campaigns (admins and support): the list, newest first or those in one state, each with
//! its action, feature, state, progress and who created and approved it, leading to its live
//! view; admins open the form for a new one, which leads to the new campaign's live view.

use yew::prelude::*;
use yew_router::prelude::*;

use super::campaigns_form::CampaignForm;
use super::campaigns_progress::state_badge;
use crate::api::campaigns::{Campaign, CampaignList, Campaigns, campaigns};
use crate::api::{QueryState, use_query_as};
use crate::components::{Layout, empty, error_view, loading, stale_note};
use crate::i18n::{Locale, date, t, tf};
use crate::route::Route;
use crate::state::use_app;

/// The states a campaign can be in, as the filter offers them.
pub const STATES: [&str; 7] =
    ["AWAITING_APPROVAL", "SCHEDULED", "RUNNING", "PAUSED", "COMPLETED", "CANCELLED", "ABORTED"];

/// The API's value of the state chosen in the filter (none: every state).
fn state_filter(chosen: &str) -> Option<campaigns::CampaignState> {
    use campaigns::CampaignState as State;
    Some(match chosen {
        "AWAITING_APPROVAL" => State::AWAITING_APPROVAL,
        "SCHEDULED" => State::SCHEDULED,
        "RUNNING" => State::RUNNING,
        "PAUSED" => State::PAUSED,
        "COMPLETED" => State::COMPLETED,
        "CANCELLED" => State::CANCELLED,
        "ABORTED" => State::ABORTED,
        _ => return None,
    })
}

/// A campaign of the list.
fn campaign_row(locale: Locale, campaign: &Campaign) -> Html {
    let who = tf(
        locale,
        "campaign.created_approved",
        &[
            ("created", campaign.created_by.as_deref().unwrap_or("—")),
            ("approved", campaign.approved_by.as_deref().unwrap_or("—")),
        ],
    );
    let progress = tf(
        locale,
        "campaign.done_of",
        &[("done", &campaign.counts.done().to_string()), ("total", &campaign.counts.total.to_string())],
    );
    html! {
        <li class="card campaign" data-id={campaign.id.clone()} data-state={campaign.state.clone()}>
            <h2>
                <Link<Route> to={Route::Campaign { id: campaign.id.clone() }}>{ campaign.name.clone() }</Link<Route>>
                { " " }{ state_badge(locale, &campaign.state) }
            </h2>
            <p class="muted">
                { format!("{} · {} · {}", t(locale, &format!("campaign_action.{}", campaign.action)), campaign.feature_code, date(locale, &campaign.created_at)) }
            </p>
            <p class="muted">{ who }</p>
            if campaign.counts.total > 0 { <p>{ progress }</p> }
            if let Some(reason) = &campaign.state_reason { <p class="muted">{ reason.clone() }</p> }
        </li>
    }
}

/// The campaigns page.
#[function_component(CampaignsPage)]
pub fn campaigns_page() -> Html {
    let app = use_app();
    let locale = app.locale;
    let admin = app.role == "ADMIN";
    let navigator = use_navigator().expect("router");
    let chosen = use_state(String::new);
    let creating = use_state(|| false);
    let list = use_query_as::<Campaigns, CampaignList>(campaigns::Variables { state: state_filter(&chosen) }, 0);
    let on_filter = {
        let chosen = chosen.clone();
        Callback::from(move |event: Event| {
            chosen.set(event.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let created = Callback::from(move |id: String| navigator.push(&Route::Campaign { id }));
    let open = {
        let creating = creating.clone();
        Callback::from(move |_: MouseEvent| creating.set(true))
    };
    let close = {
        let creating = creating.clone();
        Callback::from(move |()| creating.set(false))
    };
    let content = match list {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) if loaded.data.0.is_empty() => empty(locale, "campaign.none"),
        QueryState::Ready(loaded) => html! {
            <>
                { stale_note(locale, loaded.stale) }
                <ul class="cards" id="campaigns">{ for loaded.data.0.iter().map(|campaign| campaign_row(locale, campaign)) }</ul>
            </>
        },
    };
    html! {
        <Layout title="page.campaigns">
            if admin && *creating {
                <CampaignForm {created} cancel={close} />
            } else if admin {
                <p class="actions"><button type="button" id="new-campaign" onclick={open}>{ t(locale, "campaign.new") }</button></p>
            }
            <div class="filters">
                <label for="campaign-filter">{ t(locale, "campaign.filter") }</label>
                <select id="campaign-filter" onchange={on_filter}>
                    <option value="" selected={chosen.is_empty()}>{ t(locale, "campaign.every_state") }</option>
                    { for STATES.iter().map(|s| html! { <option value={*s} selected={*chosen == *s}>{ t(locale, &format!("campaign_state.{s}")) }</option> }) }
                </select>
            </div>
            { content }
        </Layout>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Locale, t};

    /// The values of the API's enum `name`.
    fn values_of(name: &str) -> Vec<String> {
        let schema = include_str!("../../../../schema.graphql");
        let block = schema.split(&format!("\nenum {name} {{")).nth(1).expect("the enum is in the schema");
        let body = block.split('}').next().unwrap_or_default();
        body.split("\"\"\"").step_by(2).flat_map(str::split_whitespace).map(str::to_owned).collect()
    }

    #[test]
    fn every_state_action_and_failure_of_a_campaign_is_named_in_every_language() {
        let named = [
            ("CampaignState", "campaign_state"),
            ("CampaignAction", "campaign_action"),
            ("CampaignGroupState", "campaign_group_state"),
            ("FailureKind", "campaign_reason"),
        ];
        for (name, prefix) in named {
            let values = values_of(name);
            assert!(values.len() >= 3, "{name}: {values:?}");
            for value in values {
                for locale in Locale::ALL {
                    let key = format!("{prefix}.{value}");
                    assert_ne!(t(locale, &key), key, "{key} in {}", locale.name());
                }
            }
        }
        assert_eq!(values_of("CampaignState").len(), STATES.len(), "the filter offers every state");
        for state in STATES {
            assert!(state_filter(state).is_some(), "{state}");
        }
    }

    #[test]
    fn every_reason_the_server_gives_is_named_in_every_language() {
        let reasons = ["INCOMPATIBLE", "MAINTENANCE_OVERDUE", "DECLINED", "NO_ANSWER", "WINDOW_CLOSED", "STOPPED"];
        for reason in reasons {
            for locale in Locale::ALL {
                let key = format!("campaign_reason.{reason}");
                assert_ne!(t(locale, &key), key, "{key} in {}", locale.name());
            }
        }
        for reason in ["FOUR_EYES", "CAMPAIGN_STATE", "STILL_RUNNING"] {
            for locale in Locale::ALL {
                let key = format!("error.{reason}");
                assert_ne!(t(locale, &key), key, "{key} in {}", locale.name());
            }
        }
    }
}
