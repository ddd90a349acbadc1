//! What an admin can do to a campaign, by its state: approve it (a second admin: the server refuses
//! the one who created it, and the page says so), pause it (the emergency stop, with an optional
//! reason; the answer tells how many commands were withdrawn and how many were in flight), resume,
//! cancel (asked first) and roll back a stopped activation campaign (asked first).

use std::rc::Rc;

use yew::prelude::*;

use crate::api::campaigns::{
    Acted, ApproveCampaign, Campaign, CancelCampaign, PauseCampaign, ResumeCampaign, RollBackCampaign,
    approve_campaign, cancel_campaign, pause_campaign, resume_campaign, roll_back_campaign,
};
use crate::api::{Api, ApiError};
use crate::components::error_view;
use crate::components::forms::text;
use crate::i18n::{Locale, t, tf};
use crate::state::use_app;

/// An admin's action on a campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// A second admin lets it start.
    Approve,
    /// The emergency stop.
    Pause,
    /// Goes on after a pause.
    Resume,
    /// Stops it for good.
    Cancel,
    /// Switches off again what it switched on.
    RollBack,
}

impl Act {
    /// Its name in ids and text keys.
    fn key(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Cancel => "cancel",
            Self::RollBack => "roll_back",
        }
    }

    /// Whether it is asked again before it is done (it cannot be undone).
    fn asks_first(self) -> bool {
        matches!(self, Self::Cancel | Self::RollBack)
    }
}

/// What can be done to a campaign in `state`: a rollback only for a stopped activation campaign
/// with cars still switched on.
pub fn acts_of(campaign: &Campaign) -> Vec<Act> {
    match campaign.state.as_str() {
        "AWAITING_APPROVAL" => vec![Act::Approve, Act::Cancel],
        "SCHEDULED" | "RUNNING" => vec![Act::Pause, Act::Cancel],
        "PAUSED" => vec![Act::Resume, Act::Cancel],
        "CANCELLED" | "ABORTED" if campaign.action == "ACTIVATE" && campaign.counts.succeeded > 0 => {
            vec![Act::RollBack]
        }
        _ => Vec::new(),
    }
}

/// Does `act` to the campaign `id`; a stop gives its optional `reason`.
async fn run(api: &Api, act: Act, id: String, reason: Option<String>) -> Result<Acted, ApiError> {
    match act {
        Act::Approve => api.call_as::<ApproveCampaign, Acted>(approve_campaign::Variables { id }).await,
        Act::Pause => api.call_as::<PauseCampaign, Acted>(pause_campaign::Variables { id, reason }).await,
        Act::Resume => api.call_as::<ResumeCampaign, Acted>(resume_campaign::Variables { id }).await,
        Act::Cancel => api.call_as::<CancelCampaign, Acted>(cancel_campaign::Variables { id, reason }).await,
        Act::RollBack => api.call_as::<RollBackCampaign, Acted>(roll_back_campaign::Variables { id }).await,
    }
}

/// What an action did, in words.
pub fn acted_text(locale: Locale, act: Act, acted: &Acted) -> String {
    let done = t(locale, &format!("campaign.done_{}", act.key()));
    match (acted.withdrawn, acted.in_flight, acted.switched_off) {
        (Some(withdrawn), Some(in_flight), _) => {
            let counts = [("withdrawn", withdrawn.to_string()), ("in_flight", in_flight.to_string())];
            let counts: Vec<(&str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
            format!("{done} {}", tf(locale, "campaign.stop_counts", &counts))
        }
        (_, _, Some(switched_off)) => {
            format!("{done} {}", tf(locale, "campaign.switched_off", &[("cars", &switched_off.to_string())]))
        }
        _ => done,
    }
}

/// What the last action did, or why the server refused it.
#[derive(Clone, PartialEq)]
enum Said {
    /// Done, in words.
    Done(String),
    /// Refused.
    Refused(ApiError),
}

/// Properties of [`CampaignActions`].
#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    /// The campaign as shown.
    pub campaign: Rc<Campaign>,
    /// Told the campaign as an action left it.
    pub acted: Callback<Campaign>,
}

/// The admin's buttons for a campaign, with the stop's reason, the confirmation of what cannot be
/// undone, what the last action did and why the server refused one — said while the campaign stays
/// in the state it was in then (a refusal to approve is old news once another admin approved).
#[function_component(CampaignActions)]
pub fn campaign_actions(props: &ActionsProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let busy = use_state(|| false);
    let said = use_state(|| None::<(String, Said)>);
    let asking = use_state(|| None::<Act>);
    let reason = use_node_ref();
    let acts = acts_of(&props.campaign);
    let act_now = {
        let (busy, said, asking, reason) = (busy.clone(), said.clone(), asking.clone(), reason.clone());
        let (id, state, acted) = (props.campaign.id.clone(), props.campaign.state.clone(), props.acted.clone());
        Callback::from(move |act: Act| {
            let (api, busy, said, acted, state) =
                (api.clone(), busy.clone(), said.clone(), acted.clone(), state.clone());
            let why = Some(text(&reason)).filter(|why| !why.is_empty());
            asking.set(None);
            busy.set(true);
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match run(&api, act, id, why).await {
                    Ok(done) => {
                        said.set(Some((done.campaign.state.clone(), Said::Done(acted_text(locale, act, &done)))));
                        acted.emit(done.campaign);
                    }
                    Err(err) => said.set(Some((state, Said::Refused(err)))),
                }
                busy.set(false);
            });
        })
    };
    let press = |act: Act| {
        let (act_now, asking) = (act_now.clone(), asking.clone());
        Callback::from(move |_: MouseEvent| if act.asks_first() { asking.set(Some(act)) } else { act_now.emit(act) })
    };
    let stoppable = acts.iter().any(|act| matches!(act, Act::Pause | Act::Cancel));
    html! {
        <section class="card" id="campaign-actions" aria-labelledby="campaign-actions-title">
            <h2 id="campaign-actions-title">{ t(locale, "campaign.actions") }</h2>
            if stoppable {
                <label for="campaign-stop-reason">{ t(locale, "campaign.stop_reason") }</label>
                <input id="campaign-stop-reason" ref={reason} maxlength="300" autocomplete="off" />
            }
            if acts.is_empty() { <p class="muted">{ t(locale, "campaign.no_actions") }</p> }
            <div class="actions">
                { for acts.iter().map(|act| html! {
                    <button type="button" id={format!("campaign-{}", act.key().replace('_', "-"))} disabled={*busy}
                        class={classes!((*act != Act::Approve && *act != Act::Pause && *act != Act::Resume).then_some("secondary"))}
                        style={(*act == Act::Pause).then_some("background:var(--bad);border-color:var(--bad)")}
                        onclick={press(*act)}>
                        { t(locale, &format!("campaign.{}", act.key())) }
                    </button>
                }) }
            </div>
            if let Some(act) = asking.filter(|act| acts.contains(act)) {
                <div class="confirm" role="group" aria-labelledby="campaign-confirm-text">
                    <p id="campaign-confirm-text">{ t(locale, &format!("campaign.ask_{}", act.key())) }</p>
                    <div class="actions">
                        <button type="button" id="campaign-confirm" onclick={act_now.reform(move |_: MouseEvent| act)}>
                            { t(locale, &format!("campaign.confirm_{}", act.key())) }
                        </button>
                        <button type="button" class="secondary" onclick={{ let asking = asking.clone(); Callback::from(move |_: MouseEvent| asking.set(None)) }}>
                            { t(locale, "campaign.keep") }
                        </button>
                    </div>
                </div>
            }
            { said_view(locale, (*said).as_ref().filter(|(state, _)| *state == props.campaign.state).map(|(_, said)| said)) }
        </section>
    }
}

/// What the last action did, or why it was refused.
fn said_view(locale: Locale, said: Option<&Said>) -> Html {
    match said {
        Some(Said::Done(done)) => {
            html! { <p class="status done" id="campaign-acted" role="status" aria-live="polite">{ done.clone() }</p> }
        }
        Some(Said::Refused(error)) => html! { <div id="campaign-action-error">{ error_view(locale, error) }</div> },
        None => html! {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::campaigns::Counts;

    fn campaign(state: &str, action: &str, succeeded: i64) -> Campaign {
        Campaign {
            state: state.into(),
            action: action.into(),
            counts: Counts { succeeded, ..Counts::default() },
            ..Campaign::default()
        }
    }

    #[test]
    fn each_state_offers_what_the_server_allows_in_it() {
        assert_eq!(acts_of(&campaign("AWAITING_APPROVAL", "ACTIVATE", 0)), vec![Act::Approve, Act::Cancel]);
        assert_eq!(acts_of(&campaign("RUNNING", "ACTIVATE", 3)), vec![Act::Pause, Act::Cancel]);
        assert_eq!(acts_of(&campaign("SCHEDULED", "OFFER", 0)), vec![Act::Pause, Act::Cancel]);
        assert_eq!(acts_of(&campaign("PAUSED", "DEACTIVATE", 0)), vec![Act::Resume, Act::Cancel]);
        assert_eq!(acts_of(&campaign("CANCELLED", "ACTIVATE", 3)), vec![Act::RollBack]);
        assert_eq!(acts_of(&campaign("ABORTED", "ACTIVATE", 0)), Vec::new(), "nothing left to switch off");
        assert_eq!(acts_of(&campaign("CANCELLED", "DEACTIVATE", 3)), Vec::new());
        assert_eq!(acts_of(&campaign("COMPLETED", "ACTIVATE", 40)), Vec::new());
    }

    #[test]
    fn a_stop_says_what_it_withdrew_and_what_was_in_flight() {
        let stopped =
            Acted { campaign: Campaign::default(), withdrawn: Some(3), in_flight: Some(2), switched_off: None };
        let said = acted_text(Locale::En, Act::Pause, &stopped);
        assert!(said.contains('3') && said.contains('2'), "{said}");
        assert_eq!(
            acted_text(Locale::En, Act::Approve, &Acted { withdrawn: None, in_flight: None, ..stopped }),
            t(Locale::En, "campaign.done_approve")
        );
    }
}
