//! A repair order, live: where it stands, the estimate's lines and amounts, what was approved, the
//! decision the workshop waits for (approve or decline, said plainly when the work would cost more
//! than approved), the diagnostics, the invoice and the timeline. In the staff app the workshop's
//! actions come with it.

use yew::prelude::*;

use crate::api::ops::{
    DecideEstimate, RepairOrder as RepairOrderOp, RepairOrderProgress, decide_estimate, repair_order,
    repair_order_progress,
};
use crate::api::workshop::{Line, RepairOrder};
use crate::api::{Api, ApiError, QueryState, use_query_as, use_reload, ws};
use crate::components::repair::{Decision, diagnostics_view, lines_view, repair_status, totals_view};
use crate::components::{Layout, document_links, done_note, error_view, loading, page_error, stale_note};
use crate::i18n::{date_time, kilometres, t, tf};
use crate::state::use_app;

/// Properties of [`RepairOrderPage`].
#[derive(Properties, PartialEq)]
pub struct RepairOrderProps {
    /// The repair order.
    pub id: AttrValue,
    /// Shown to the workshop's staff (its actions, the timeline's notes).
    pub staff: bool,
}

/// One repair order, live.
#[function_component(RepairOrderPage)]
pub fn repair_order_page(props: &RepairOrderProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let decided = use_state(|| None::<&'static str>);
    let error = use_state(|| None::<ApiError>);
    let on_decide = {
        let (api, error, decided, reload, id) =
            (api.clone(), error.clone(), decided.clone(), reload.clone(), props.id.to_string());
        Callback::from(move |approve: bool| {
            let (api, error, decided, reload, id) =
                (api.clone(), error.clone(), decided.clone(), reload.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<DecideEstimate>(decide_estimate::Variables { id, approve }).await {
                    Ok(()) => {
                        error.set(None);
                        decided.set(Some(if approve { "repair.approved_done" } else { "repair.declined_done" }));
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    {
        let (api, reload, id) = (api.clone(), reload.clone(), props.id.to_string());
        use_effect_with(props.id.clone(), move |_| {
            let subscription =
                ws::reload_on::<RepairOrderProgress>(&api, repair_order_progress::Variables { id }, reload);
            move || drop(subscription)
        });
    }
    let variables = repair_order::Variables { id: props.id.to_string() };
    let content = match use_query_as::<RepairOrderOp, RepairOrder>(variables, refresh) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => page_error(locale, &error, "id"),
        QueryState::Ready(loaded) => {
            let job = &*loaded.data;
            let status = job.status.clone();
            let car = &job.vehicle;
            let plate = car.plate.as_ref().map(|plate| format!(" · {plate}")).unwrap_or_default();
            let workshop = &job.workshop;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    <section class="card">
                        <h2>{ format!("{} · {}{plate}", job.number, car.model.name) }</h2>
                        <p>{ repair_status(locale, &status, Some("repair-status")) }</p>
                        <p>{ format!("{}, {}", workshop.name, workshop.city) }
                            if !workshop.phone.is_empty() { { " · " }<a href={format!("tel:{}", workshop.phone)}>{ workshop.phone.clone() }</a> }</p>
                        <dl>
                            <dt>{ "VIN" }</dt><dd>{ car.vin.clone() }</dd>
                            <dt>{ t(locale, "repair.checked_in") }</dt><dd>{ date_time(locale, &job.created_at) }</dd>
                            <dt>{ t(locale, "repair.odometer") }</dt><dd>{ kilometres(locale, job.odometer_km) }</dd>
                            if let Some(booking) = &job.booking {
                                <dt>{ t(locale, "booking.service") }</dt><dd>{ booking.service_type.name.clone() }</dd>
                            }
                            if !job.complaint.is_empty() {
                                <dt>{ t(locale, "repair.complaint") }</dt><dd>{ job.complaint.clone() }</dd>
                            }
                            if props.staff {
                                { contact(locale, job) }
                            }
                        </dl>
                    </section>
                    if job.approval_pending && !props.staff {
                        <section class="card decision" id="decision" aria-live="polite">
                            <h2>{ t(locale, "repair.your_decision") }</h2>
                            if job.reapproval {
                                <p class="warning">{ tf(locale, "repair.reapproval_ask", &[("percent", &job.over_approved_percent.unwrap_or_default().to_string())]) }</p>
                            } else {
                                <p>{ t(locale, "repair.approval_ask") }</p>
                            }
                            <Decision reapproval={job.reapproval} on_decide={on_decide.clone()} />
                        </section>
                    }
                    { done_note(locale, &decided) }
                    if let Some(err) = &*error { { error_view(locale, err) } }
                    { staff_actions(props.staff, job, &reload) }
                    <section class="card">
                        <h2>{ t(locale, "repair.estimate") }</h2>
                        { lines_view(locale, &job.lines, |line| remove_line(props.staff, &status, line, &reload)) }
                        { totals_view(locale, &job.estimate, job.approved.as_ref()) }
                        if let Some(invoice) = &job.invoice {
                            <p id="invoice">{ document_links(locale, &invoice.number, &invoice.kind, &invoice.pdf_url) }</p>
                        }
                    </section>
                    { line_form(props.staff, job, &reload) }
                    { diagnosis_form(props.staff, job, &reload) }
                    <section class="card" id="diagnostics">
                        <h2>{ t(locale, "expediente.diagnostics") }</h2>
                        { diagnostics_view(locale, &job.diagnostics) }
                    </section>
                    <section class="card">
                        <h2>{ t(locale, "repair.timeline") }</h2>
                        <ol id="timeline">
                            { for job.timeline.iter().map(|event| html! {
                                <li data-status={event.status.clone()}>
                                    <strong>{ t(locale, &format!("repair_status.{}", event.status)) }</strong>{ " · " }{ date_time(locale, &event.occurred_at) }
                                    <br />{ event.summary.clone() }
                                    if props.staff && !event.note.is_empty() { <br /><span class="muted">{ event.note.clone() }</span> }
                                </li>
                            }) }
                        </ol>
                    </section>
                </>
            }
        }
    };
    html! { <Layout title="page.repair_order">{ content }</Layout> }
}

/// Who brought the car, for the workshop.
fn contact(locale: crate::i18n::Locale, job: &RepairOrder) -> Html {
    let (name, detail) = match (&job.booking, &job.customer) {
        (Some(booking), _) => (booking.contact_name.clone(), booking.contact_phone.clone()),
        (None, Some(customer)) => (customer.name.clone(), customer.email.clone()),
        (None, None) => return html! {},
    };
    html! { <><dt>{ t(locale, "repair.contact") }</dt><dd>{ name }{ " " }{ detail }</dd></> }
}

/// The workshop's moves, estimate entry and notices (only in the staff app).
#[cfg(feature = "staff")]
fn staff_actions(staff: bool, job: &RepairOrder, reload: &Callback<()>) -> Html {
    if !staff {
        return html! {};
    }
    html! {
        <super::workshop::JobActions id={job.id.clone()} status={job.status.clone()} approval_pending={job.approval_pending}
            reapproval={job.reapproval} percent={job.over_approved_percent.unwrap_or_default()}
            currency={job.estimate.net.currency.clone()} reload={reload.clone()} />
    }
}

#[cfg(not(feature = "staff"))]
fn staff_actions(_: bool, _: &RepairOrder, _: &Callback<()>) -> Html {
    html! {}
}

/// The workshop's button to remove a line (only in the staff app).
#[cfg(feature = "staff")]
fn remove_line(staff: bool, status: &str, line: &Line, reload: &Callback<()>) -> Html {
    if !staff || !super::workshop::lines_editable(status) {
        return html! {};
    }
    html! { <super::workshop::RemoveLine id={line.id.clone()} reload={reload.clone()} /> }
}

#[cfg(not(feature = "staff"))]
fn remove_line(_: bool, _: &str, _: &Line, _: &Callback<()>) -> Html {
    html! {}
}

/// The workshop's estimate entry, while the lines may change (only in the staff app).
#[cfg(feature = "staff")]
fn line_form(staff: bool, job: &RepairOrder, reload: &Callback<()>) -> Html {
    if !staff || !super::workshop::lines_editable(&job.status) {
        return html! {};
    }
    html! {
        <super::workshop::LineForm id={job.id.clone()} status={job.status.clone()}
            currency={job.estimate.net.currency.clone()} reload={reload.clone()} />
    }
}

#[cfg(not(feature = "staff"))]
fn line_form(_: bool, _: &RepairOrder, _: &Callback<()>) -> Html {
    html! {}
}

/// The workshop's diagnostic session entry (only in the staff app).
#[cfg(feature = "staff")]
fn diagnosis_form(staff: bool, job: &RepairOrder, reload: &Callback<()>) -> Html {
    let open = !matches!(job.status.as_str(), "INVOICED" | "CLOSED" | "CANCELLED");
    if !staff || !open {
        return html! {};
    }
    html! { <super::workshop::DiagnosisForm id={job.id.clone()} currency={job.estimate.net.currency.clone()} reload={reload.clone()} /> }
}

#[cfg(not(feature = "staff"))]
fn diagnosis_form(_: bool, _: &RepairOrder, _: &Callback<()>) -> Html {
    html! {}
}
