//! The groups of a new campaign, edited as rows: each with its name, its cars (a count, a share of
//! the target or a region) and its gates (the share done that opens the next group, the share
//! failed that pauses the campaign); rows are added and removed.

use std::rc::Rc;

use yew::prelude::*;

use super::campaigns_draft::{GroupRow, Way, nested};
use crate::api::ApiError;
use crate::components::field_error;
use crate::i18n::{Locale, t, tf};
use crate::state::use_app;

/// The inputs of the groups the server can name in an error.
pub const GROUP_FIELDS: [&str; 7] = [
    "groups",
    nested::GROUP_NAME,
    nested::GROUP_COUNT,
    nested::GROUP_PERCENT,
    nested::GROUP_REGION,
    nested::GROUP_SUCCESS,
    nested::GROUP_ERROR,
];

/// The regions a group can be, by code and name.
pub type RegionList = Rc<Vec<(String, String)>>;

/// Properties of [`GroupsEditor`].
#[derive(Properties, PartialEq)]
pub struct GroupsProps {
    /// The rows, in order.
    pub rows: Vec<GroupRow>,
    /// Told the rows as they are after each edit.
    pub changed: Callback<Vec<GroupRow>>,
    /// The regions to choose from.
    pub regions: RegionList,
    /// The form's error, shown here when it names a group's input.
    pub error: Option<ApiError>,
}

/// The text typed or chosen in the input or select of an event.
fn typed(event: &Event) -> String {
    let target = event.target();
    target
        .and_then(|field| js_sys::Reflect::get(&field, &"value".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The rows with row `at` changed by `edit` from the typed value.
fn edited(rows: &[GroupRow], at: usize, value: String, edit: fn(&mut GroupRow, String)) -> Vec<GroupRow> {
    let mut rows = rows.to_vec();
    if let Some(row) = rows.get_mut(at) {
        edit(row, value);
    }
    rows
}

/// The groups' rows and the button that adds one.
#[function_component(GroupsEditor)]
pub fn groups_editor(props: &GroupsProps) -> Html {
    let locale = use_app().locale;
    let add = {
        let (rows, changed) = (props.rows.clone(), props.changed.clone());
        Callback::from(move |_: MouseEvent| {
            let key = rows.iter().map(|row| row.key).max().unwrap_or(0) + 1;
            let mut more = rows.clone();
            more.push(GroupRow::new(key));
            changed.emit(more);
        })
    };
    let error = props.error.clone();
    html! {
        <fieldset id="campaign-groups-editor">
            <legend>{ t(locale, "campaign.groups") }</legend>
            if props.rows.is_empty() { <p class="muted">{ t(locale, "campaign.groups_none") }</p> }
            { for props.rows.iter().enumerate().map(|(at, row)| group_row(locale, props, at, row)) }
            { for GROUP_FIELDS.iter().map(|field| field_error(locale, &error, field)) }
            <button type="button" class="secondary" id="add-group" onclick={add}>{ t(locale, "campaign.add_group") }</button>
        </fieldset>
    }
}

/// One group's inputs.
fn group_row(locale: Locale, props: &GroupsProps, at: usize, row: &GroupRow) -> Html {
    let n = at + 1;
    let id = |name: &str| format!("group-{n}-{name}");
    let on = |edit: fn(&mut GroupRow, String)| {
        let (rows, changed) = (props.rows.clone(), props.changed.clone());
        Callback::from(move |event: Event| changed.emit(edited(&rows, at, typed(&event), edit)))
    };
    let on_input = |edit: fn(&mut GroupRow, String)| {
        let (rows, changed) = (props.rows.clone(), props.changed.clone());
        Callback::from(move |event: InputEvent| changed.emit(edited(&rows, at, typed(&event), edit)))
    };
    let first_region = props.regions.first().map(|(code, _)| code.clone()).unwrap_or_default();
    let on_way = {
        let (rows, changed) = (props.rows.clone(), props.changed.clone());
        Callback::from(move |event: Event| {
            let mut rows = rows.clone();
            if let Some(row) = rows.get_mut(at) {
                row.way = Way::of(&typed(&event));
                if row.way == Way::Region && row.region.is_empty() {
                    row.region = first_region.clone();
                }
            }
            changed.emit(rows);
        })
    };
    let remove = {
        let (rows, changed) = (props.rows.clone(), props.changed.clone());
        Callback::from(move |_: MouseEvent| {
            let mut rows = rows.clone();
            rows.remove(at);
            changed.emit(rows);
        })
    };
    let title = tf(locale, "campaign.group_n", &[("n", &n.to_string())]);
    let amount_label = if row.way == Way::Count { "campaign.group_count" } else { "campaign.group_percent" };
    html! {
        <fieldset class="campaign-group" key={row.key} data-position={n.to_string()}>
            <legend>{ title.clone() }</legend>
            <label for={id("name")}>{ t(locale, "campaign.group_name") }</label>
            <input id={id("name")} value={row.name.clone()} oninput={on_input(|row, value| row.name = value)}
                required=true maxlength="80" autocomplete="off" />
            <label for={id("way")}>{ t(locale, "campaign.group_way") }</label>
            <select id={id("way")} onchange={on_way}>
                { for Way::ALL.iter().map(|way| html! {
                    <option value={way.key()} selected={*way == row.way}>{ t(locale, &format!("campaign.way_{}", way.key())) }</option>
                }) }
            </select>
            if row.way == Way::Region {
                <label for={id("region")}>{ t(locale, "campaign.group_region") }</label>
                <select id={id("region")} onchange={on(|row, value| row.region = value)}>
                    { for props.regions.iter().map(|(code, name)| html! {
                        <option value={code.clone()} selected={*code == row.region}>{ name.clone() }</option>
                    }) }
                </select>
            } else {
                <label for={id("amount")}>{ t(locale, amount_label) }</label>
                <input id={id("amount")} inputmode="numeric" value={row.amount.clone()}
                    oninput={on_input(|row, value| row.amount = value)} autocomplete="off" />
            }
            <label for={id("success")}>{ t(locale, "campaign.group_success") }</label>
            <input id={id("success")} inputmode="numeric" value={row.success.clone()}
                oninput={on_input(|row, value| row.success = value)} autocomplete="off" />
            <label for={id("error")}>{ t(locale, "campaign.group_error") }</label>
            <input id={id("error")} inputmode="numeric" value={row.error.clone()}
                oninput={on_input(|row, value| row.error = value)} autocomplete="off" />
            <button type="button" class="secondary remove-group" onclick={remove}
                aria-label={format!("{} {title}", t(locale, "campaign.remove_group"))}>{ t(locale, "campaign.remove_group") }</button>
        </fieldset>
    }
}
