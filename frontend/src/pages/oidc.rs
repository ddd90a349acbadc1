//! Signing in with the identity provider: the button on the sign-in page, and where the visitor
//! was going. The page the provider returns to is in `oidc_finish` (the `more` build).

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::api::Api;
use crate::api::json::{self, Answer};
use crate::api::ops::{IdentityProvider, identity_provider};
use crate::i18n::tf;
use crate::state::use_app;

/// Where a signed-out visitor was going, kept for the way back from the provider.
pub(super) const RETURN_KEY: &str = "caas.oidc.return_to";

pub(super) fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Keeps the current address as the one to return to after signing in.
pub fn remember_return_path() {
    let Some(location) = web_sys::window().map(|window| window.location()) else { return };
    let path = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(RETURN_KEY, &path);
    }
}

fn return_path() -> String {
    session_storage().and_then(|storage| storage.get_item(RETURN_KEY).ok().flatten()).unwrap_or_else(|| "/".into())
}

/// The identity provider the server offers, if any.
#[derive(Clone, PartialEq)]
struct Provider {
    name: String,
    start_url: String,
}

impl Answer for Provider {
    fn read(data: &JsValue) -> Option<Self> {
        let provider = json::object(data, "identityProvider")?;
        Some(Self { name: json::text(&provider, "name"), start_url: json::text(&provider, "startUrl") })
    }
}

/// "Sign in with …", when the server offers an identity provider.
#[function_component(OidcButton)]
pub fn oidc_button() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let provider = use_state(|| None::<Provider>);
    {
        let provider = provider.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(offered) = api.call_as::<IdentityProvider, Provider>(identity_provider::Variables {}).await {
                    provider.set(Some(offered));
                }
            });
        });
    }
    let Some(provider) = &*provider else { return html! {} };
    let start = url_with(&provider.start_url, "returnTo", &return_path());
    html! {
        <div class="card narrow">
            <a id="oidc-sign-in" class="button" href={start}>{ tf(app.locale, "oidc.button", &[("name", &provider.name)]) }</a>
        </div>
    }
}

fn url_with(base: &str, name: &str, value: &str) -> String {
    let value: String = js_sys::encode_uri_component(value).into();
    format!("{base}?{name}={value}")
}
