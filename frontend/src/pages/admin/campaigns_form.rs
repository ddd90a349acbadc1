//! The form of a new fleet campaign (admins): its name, what it does with which feature (and for
//! how many days), the cars it is for, its groups, its pace (a rate with an optional ramp), its
//! in-progress timeout and abort criteria, and whether owners are asked first. A field the server
//! refuses shows its error next to it (the inputs and sections: `campaigns_fields`).

use std::rc::Rc;

use yew::prelude::*;

use super::campaigns_draft::{GroupRow, campaign_input, nested};
use super::campaigns_fields::{Fields, Input, Sections, Ticked};
use super::campaigns_groups::{GROUP_FIELDS, GroupsEditor, RegionList};
use super::campaigns_progress::reason_name;
use crate::api::campaigns::{CreateCampaign, Created, create_campaign};
use crate::api::ops::{AdminFeatures, Models, Regions, admin_features, models, regions};
use crate::api::{Api, ApiError, QueryState, use_query};
use crate::components::forms::{checked, clear_field_error};
use crate::components::{field_error, form_error};
use crate::i18n::t;
use crate::state::use_app;

/// The actions a campaign can take.
const ACTIONS: [&str; 3] = ["ACTIVATE", "DEACTIVATE", "OFFER"];
/// The failures the abort criteria can count.
const FAILURE_KINDS: [&str; 3] = ["CAR_REFUSED", "CAR_UNREACHABLE", "TIMED_OUT"];
/// The inputs (other than the groups') the server can name in an error.
const FIELDS: [&str; 15] = [
    "name",
    "action",
    "featureCode",
    "days",
    nested::TARGET_VINS,
    nested::TARGET_FIRMWARE,
    "ratePerMinute",
    "rampFactorPercent",
    "rampEvery",
    "maxRatePerMinute",
    "timeoutSeconds",
    nested::ABORT_AFTER,
    nested::ABORT_PERCENT,
    "answerHours",
    "endsAt",
];

/// Properties of [`CampaignForm`].
#[derive(Properties, PartialEq)]
pub struct FormProps {
    /// Told the new campaign's id once it is created.
    pub created: Callback<String>,
    /// Told when the form is closed without creating.
    pub cancel: Callback<()>,
}

/// What the form chooses from, by code and name.
struct Choices {
    /// The catalog's features for sale.
    features: Vec<(String, String)>,
    /// The models.
    models: Vec<(String, String)>,
    /// The regions.
    regions: RegionList,
}

/// The lists the form chooses from.
#[hook]
fn use_choices() -> Choices {
    let app = use_app();
    let region = app.me.as_ref().map(|me| me.region.clone()).unwrap_or_else(|| "DE".into());
    let features = match use_query::<AdminFeatures>(admin_features::Variables { region_code: region }, 0) {
        QueryState::Ready(loaded) => loaded
            .data
            .all_features
            .iter()
            .filter(|f| f.retired_at.is_none())
            .map(|f| (f.code.clone(), format!("{} ({})", f.name, f.code)))
            .collect(),
        _ => Vec::new(),
    };
    let models = match use_query::<Models>(models::Variables, 0) {
        QueryState::Ready(loaded) => loaded.data.models.iter().map(|m| (m.code.clone(), m.name.clone())).collect(),
        _ => Vec::new(),
    };
    let regions = match use_query::<Regions>(regions::Variables, 0) {
        QueryState::Ready(loaded) => loaded.data.regions.iter().map(|r| (r.code.clone(), r.name.clone())).collect(),
        _ => Vec::new(),
    };
    Choices { features, models, regions: Rc::new(regions) }
}

/// Creates the campaign.
async fn create(api: &Api, input: create_campaign::CreateCampaignInput) -> Result<String, ApiError> {
    let created: Created = api.call_as::<CreateCampaign, Created>(create_campaign::Variables { input }).await?;
    Ok(created.0)
}

/// The new campaign's form.
#[function_component(CampaignForm)]
pub fn campaign_form(props: &FormProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let fields = use_memo((), |()| Fields::default());
    let action = use_state(|| "ACTIVATE".to_owned());
    let asking = use_state(|| false);
    let ticked = use_state(Ticked::default);
    let rows = use_state(Vec::<GroupRow>::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let Choices { features, models, regions } = use_choices();
    {
        let fields = fields.clone();
        use_effect_with((), move |()| fields.fill_defaults());
    }
    let onsubmit = {
        let (fields, action, ticked, rows) = (fields.clone(), action.clone(), ticked.clone(), rows.clone());
        let (error, busy, created) = (error.clone(), busy.clone(), props.created.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let input = match campaign_input(locale, &fields.typed(&action, &ticked), &rows) {
                Ok(input) => input,
                Err(err) => return error.set(Some(err)),
            };
            let (api, error, busy, created) = (api.clone(), error.clone(), busy.clone(), created.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match create(&api, input).await {
                    Ok(id) => created.emit(id),
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let on_action = {
        let action = action.clone();
        Callback::from(move |event: Event| {
            action.set(event.target_unchecked_into::<web_sys::HtmlSelectElement>().value());
        })
    };
    let on_ask = {
        let (asking, node) = (asking.clone(), fields.ask_owners.clone());
        Callback::from(move |_: Event| asking.set(checked(&node)))
    };
    let on_rows = {
        let (rows, error) = (rows.clone(), error.clone());
        Callback::from(move |changed: Vec<GroupRow>| {
            if error.as_ref().is_some_and(|err| err.field_name().is_some()) {
                error.set(None);
            }
            rows.set(changed);
        })
    };
    let cancel = {
        let cancel = props.cancel.clone();
        Callback::from(move |_: MouseEvent| cancel.emit(()))
    };
    let input = Input { locale, error: &error };
    let sections = Sections { input: &input, fields: &fields, ticked: &ticked };
    let kinds: Vec<(String, String)> =
        FAILURE_KINDS.iter().map(|kind| ((*kind).to_owned(), reason_name(locale, kind))).collect();
    let mut all_fields = FIELDS.to_vec();
    all_fields.extend(GROUP_FIELDS);
    html! {
        <form class="card campaign-form" id="campaign-form" oninput={clear_field_error(&error)} {onsubmit} novalidate=true>
            <h2>{ t(locale, "campaign.new") }</h2>
            <fieldset>
                <legend>{ t(locale, "campaign.what") }</legend>
                { input.text("campaign-name", "campaign.name", "name", &fields.name, false) }
                <label for="campaign-action">{ t(locale, "campaign.action") }</label>
                <select id="campaign-action" onchange={on_action}>
                    { for ACTIONS.iter().map(|a| html! { <option value={*a} selected={*action == *a}>{ t(locale, &format!("campaign_action.{a}")) }</option> }) }
                </select>
                <label for="campaign-feature">{ t(locale, "campaign.feature") }</label>
                <select id="campaign-feature" ref={fields.feature.clone()} aria-describedby={input.described("featureCode")}>
                    { for features.iter().map(|(code, name)| html! { <option value={code.clone()}>{ name.clone() }</option> }) }
                </select>
                { field_error(locale, &error, "featureCode") }
                if *action == "ACTIVATE" {
                    { input.text("campaign-days", "campaign.days", "days", &fields.days, true) }
                    <p class="muted">{ t(locale, "campaign.days_hint") }</p>
                }
            </fieldset>
            { sections.target(&models, &regions) }
            <GroupsEditor rows={(*rows).clone()} changed={on_rows} regions={regions.clone()} error={(*error).clone()} />
            { sections.pace() }
            { sections.safety(&kinds) }
            if *action != "OFFER" {
                <fieldset>
                    <legend>{ t(locale, "campaign.owners") }</legend>
                    <label class="choice">
                        <input type="checkbox" id="campaign-ask-owners" ref={fields.ask_owners.clone()} onchange={on_ask} />
                        { t(locale, "campaign.ask_owners") }
                    </label>
                    if *asking {
                        { input.text("campaign-answer-hours", "campaign.answer_hours", "answerHours", &fields.answer_hours, true) }
                    }
                </fieldset>
            }
            { form_error(locale, &error, &all_fields) }
            <div class="actions">
                <button type="submit" id="create-campaign" disabled={*busy}>{ t(locale, "campaign.create") }</button>
                <button type="button" class="secondary" onclick={cancel}>{ t(locale, "admin.cancel") }</button>
            </div>
        </form>
    }
}
