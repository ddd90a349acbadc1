//! People and organisations: users, regions, dealerships and workshops as the API shows them.

pub mod graphql;
pub mod service;
