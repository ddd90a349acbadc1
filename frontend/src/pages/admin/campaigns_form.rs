//! The form of a new fleet campaign (admins): its name, what it does with which feature (and for
//! how many days), the cars it is for, its groups, its pace (a rate with an optional ramp), its
//! in-progress timeout and abort criteria, and whether owners are asked first. A field the server
//! refuses shows its error next to it.

use std::rc::Rc;

use yew::prelude::*;

use super::campaigns_draft::{GroupRow, Typed, campaign_input, nested};
use super::campaigns_groups::{GROUP_FIELDS, GroupsEditor, RegionList};
use super::campaigns_progress::reason_name;
use crate::api::campaigns::{CreateCampaign, Created, create_campaign};
use crate::api::ops::{AdminFeatures, Models, Regions, admin_features, models, regions};
use crate::api::{Api, ApiError, QueryState, use_query};
use crate::components::forms::{checked, clear_field_error, text};
use crate::components::{field_error, form_error};
use crate::i18n::{Locale, t};
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

/// The form's text inputs.
#[derive(Default, PartialEq)]
struct Fields {
    name: NodeRef,
    feature: NodeRef,
    days: NodeRef,
    vins: NodeRef,
    firmware_from: NodeRef,
    firmware_to: NodeRef,
    has_feature: NodeRef,
    rate: NodeRef,
    ramp_factor: NodeRef,
    ramp_every: NodeRef,
    max_rate: NodeRef,
    timeout: NodeRef,
    abort_percent: NodeRef,
    abort_after: NodeRef,
    ask_owners: NodeRef,
    answer_hours: NodeRef,
}

/// What is ticked in the form's lists.
#[derive(Clone, Default, PartialEq)]
struct Ticked {
    models: Vec<String>,
    regions: Vec<String>,
    abort_kinds: Vec<String>,
}

/// Puts `value` in the input `node`.
fn put(node: &NodeRef, value: &str) {
    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    }
}

impl Fields {
    /// The values a new campaign starts with: a car a second, ten minutes for each.
    fn fill_defaults(&self) {
        put(&self.rate, "60");
        put(&self.timeout, "600");
    }

    fn typed(&self, action: &str, ticked: &Ticked) -> Typed {
        Typed {
            name: text(&self.name),
            action: action.to_owned(),
            feature: text(&self.feature),
            days: text(&self.days),
            vins: text(&self.vins),
            models: ticked.models.clone(),
            regions: ticked.regions.clone(),
            firmware_from: text(&self.firmware_from),
            firmware_to: text(&self.firmware_to),
            has_feature: text(&self.has_feature),
            rate: text(&self.rate),
            ramp_factor: text(&self.ramp_factor),
            ramp_every: text(&self.ramp_every),
            max_rate: text(&self.max_rate),
            timeout: text(&self.timeout),
            abort_percent: text(&self.abort_percent),
            abort_after: text(&self.abort_after),
            abort_kinds: ticked.abort_kinds.clone(),
            ask_owners: checked(&self.ask_owners),
            answer_hours: Some(text(&self.answer_hours))
                .filter(|hours| !hours.is_empty())
                .unwrap_or_else(|| "72".into()),
        }
    }
}

/// Properties of [`CampaignForm`].
#[derive(Properties, PartialEq)]
pub struct FormProps {
    /// Told the new campaign's id once it is created.
    pub created: Callback<String>,
    /// Told when the form is closed without creating.
    pub cancel: Callback<()>,
}

/// A labelled input of the form with its error next to it.
struct Input<'a> {
    locale: Locale,
    error: &'a Option<ApiError>,
}

impl Input<'_> {
    /// The id of the error shown for `field`, when there is one (for `aria-describedby`).
    fn described(&self, field: &str) -> Option<String> {
        self.error.as_ref().filter(|err| err.field_name() == Some(field)).map(|_| format!("{field}-error"))
    }

    /// A text input `id` for the API's `field`, labelled with the text of `label`; a number when
    /// `numeric`. Not bound to a `value`: every render would put it back over what was typed.
    fn text(&self, id: &str, label: &str, field: &str, node: &NodeRef, numeric: bool) -> Html {
        html! {
            <>
                <label for={id.to_owned()}>{ t(self.locale, label) }</label>
                <input id={id.to_owned()} ref={node.clone()} autocomplete="off"
                    inputmode={numeric.then_some("numeric")} aria-describedby={self.described(field)} />
                { field_error(self.locale, self.error, field) }
            </>
        }
    }
}

/// Ticks or unticks `code` in the list `pick` picks from what is ticked.
fn toggler(ticked: &UseStateHandle<Ticked>, pick: fn(&mut Ticked) -> &mut Vec<String>, code: &str) -> Callback<Event> {
    let (ticked, code) = (ticked.clone(), code.to_owned());
    Callback::from(move |_: Event| {
        let mut now = (*ticked).clone();
        let list = pick(&mut now);
        if list.contains(&code) {
            list.retain(|c| *c != code)
        } else {
            list.push(code.clone())
        }
        ticked.set(now);
    })
}

/// A list of checkboxes named `name`: (value, text) each, ticked when in `on`.
fn checkboxes(name: &str, items: &[(String, String)], on: &[String], toggle: impl Fn(&str) -> Callback<Event>) -> Html {
    html! {
        { for items.iter().map(|(value, label)| html! {
            <label class="choice">
                <input type="checkbox" name={name.to_owned()} value={value.clone()} checked={on.contains(value)} onchange={toggle(value)} />
                { label.clone() }
            </label>
        }) }
    }
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
            <fieldset>
                <legend>{ t(locale, "campaign.target") }</legend>
                <p class="muted">{ t(locale, "campaign.target_hint") }</p>
                <label for="campaign-vins">{ t(locale, "campaign.vins") }</label>
                <textarea id="campaign-vins" ref={fields.vins.clone()} rows="4" spellcheck="false" class="code"
                    aria-describedby={input.described(nested::TARGET_VINS)} />
                { field_error(locale, &error, nested::TARGET_VINS) }
                <fieldset>
                    <legend>{ t(locale, "campaign.models") }</legend>
                    { checkboxes("campaign-model", &models, &ticked.models, |code| toggler(&ticked, |t| &mut t.models, code)) }
                </fieldset>
                <fieldset>
                    <legend>{ t(locale, "campaign.regions") }</legend>
                    { checkboxes("campaign-region", &regions, &ticked.regions, |code| toggler(&ticked, |t| &mut t.regions, code)) }
                </fieldset>
                { input.text("campaign-firmware-from", "campaign.firmware_from", nested::TARGET_FIRMWARE, &fields.firmware_from, false) }
                { input.text("campaign-firmware-to", "campaign.firmware_to", "firmwareTo", &fields.firmware_to, false) }
                <label for="campaign-has-feature">{ t(locale, "campaign.has_feature") }</label>
                <select id="campaign-has-feature" ref={fields.has_feature.clone()}>
                    <option value="" selected=true>{ t(locale, "campaign.has_feature_any") }</option>
                    <option value="false">{ t(locale, "campaign.has_feature_off") }</option>
                    <option value="true">{ t(locale, "campaign.has_feature_on") }</option>
                </select>
            </fieldset>
            <GroupsEditor rows={(*rows).clone()} changed={on_rows} regions={regions.clone()} error={(*error).clone()} />
            <fieldset>
                <legend>{ t(locale, "campaign.pace") }</legend>
                { input.text("campaign-rate", "campaign.rate", "ratePerMinute", &fields.rate, true) }
                <p class="muted">{ t(locale, "campaign.ramp_hint") }</p>
                { input.text("campaign-ramp-factor", "campaign.ramp_factor", "rampFactorPercent", &fields.ramp_factor, true) }
                { input.text("campaign-ramp-every", "campaign.ramp_every", "rampEvery", &fields.ramp_every, true) }
                { input.text("campaign-max-rate", "campaign.max_rate", "maxRatePerMinute", &fields.max_rate, true) }
            </fieldset>
            <fieldset>
                <legend>{ t(locale, "campaign.safety") }</legend>
                { input.text("campaign-timeout", "campaign.timeout", "timeoutSeconds", &fields.timeout, true) }
                { input.text("campaign-abort-percent", "campaign.abort_percent", nested::ABORT_PERCENT, &fields.abort_percent, true) }
                { input.text("campaign-abort-after", "campaign.abort_after", nested::ABORT_AFTER, &fields.abort_after, true) }
                <fieldset>
                    <legend>{ t(locale, "campaign.abort_kinds") }</legend>
                    { checkboxes("campaign-abort-kind", &kinds, &ticked.abort_kinds, |kind| toggler(&ticked, |t| &mut t.abort_kinds, kind)) }
                </fieldset>
            </fieldset>
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
