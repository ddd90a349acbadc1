//! Recording a diagnostic session on a repair order: how it was run, the fault codes read (each
//! decoded in the reader's language as soon as it is typed, before anything is saved), what was
//! observed, the findings and what fixing it should cost.

use yew::prelude::*;

use crate::api::ops::{DiagnosticType, FaultCode, RecordDiagnosticSession, fault_code, record_diagnostic_session};
use crate::api::workshop::Code;
use crate::api::{Api, ApiError};
use crate::components::forms::{clear_field_error, text};
use crate::components::repair::codes_view;
use crate::components::{error_text, field_error, form_error, minor_units};
use crate::i18n::t;
use crate::state::use_app;

/// The inputs the server can name in an error.
const FIELDS: [&str; 4] = ["faultCodes", "symptoms", "technicianNotes", "costEstimate"];

/// The codes typed, e.g. `p0301, P1234` → `["P0301", "P1234"]`.
fn codes_typed(typed: &str) -> Vec<String> {
    typed
        .split([',', ';', ' ', '\n'])
        .map(|code| code.trim().to_ascii_uppercase())
        .filter(|code| !code.is_empty())
        .collect()
}

/// Properties of [`DiagnosisForm`].
#[derive(Properties, PartialEq)]
pub struct DiagnosisProps {
    /// The repair order.
    pub id: AttrValue,
    /// The workshop's currency.
    pub currency: AttrValue,
    /// Reloads the repair order.
    pub reload: Callback<()>,
}

/// The diagnostic session form.
#[function_component(DiagnosisForm)]
pub fn diagnosis_form(props: &DiagnosisProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (kind, codes, symptoms, notes, cost) =
        (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let decoded = use_state(Vec::<Code>::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let decode = {
        let (api, codes, decoded) = (api.clone(), codes.clone(), decoded.clone());
        Callback::from(move |_: Event| {
            let (api, decoded, typed) = (api.clone(), decoded.clone(), codes_typed(&text(&codes)));
            wasm_bindgen_futures::spawn_local(async move {
                let mut found = Vec::new();
                for code in typed {
                    let shown = match api.call::<FaultCode>(fault_code::Variables { code: code.clone() }).await {
                        Ok(data) => {
                            let known = data.fault_code;
                            Code { code: known.code, description: known.description, subsystem: known.subsystem }
                        }
                        Err(error) => Code { code, description: Some(error_text(locale, &error)), subsystem: None },
                    };
                    found.push(shown);
                }
                decoded.set(found);
            });
        })
    };
    let onsubmit = {
        let (api, error, busy, decoded, reload, id) =
            (api.clone(), error.clone(), busy.clone(), decoded.clone(), props.reload.clone(), props.id.to_string());
        let (kind, codes, symptoms, notes, cost) =
            (kind.clone(), codes.clone(), symptoms.clone(), notes.clone(), cost.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let form: Option<web_sys::HtmlFormElement> = event.target_dyn_into();
            let typed_cost = text(&cost);
            let cost_estimate_minor = if typed_cost.is_empty() { Some(0) } else { minor_units(&typed_cost) };
            let Some(cost_estimate_minor) = cost_estimate_minor else {
                return error.set(Some(ApiError::field("costEstimate", t(locale, "job.price_rule"))));
            };
            let input = record_diagnostic_session::DiagnosticSessionInput {
                session_type: DiagnosticType::from_name(&text(&kind)),
                fault_codes: codes_typed(&text(&codes)),
                symptoms: text(&symptoms),
                technician_notes: text(&notes),
                cost_estimate_minor,
            };
            let (api, error, busy, decoded, reload, id) =
                (api.clone(), error.clone(), busy.clone(), decoded.clone(), reload.clone(), id.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<RecordDiagnosticSession>(record_diagnostic_session::Variables { id, input }).await {
                    Ok(()) => {
                        error.set(None);
                        decoded.set(Vec::new());
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
    html! {
        <details class="card diagnosis">
            <summary>{ t(locale, "diagnosis.title") }</summary>
            <form id="diagnosis-form" {onsubmit} oninput={clear_field_error(&error)}>
                <label for="session-type">{ t(locale, "diagnosis.type") }</label>
                <select id="session-type" ref={kind}>
                    { for ["OBD2", "VISUAL", "TEST_DRIVE"].iter().map(|k| html! { <option value={*k} selected={*k == "OBD2"}>{ t(locale, &format!("diagnostic.{k}")) }</option> }) }
                </select>
                <label for="fault-codes">{ t(locale, "diagnosis.codes") }</label>
                <input id="fault-codes" ref={codes} autocomplete="off" placeholder="P0301, P1234" onchange={decode} />
                { field_error(locale, &error, "faultCodes") }
                if !decoded.is_empty() { <div id="decoded-codes" aria-live="polite">{ codes_view(locale, &decoded) }</div> }
                <label for="symptoms">{ t(locale, "diagnosis.symptoms") }</label>
                <textarea id="symptoms" ref={symptoms} rows="2" maxlength="4000" />
                { field_error(locale, &error, "symptoms") }
                <label for="technician-notes">{ t(locale, "diagnosis.notes") }</label>
                <textarea id="technician-notes" ref={notes} rows="2" maxlength="4000" />
                { field_error(locale, &error, "technicianNotes") }
                <label for="cost-estimate">{ format!("{} ({})", t(locale, "diagnosis.cost"), props.currency) }</label>
                <input id="cost-estimate" ref={cost} inputmode="decimal" autocomplete="off" />
                { field_error(locale, &error, "costEstimate") }
                { form_error(locale, &error, &FIELDS) }
                <button type="submit" disabled={*busy}>{ t(locale, "diagnosis.save") }</button>
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::codes_typed;

    #[test]
    fn codes_are_read_however_they_are_separated_and_in_capitals() {
        assert_eq!(codes_typed("p0301, P1234;U0100  c1234\n"), ["P0301", "P1234", "U0100", "C1234"]);
        assert!(codes_typed(" , ").is_empty());
    }
}
