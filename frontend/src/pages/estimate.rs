//! An estimate opened from the link in the workshop's e-mail, without signing in: the workshop,
//! the car, the lines and totals (and, for work beyond the approved estimate, what was approved),
//! approve or decline, then a confirmation. A used or expired link says so plainly. Nothing of it
//! is kept in the browser.

use std::rc::Rc;

use yew::prelude::*;

use crate::api::ops::{DecideEstimateByLink, EstimateByLink, decide_estimate_by_link, estimate_by_link};
use crate::api::workshop::{Decided, Estimate};
use crate::api::{Api, ApiError};
use crate::components::repair::{Decision, lines_view, totals_view};
use crate::components::{Layout, error_view, loading};
use crate::i18n::{Locale, date, money, t, tf};
use crate::state::use_app;

/// The link's token (`?token=`).
fn token_in_address() -> String {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|search| search.split("token=").nth(1).map(|t| t.split('&').next().unwrap_or_default().to_owned()))
        .unwrap_or_default()
}

/// What the page shows.
#[derive(Clone, PartialEq)]
enum Shown {
    Loading,
    Estimate(Rc<Estimate>),
    Decided { approved: bool, number: String },
    Gone,
    Failed(ApiError),
}

/// A link that no longer opens anything reads as gone, not as an error.
fn shown_error(error: ApiError) -> Shown {
    match &error {
        ApiError::Server { code, .. } if code == "NOT_FOUND" || code == "BAD_USER_INPUT" => Shown::Gone,
        _ => Shown::Failed(error),
    }
}

/// The estimate page.
#[function_component(EstimatePage)]
pub fn estimate_page() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let token = use_memo((), |_| token_in_address());
    let shown = use_state(|| Shown::Loading);
    {
        let (api, shown, token) = (api.clone(), shown.clone(), (*token).clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let variables = estimate_by_link::Variables { token };
                shown.set(match api.call_as::<EstimateByLink, Estimate>(variables).await {
                    Ok(estimate) => Shown::Estimate(Rc::new(estimate)),
                    Err(error) => shown_error(error),
                });
            });
        });
    }
    let on_decide = {
        let (api, shown, token) = (api.clone(), shown.clone(), (*token).clone());
        Callback::from(move |approve: bool| {
            let (api, shown, token) = (api.clone(), shown.clone(), token.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let variables = decide_estimate_by_link::Variables { token, approve };
                shown.set(match api.call_as::<DecideEstimateByLink, Decided>(variables).await {
                    Ok(Decided(number)) => Shown::Decided { approved: approve, number },
                    Err(error) => shown_error(error),
                });
            });
        })
    };
    let content = match &*shown {
        Shown::Loading => loading(locale),
        Shown::Failed(error) => error_view(locale, error),
        Shown::Gone => html! {
            <section class="card" id="estimate-gone" role="alert">
                <h2>{ t(locale, "estimate.gone_title") }</h2>
                <p>{ t(locale, "estimate.gone") }</p>
            </section>
        },
        Shown::Decided { approved, number } => html! {
            <section class="card" id="estimate-decided" role="status">
                <h2>{ t(locale, if *approved { "estimate.approved" } else { "estimate.declined" }) }</h2>
                <p>{ tf(locale, "estimate.told", &[("number", number)]) }</p>
            </section>
        },
        Shown::Estimate(estimate) => html! {
            <>
                { estimate_view(locale, estimate) }
                <section class="card" id="decision">
                    <Decision reapproval={estimate.reapproval} {on_decide} />
                </section>
            </>
        },
    };
    html! { <Layout title="page.estimate">{ content }</Layout> }
}

fn estimate_view(locale: Locale, estimate: &Estimate) -> Html {
    let gross = &estimate.estimate.gross;
    let shown = |minor: i64| money(locale, minor, &gross.currency);
    html! {
        <section class="card" id="estimate-card">
            <h2>{ estimate.workshop_name.clone() }</h2>
            <p>{ estimate.car.clone() }{ " · " }{ estimate.number.clone() }</p>
            if let (true, Some(before)) = (estimate.reapproval, &estimate.approved) {
                <p class="warning" id="reapproval">
                    { tf(locale, "estimate.reapproval", &[("approved", &shown(before.gross.amount_minor)), ("estimate", &shown(gross.amount_minor))]) }
                </p>
            }
            { lines_view(locale, &estimate.lines, |_| html! {}) }
            { totals_view(locale, &estimate.estimate, estimate.approved.as_ref()) }
            if let Some(until) = &estimate.expires_at {
                <p class="muted">{ tf(locale, "estimate.valid_until", &[("date", &date(locale, until))]) }</p>
            }
        </section>
    }
}
