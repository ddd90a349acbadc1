//! The customer's credit on their profile: the saved card or mandate, the balances, and a voucher
//! to redeem into them (queued without a connection).

use yew::prelude::*;

use super::checkout::{saved_text, voucher_code};
use crate::api::checkout::{Credit, Redeemed};
use crate::api::ops::{MyCredit, RedeemVoucher, my_credit, redeem_voucher};
use crate::api::queue::{self, QueuedPurchase};
use crate::api::{Api, ApiError, QueryState, use_query_as, use_reload};
use crate::components::{error_view, loading};
use crate::i18n::{money, t, tf};
use crate::state::{Action, use_app};

/// How the customer pays: the saved card or mandate, the credit, and a voucher to redeem into it
/// (queued without a connection).
#[function_component(CreditSection)]
pub fn credit_section() -> Html {
    let (api, app) = (use_context::<Api>().expect("api"), use_app());
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let code = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| None::<String>);
    let shown = match use_query_as::<MyCredit, Credit>(my_credit::Variables, refresh) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(err) => error_view(locale, &err),
        QueryState::Ready(loaded) => {
            let Credit { balances, saved } = &*loaded.data;
            let saved = match saved {
                Some(card) if card.mandate.is_none() => format!(
                    "{} •••• {} · {} {:02}/{}",
                    card.brand.to_uppercase(),
                    card.last4,
                    t(locale, "profile.card_until"),
                    card.expires.0,
                    card.expires.1
                ),
                Some(mandate) => saved_text(locale, mandate),
                None => t(locale, "profile.no_card"),
            };
            let credit = balances.iter().map(|a| money(locale, a.amount_minor, &a.currency)).collect::<Vec<_>>();
            html! {
                <>
                    <p id="payment-card">{ saved }</p>
                    <h3>{ t(locale, "credit.title") }</h3>
                    <p id="credit">{ if credit.is_empty() { t(locale, "credit.none") } else { credit.join(" · ") } }</p>
                </>
            }
        }
    };
    let onsubmit = {
        let (code, error, done) = (code.clone(), error.clone(), done.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(voucher) = voucher_code(&code) else { return };
            let key = queue::new_key();
            let variables = redeem_voucher::Variables { code: voucher.clone(), idempotency_key: key.clone() };
            let (api, app, error, done, reload) =
                (api.clone(), app.clone(), error.clone(), done.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api.call_as::<RedeemVoucher, Redeemed>(variables).await;
                error.set(None);
                match answer {
                    Ok(redeemed) if redeemed.newly => done.set(Some(tf(
                        locale,
                        "credit.added",
                        &[("amount", &money(locale, redeemed.amount.amount_minor, &redeemed.amount.currency))],
                    ))),
                    Ok(_) => done.set(Some(t(locale, "credit.again"))),
                    Err(ApiError::Offline) => {
                        queue::push(QueuedPurchase {
                            key,
                            vin: String::new(),
                            feature_code: String::new(),
                            feature_name: voucher.clone(),
                            kind: String::new(),
                            days: None,
                            method: None,
                            voucher_code: Some(voucher),
                            refused: None,
                        });
                        app.dispatch(Action::Queued(queue::load().len()));
                        done.set(Some(t(locale, "credit.queued")));
                    }
                    Err(err) => {
                        done.set(None);
                        error.set(Some(err));
                    }
                }
                reload.emit(());
            });
        })
    };
    html! {
        <form class="card narrow" id="payment" {onsubmit}>
            <h2>{ t(locale, "profile.card") }</h2>
            { shown }
            <label for="voucher-code">{ t(locale, "pay.voucher") }</label>
            <input id="voucher-code" ref={code} autocomplete="off" autocapitalize="characters" required=true />
            if let Some(err) = &*error { { error_view(locale, err) } }
            if let Some(note) = &*done { <p class="status done" role="status">{ note.clone() }</p> }
            <button type="submit">{ t(locale, "credit.redeem") }</button>
        </form>
    }
}
