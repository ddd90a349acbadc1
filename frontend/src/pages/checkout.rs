//! How an order is paid, among the methods the car's region offers: the saved card, SEPA Direct
//! Debit (the saved mandate, or a small form to give one), a bank transfer (its instructions come
//! after the order, on the activation's page), or the customer's credit with a voucher code to
//! redeem first. (The credit on the customer's profile, where a voucher is redeemed, is `credit`.)
//! Plain functions where nothing is kept: each component costs download size.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::checkout::{Checkout, Saved};
use crate::api::ops::{SetUpSepaMandate, set_up_sepa_mandate};
use crate::api::{Api, ApiError, queue};
use crate::components::error_view;
use crate::i18n::{Locale, money, t, tf};
use crate::state::use_app;

/// The method chosen until the customer picks one: credit when it covers the price, else the saved
/// card or mandate, else the region's first method.
pub fn default_method(checkout: &Checkout, price: i64) -> String {
    let offered = |method: &str| checkout.methods.iter().any(|offered| offered == method);
    let credit = checkout.credit.amount_minor;
    if offered("CREDIT") && credit > 0 && credit >= price {
        return "CREDIT".into();
    }
    match &checkout.saved {
        Some(saved) if offered(&saved.kind) => saved.kind.clone(),
        _ => checkout.methods.first().cloned().unwrap_or_default(),
    }
}

/// A saved card (`VISA ending in 4242`) or mandate (its reference and the IBAN's last digits).
pub(super) fn saved_text(locale: Locale, saved: &Saved) -> String {
    match &saved.mandate {
        Some(reference) => tf(locale, "pay.mandate", &[("reference", reference), ("last4", &saved.last4)]),
        None => tf(locale, "confirm.card", &[("brand", &saved.brand.to_uppercase()), ("last4", &saved.last4)]),
    }
}

/// The value of an input.
fn value(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>().map(|input| input.value().trim().to_owned()).unwrap_or_default()
}

/// The voucher code typed into `node`, if any (the server reads it in any case, with dashes).
pub fn voucher_code(node: &NodeRef) -> Option<String> {
    Some(value(node)).filter(|code| !code.is_empty())
}

/// The methods of `checkout` as choices (`name` groups them), the chosen one with what it needs.
pub fn methods(
    locale: Locale,
    checkout: &Checkout,
    chosen: &str,
    name: &str,
    choose: &Callback<String>,
    voucher: &NodeRef,
    reload: &Callback<()>,
) -> Html {
    let choice = |method: &String| {
        let on = method == chosen;
        let onchange = {
            let (choose, method) = (choose.clone(), method.clone());
            Callback::from(move |_: Event| choose.emit(method.clone()))
        };
        let detail = match method.as_str() {
            "CARD" => match &checkout.saved {
                Some(card) if card.kind == "CARD" => html! { <p>{ saved_text(locale, card) }</p> },
                _ => html! { <p>{ t(locale, "confirm.no_card") }</p> },
            },
            "SEPA_DEBIT" => match &checkout.saved {
                Some(mandate) if mandate.kind == "SEPA_DEBIT" => {
                    html! { <p class="mandate">{ saved_text(locale, mandate) }</p> }
                }
                _ => html! { <MandateForm text={checkout.mandate_text.clone()} done={reload.clone()} /> },
            },
            "BANK_TRANSFER" => html! { <p>{ t(locale, "pay.transfer_note") }</p> },
            _ => {
                let id = format!("{name}-voucher");
                html! {
                    <>
                        <p class="credit">{ tf(locale, "pay.credit", &[("amount", &money(locale, checkout.credit.amount_minor, &checkout.credit.currency))]) }</p>
                        <label for={id.clone()}>{ t(locale, "pay.voucher") }</label>
                        <input {id} class="voucher" ref={voucher.clone()} autocomplete="off" autocapitalize="characters" />
                    </>
                }
            }
        };
        html! {
            <>
                <label class="choice"><input type="radio" name={name.to_owned()} value={method.clone()} checked={on} {onchange} />{ t(locale, &format!("pay.{method}")) }</label>
                if on { <div class="method">{ detail }</div> }
            </>
        }
    };
    html! {
        <fieldset class="methods">
            <legend>{ t(locale, "confirm.payment_method") }</legend>
            { for checkout.methods.iter().map(choice) }
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct MandateProps {
    text: AttrValue,
    done: Callback<()>,
}

/// A SEPA Direct Debit mandate given here: IBAN, account holder, the mandate's text and its
/// acceptance.
#[function_component(MandateForm)]
fn mandate_form(props: &MandateProps) -> Html {
    let (api, locale) = (use_context::<Api>().expect("api"), use_app().locale);
    let (iban, holder) = (use_node_ref(), use_node_ref());
    let accepted = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    // One key for this form: pressing twice sets up one mandate.
    let key = use_memo((), |_| queue::new_key());
    let accept = {
        let accepted = accepted.clone();
        Callback::from(move |_: Event| accepted.set(!*accepted))
    };
    let submit = {
        let (iban, holder, error, done, accepted) =
            (iban.clone(), holder.clone(), error.clone(), props.done.clone(), *accepted);
        Callback::from(move |_: MouseEvent| {
            let input = set_up_sepa_mandate::SepaMandateInput {
                iban: value(&iban),
                account_holder: value(&holder),
                accepted,
                idempotency_key: (*key).clone(),
            };
            let (api, error, done) = (api.clone(), error.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<SetUpSepaMandate>(set_up_sepa_mandate::Variables { input }).await {
                    Ok(()) => done.emit(()),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    html! {
        <div class="mandate-form">
            <label for="sepa-iban">{ "IBAN" }</label>
            <input id="sepa-iban" ref={iban} autocomplete="off" />
            <label for="sepa-holder">{ t(locale, "pay.holder") }</label>
            <input id="sepa-holder" ref={holder} autocomplete="name" />
            <p class="mandate-text">{ props.text.clone() }</p>
            <label class="choice"><input type="checkbox" id="sepa-accept" checked={*accepted} onchange={accept} />{ t(locale, "pay.accept") }</label>
            if let Some(err) = &*error { { error_view(locale, err) } }
            <button type="button" class="secondary" id="sepa-save" disabled={!*accepted} onclick={submit}>{ t(locale, "pay.set_up") }</button>
        </div>
    }
}

/// The reference of a transfer in groups of four, as it is easiest to copy.
pub fn in_fours(text: &str) -> String {
    let plain: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    plain.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::checkout::Saved;
    use crate::api::workshop::Amount;

    fn checkout(credit: i64, saved: Option<&str>) -> Checkout {
        Checkout {
            methods: ["CARD", "SEPA_DEBIT", "BANK_TRANSFER", "CREDIT"].map(str::to_owned).to_vec(),
            credit: Amount { amount_minor: credit, currency: "EUR".into() },
            saved: saved.map(|kind| Saved {
                kind: kind.into(),
                brand: String::new(),
                last4: "4242".into(),
                mandate: None,
                expires: (12, 2030),
            }),
            mandate_text: String::new(),
        }
    }

    #[test]
    fn credit_that_covers_the_price_comes_before_the_saved_method() {
        assert_eq!(default_method(&checkout(5_000, Some("CARD")), 4_999), "CREDIT");
        assert_eq!(default_method(&checkout(1_000, Some("SEPA_DEBIT")), 4_999), "SEPA_DEBIT");
        assert_eq!(default_method(&checkout(0, None), 0), "CARD");
        let mut no_cards = checkout(0, Some("CARD"));
        no_cards.methods.retain(|method| method != "CARD");
        assert_eq!(default_method(&no_cards, 100), "SEPA_DEBIT", "only what the region offers");
    }

    #[test]
    fn references_are_written_in_groups_of_four() {
        assert_eq!(in_fours("CAAS7K2M9Q"), "CAAS 7K2M 9Q");
        assert_eq!(in_fours("CAAS 7K2M 9Q"), "CAAS 7K2M 9Q");
        assert_eq!(in_fours("ES9121000418450200051332"), "ES91 2100 0418 4502 0005 1332");
    }
}
