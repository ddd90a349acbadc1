//! Data rights (GDPR): a person's copy of everything the platform holds about them, and the
//! erasure of their account after a grace period — anonymised where the law keeps records
//! (invoices, payments), deleted elsewhere.

pub mod erasure;
pub mod export;
pub mod graphql;
pub mod housekeeping;
pub mod sealing;
