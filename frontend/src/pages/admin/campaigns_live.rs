//! A campaign live (admins and support): read once, then sent again by the server at each change
//! (`campaignProgress` over the app's WebSocket client) — its state and why, who created and
//! approved it, its totals, groups, reasons and pace; and for admins, what they can do to it.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use super::campaigns_actions::CampaignActions;
use super::campaigns_progress::{groups_view, pace_view, reasons_view, state_badge, totals_view};
use crate::api::campaigns::{Campaign, CampaignProgress, CampaignView, campaign_progress, campaign_view};
use crate::api::{Api, QueryState, use_query_as, ws};
use crate::components::{Layout, loading, page_error, stale_note};
use crate::i18n::{Locale, date_time, t, tf};
use crate::route::Route;
use crate::state::use_app;

/// Properties of [`CampaignPage`].
#[derive(Properties, PartialEq)]
pub struct CampaignProps {
    /// The campaign.
    pub id: AttrValue,
}

/// The campaign's latest state as the server sent it: the subscription's events, and the answers
/// of the admin's actions.
#[hook]
fn use_live_campaign(id: &AttrValue) -> (UseStateHandle<Option<Rc<Campaign>>>, Callback<Campaign>) {
    let api = use_context::<Api>().expect("api");
    let live = use_state(|| None::<Rc<Campaign>>);
    {
        let live = live.clone();
        use_effect_with(id.clone(), move |id| {
            live.set(None);
            // Each event is the whole campaign; after a break the first one says where it stands.
            let on_event = {
                let live = live.clone();
                Callback::from(move |event: Option<Campaign>| {
                    if let Some(campaign) = event {
                        live.set(Some(Rc::new(campaign)));
                    }
                })
            };
            let variables = campaign_progress::Variables { id: id.to_string() };
            let subscription = ws::subscribe_as::<CampaignProgress, Campaign>(&api, variables, on_event);
            move || drop(subscription)
        });
    }
    let acted = {
        let live = live.clone();
        Callback::from(move |campaign: Campaign| live.set(Some(Rc::new(campaign))))
    };
    (live, acted)
}

/// Who created and approved it, and when it was created, started and finished.
fn people_view(locale: Locale, campaign: &Campaign) -> Html {
    let nobody = || t(locale, "campaign.nobody_yet");
    html! {
        <dl>
            <dt>{ t(locale, "campaign.created_by") }</dt>
            <dd id="campaign-created-by">{ campaign.created_by.clone().unwrap_or_else(nobody) }{ " · " }{ date_time(locale, &campaign.created_at) }</dd>
            <dt>{ t(locale, "campaign.approved_by") }</dt>
            <dd id="campaign-approved-by">{ campaign.approved_by.clone().unwrap_or_else(nobody) }</dd>
            if let Some(started) = &campaign.started_at {
                <dt>{ t(locale, "campaign.started") }</dt><dd>{ date_time(locale, started) }</dd>
            }
            if let Some(finished) = &campaign.finished_at {
                <dt>{ t(locale, "campaign.finished") }</dt><dd>{ date_time(locale, finished) }</dd>
            }
        </dl>
    }
}

/// What it does: the action, the feature and for how long, the target's conditions.
fn summary(locale: Locale, campaign: &Campaign) -> String {
    let mut parts = vec![t(locale, &format!("campaign_action.{}", campaign.action)), campaign.feature_code.clone()];
    if campaign.action == "ACTIVATE" {
        parts.push(match campaign.days {
            Some(days) => tf(locale, "offer.days", &[("days", &days.to_string())]),
            None => t(locale, "campaign.for_good"),
        });
    }
    let target = &campaign.target;
    parts.extend(target.models.iter().chain(&target.regions).cloned());
    if target.firmware_from.is_some() || target.firmware_to.is_some() {
        let (from, to) = (target.firmware_from.as_deref().unwrap_or("…"), target.firmware_to.as_deref().unwrap_or("…"));
        parts.push(format!("{} {from}–{to}", t(locale, "campaign.firmware")));
    }
    if campaign.ask_owners {
        parts.push(t(locale, "campaign.owners_asked"));
    }
    parts.join(" · ")
}

/// The campaign shown: its header, the admin's actions, its totals, pace, groups and reasons.
fn campaign_view(locale: Locale, campaign: &Rc<Campaign>, admin: bool, acted: &Callback<Campaign>) -> Html {
    html! {
        <>
            <section class="card" id="campaign-header" aria-labelledby="campaign-name">
                <h2 id="campaign-name">{ campaign.name.clone() }</h2>
                <p class="muted">{ summary(locale, campaign) }</p>
                <p id="campaign-state-line" aria-live="polite">
                    { state_badge(locale, &campaign.state) }
                    if let Some(reason) = &campaign.state_reason {
                        { " " }<span id="campaign-state-reason">{ reason.clone() }</span>
                    }
                </p>
                { people_view(locale, campaign) }
            </section>
            if admin { <CampaignActions campaign={campaign.clone()} acted={acted.clone()} /> }
            { totals_view(locale, &campaign.counts) }
            { pace_view(locale, campaign) }
            { groups_view(locale, &campaign.groups) }
            { reasons_view(locale, &campaign.reasons) }
        </>
    }
}

/// The live view of a campaign.
#[function_component(CampaignPage)]
pub fn campaign_page(props: &CampaignProps) -> Html {
    let app = use_app();
    let locale = app.locale;
    let (live, acted) = use_live_campaign(&props.id);
    let fetched = use_query_as::<CampaignView, Campaign>(campaign_view::Variables { id: props.id.to_string() }, 0);
    let content = match (&*live, fetched) {
        (Some(campaign), _) => campaign_view(locale, campaign, app.role == "ADMIN", &acted),
        (None, QueryState::Ready(loaded)) => html! {
            <>
                { stale_note(locale, loaded.stale) }
                { campaign_view(locale, &loaded.data, app.role == "ADMIN", &acted) }
            </>
        },
        (None, QueryState::Loading) => loading(locale),
        (None, QueryState::Failed(error)) => page_error(locale, &error, "id"),
    };
    html! {
        <Layout title="page.campaign">
            <p><Link<Route> to={Route::Campaigns}>{ t(locale, "campaign.all") }</Link<Route>></p>
            { content }
        </Layout>
    }
}
