//! The app's addresses.

use std::collections::HashMap;

use yew_router::Routable;

/// Where the staff app (dealers, support, admins, workshops) is served.
pub const STAFF_APP: &str = "/staff";

/// The path the app is served under: the customer app at the root, the staff app at [`STAFF_APP`].
pub const BASENAME: Option<&str> = if cfg!(feature = "staff") { Some(STAFF_APP) } else { None };

/// Every page.
#[derive(Clone, PartialEq, Debug)]
pub enum Route {
    /// The home page of the signed-in role.
    Home,
    /// Sign in.
    Login,
    /// Set a password from the welcome e-mail's link.
    SetPassword,
    /// Finishing a sign-in with the identity provider (`#ticket=` or `#error=`), or confirming an
    /// e-mailed link that links an identity (`?confirm=`).
    OidcFinish,
    /// A vehicle's expediente.
    Vehicle {
        /// The VIN.
        vin: String,
    },
    /// A vehicle's expediente with the assistant's chat panel open.
    VehicleAssistant {
        /// The VIN.
        vin: String,
    },
    /// The features a vehicle can have.
    Catalog {
        /// The VIN.
        vin: String,
    },
    /// A vehicle's health: its latest telemetry, charts and alerts, live.
    VehicleHealth {
        /// The VIN.
        vin: String,
    },
    /// Book a service for a vehicle at a workshop.
    BookService {
        /// The VIN.
        vin: String,
    },
    /// The customer's workshop bookings.
    Bookings,
    /// A repair order with its live progress and estimate.
    RepairOrder {
        /// The repair order.
        id: String,
    },
    /// An estimate opened from its e-mailed one-time link (`?token=`), without signing in.
    Estimate,
    /// An activation's live progress.
    Activation {
        /// The activation.
        id: String,
    },
    /// Orders.
    Orders,
    /// One order with its live progress.
    Order {
        /// The order.
        id: String,
    },
    /// Notifications.
    Notifications,
    /// Language and region.
    Profile,
    /// How notices reach the customer: channels per kind, quiet hours, SMS, push devices.
    NotificationSettings,
    /// The customer's data: exports, erasure of the account, the partners who may read each car.
    Privacy,
    /// Purchases waiting for a connection.
    Queue,
    /// The dashboard with the assistant's chat panel open.
    Assistant,
    /// The platform's FAQ (`#faq-<id>` shows one entry).
    Help,
    /// Register a sale.
    NewSale,
    /// The dealership's stock.
    Stock,
    /// Support's desk.
    Support,
    /// Catalog administration: features and their prices.
    Admin,
    /// Staff accounts: invitations, roles, disabling.
    Users,
    /// Partner organisations and their API keys.
    Partners,
    /// Business figures.
    Analytics,
    /// The workshop's repair orders by status.
    WorkshopBoard,
    /// The workshop's set-up: hours, closed days, bays, services.
    WorkshopSetup,
    /// The workshop's FAQ and the questions its customers asked the assistant.
    WorkshopAssistant,
    /// The platform's FAQ, which the assistant answers from.
    AdminAssistant,
    /// Fleet campaigns (admins and support; only the staff app has them).
    #[cfg(feature = "staff")]
    Campaigns,
    /// A fleet campaign, live.
    #[cfg(feature = "staff")]
    Campaign {
        /// The campaign.
        id: String,
    },
    /// Unknown address.
    NotFound,
}

/// Written by hand rather than derived: a match on the path's segments is a fraction of the code
/// of the derived route recognizer, and every byte counts on a slow connection.
impl Routable for Route {
    fn from_path(path: &str, _: &HashMap<&str, &str>) -> Option<Self> {
        Some(Self::parse(path))
    }

    fn to_path(&self) -> String {
        match self {
            Self::Home => "/".into(),
            Self::Login => "/login".into(),
            Self::SetPassword => "/set-password".into(),
            Self::OidcFinish => "/signin/oidc".into(),
            Self::Vehicle { vin } => format!("/vehicles/{vin}"),
            Self::VehicleAssistant { vin } => format!("/vehicles/{vin}/assistant"),
            Self::Catalog { vin } => format!("/vehicles/{vin}/features"),
            Self::VehicleHealth { vin } => format!("/vehicles/{vin}/health"),
            Self::BookService { vin } => format!("/vehicles/{vin}/book"),
            Self::Bookings => "/bookings".into(),
            Self::RepairOrder { id } => format!("/repair-orders/{id}"),
            Self::Estimate => "/estimate".into(),
            Self::Activation { id } => format!("/activations/{id}"),
            Self::Orders => "/orders".into(),
            Self::Order { id } => format!("/orders/{id}"),
            Self::Notifications => "/notifications".into(),
            Self::Profile => "/profile".into(),
            Self::NotificationSettings => "/profile/notifications".into(),
            Self::Privacy => "/privacy".into(),
            Self::Queue => "/queue".into(),
            Self::Assistant => "/assistant".into(),
            Self::Help => "/help".into(),
            Self::NewSale => "/dealer/sale".into(),
            Self::Stock => "/dealer/stock".into(),
            Self::Support => "/support".into(),
            Self::Admin => "/admin".into(),
            Self::Users => "/admin/users".into(),
            Self::Partners => "/admin/partners".into(),
            Self::Analytics => "/admin/analytics".into(),
            Self::WorkshopBoard => "/workshop/board".into(),
            Self::WorkshopSetup => "/workshop/setup".into(),
            Self::WorkshopAssistant => "/workshop/assistant".into(),
            Self::AdminAssistant => "/admin/assistant".into(),
            #[cfg(feature = "staff")]
            Self::Campaigns => "/admin/campaigns".into(),
            #[cfg(feature = "staff")]
            Self::Campaign { id } => format!("/admin/campaigns/{id}"),
            Self::NotFound => "/404".into(),
        }
    }

    fn routes() -> Vec<&'static str> {
        #[allow(unused_mut)]
        let mut routes = vec![
            "/",
            "/login",
            "/set-password",
            "/signin/oidc",
            "/vehicles/:vin",
            "/vehicles/:vin/assistant",
            "/vehicles/:vin/features",
            "/vehicles/:vin/health",
            "/vehicles/:vin/book",
            "/bookings",
            "/repair-orders/:id",
            "/estimate",
            "/activations/:id",
            "/orders",
            "/orders/:id",
            "/notifications",
            "/profile",
            "/profile/notifications",
            "/privacy",
            "/queue",
            "/assistant",
            "/help",
            "/dealer/sale",
            "/dealer/stock",
            "/support",
            "/admin",
            "/admin/users",
            "/admin/partners",
            "/admin/analytics",
            "/workshop/board",
            "/workshop/setup",
            "/workshop/assistant",
            "/admin/assistant",
            "/404",
        ];
        #[cfg(feature = "staff")]
        routes.extend(["/admin/campaigns", "/admin/campaigns/:id"]);
        routes
    }

    fn not_found_route() -> Option<Self> {
        Some(Self::NotFound)
    }

    fn recognize(pathname: &str) -> Option<Self> {
        Some(Self::parse(pathname))
    }
}

impl Route {
    /// The page of a path (without the app's base path); unknown paths are [`Route::NotFound`].
    fn parse(path: &str) -> Self {
        let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
        let owned = |segment: &str| segment.to_owned();
        match segments.as_slice() {
            [] => Self::Home,
            ["login"] => Self::Login,
            ["set-password"] => Self::SetPassword,
            ["signin", "oidc"] => Self::OidcFinish,
            ["vehicles", vin] => Self::Vehicle { vin: owned(vin) },
            ["vehicles", vin, "assistant"] => Self::VehicleAssistant { vin: owned(vin) },
            ["vehicles", vin, "features"] => Self::Catalog { vin: owned(vin) },
            ["vehicles", vin, "health"] => Self::VehicleHealth { vin: owned(vin) },
            ["vehicles", vin, "book"] => Self::BookService { vin: owned(vin) },
            ["bookings"] => Self::Bookings,
            ["repair-orders", id] => Self::RepairOrder { id: owned(id) },
            ["estimate"] => Self::Estimate,
            ["activations", id] => Self::Activation { id: owned(id) },
            ["orders"] => Self::Orders,
            ["orders", id] => Self::Order { id: owned(id) },
            ["notifications"] => Self::Notifications,
            ["profile"] => Self::Profile,
            ["profile", "notifications"] => Self::NotificationSettings,
            ["privacy"] => Self::Privacy,
            ["queue"] => Self::Queue,
            ["assistant"] => Self::Assistant,
            ["help"] => Self::Help,
            ["dealer", "sale"] => Self::NewSale,
            ["dealer", "stock"] => Self::Stock,
            ["support"] => Self::Support,
            ["admin"] => Self::Admin,
            ["admin", "users"] => Self::Users,
            ["admin", "partners"] => Self::Partners,
            ["admin", "analytics"] => Self::Analytics,
            ["workshop", "board"] => Self::WorkshopBoard,
            ["workshop", "setup"] => Self::WorkshopSetup,
            ["workshop", "assistant"] => Self::WorkshopAssistant,
            ["admin", "assistant"] => Self::AdminAssistant,
            #[cfg(feature = "staff")]
            ["admin", "campaigns"] => Self::Campaigns,
            #[cfg(feature = "staff")]
            ["admin", "campaigns", id] => Self::Campaign { id: owned(id) },
            _ => Self::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_a_path_that_leads_back_to_it() {
        let pages = [
            Route::Home,
            Route::Login,
            Route::SetPassword,
            Route::OidcFinish,
            Route::Vehicle { vin: "WCAAUR1S3TB000001".into() },
            Route::VehicleAssistant { vin: "WCAAUR1S3TB000001".into() },
            Route::Catalog { vin: "WCAAUR1S3TB000001".into() },
            Route::VehicleHealth { vin: "WCAAUR1S3TB000001".into() },
            Route::BookService { vin: "WCAAUR1S3TB000001".into() },
            Route::Bookings,
            Route::RepairOrder { id: "0195".into() },
            Route::Estimate,
            Route::Activation { id: "0193".into() },
            Route::Orders,
            Route::Order { id: "0194".into() },
            Route::Notifications,
            Route::Profile,
            Route::NotificationSettings,
            Route::Privacy,
            Route::Queue,
            Route::Assistant,
            Route::Help,
            Route::NewSale,
            Route::Stock,
            Route::Support,
            Route::Admin,
            Route::Users,
            Route::Partners,
            Route::Analytics,
            Route::WorkshopBoard,
            Route::WorkshopSetup,
            Route::WorkshopAssistant,
            Route::AdminAssistant,
            #[cfg(feature = "staff")]
            Route::Campaigns,
            #[cfg(feature = "staff")]
            Route::Campaign { id: "0196".into() },
        ];
        assert_eq!(pages.len(), Route::routes().len() - 1, "every route but 404 is listed here");
        for page in pages {
            assert_eq!(Route::recognize(&page.to_path()), Some(page.clone()), "{}", page.to_path());
        }
    }

    #[test]
    fn unknown_paths_are_not_found_and_trailing_slashes_do_not_matter() {
        assert_eq!(Route::recognize("/orders/"), Some(Route::Orders));
        for unknown in
            ["/nope", "/vehicles", "/vehicles/X/other", "/dealer", "/orders/1/2", "/workshop", "/repair-orders"]
        {
            assert_eq!(Route::recognize(unknown), Some(Route::NotFound), "{unknown}");
        }
    }
}
