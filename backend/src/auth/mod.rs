//! Authentication and authorisation: who is calling, and what they may do.
//!
//! People sign in with an e-mail (or a VIN, meaning its owner) and a password and receive a short-lived
//! JWT access token and a rotating refresh token. Partner apps send an API key with scopes. Roles and
//! scopes are checked by GraphQL guards; ownership is checked again inside every service.

pub mod api_keys;
pub mod error;
pub mod graphql;
pub mod jwt;
pub mod partner_limit;
pub mod password;
pub mod refresh;
pub mod secret;
pub mod service;
pub mod throttle;
pub mod viewer;

pub use error::AuthError;
pub use viewer::{Allow, PartnerViewer, Scope, UserViewer, Viewer};
