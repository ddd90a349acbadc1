//! Administration: the catalog's features and their prices per region, staff accounts, partner
//! organisations with their API keys, and the business figures.

mod analytics;
mod feature_form;
mod features;
mod partners;
mod prices;
mod users;

pub use analytics::AnalyticsPage;
pub use features::FeaturesPage;
pub use partners::PartnersPage;
pub use users::UsersPage;

use crate::route::Route;

/// The administrator's pages, as the navigation lists them.
pub const LINKS: [(Route, &str); 6] = [
    (Route::Home, "nav.admin"),
    (Route::Users, "nav.users"),
    (Route::Partners, "nav.partners"),
    (Route::Analytics, "nav.analytics"),
    (Route::AdminAssistant, "nav.assistant"),
    (Route::Support, "nav.support"),
];
