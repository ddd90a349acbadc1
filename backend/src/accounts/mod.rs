//! People and organisations: users, regions, dealerships and workshops as the API shows them;
//! customer accounts and their passwords; staff administration.

pub mod graphql;
pub mod identities;
pub mod identity_graphql;
pub mod links;
pub mod oidc;
pub mod passwords;
pub mod payment_methods;
pub mod regions;
pub mod service;
pub mod sign_in;
pub mod staff;
pub mod staff_graphql;
