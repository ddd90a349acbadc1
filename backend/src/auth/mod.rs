//! Authentication and authorisation: who is calling, and what they may do — the primitives under
//! every domain.
//!
//! A signed-in person carries a short-lived JWT access token (`jwt`); partner apps send an API key
//! with scopes. Roles and scopes are checked by GraphQL guards (`viewer`); ownership is checked again
//! inside every service. Signing in, refresh tokens and API keys are the `sessions` domain's.

pub mod error;
pub mod jwt;
pub mod password;
pub mod secret;
pub mod session_cache;
pub mod viewer;

pub use error::AuthError;
pub use viewer::{Allow, PartnerViewer, Scope, UserViewer, Viewer};
