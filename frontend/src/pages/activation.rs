//! An activation, live: the OTA engine's steps as they happen (queued, sending, retry, active or
//! failed) and what happens to the charge.

use yew::prelude::*;

use crate::api::activation::{Activation, Step, Transfer};
use crate::api::ops::{
    ActivationDetail, ActivationProgress, CancelActivation, activation_detail, activation_progress, cancel_activation,
};
use crate::api::{Api, ApiError, QueryState, use_query_as, use_reload, ws};
use crate::components::{Layout, document_links, error_view, loading, page_error, stale_note};
use crate::i18n::{Locale, date, money, t, tf, value};
use crate::pages::checkout::in_fours;
use crate::state::use_app;

/// Properties of [`ActivationPage`].
#[derive(Properties, PartialEq)]
pub struct ActivationProps {
    /// The activation.
    pub id: AttrValue,
}

fn step_text(locale: Locale, step: &Step) -> String {
    match step.phase.as_str() {
        "SENDING" => tf(locale, "progress.SENDING", &[("attempt", &step.attempt.to_string())]),
        phase => t(locale, &format!("progress.{phase}")),
    }
}

fn charge_text(locale: Locale, charge: &str) -> String {
    t(locale, &format!("charge.{charge}"))
}

/// A sentence from the server as a clause after a colon: its first letter in lower case.
fn clause(sentence: &str) -> String {
    let mut chars = sentence.chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// Where to send the money of a purchase paid by bank transfer, and with which reference.
fn transfer_view(locale: Locale, transfer: &Transfer) -> Html {
    html! {
        <section class="card" id="transfer" aria-labelledby="transfer-title">
            <h2 id="transfer-title">{ t(locale, "transfer.title") }</h2>
            <p>{ t(locale, "transfer.explain") }</p>
            <dl>
                <dt>{ t(locale, "transfer.account") }</dt><dd>{ transfer.account.clone() }</dd>
                <dt>{ "IBAN" }</dt><dd class="iban">{ in_fours(&transfer.iban) }</dd>
                <dt>{ "BIC" }</dt><dd>{ transfer.bic.clone() }</dd>
                <dt>{ t(locale, "transfer.reference") }</dt><dd class="reference"><strong>{ in_fours(&transfer.reference) }</strong></dd>
                <dt>{ t(locale, "transfer.due") }</dt><dd class="due">{ money(locale, transfer.due.amount_minor, &transfer.due.currency) }</dd>
            </dl>
        </section>
    }
}

/// The activation page.
#[function_component(ActivationPage)]
pub fn activation_page(props: &ActivationProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let steps = use_state(Vec::<Step>::new);
    let (refresh, reload) = use_reload();
    let error = use_state(|| None::<ApiError>);
    // Ending or cancelling asks first, saying what happens and when.
    let asking = use_state(|| false);
    {
        let (api, steps, reload, id) = (api.clone(), steps.clone(), reload.clone(), props.id.to_string());
        use_effect_with(props.id.clone(), move |_| {
            let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
            let on_data = Callback::from(move |event: Option<Step>| {
                // Back after a break: what happened meanwhile is in the reloaded activation.
                let Some(step) = event else { return reload.emit(()) };
                let done = matches!(step.phase.as_str(), "ACTIVE" | "FAILED" | "ENDED");
                seen.borrow_mut().push(step);
                steps.set(seen.borrow().clone());
                if done {
                    reload.emit(());
                }
            });
            let subscription =
                ws::subscribe_as::<ActivationProgress, Step>(&api, activation_progress::Variables { id }, on_data);
            move || drop(subscription)
        });
    }
    let variables = activation_detail::Variables { id: props.id.to_string() };
    let state = use_query_as::<ActivationDetail, Activation>(variables, refresh);
    let content = match state {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { page_error(locale, &error, "id") } },
        QueryState::Ready(loaded) => {
            let activation = &loaded.data;
            let status = activation.status.clone();
            let kind = activation.duration_kind.clone();
            let cancellable = status == "ACTIVE" && kind != "PERMANENT" && !activation.cancel_at_period_end;
            let cancel = {
                let (api, error, reload, id) = (api.clone(), error.clone(), reload.clone(), activation.id.clone());
                let asking = asking.clone();
                Callback::from(move |_: MouseEvent| {
                    let (api, error, reload, id) = (api.clone(), error.clone(), reload.clone(), id.clone());
                    asking.set(false);
                    wasm_bindgen_futures::spawn_local(async move {
                        match api.send::<CancelActivation>(cancel_activation::Variables { id }).await {
                            Ok(()) => reload.emit(()),
                            Err(err) => error.set(Some(err)),
                        }
                    });
                })
            };
            let set_asking = |value: bool| {
                let asking = asking.clone();
                Callback::from(move |_: MouseEvent| asking.set(value))
            };
            let (ask, keep) = (set_asking(true), set_asking(false));
            let trial = kind == "TRIAL";
            let consequence = if trial {
                t(locale, "activation.end_trial_ask")
            } else {
                let until = activation.ends_at.as_ref().map(|ends| date(locale, ends)).unwrap_or_default();
                tf(locale, "activation.cancel_ask", &[("date", &until)])
            };
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    <section class="card">
                        <h2>{ activation.feature.clone() }</h2>
                        <p class="muted">{ activation.vin.clone() }{ " · " }{ value(locale, &kind) }</p>
                        <p id="activation-status" class={classes!("status-badge", status.to_ascii_lowercase())} aria-live="polite">{ value(locale, &status) }</p>
                        if status == "FAILED" {
                            <p class="warning" role="note" id="activation-failure">
                                { tf(locale, "activation.failed", &[("reason", &clause(activation.failure_message.as_deref().unwrap_or_default()))]) }
                            </p>
                        }
                        if let Some(ends) = &activation.ends_at { <p>{ t(locale, "dashboard.until") }{ " " }{ date(locale, ends) }</p> }
                        if activation.cancel_at_period_end { <p>{ t(locale, "activation.ends_at_period_end") }</p> }
                        { for activation.payments.iter().map(|payment| html! {
                            <p class="charge">
                                // A failed activation's note already says what happened to the money.
                                if status != "FAILED" { { money(locale, payment.amount.amount_minor, &payment.amount.currency) }{ " · " }{ charge_text(locale, &payment.status) } }
                                { for payment.invoices.iter().map(|invoice| html! { <>{ " · " }{ document_links(locale, &invoice.number, &invoice.kind, &invoice.pdf_url) }</> }) }
                            </p>
                        }) }
                        if cancellable && !*asking {
                            <button type="button" class="secondary" id="cancel-activation" onclick={ask}>
                                { t(locale, if trial { "activation.end_trial" } else { "activation.cancel" }) }
                            </button>
                        }
                        if cancellable && *asking {
                            <div class="confirm-cancel" role="group" aria-live="polite">
                                <p>{ consequence }</p>
                                <div class="actions">
                                    <button type="button" id="confirm-cancel" onclick={cancel}>
                                        { t(locale, if trial { "activation.end_trial_confirm" } else { "activation.cancel_confirm" }) }
                                    </button>
                                    <button type="button" class="secondary" id="keep-activation" onclick={keep}>{ t(locale, "activation.cancel_keep") }</button>
                                </div>
                            </div>
                        }
                        if let Some(err) = &*error { { error_view(locale, err) } }
                    </section>
                    { for activation.payments.iter().filter_map(|payment| payment.transfer.as_ref()).map(|transfer| transfer_view(locale, transfer)) }
                    <section class="card">
                        <h2>{ t(locale, "activation.progress") }</h2>
                        <ol id="progress" aria-live="polite">
                            { for steps.iter().map(|step| html! {
                                <li data-phase={step.phase.clone()}>
                                    { step_text(locale, step) }
                                    if let Some(charge) = &step.charge { { " · " }{ charge_text(locale, charge) } }
                                </li>
                            }) }
                        </ol>
                    </section>
                </>
            }
        }
    };
    html! { <Layout title="page.activation">{ content }</Layout> }
}
