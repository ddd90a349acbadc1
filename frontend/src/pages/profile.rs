//! The user's language and region (the region sets the currency and VAT of their prices), their
//! password, and — for customers — the payment card their purchases are charged to and their credit
//! (a voucher is redeemed into it here).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::client::Tokens;
use crate::api::lists::Regions as RegionList;
use crate::api::ops::{
    ChangePassword, Locale as ApiLocale, Regions, UpdateProfile, change_password, regions, update_profile,
};
use crate::api::{Api, ApiError, QueryState, use_query_as};
use crate::components::{Layout, done_note, error_view, field_error, form_error, loading, stale_note};
use crate::i18n::{Locale, t};
use crate::route::Route;
use crate::state::{Action, use_app};

/// The profile page.
#[function_component(ProfilePage)]
pub fn profile_page() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let chosen_locale = use_node_ref();
    let chosen_region = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let onsubmit = {
        let (api, app, error, saved) = (api.clone(), app.clone(), error.clone(), saved.clone());
        let (chosen_locale, chosen_region) = (chosen_locale.clone(), chosen_region.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let select = |node: &NodeRef| node.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let new_locale = Locale::parse(&select(&chosen_locale));
            let region = select(&chosen_region);
            let variables = update_profile::Variables {
                locale: Some(ApiLocale::from_name(&new_locale.tag().to_ascii_uppercase())),
                region_code: (!region.is_empty()).then_some(region),
            };
            let (api, app, error, saved) = (api.clone(), app.clone(), error.clone(), saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<UpdateProfile>(variables).await {
                    Ok(_) => {
                        error.set(None);
                        saved.set(true);
                        if new_locale != locale {
                            Api::forget_saved_answers();
                        }
                        app.dispatch(Action::Locale(new_locale));
                        crate::state::load_me(&api, &app).await;
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let region_now = app.me.as_ref().map(|me| me.region.clone()).unwrap_or_default();
    let regions = match use_query_as::<Regions, RegionList>(regions::Variables, 0) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => html! {
            <>
                { stale_note(locale, loaded.stale) }
                <label for="region">{ t(locale, "profile.region") }</label>
                <select id="region" ref={chosen_region}>
                    { for loaded.data.0.iter().map(|region| html! {
                        <option value={region.code.clone()} selected={region.code == region_now}>{ format!("{} ({})", region.name, region.currency) }</option>
                    }) }
                </select>
            </>
        },
    };
    html! {
        <Layout title="page.profile">
            <form class="card narrow" {onsubmit}>
                if let Some(me) = &app.me { <p>{ me.name.clone() }</p> }
                <label for="language">{ t(locale, "profile.language") }</label>
                <select id="language" ref={chosen_locale}>
                    { for Locale::ALL.iter().map(|l| html! { <option value={l.tag()} selected={*l == locale}>{ l.name() }</option> }) }
                </select>
                { regions }
                if let Some(err) = &*error { { error_view(locale, err) } }
                if *saved { <p class="status" role="status">{ t(locale, "profile.saved") }</p> }
                <button type="submit">{ t(locale, "profile.save") }</button>
            </form>
            if app.role == "CUSTOMER" {
                <super::credit::CreditSection />
                <p class="card narrow"><Link<Route> to={Route::NotificationSettings} classes="settings-link">{ t(locale, "profile.notification_settings") }</Link<Route>></p>
                <p class="card narrow"><Link<Route> to={Route::Privacy} classes="privacy-link">{ t(locale, "profile.privacy") }</Link<Route>></p>
            }
            <PasswordChange />
        </Layout>
    }
}

/// Changing the password: the current one is asked for; the other sessions end, this one goes on.
#[function_component(PasswordChange)]
fn password_change() -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let (current, new) = (use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ApiError>);
    let changed = use_state(|| None::<&'static str>);
    let onsubmit = {
        let (current, new, error, changed) = (current.clone(), new.clone(), error.clone(), changed.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let value = |node: &NodeRef| node.cast::<HtmlInputElement>().map(|input| input.value()).unwrap_or_default();
            let variables = change_password::Variables { current: value(&current), new: value(&new) };
            let (api, error, changed) = (api.clone(), error.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.call_as::<ChangePassword, Tokens>(variables).await {
                    Ok(tokens) => {
                        api.sign_in(tokens.access, tokens.refresh);
                        error.set(None);
                        changed.set(Some("profile.password_changed"));
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let locale = app.locale;
    let clear = {
        let error = error.clone();
        Callback::from(move |_: InputEvent| error.set(None))
    };
    html! {
        <form class="card narrow" id="password-change" {onsubmit}>
            <h2>{ t(locale, "profile.change_password") }</h2>
            <label for="current-password">{ t(locale, "profile.current_password") }</label>
            <input id="current-password" type="password" ref={current} required=true autocomplete="current-password" oninput={clear.clone()} />
            { field_error(locale, &error, "currentPassword") }
            <label for="changed-password">{ t(locale, "login.new_password") }</label>
            <input id="changed-password" type="password" ref={new} required=true minlength="8" autocomplete="new-password" oninput={clear} />
            { field_error(locale, &error, "password") }
            { form_error(locale, &error, &["currentPassword", "password"]) }
            { done_note(locale, &changed) }
            <button type="submit">{ t(locale, "profile.change_password") }</button>
        </form>
    }
}
