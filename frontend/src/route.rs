//! The app's addresses.

use yew_router::prelude::*;

/// Where the staff app (dealers, support, admins, workshops) is served.
pub const STAFF_APP: &str = "/staff";

/// The path the app is served under: the customer app at the root, the staff app at [`STAFF_APP`].
pub const BASENAME: Option<&str> = if cfg!(feature = "staff") { Some(STAFF_APP) } else { None };

/// Every page.
#[derive(Clone, Routable, PartialEq, Debug)]
pub enum Route {
    /// The home page of the signed-in role.
    #[at("/")]
    Home,
    /// Sign in.
    #[at("/login")]
    Login,
    /// Set a password from the welcome e-mail's link.
    #[at("/set-password")]
    SetPassword,
    /// A vehicle's expediente.
    #[at("/vehicles/:vin")]
    Vehicle {
        /// The VIN.
        vin: String,
    },
    /// The features a vehicle can have.
    #[at("/vehicles/:vin/features")]
    Catalog {
        /// The VIN.
        vin: String,
    },
    /// An activation's live progress.
    #[at("/activations/:id")]
    Activation {
        /// The activation.
        id: String,
    },
    /// Orders.
    #[at("/orders")]
    Orders,
    /// One order with its live progress.
    #[at("/orders/:id")]
    Order {
        /// The order.
        id: String,
    },
    /// Notifications.
    #[at("/notifications")]
    Notifications,
    /// Language and region.
    #[at("/profile")]
    Profile,
    /// Purchases waiting for a connection.
    #[at("/queue")]
    Queue,
    /// Register a sale.
    #[at("/dealer/sale")]
    NewSale,
    /// The dealership's stock.
    #[at("/dealer/stock")]
    Stock,
    /// Support's desk.
    #[at("/support")]
    Support,
    /// Catalog administration.
    #[at("/admin")]
    Admin,
    /// Unknown address.
    #[not_found]
    #[at("/404")]
    NotFound,
}
