//! The board: the workshop's repair orders in a column per step (a list per step on a phone),
//! those waiting for the customer marked, closed and cancelled ones folded away; and checking in a
//! car that came without a booking.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ops::{RepairOrders, repair_orders};
use crate::api::{QueryState, use_query};
use crate::components::repair::repair_status;
use crate::components::{Layout, empty, error_view, loading, name, stale_note};
use crate::i18n::{Locale, date_time, t};
use crate::route::Route;
use crate::state::use_app;

use super::check_in::CheckInForm;

type Job = repair_orders::RepairOrdersRepairOrders;

/// The board's columns, in the order of the work.
const COLUMNS: [&str; 7] = ["CHECKED_IN", "INSPECTED", "ESTIMATED", "APPROVED", "IN_PROGRESS", "READY", "INVOICED"];

/// The board page.
#[function_component(Board)]
pub fn board() -> Html {
    let app = use_app();
    let locale = app.locale;
    let content = match use_query::<RepairOrders>(repair_orders::Variables, 0) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) => {
            let jobs = &loaded.data.repair_orders;
            let done: Vec<&Job> = jobs.iter().filter(|job| !COLUMNS.contains(&name(&job.status).as_str())).collect();
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if jobs.is_empty() { { empty(locale, "board.empty") } }
                    <div class="board" id="board">
                        { for COLUMNS.iter().map(|status| {
                            let column: Vec<&Job> = jobs.iter().filter(|job| name(&job.status) == *status).collect();
                            html! {
                                <section class="column" data-status={*status}>
                                    <h2>{ repair_status(locale, status, None) }{ format!(" ({})", column.len()) }</h2>
                                    <ul class="cards">{ for column.into_iter().map(|job| job_card(locale, job)) }</ul>
                                </section>
                            }
                        }) }
                    </div>
                    if !done.is_empty() {
                        <details class="card done">
                            <summary>{ format!("{} ({})", t(locale, "board.done"), done.len()) }</summary>
                            <ul class="cards">{ for done.into_iter().map(|job| job_card(locale, job)) }</ul>
                        </details>
                    }
                </>
            }
        }
    };
    html! {
        <Layout title="page.board">
            <details class="card walk-in">
                <summary>{ t(locale, "board.walk_in") }</summary>
                <CheckInForm booking={None::<AttrValue>} mileage_km={None::<i64>} complaint="" />
            </details>
            { content }
        </Layout>
    }
}

fn job_card(locale: Locale, job: &Job) -> Html {
    let car = &job.vehicle;
    html! {
        <li class="job" data-id={job.id.clone()}>
            <Link<Route> to={Route::RepairOrder { id: job.id.clone() }}>{ job.number.clone() }</Link<Route>>
            { " · " }{ car.model.name.clone() }{ " · " }{ car.plate.clone().unwrap_or_else(|| car.vin.clone()) }
            if !COLUMNS.contains(&name(&job.status).as_str()) { { " · " }{ repair_status(locale, &name(&job.status), None) } }
            if job.approval_pending { <br /><em>{ t(locale, "board.waiting") }</em> }
            <br /><span class="muted">{ date_time(locale, &job.updated_at) }</span>
        </li>
    }
}
