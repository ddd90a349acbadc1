//! Support's desk: one search for whoever calls (people, cars, orders and payments by name, e-mail,
//! VIN, plate, order number or payment reference) with each person's and car's history, a feature
//! switched by hand with a reason; the open tickets (most opened by an activation that failed),
//! with the actions that settle them — assign, comment, retry the activation, refund a charge with
//! a reason, close; and the e-mails that never arrived, to send again. People and features are
//! shown by name; the technical detail is behind a "details" toggle.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::ops::{RefundPayment, RetryActivation, refund_payment, retry_activation};
use crate::api::{Api, ApiError, queue};
use crate::components::{Layout, error_view, field_error, form_error, name};
use crate::i18n::{Locale, money, t, tf, value};
use crate::state::use_app;

/// An invoice or credit note, as a link to its PDF.
#[derive(Clone, PartialEq)]
struct Document {
    number: String,
    kind: String,
    pdf_url: String,
}

/// A payment, from whichever answer it came.
#[derive(Clone, PartialEq)]
struct PaymentRow {
    id: String,
    kind: String,
    status: String,
    amount_minor: i64,
    currency: String,
    documents: Vec<Document>,
}

/// An activation, from whichever answer it came.
#[derive(Clone, PartialEq)]
struct ActivationRow {
    id: String,
    status: String,
    feature: String,
    feature_code: String,
    failure_message: Option<String>,
    failure_reason: Option<String>,
    payments: Vec<PaymentRow>,
}

/// A [`Document`] from an invoice of any answer (each operation has its own generated type).
macro_rules! document_from {
    ($invoice:expr) => {{
        let i = $invoice;
        Document { number: i.number.clone(), kind: name(&i.kind), pdf_url: i.pdf_url.clone() }
    }};
}

/// An [`ActivationRow`] from an activation of any answer.
macro_rules! rows_from {
    ($activation:expr) => {{
        let a = $activation;
        ActivationRow {
            id: a.id.clone(),
            status: name(&a.status),
            feature: a.feature.name.clone(),
            feature_code: a.feature.code.clone(),
            failure_message: a.failure_message.clone(),
            failure_reason: a.failure_reason.clone(),
            payments: a
                .payments
                .iter()
                .map(|p| PaymentRow {
                    id: p.id.clone(),
                    kind: name(&p.kind),
                    status: name(&p.status),
                    amount_minor: p.amount.amount_minor,
                    currency: p.amount.currency.clone(),
                    documents: p.invoices.iter().map(|i| document_from!(i)).collect(),
                })
                .collect(),
        }
    }};
}

// After the macros: the pages below use them.
mod deliveries;
mod search;
mod tickets;

fn document_link(locale: Locale, document: &Document) -> Html {
    html! {
        <a class="document" href={document.pdf_url.clone()} target="_blank" rel="noopener">
            { format!("{} {} (PDF)", value(locale, &document.kind), document.number) }
        </a>
    }
}

/// The support desk.
#[function_component(SupportDesk)]
pub fn support_desk() -> Html {
    let app = use_app();
    let locale = app.locale;
    let typed = use_node_ref();
    let searched = use_state(|| None::<String>);
    let onsubmit = {
        let (typed, searched) = (typed.clone(), searched.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let text =
                typed.cast::<HtmlInputElement>().map(|input| input.value().trim().to_owned()).unwrap_or_default();
            searched.set(Some(text));
        })
    };
    html! {
        <Layout title="page.support">
            <form class="card" id="support-search-form" role="search" {onsubmit}>
                <label for="support-search">{ t(locale, "support.search_label") }</label>
                <input id="support-search" type="search" ref={typed} autocomplete="off" minlength="2" required=true />
                <button type="submit">{ t(locale, "support.search") }</button>
            </form>
            if let Some(text) = &*searched { <search::SearchResults text={text.clone()} /> }
            <h2>{ t(locale, "support.tickets") }</h2>
            <tickets::Tickets />
            <h2>{ t(locale, "support.failed_emails") }</h2>
            <deliveries::FailedEmails />
        </Layout>
    }
}

/// Properties of [`ActivationView`].
#[derive(Properties, PartialEq)]
struct ActivationProps {
    activation: ActivationRow,
    reload: Callback<()>,
}

/// A feature bought for a car: its state, why it failed, its payments, and a retry when it failed.
#[function_component(ActivationView)]
fn activation_view(props: &ActivationProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let error = use_state(|| None::<ApiError>);
    let retried = use_state(|| None::<String>);
    let a = &props.activation;
    let retry = {
        let (api, error, retried, reload, id) =
            (api.clone(), error.clone(), retried.clone(), props.reload.clone(), a.id.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, retried, reload, id) =
                (api.clone(), error.clone(), retried.clone(), reload.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.call::<RetryActivation>(retry_activation::Variables { id }).await {
                    Ok(data) => {
                        error.set(None);
                        retried.set(Some(name(&data.retry_activation.status)));
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    html! {
        <div class="activation" data-feature={a.feature_code.clone()}>
            <p><strong>{ a.feature.clone() }</strong>{ " · " }<span class="status-badge">{ value(locale, &a.status) }</span></p>
            if let Some(message) = &a.failure_message { <p class="warning">{ message.clone() }</p> }
            if !a.payments.is_empty() {
                <ul class="payments">
                    { for a.payments.iter().map(|payment| html! { <PaymentLine payment={payment.clone()} reload={props.reload.clone()} /> }) }
                </ul>
            }
            if a.status == "FAILED" {
                <p class="actions"><button type="button" onclick={retry}>{ t(locale, "support.retry") }</button></p>
            }
            if let Some(status) = &*retried {
                <p class="status done" role="status">{ tf(locale, "support.retry_sent", &[("status", &value(locale, status))]) }</p>
            }
            if let Some(err) = &*error { { error_view(locale, err) } }
            if a.failure_reason.is_some() {
                <details class="technical">
                    <summary>{ t(locale, "support.details") }</summary>
                    <p><code>{ a.feature_code.clone() }</code></p>
                    <p>{ a.failure_reason.clone().unwrap_or_default() }</p>
                </details>
            }
        </div>
    }
}

/// Properties of [`PaymentLine`].
#[derive(Properties, PartialEq)]
struct PaymentProps {
    payment: PaymentRow,
    reload: Callback<()>,
}

/// A payment with its documents and, when it was charged, a refund that asks for the reason the
/// customer is told and shows the credit note it produced.
#[function_component(PaymentLine)]
fn payment_line(props: &PaymentProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    // The key of this refund, made when the form opens: a double click or a retry after a lost
    // answer is one refund.
    let asking = use_state(|| None::<String>);
    let reason = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let credit_notes = use_state(Vec::<Document>::new);
    let payment = &props.payment;
    let refundable = matches!(payment.status.as_str(), "CAPTURED" | "SETTLED") && credit_notes.is_empty();
    let open = {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(Some(queue::new_key())))
    };
    let keep = {
        let (asking, error) = (asking.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            asking.set(None);
            error.set(None);
        })
    };
    let confirm = {
        let (api, asking, reason, error, credit_notes, reload) =
            (api.clone(), asking.clone(), reason.clone(), error.clone(), credit_notes.clone(), props.reload.clone());
        let id = payment.id.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(key) = (*asking).clone() else { return };
            let typed =
                reason.cast::<HtmlInputElement>().map(|input| input.value().trim().to_owned()).unwrap_or_default();
            if typed.is_empty() {
                return error.set(Some(ApiError::field("reason", t(locale, "support.reason_rule"))));
            }
            let (api, asking, error, credit_notes, reload, id) =
                (api.clone(), asking.clone(), error.clone(), credit_notes.clone(), reload.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let variables = refund_payment::Variables { id, key, reason: typed };
                match api.call::<RefundPayment>(variables).await {
                    Ok(data) => {
                        let notes = data.refund_payment.invoices.iter().filter(|i| name(&i.kind) == "CREDIT_NOTE");
                        let notes: Vec<Document> = notes.map(|i| document_from!(i)).collect();
                        error.set(None);
                        asking.set(None);
                        credit_notes.set(notes);
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let clear = {
        let error = error.clone();
        Callback::from(move |_: InputEvent| error.set(None))
    };
    let reason_id = format!("refund-reason-{}", payment.id);
    html! {
        <li class="payment" data-payment={payment.id.clone()}>
            { money(locale, payment.amount_minor, &payment.currency) }{ " · " }{ value(locale, &payment.kind) }{ " · " }{ value(locale, &payment.status) }
            { for payment.documents.iter().map(|document| html! { <>{ " · " }{ document_link(locale, document) }</> }) }
            if refundable && asking.is_none() {
                { " " }<button type="button" class="secondary refund" onclick={open}>{ t(locale, "support.refund") }</button>
            }
            if asking.is_some() {
                <div class="confirm-refund" role="group">
                    <p>{ tf(locale, "support.refund_ask", &[("amount", &money(locale, payment.amount_minor, &payment.currency))]) }</p>
                    <label for={reason_id.clone()}>{ t(locale, "support.reason") }</label>
                    <input id={reason_id} ref={reason} maxlength="300" autocomplete="off" oninput={clear} />
                    { field_error(locale, &error, "reason") }
                    <div class="actions">
                        <button type="button" class="confirm-refund-button" onclick={confirm}>{ t(locale, "support.refund_confirm") }</button>
                        <button type="button" class="secondary" onclick={keep}>{ t(locale, "support.refund_keep") }</button>
                    </div>
                </div>
            }
            { form_error(locale, &error, &["reason"]) }
            if !credit_notes.is_empty() {
                <p class="status done" role="status">
                    { t(locale, "support.refunded") }{ " " }
                    { for credit_notes.iter().map(|document| document_link(locale, document)) }
                </p>
            }
        </li>
    }
}
