//! Administration: the catalog's features and their prices per region, staff accounts, partner
//! organisations with their API keys, the business figures, and fleet campaigns (which support
//! watches too).

mod analytics;
mod campaigns;
mod campaigns_actions;
mod campaigns_draft;
mod campaigns_fields;
mod campaigns_form;
mod campaigns_groups;
mod campaigns_live;
mod campaigns_progress;
mod feature_form;
mod features;
mod partners;
mod prices;
mod users;

pub use analytics::AnalyticsPage;
pub use campaigns::CampaignsPage;
pub use campaigns_live::CampaignPage;
pub use features::FeaturesPage;
pub use partners::PartnersPage;
pub use users::UsersPage;

use crate::route::Route;

/// The administrator's pages, as the navigation lists them.
pub const LINKS: [(Route, &str); 7] = [
    (Route::Home, "nav.admin"),
    (Route::Users, "nav.users"),
    (Route::Partners, "nav.partners"),
    (Route::Analytics, "nav.analytics"),
    (Route::Campaigns, "nav.campaigns"),
    (Route::AdminAssistant, "nav.assistant"),
    (Route::Support, "nav.support"),
];

/// Support's pages, as the navigation lists them: the desk and the campaigns to watch.
pub const SUPPORT_LINKS: [(Route, &str); 2] = [(Route::Home, "nav.support"), (Route::Campaigns, "nav.campaigns")];
