//! Signing in (with an e-mail or a VIN) and setting a password from the welcome link.

use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::client::Tokens;
use crate::api::ops::{
    Login as LoginOp, RequestPasswordReset, SetPassword as SetPasswordOp, login, request_password_reset, set_password,
};
use crate::api::{Api, ApiError};
use crate::components::{Layout, error_view, field_error, form_error};
use crate::i18n::t;
use crate::route::Route;
use crate::state::use_app;

fn input_value(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>().map(|input| input.value()).unwrap_or_default()
}

/// The identifier's label and input type: staff sign in with their e-mail; customers may also use
/// a VIN of theirs.
const IDENTIFIER: (&str, &str) =
    if cfg!(feature = "staff") { ("login.email", "email") } else { ("login.identifier", "text") };

/// The sign-in form.
#[function_component(Login)]
pub fn login() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let identifier = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (identifier, password, error, busy) = (identifier.clone(), password.clone(), error.clone(), busy.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let variables = login::Variables { identifier: input_value(&identifier), password: input_value(&password) };
            let (api, error, busy) = (api.clone(), error.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api.call_as::<LoginOp, Tokens>(variables).await {
                    Ok(tokens) => api.sign_in(tokens.access, tokens.refresh),
                    Err(ApiError::Unauthenticated) => error.set(Some(ApiError::Server {
                        code: "INVALID_CREDENTIALS".into(),
                        reason: None,
                        field: None,
                        message: String::new(),
                    })),
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let locale = app.locale;
    html! {
        <Layout title="page.login">
            <form class="card narrow" {onsubmit}>
                <label for="identifier">{ t(locale, IDENTIFIER.0) }</label>
                <input id="identifier" name="identifier" type={IDENTIFIER.1} ref={identifier} required=true autocomplete="username" />
                { field_error(locale, &error, "identifier") }
                <label for="password">{ t(locale, "login.password") }</label>
                <input id="password" name="password" type="password" ref={password} required=true autocomplete="current-password" />
                { form_error(locale, &error, &["identifier"]) }
                <button type="submit" disabled={*busy}>{ t(locale, "login.submit") }</button>
            </form>
            <super::oidc::OidcButton />
            <ForgottenPassword />
        </Layout>
    }
}

/// A forgotten password: the account's e-mail gets a one-time link to the set-password page. The
/// answer is the same whether or not the address has an account.
#[function_component(ForgottenPassword)]
fn forgotten_password() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let email = use_node_ref();
    let sent = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (email, sent, error) = (email.clone(), sent.clone(), error.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let variables = request_password_reset::Variables { email: input_value(&email) };
            let (api, sent, error) = (api.clone(), sent.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<RequestPasswordReset>(variables).await {
                    Ok(_) => sent.set(true),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let locale = app.locale;
    html! {
        <details class="card narrow" id="forgotten-password">
            <summary>{ t(locale, "login.forgotten") }</summary>
            <form {onsubmit}>
                <label for="reset-email">{ t(locale, "login.email") }</label>
                <input id="reset-email" type="email" ref={email} required=true autocomplete="email" />
                if let Some(err) = &*error { { error_view(locale, err) } }
                if *sent { <p class="status" role="status">{ t(locale, "login.reset_sent") }</p> }
                <button type="submit">{ t(locale, "login.send_link") }</button>
            </form>
        </details>
    }
}

/// Setting a password with the one-time link.
#[function_component(SetPassword)]
pub fn set_password_page() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let navigator = use_navigator();
    let password = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let token = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|search| search.split("token=").nth(1).map(|t| t.split('&').next().unwrap_or_default().to_owned()))
        .unwrap_or_default();
    let onsubmit = {
        let (password, error) = (password.clone(), error.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let variables = set_password::Variables { token: token.clone(), password: input_value(&password) };
            let (api, error, navigator) = (api.clone(), error.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.call_as::<SetPasswordOp, Tokens>(variables).await {
                    Ok(tokens) => {
                        api.sign_in(tokens.access, tokens.refresh);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Home);
                        }
                    }
                    Err(ApiError::Unauthenticated) => error.set(Some(ApiError::Server {
                        code: "LINK_INVALID".into(),
                        reason: None,
                        field: None,
                        message: String::new(),
                    })),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let locale = app.locale;
    html! {
        <Layout title="page.set_password">
            <form class="card narrow" {onsubmit}>
                <label for="new-password">{ t(locale, "login.new_password") }</label>
                <input id="new-password" type="password" ref={password} required=true minlength="8" autocomplete="new-password" />
                if let Some(err) = &*error { { error_view(locale, err) } }
                <button type="submit">{ t(locale, "login.set_password") }</button>
            </form>
        </Layout>
    }
}
