//! Payments: the only domain that talks to the payment gateway and writes payment rows. Sales
//! (`orders`) and features (`activation`) open their payments here and have them authorised,
//! charged, captured, released and refunded; settlement results are recorded here too, and the
//! settlement flow above the domains tells the sale or activation the payment was for.

pub mod cards;
pub mod credit;
pub mod graphql;
pub mod sepa;
pub mod service;
pub mod transfers;
pub mod vouchers;

pub use service::{Answer, NewPayment};
