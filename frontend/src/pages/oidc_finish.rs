//! The page the server sends the browser to after the identity provider
//! (`/signin/oidc#ticket=…` or `#error=…`): it opens the session, asks an existing customer to
//! prove their account before it is linked, and returns to the page the person came from.

use wasm_bindgen::JsValue;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::oidc::{RETURN_KEY, session_storage};
use crate::api::client::Tokens;
use crate::api::json::{self, Answer};
use crate::api::ops::{
    CompleteOidcSignIn, ConfirmOidcLink, LinkOidcIdentity, Login as LoginOp, SendOidcLinkEmail, complete_oidc_sign_in,
    confirm_oidc_link, link_oidc_identity, login, send_oidc_link_email,
};
use crate::api::{Api, ApiError};
use crate::components::{Layout, error_view};
use crate::i18n::{Locale, t, tf};
use crate::route::Route;
use crate::state::use_app;

/// What finishing a sign-in answered: a session, or the e-mail of the account to link first.
struct Finished {
    session: Option<Tokens>,
    email: String,
}

impl Answer for Finished {
    fn read(data: &JsValue) -> Option<Self> {
        let finished = json::first(data);
        let session = json::object(&finished, "session")
            .map(|session| Tokens {
                access: json::text(&session, "accessToken"),
                refresh: json::text(&session, "refreshToken"),
            })
            .filter(|tokens| !tokens.access.is_empty());
        Some(Self { session, email: json::text(&finished, "email") })
    }
}

/// The pairs of the address's fragment (`#a=1&b=2`) or query.
fn pairs(text: &str) -> Vec<(String, String)> {
    let text = text.trim_start_matches(['#', '?']);
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| {
            let value = js_sys::decode_uri_component(&value.replace('+', " ")).map(String::from).unwrap_or_default();
            (name.to_owned(), value)
        })
        .collect()
}

fn value_of(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
}

/// What the page is showing.
#[derive(Clone, PartialEq)]
enum Step {
    Working,
    Failed(String),
    Error(ApiError),
    Link { ticket: String, email: String },
    Sent,
}

/// Sends the browser on to `path` (a path of this site, with its query) once signed in.
fn go_to(navigator: &Option<Navigator>, path: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(RETURN_KEY);
    }
    let path = path.split('#').next().unwrap_or_default();
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let route = Route::recognize(path).unwrap_or(Route::Home);
    let Some(navigator) = navigator else { return };
    if query.is_empty() || navigator.replace_with_query(&route, &pairs(query)).is_err() {
        navigator.replace(&route);
    }
}

/// The page the server sends the browser to after the provider.
#[function_component(OidcFinish)]
pub fn oidc_finish() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let navigator = use_navigator();
    let step = use_state(|| Step::Working);
    let location = web_sys::window().map(|window| window.location());
    let fragment = pairs(&location.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default());
    let query = pairs(&location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default());
    let return_to = value_of(&fragment, "returnTo").filter(|p| p.starts_with('/') && !p.starts_with("//"));
    let return_to = return_to.unwrap_or_else(|| "/".into());
    {
        let (api, step, navigator, return_to) = (api.clone(), step.clone(), navigator.clone(), return_to.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(error) = value_of(&fragment, "error") {
                    step.set(Step::Failed(error));
                } else if let Some(token) = value_of(&query, "confirm") {
                    match api.call_as::<ConfirmOidcLink, Tokens>(confirm_oidc_link::Variables { token }).await {
                        Ok(session) => {
                            api.sign_in(session.access, session.refresh);
                            go_to(&navigator, "/");
                        }
                        Err(err) => step.set(Step::Error(err)),
                    }
                } else if let Some(ticket) = value_of(&fragment, "ticket") {
                    let variables = complete_oidc_sign_in::Variables { ticket: ticket.clone() };
                    match api.call_as::<CompleteOidcSignIn, Finished>(variables).await {
                        Ok(Finished { session: Some(session), .. }) => {
                            api.sign_in(session.access, session.refresh);
                            go_to(&navigator, &return_to);
                        }
                        Ok(Finished { session: None, email }) => step.set(Step::Link { ticket, email }),
                        Err(err) => step.set(Step::Error(err)),
                    }
                } else {
                    step.set(Step::Failed("state".into()));
                }
            });
        });
    }
    let locale = app.locale;
    let body = match (*step).clone() {
        Step::Working => html! { <p class="status" role="status">{ t(locale, "oidc.signing_in") }</p> },
        Step::Failed(code) => failed(locale, &code),
        Step::Error(err) => {
            html! { <>{ error_view(locale, &err) }<Link<Route> to={Route::Login}>{ t(locale, "oidc.again") }</Link<Route>></> }
        }
        Step::Sent => html! { <p class="status" role="status">{ t(locale, "oidc.email_sent") }</p> },
        Step::Link { ticket, email } => html! {
            <LinkAccount {ticket} {email} {return_to} on_sent={Callback::from(move |_| step.set(Step::Sent))} />
        },
    };
    html! { <Layout title="page.oidc"><div class="card narrow" id="oidc-finish">{ body }</div></Layout> }
}

fn failed(locale: Locale, code: &str) -> Html {
    let known = [
        "refused",
        "state",
        "code",
        "token_signature",
        "token_audience",
        "token_nonce",
        "token_expired",
        "return_to",
        "unavailable",
        "not_configured",
    ];
    let key = if known.contains(&code) { format!("oidc.error.{code}") } else { "oidc.error.other".into() };
    html! {
        <>
            <p class="status error" role="alert" id="oidc-error" data-code={code.to_owned()}>{ t(locale, &key) }</p>
            <Link<Route> to={Route::Login}>{ t(locale, "oidc.again") }</Link<Route>>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct LinkProps {
    ticket: String,
    email: String,
    return_to: String,
    on_sent: Callback<()>,
}

/// An account has the identity's e-mail: its owner proves it with the password, or by an e-mail.
#[function_component(LinkAccount)]
fn link_account(props: &LinkProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let navigator = use_navigator();
    let password = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (api, password, error) = (api.clone(), password.clone(), error.clone());
        let (ticket, email, return_to) = (props.ticket.clone(), props.email.clone(), props.return_to.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let secret = password.cast::<HtmlInputElement>().map(|input| input.value()).unwrap_or_default();
            let (api, error, navigator) = (api.clone(), error.clone(), navigator.clone());
            let (ticket, identifier, return_to) = (ticket.clone(), email.clone(), return_to.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let signed_in = api.call_as::<LoginOp, Tokens>(login::Variables { identifier, password: secret }).await;
                let linked = match signed_in {
                    Ok(session) => {
                        api.sign_in(session.access, session.refresh);
                        api.send::<LinkOidcIdentity>(link_oidc_identity::Variables { ticket }).await
                    }
                    Err(err) => Err(err),
                };
                match linked {
                    Ok(()) => go_to(&navigator, &return_to),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let send = {
        let (api, error, ticket, on_sent) = (api.clone(), error.clone(), props.ticket.clone(), props.on_sent.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, ticket, on_sent) = (api.clone(), error.clone(), ticket.clone(), on_sent.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<SendOidcLinkEmail>(send_oidc_link_email::Variables { ticket }).await {
                    Ok(_) => on_sent.emit(()),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let locale = app.locale;
    html! {
        <>
            <p>{ tf(locale, "oidc.link_intro", &[("email", &props.email)]) }</p>
            <form {onsubmit}>
                <label for="link-password">{ t(locale, "login.password") }</label>
                <input id="link-password" type="password" ref={password} required=true autocomplete="current-password" />
                if let Some(err) = &*error { { error_view(locale, err) } }
                <button type="submit">{ t(locale, "oidc.link_password") }</button>
            </form>
            <button type="button" class="secondary" onclick={send}>{ t(locale, "oidc.link_email") }</button>
        </>
    }
}
