//! Signing in and staying signed in: sign-in with an e-mail (or a VIN, meaning its owner) and a
//! password, rotating refresh tokens, the sign-in throttle, partner API keys, and turning the
//! credentials a request presents into a `Viewer`. Built on `auth`'s primitives.

pub mod api_keys;
pub mod grants;
pub mod graphql;
pub mod refresh;
pub mod service;
pub mod throttle;
