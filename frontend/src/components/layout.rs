//! The frame of every page: the header with the navigation of the user's role, the offline banner
//! and the queue, and the page itself.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::Api;
use crate::api::ops::{Logout, logout};
use crate::i18n::{plural, t};
use crate::route::Route;
use crate::state::use_app;

/// Properties of [`Layout`].
#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    /// The page.
    pub children: Html,
    /// The page's title key.
    pub title: AttrValue,
}

/// What the app says without a connection: customers' purchases wait in the queue; staff have
/// no queue, so their changes need the connection.
#[cfg(not(feature = "staff"))]
const OFFLINE: &str = "status.offline";
#[cfg(feature = "staff")]
const OFFLINE: &str = "status.offline_staff";

fn links(role: &str, workshop_admin: bool) -> Vec<(Route, &'static str)> {
    match role {
        "DEALER" => vec![(Route::Home, "nav.orders"), (Route::NewSale, "nav.new_sale"), (Route::Stock, "nav.stock")],
        #[cfg(not(feature = "staff"))]
        "SUPPORT" => vec![(Route::Home, "nav.support")],
        #[cfg(feature = "staff")]
        "SUPPORT" => crate::pages::SUPPORT_LINKS.to_vec(),
        #[cfg(feature = "staff")]
        "ADMIN" => crate::pages::ADMIN_LINKS.to_vec(),
        "WORKSHOP" if workshop_admin => vec![
            (Route::Home, "nav.calendar"),
            (Route::WorkshopBoard, "nav.board"),
            (Route::WorkshopAssistant, "nav.assistant"),
            (Route::WorkshopSetup, "nav.setup"),
        ],
        "WORKSHOP" => vec![
            (Route::Home, "nav.calendar"),
            (Route::WorkshopBoard, "nav.board"),
            (Route::WorkshopAssistant, "nav.assistant"),
        ],
        _ => vec![
            (Route::Home, "nav.home"),
            (Route::Orders, "nav.my_orders"),
            (Route::Bookings, "nav.bookings"),
            (Route::Notifications, "nav.notifications"),
        ],
    }
}

/// The page frame.
#[function_component(Layout)]
pub fn layout(props: &LayoutProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let role = app.role.clone();
    let workshop_admin = app.me.as_ref().is_some_and(|me| me.workshop_admin);
    let sign_out = {
        let api = api.clone();
        Callback::from(move |_: MouseEvent| {
            let api = api.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(refresh_token) = api.refresh_token() {
                    let _ = api.send::<Logout>(logout::Variables { refresh_token }).await;
                }
                api.sign_out();
            });
        })
    };
    // Only customers queue purchases; say so after the queue was sent, until they have looked.
    let applied = if app.role == "CUSTOMER" { crate::api::queue::applied().len() } else { 0 };
    use_effect_with((locale, props.title.clone()), |(locale, title)| {
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = document {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", locale.tag());
            }
            // The tab says where the user is, in their language.
            document.set_title(&format!("{} · CaaS", t(*locale, title)));
        }
    });
    html! {
        <>
            <a class="skip" href="#main">{ t(locale, "nav.skip") }</a>
            <header>
                <Link<Route> to={Route::Home} classes="brand">{ "CaaS" }</Link<Route>>
                if app.signed_in {
                    <nav aria-label={t(locale, "nav.label")}>
                        { for links(&role, workshop_admin).into_iter().map(|(route, key)| html! { <Link<Route> to={route}>{ t(locale, key) }</Link<Route>> }) }
                        <Link<Route> to={Route::Profile}>{ t(locale, "nav.profile") }</Link<Route>>
                        <button type="button" class="link" onclick={sign_out}>{ t(locale, "nav.sign_out") }</button>
                    </nav>
                }
            </header>
            if !app.online {
                <div class="offline" role="status" aria-live="polite">{ t(locale, OFFLINE) }</div>
            }
            if applied > 0 {
                <div class="applied" role="status">
                    <Link<Route> to={Route::Queue}>{ plural(locale, "queue.applied_banner", applied) }</Link<Route>>
                </div>
            }
            if app.queued > 0 {
                <div class="queued" role="status">
                    <Link<Route> to={Route::Queue}>{ plural(locale, "queue.banner", app.queued) }</Link<Route>>
                </div>
            }
            <main id="main" tabindex="-1">
                <h1>{ t(locale, &props.title) }</h1>
                { props.children.clone() }
            </main>
        </>
    }
}
