//! Support's desk: the open tickets (most opened by an activation that failed), with the actions
//! that settle them — retry the activation, refund a charge, or close the ticket.

use yew::prelude::*;

use crate::api::ops::{
    RefundPayment, ResolveTicket, RetryActivation, SupportTickets, refund_payment, resolve_ticket, retry_activation,
    support_tickets,
};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::{Layout, empty, error_view, loading, name, stale_note};
use crate::i18n::{date_time, money, t, value};
use crate::state::use_app;

/// What support can do.
#[derive(Clone)]
enum Step {
    Retry(String),
    /// A payment refunded in full, with the ticket's subject as the reason.
    Refund {
        payment: String,
        reason: String,
    },
    Resolve(String),
}

/// The support desk.
#[function_component(SupportDesk)]
pub fn support_desk() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let error = use_state(|| None::<ApiError>);
    let act = |step: Step| {
        let (api, reload, error) = (api.clone(), reload.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, reload, error, step) = (api.clone(), reload.clone(), error.clone(), step.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = match step {
                    Step::Retry(id) => api.send::<RetryActivation>(retry_activation::Variables { id }).await,
                    Step::Refund { payment, reason } => {
                        // One key per payment: refunding it in full twice (a double click, a
                        // retry after a lost answer) is one refund.
                        let key = format!("desk-full-refund-{payment}");
                        api.send::<RefundPayment>(refund_payment::Variables { id: payment, key, reason }).await
                    }
                    Step::Resolve(id) => api.send::<ResolveTicket>(resolve_ticket::Variables { id }).await,
                };
                match result {
                    Ok(()) => {
                        error.set(None);
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let content = match use_query::<SupportTickets>(support_tickets::Variables, refresh) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let tickets = &loaded.data.support_tickets.nodes;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if tickets.is_empty() { { empty(locale, "support.empty") } }
                    <ul class="cards" id="tickets">
                        { for tickets.iter().map(|ticket| {
                            let activation = ticket.activation.as_ref();
                            let failed = activation.is_some_and(|a| name(&a.status) == "FAILED");
                            html! {
                                <li class="card">
                                    <h2>{ ticket.subject.clone() }</h2>
                                    <p class="muted">{ date_time(locale, &ticket.created_at) }</p>
                                    <p>{ ticket.details.clone() }</p>
                                    if let Some(a) = activation {
                                        <p>{ a.feature.name.clone() }{ " · " }{ a.vehicle.vin.clone() }{ " · " }<span class="status-badge">{ value(locale, &name(&a.status)) }</span></p>
                                        <ul>
                                            { for a.payments.iter().map(|payment| {
                                                let refundable = matches!(name(&payment.status).as_str(), "CAPTURED" | "SETTLED");
                                                html! {
                                                    <li>
                                                        { money(locale, payment.amount.amount_minor, &payment.amount.currency) }{ " · " }{ value(locale, &name(&payment.status)) }
                                                        if refundable { { " " }<button type="button" class="secondary" onclick={act(Step::Refund { payment: payment.id.clone(), reason: ticket.subject.clone() })}>{ t(locale, "support.refund") }</button> }
                                                    </li>
                                                }
                                            }) }
                                        </ul>
                                    }
                                    <p class="actions">
                                        if failed { <button type="button" onclick={act(Step::Retry(activation.map(|a| a.id.clone()).unwrap_or_default()))}>{ t(locale, "support.retry") }</button> }
                                        <button type="button" class="secondary" onclick={act(Step::Resolve(ticket.id.clone()))}>{ t(locale, "support.resolve") }</button>
                                    </p>
                                </li>
                            }
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <Layout title="page.support">
            if let Some(err) = &*error { { error_view(locale, err) } }
            { content }
        </Layout>
    }
}
