//! Business figures for administrators, by region and UTC month, computed from the database's own
//! rows: catalog views and purchases, trials and their conversion, activation outcomes and their
//! reasons, revenue, monthly recurring revenue and churn, sales by dealership, workshop jobs. And
//! the web app's page and action events they partly rest on (no personal data beyond the user id).

pub mod actions;
pub mod figures;
pub mod graphql;
pub mod report;
