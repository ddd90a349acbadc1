//! What a repair order shows wherever it appears (the customer's page, the e-mailed estimate, the
//! workshop's page, the car's file): its status, the estimate's lines and totals, the diagnostic
//! sessions with their fault codes, and the customer's decision on an estimate.

// The first build (without the `more` pages) shows only an expediente's diagnoses and repair
// statuses; lines, totals and decisions are the second build's.
#![cfg_attr(not(feature = "more"), allow(dead_code, unused_imports))]

use yew::prelude::*;

use crate::api::workshop::{Amount, Amounts, Code, Diagnosis, Line};
use crate::i18n::{Locale, date_time, money, quantity, t, tf};

/// A repair order's status as a badge (`id` for the page's main one).
pub fn repair_status(locale: Locale, status: &str, id: Option<&'static str>) -> Html {
    html! {
        <span {id} class={classes!("status-badge", "repair", status.to_ascii_lowercase())} data-status={status.to_owned()} aria-live="polite">
            { t(locale, &format!("repair_status.{status}")) }
        </span>
    }
}

/// The estimate's lines; `extra` adds to each line (the workshop's remove button).
pub fn lines_view(locale: Locale, lines: &[Line], extra: impl Fn(&Line) -> Html) -> Html {
    if lines.is_empty() {
        return html! { <p class="muted" id="lines">{ t(locale, "repair.no_lines") }</p> };
    }
    html! {
        <ul class="rows lines" id="lines">
            { for lines.iter().map(|line| {
                let unit = money(locale, line.unit_net.amount_minor, &line.unit_net.currency);
                let amount = quantity(locale, line.quantity);
                let times = if line.kind == "LABOUR" {
                    tf(locale, "repair.hours_at", &[("hours", &amount), ("rate", &unit)])
                } else {
                    format!("{amount} × {unit}")
                };
                html! {
                    <li class={classes!("line", line.status.to_ascii_lowercase())} data-line={line.id.clone()}>
                        <span class="line-net">{ money(locale, line.net.amount_minor, &line.net.currency) }</span>
                        <strong>{ line.description.clone() }</strong><br />
                        <span class="muted">{ t(locale, &format!("line_kind.{}", line.kind)) }{ " · " }{ times }</span>
                        if line.status != "APPROVED" { { " · " }<em>{ t(locale, &format!("line_status.{}", line.status)) }</em> }
                        { extra(line) }
                    </li>
                }
            }) }
        </ul>
    }
}

/// The estimate's net, VAT and gross, and the gross approved before.
pub fn totals_view(locale: Locale, estimate: &Amounts, approved: Option<&Amounts>) -> Html {
    let shown = |amount: &Amount| money(locale, amount.amount_minor, &amount.currency);
    html! {
        <dl class="amounts" id="estimate">
            <dt>{ t(locale, "order.net") }</dt><dd>{ shown(&estimate.net) }</dd>
            <dt>{ t(locale, "order.vat") }</dt><dd>{ shown(&estimate.vat) }</dd>
            <dt>{ t(locale, "order.gross") }</dt><dd><strong id="estimate-gross">{ shown(&estimate.gross) }</strong></dd>
            if let Some(approved) = approved {
                <dt>{ t(locale, "repair.approved_amount") }</dt><dd id="approved-gross">{ shown(&approved.gross) }</dd>
            }
        </dl>
    }
}

/// The diagnostic sessions, each code with what it means (or that its maker alone defines it).
pub fn diagnostics_view(locale: Locale, sessions: &[Diagnosis]) -> Html {
    if sessions.is_empty() {
        return html! { <p class="muted">{ t(locale, "expediente.none") }</p> };
    }
    html! {
        <ul class="rows diagnostics">
            { for sessions.iter().map(|session| html! {
                <li class="diagnosis">
                    <strong>{ t(locale, &format!("diagnostic.{}", session.session_type)) }</strong>
                    { " · " }{ date_time(locale, &session.created_at) }{ " · " }{ session.workshop.name.clone() }
                    if !session.symptoms.is_empty() { <p>{ session.symptoms.clone() }</p> }
                    if !session.technician_notes.is_empty() { <p class="muted">{ session.technician_notes.clone() }</p> }
                    if !session.fault_codes.is_empty() { { codes_view(locale, &session.fault_codes) } }
                </li>
            }) }
        </ul>
    }
}

/// Fault codes with their meaning and subsystem.
pub fn codes_view(locale: Locale, codes: &[Code]) -> Html {
    html! {
        <ul class="codes">
            { for codes.iter().map(|code| html! {
                <li data-code={code.code.clone()}>
                    <code>{ code.code.clone() }</code>{ " " }
                    { code.description.clone().unwrap_or_else(|| t(locale, "diagnostic.not_described")) }
                    if let Some(subsystem) = &code.subsystem { <br /><span class="muted">{ subsystem.clone() }</span> }
                </li>
            }) }
        </ul>
    }
}

/// Properties of [`Decision`].
#[derive(Properties, PartialEq)]
pub struct DecisionProps {
    /// Whether the decision is about work beyond the approved estimate.
    pub reapproval: bool,
    /// Hears `true` to approve, `false` to decline.
    pub on_decide: Callback<bool>,
}

/// Approve or decline; declining first says what it means.
#[function_component(Decision)]
pub fn decision(props: &DecisionProps) -> Html {
    let locale = crate::state::use_app().locale;
    let asking = use_state(|| false);
    let choose = |approve: bool| {
        let on_decide = props.on_decide.clone();
        Callback::from(move |_: MouseEvent| on_decide.emit(approve))
    };
    let set_asking = |value: bool| {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(value))
    };
    if *asking {
        return html! {
            <div class="confirm-cancel" role="group">
                <p>{ t(locale, if props.reapproval { "repair.decline_more" } else { "repair.decline_all" }) }</p>
                <div class="actions">
                    <button type="button" id="confirm-decline" onclick={choose(false)}>{ t(locale, "repair.decline_confirm") }</button>
                    <button type="button" class="secondary" onclick={set_asking(false)}>{ t(locale, "confirm.back") }</button>
                </div>
            </div>
        };
    }
    html! {
        <div class="actions">
            <button type="button" id="approve" onclick={choose(true)}>{ t(locale, "repair.approve") }</button>
            <button type="button" class="secondary" id="decline" onclick={set_asking(true)}>{ t(locale, "repair.decline") }</button>
        </div>
    }
}
