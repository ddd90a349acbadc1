//! The pages, and which one an address shows to whom.

mod activation;
#[cfg(feature = "staff")]
mod admin;
mod assistant;
#[cfg(feature = "more")]
mod booking;
#[cfg(feature = "more")]
mod bookings;
mod catalog;
mod checkout;
#[cfg(feature = "more")]
mod credit;
mod dashboard;
#[cfg(feature = "staff")]
mod dealer;
#[cfg(feature = "more")]
mod estimate;
mod expediente;
#[cfg(feature = "more")]
mod health;
#[cfg(feature = "more")]
mod help;
mod install;
mod login;
pub mod more;
#[cfg(feature = "more")]
mod notification_settings;
mod notifications;
mod oidc;
#[cfg(feature = "more")]
mod oidc_finish;
mod orders;
#[cfg(feature = "more")]
mod privacy;
#[cfg(feature = "more")]
mod profile;
mod queue;
mod remote;
#[cfg(feature = "more")]
mod repair_order;
#[cfg(feature = "staff")]
mod support;
#[cfg(feature = "staff")]
mod workshop;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::Layout;
use crate::route::Route;
use crate::state::use_app;

/// The administrator's pages, for the navigation.
#[cfg(feature = "staff")]
pub use admin::LINKS as ADMIN_LINKS;
/// Support's pages, for the navigation.
#[cfg(feature = "staff")]
pub use admin::SUPPORT_LINKS;

/// The page of an address.
pub fn render(route: Route) -> Html {
    html! { <Page {route} /> }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    route: Route,
}

#[function_component(Page)]
fn page(props: &PageProps) -> Html {
    let app = use_app();
    let public = matches!(props.route, Route::Login | Route::SetPassword | Route::Estimate | Route::OidcFinish);
    if !app.signed_in && !public {
        oidc::remember_return_path();
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    if app.signed_in && props.route == Route::Login {
        return html! { <Redirect<Route> to={Route::Home} /> };
    }
    let role = app.role.as_str();
    match props.route.clone() {
        Route::Login => html! { <login::Login /> },
        Route::SetPassword => html! { <login::SetPassword /> },
        #[cfg(feature = "more")]
        Route::Estimate => html! { <estimate::EstimatePage /> },
        #[cfg(feature = "more")]
        Route::OidcFinish => html! { <oidc_finish::OidcFinish /> },
        Route::Home => match role {
            "CUSTOMER" => html! { <dashboard::Dashboard /> },
            "" => html! { <Layout title="page.loading">{ crate::components::loading(app.locale) }</Layout> },
            staff => staff_home(staff, app.locale),
        },
        Route::Vehicle { vin } => html! { <expediente::ExpedientePage {vin} /> },
        // The assistant's chat panel is the second bundle's: open on the page at these addresses.
        #[cfg(feature = "more")]
        Route::VehicleAssistant { vin } => html! { <expediente::ExpedientePage {vin} assistant=true /> },
        #[cfg(feature = "more")]
        Route::Assistant => html! { <dashboard::Dashboard assistant=true /> },
        #[cfg(feature = "more")]
        Route::Help => html! { <help::HelpPage /> },
        Route::Catalog { vin } => html! { <catalog::CatalogPage {vin} /> },
        #[cfg(feature = "more")]
        Route::VehicleHealth { vin } => html! { <health::HealthPage vin={vin.clone()} key={vin} /> },
        #[cfg(feature = "more")]
        Route::BookService { vin } => html! { <booking::BookServicePage {vin} /> },
        #[cfg(feature = "more")]
        Route::Bookings => html! { <bookings::BookingsPage /> },
        Route::RepairOrder { id } if role == "WORKSHOP" => staff_page(Route::RepairOrder { id }, app.locale),
        #[cfg(feature = "more")]
        Route::RepairOrder { id } => html! { <repair_order::RepairOrderPage {id} staff=false /> },
        Route::Activation { id } => html! { <activation::ActivationPage {id} /> },
        Route::Orders => html! { <orders::OrderList dealer={role == "DEALER"} /> },
        Route::Order { id } => html! { <orders::OrderPage {id} dealer={role == "DEALER"} /> },
        Route::Notifications => html! { <notifications::NotificationsPage /> },
        #[cfg(feature = "more")]
        Route::Profile => html! { <profile::ProfilePage /> },
        #[cfg(feature = "more")]
        Route::NotificationSettings => html! { <notification_settings::NotificationSettingsPage /> },
        #[cfg(feature = "more")]
        Route::Privacy => html! { <privacy::PrivacyPage /> },
        Route::Queue => html! { <queue::QueuePage /> },
        staff @ (Route::NewSale
        | Route::Stock
        | Route::Support
        | Route::Admin
        | Route::Users
        | Route::Partners
        | Route::Analytics
        | Route::WorkshopBoard
        | Route::WorkshopSetup
        | Route::WorkshopAssistant
        | Route::AdminAssistant) => staff_page(staff, app.locale),
        #[cfg(feature = "staff")]
        staff @ (Route::Campaigns | Route::Campaign { .. }) => staff_page(staff, app.locale),
        #[cfg(feature = "more")]
        Route::NotFound => {
            html! { <Layout title="page.not_found"><Link<Route> to={Route::Home}>{ crate::i18n::t(app.locale, "nav.home") }</Link<Route>></Layout> }
        }
        // The rarer pages (and unknown addresses) are in the second build: the server sends its
        // page for their addresses.
        #[cfg(not(feature = "more"))]
        _ => more::open(app.locale),
    }
}

/// The home page of a staff role.
#[cfg(feature = "staff")]
fn staff_home(role: &str, locale: crate::i18n::Locale) -> Html {
    match role {
        "DEALER" => html! { <orders::OrderList dealer=true /> },
        "SUPPORT" => html! { <support::SupportDesk /> },
        "ADMIN" => html! { <admin::FeaturesPage /> },
        "WORKSHOP" => html! { <workshop::Calendar /> },
        _ => html! { <Layout title="page.not_found">{ crate::components::empty(locale, "status.not_found") }</Layout> },
    }
}

/// A page of the staff app.
#[cfg(feature = "staff")]
fn staff_page(route: Route, _: crate::i18n::Locale) -> Html {
    match route {
        Route::NewSale => html! { <dealer::NewSale /> },
        Route::Stock => html! { <dealer::StockPage /> },
        Route::Support => html! { <support::SupportDesk /> },
        Route::Users => html! { <admin::UsersPage /> },
        Route::Partners => html! { <admin::PartnersPage /> },
        Route::Analytics => html! { <admin::AnalyticsPage /> },
        Route::WorkshopBoard => html! { <workshop::Board /> },
        Route::WorkshopSetup => html! { <workshop::Setup /> },
        Route::WorkshopAssistant => html! { <workshop::FaqPage platform=false /> },
        Route::AdminAssistant => html! { <workshop::FaqPage platform=true /> },
        Route::RepairOrder { id } => html! { <repair_order::RepairOrderPage {id} staff=true /> },
        Route::Campaigns => html! { <admin::CampaignsPage /> },
        Route::Campaign { id } => html! { <admin::CampaignPage id={id.clone()} key={id} /> },
        _ => html! { <admin::FeaturesPage /> },
    }
}

/// Staff work in the staff app (the customer app stays small for phones on weak connections):
/// open it at the same place.
#[cfg(not(feature = "staff"))]
fn staff_home(_: &str, locale: crate::i18n::Locale) -> Html {
    to_staff_app(&Route::Home, locale)
}

#[cfg(not(feature = "staff"))]
fn staff_page(route: Route, locale: crate::i18n::Locale) -> Html {
    to_staff_app(&route, locale)
}

#[cfg(not(feature = "staff"))]
fn to_staff_app(route: &Route, locale: crate::i18n::Locale) -> Html {
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace(&format!("{}{}", crate::route::STAFF_APP, route.to_path()));
    }
    html! { <Layout title="page.loading">{ crate::components::loading(locale) }</Layout> }
}
