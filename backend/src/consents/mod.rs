//! Owners' consent: a customer lets a partner (an insurer, a fleet manager) read one of their cars
//! with the scopes they choose, shown in plain words, and takes it back at once. Stored as the
//! partner's grants (`sessions::grants`); checked by `policy` on every read.

pub mod graphql;
