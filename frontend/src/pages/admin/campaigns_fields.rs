//! The inputs of the campaign form: their references and what they hold, a labelled input with the
//! error the server gives for it next to it, lists of checkboxes, and the form's sections for the
//! cars it is for, its pace and its safety (timeout and abort criteria).

use yew::prelude::*;

use super::campaigns_draft::{Typed, nested};
use super::campaigns_groups::RegionList;
use crate::api::ApiError;
use crate::components::field_error;
use crate::components::forms::{checked, text};
use crate::i18n::{Locale, t};

/// The form's text inputs.
#[derive(Default, PartialEq)]
pub struct Fields {
    pub name: NodeRef,
    pub feature: NodeRef,
    pub days: NodeRef,
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
    pub ask_owners: NodeRef,
    pub answer_hours: NodeRef,
}

/// What is ticked in the form's lists.
#[derive(Clone, Default, PartialEq)]
pub struct Ticked {
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
    pub fn fill_defaults(&self) {
        put(&self.rate, "60");
        put(&self.timeout, "600");
    }

    /// What the form holds, for the action `action`.
    pub fn typed(&self, action: &str, ticked: &Ticked) -> Typed {
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

/// A labelled input of the form with its error next to it.
pub struct Input<'a> {
    /// The reader's language.
    pub locale: Locale,
    /// The form's error.
    pub error: &'a Option<ApiError>,
}

impl Input<'_> {
    /// The id of the error shown for `field`, when there is one (for `aria-describedby`).
    pub fn described(&self, field: &str) -> Option<String> {
        self.error.as_ref().filter(|err| err.field_name() == Some(field)).map(|_| format!("{field}-error"))
    }

    /// A text input `id` for the API's `field`, labelled with the text of `label`; a number when
    /// `numeric`. Not bound to a `value`: every render would put it back over what was typed.
    pub fn text(&self, id: &str, label: &str, field: &str, node: &NodeRef, numeric: bool) -> Html {
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

/// The sections of the form made of plain inputs.
pub struct Sections<'a> {
    /// Labelled inputs with their errors.
    pub input: &'a Input<'a>,
    /// The inputs.
    pub fields: &'a Fields,
    /// What is ticked.
    pub ticked: &'a UseStateHandle<Ticked>,
}

impl Sections<'_> {
    /// Which cars: VINs, models, regions, a firmware range, with or without the feature.
    pub fn target(&self, models: &[(String, String)], regions: &RegionList) -> Html {
        let (locale, error, fields, ticked) = (self.input.locale, self.input.error, self.fields, self.ticked);
        let input = self.input;
        html! {
            <fieldset>
                <legend>{ t(locale, "campaign.target") }</legend>
                <p class="muted">{ t(locale, "campaign.target_hint") }</p>
                <label for="campaign-vins">{ t(locale, "campaign.vins") }</label>
                <textarea id="campaign-vins" ref={fields.vins.clone()} rows="4" spellcheck="false" class="code"
                    aria-describedby={input.described(nested::TARGET_VINS)} />
                { field_error(locale, error, nested::TARGET_VINS) }
                <fieldset>
                    <legend>{ t(locale, "campaign.models") }</legend>
                    { checkboxes("campaign-model", models, &ticked.models, |code| toggler(ticked, |t| &mut t.models, code)) }
                </fieldset>
                <fieldset>
                    <legend>{ t(locale, "campaign.regions") }</legend>
                    { checkboxes("campaign-region", regions, &ticked.regions, |code| toggler(ticked, |t| &mut t.regions, code)) }
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
        }
    }

    /// The rate and its optional ramp.
    pub fn pace(&self) -> Html {
        let (locale, fields, input) = (self.input.locale, self.fields, self.input);
        html! {
            <fieldset>
                <legend>{ t(locale, "campaign.pace") }</legend>
                { input.text("campaign-rate", "campaign.rate", "ratePerMinute", &fields.rate, true) }
                <p class="muted">{ t(locale, "campaign.ramp_hint") }</p>
                { input.text("campaign-ramp-factor", "campaign.ramp_factor", "rampFactorPercent", &fields.ramp_factor, true) }
                { input.text("campaign-ramp-every", "campaign.ramp_every", "rampEvery", &fields.ramp_every, true) }
                { input.text("campaign-max-rate", "campaign.max_rate", "maxRatePerMinute", &fields.max_rate, true) }
            </fieldset>
        }
    }

    /// The in-progress timeout and the abort criteria; `kinds` are the failures they can count.
    pub fn safety(&self, kinds: &[(String, String)]) -> Html {
        let (locale, fields, ticked, input) = (self.input.locale, self.fields, self.ticked, self.input);
        html! {
            <fieldset>
                <legend>{ t(locale, "campaign.safety") }</legend>
                { input.text("campaign-timeout", "campaign.timeout", "timeoutSeconds", &fields.timeout, true) }
                { input.text("campaign-abort-percent", "campaign.abort_percent", nested::ABORT_PERCENT, &fields.abort_percent, true) }
                { input.text("campaign-abort-after", "campaign.abort_after", nested::ABORT_AFTER, &fields.abort_after, true) }
                <fieldset>
                    <legend>{ t(locale, "campaign.abort_kinds") }</legend>
                    { checkboxes("campaign-abort-kind", kinds, &ticked.abort_kinds, |kind| toggler(ticked, |t| &mut t.abort_kinds, kind)) }
                </fieldset>
            </fieldset>
        }
    }
}
