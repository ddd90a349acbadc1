//! The workshop's actions on a repair order: the next step of its board (only the allowed ones,
//! and cancelling, which asks first), what the order waits for, and the estimate's lines.

use yew::prelude::*;

use crate::api::ops::{
    AddRepairOrderLine, MoveRepairOrder, RemoveRepairOrderLine, RepairLineKind, RepairOrderStatus,
    add_repair_order_line, move_repair_order, remove_repair_order_line,
};
use crate::api::{Api, ApiError};
use crate::components::forms::{clear_field_error, text};
use crate::components::{done_note, error_view, field_error, form_error, minor_units};
use crate::i18n::{Locale, t, tf};
use crate::state::use_app;

/// The steps the workshop takes itself from `status` (the customer's approval is not one of them).
pub fn next_steps(status: &str) -> &'static [&'static str] {
    match status {
        "CHECKED_IN" => &["INSPECTED"],
        "INSPECTED" => &["ESTIMATED"],
        "APPROVED" => &["IN_PROGRESS"],
        "IN_PROGRESS" => &["READY"],
        "READY" => &["INVOICED"],
        "INVOICED" => &["CLOSED"],
        _ => &[],
    }
}

/// Whether a repair order in `status` can still be called off.
pub fn cancellable(status: &str) -> bool {
    matches!(status, "CHECKED_IN" | "INSPECTED" | "ESTIMATED" | "APPROVED" | "IN_PROGRESS" | "READY")
}

/// Whether the estimate's lines may change in `status` (not while the customer decides).
pub fn lines_editable(status: &str) -> bool {
    matches!(status, "CHECKED_IN" | "INSPECTED" | "APPROVED" | "IN_PROGRESS")
}

/// Properties of [`JobActions`].
#[derive(Properties, PartialEq)]
pub struct JobProps {
    /// The repair order.
    pub id: AttrValue,
    /// Its status.
    pub status: AttrValue,
    /// Whether an estimate waits for the customer.
    pub approval_pending: bool,
    /// Whether that is about work beyond the approved estimate.
    pub reapproval: bool,
    /// How far beyond, in percent.
    pub percent: i64,
    /// The workshop's currency.
    pub currency: AttrValue,
    /// Reloads the repair order.
    pub reload: Callback<()>,
}

/// Moves, notices and the estimate entry.
#[function_component(JobActions)]
pub fn job_actions(props: &JobProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let note = use_node_ref();
    let asking = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let moved = use_state(|| None::<&'static str>);
    let move_to = |to: &'static str| {
        let (api, note, error, moved, asking) =
            (api.clone(), note.clone(), error.clone(), moved.clone(), asking.clone());
        let (id, reload) = (props.id.to_string(), props.reload.clone());
        Callback::from(move |_: MouseEvent| {
            let variables = move_repair_order::Variables {
                id: id.clone(),
                to: RepairOrderStatus::from_name(to),
                note: text(&note),
            };
            let (api, note, error, moved, asking, reload) =
                (api.clone(), note.clone(), error.clone(), moved.clone(), asking.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<MoveRepairOrder>(variables).await {
                    Ok(()) => {
                        error.set(None);
                        asking.set(false);
                        moved.set(Some("job.moved"));
                        if let Some(input) = note.cast::<web_sys::HtmlInputElement>() {
                            input.set_value("");
                        }
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let set_asking = |value: bool| {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(value))
    };
    let status = props.status.as_str();
    let steps = next_steps(status);
    html! {
        <section class="card" id="job-actions">
                <h2>{ t(locale, "job.next_step") }</h2>
                if props.approval_pending {
                    <p class="warning" id="approval-wait">
                        { if props.reapproval { tf(locale, "job.reapproval_wait", &[("percent", &props.percent.to_string())]) } else { t(locale, "job.approval_wait") } }
                    </p>
                }
                if !steps.is_empty() || cancellable(status) {
                    <label for="move-note">{ t(locale, "job.note") }</label>
                    <input id="move-note" ref={note.clone()} maxlength="500" autocomplete="off" />
                }
                <div class="actions">
                    { for steps.iter().map(|to| html! {
                        <button type="button" class="move" data-to={*to} onclick={move_to(to)}>{ t(locale, &format!("job.move_{}", to.to_ascii_lowercase())) }</button>
                    }) }
                    if cancellable(status) && !*asking {
                        <button type="button" class="secondary" id="cancel-job" onclick={set_asking(true)}>{ t(locale, "job.cancel") }</button>
                    }
                </div>
                if *asking {
                    <div class="confirm-cancel" role="group">
                        <p>{ t(locale, "job.cancel_ask") }</p>
                        <div class="actions">
                            <button type="button" id="confirm-cancel-job" onclick={move_to("CANCELLED")}>{ t(locale, "job.cancel_confirm") }</button>
                            <button type="button" class="secondary" onclick={set_asking(false)}>{ t(locale, "confirm.back") }</button>
                        </div>
                    </div>
                }
                { done_note(locale, &moved) }
                if let Some(err) = &*error { { error_view(locale, err) } }
        </section>
    }
}

/// The inputs of the line form the server can name in an error.
const LINE_FIELDS: [&str; 3] = ["description", "quantity", "unitNet"];

/// Properties of [`LineForm`].
#[derive(Properties, PartialEq)]
pub struct LineProps {
    /// The repair order.
    pub id: AttrValue,
    /// Its status.
    pub status: AttrValue,
    /// The workshop's currency.
    pub currency: AttrValue,
    /// Reloads the repair order.
    pub reload: Callback<()>,
}

/// The labour or part typed into the form, checked before it is sent.
fn line_input(
    locale: Locale,
    kind: &NodeRef,
    description: &NodeRef,
    quantity: &NodeRef,
    unit: &NodeRef,
) -> Result<add_repair_order_line::RepairLineInput, ApiError> {
    let hundredths = minor_units(&text(quantity)).filter(|amount| *amount > 0);
    let hundredths = hundredths.ok_or_else(|| ApiError::field("quantity", t(locale, "job.quantity_rule")))?;
    let unit_net_minor =
        minor_units(&text(unit)).ok_or_else(|| ApiError::field("unitNet", t(locale, "job.price_rule")))?;
    Ok(add_repair_order_line::RepairLineInput {
        kind: RepairLineKind::from_name(&text(kind)),
        description: text(description),
        quantity: hundredths as f64 / 100.0,
        unit_net_minor,
    })
}

/// Adding labour (hours × rate) or a part (pieces × price) to the estimate.
#[function_component(LineForm)]
pub fn line_form(props: &LineProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (kind, description, quantity, unit) = (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (api, error, busy, reload, id) =
            (api.clone(), error.clone(), busy.clone(), props.reload.clone(), props.id.to_string());
        let (kind, description, quantity, unit) = (kind.clone(), description.clone(), quantity.clone(), unit.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: Option<web_sys::HtmlFormElement> = event.target_dyn_into();
            let input = match line_input(locale, &kind, &description, &quantity, &unit) {
                Ok(input) => input,
                Err(err) => return error.set(Some(err)),
            };
            let (api, error, busy, reload, id) = (api.clone(), error.clone(), busy.clone(), reload.clone(), id.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<AddRepairOrderLine>(add_repair_order_line::Variables { id, input }).await {
                    Ok(()) => {
                        error.set(None);
                        if let Some(form) = form {
                            form.reset();
                        }
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let approved = matches!(props.status.as_str(), "APPROVED" | "IN_PROGRESS");
    html! {
        <form class="card" id="line-form" {onsubmit} oninput={clear_field_error(&error)}>
            <h2>{ t(locale, "job.add_line") }</h2>
            if approved { <p class="muted">{ t(locale, "job.tolerance") }</p> }
            <label for="line-kind">{ t(locale, "job.kind") }</label>
            <select id="line-kind" ref={kind}>
                <option value="LABOUR" selected=true>{ t(locale, "line_kind.LABOUR") }</option>
                <option value="PART">{ t(locale, "line_kind.PART") }</option>
            </select>
            <label for="line-description">{ t(locale, "job.description") }</label>
            <input id="line-description" ref={description} required=true maxlength="300" autocomplete="off" />
            { field_error(locale, &error, "description") }
            <label for="line-quantity">{ t(locale, "job.quantity") }</label>
            <input id="line-quantity" ref={quantity} required=true inputmode="decimal" autocomplete="off" />
            { field_error(locale, &error, "quantity") }
            <label for="line-unit">{ format!("{} ({})", t(locale, "job.unit_net"), props.currency) }</label>
            <input id="line-unit" ref={unit} required=true inputmode="decimal" autocomplete="off" />
            { field_error(locale, &error, "unitNet") }
            { form_error(locale, &error, &LINE_FIELDS) }
            <button type="submit" id="add-line" disabled={*busy}>{ t(locale, "job.add") }</button>
        </form>
    }
}

/// Properties of [`RemoveLine`].
#[derive(Properties, PartialEq)]
pub struct RemoveProps {
    /// The line.
    pub id: AttrValue,
    /// Reloads the repair order.
    pub reload: Callback<()>,
}

/// Removes a line from the estimate (less work never needs a new approval).
#[function_component(RemoveLine)]
pub fn remove_line(props: &RemoveProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let error = use_state(|| None::<ApiError>);
    let onclick = {
        let (api, error, reload, id) = (api.clone(), error.clone(), props.reload.clone(), props.id.to_string());
        Callback::from(move |_: MouseEvent| {
            let (api, error, reload, id) = (api.clone(), error.clone(), reload.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<RemoveRepairOrderLine>(remove_repair_order_line::Variables { id }).await {
                    Ok(()) => reload.emit(()),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    html! {
        <>
            <br /><button type="button" class="link remove-line" {onclick}>{ t(locale, "job.remove_line") }</button>
            if let Some(err) = &*error { { error_view(locale, err) } }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_offers_only_the_next_step_and_cancelling_until_the_car_is_ready() {
        assert_eq!(next_steps("CHECKED_IN"), ["INSPECTED"]);
        assert_eq!(next_steps("INSPECTED"), ["ESTIMATED"]);
        assert!(next_steps("ESTIMATED").is_empty(), "the customer decides");
        assert_eq!(next_steps("APPROVED"), ["IN_PROGRESS"]);
        assert_eq!(next_steps("READY"), ["INVOICED"]);
        assert_eq!(next_steps("INVOICED"), ["CLOSED"]);
        assert!(next_steps("CLOSED").is_empty() && next_steps("CANCELLED").is_empty());
        assert!(cancellable("READY") && !cancellable("INVOICED"));
        assert!(lines_editable("IN_PROGRESS") && !lines_editable("ESTIMATED") && !lines_editable("READY"));
        for status in ["CHECKED_IN", "INSPECTED", "APPROVED", "IN_PROGRESS", "READY", "INVOICED"] {
            for to in next_steps(status) {
                let key = format!("job.move_{}", to.to_ascii_lowercase());
                assert_ne!(t(Locale::De, &key), key, "the button to {to} has a text");
            }
        }
    }
}
