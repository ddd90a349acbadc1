//! Vehicle sales: the dealership registers a sale and takes the payments, the factory builds the car
//! and reports each stage by signed webhooks, the authority registers it, the dealership hands it
//! over. Customers follow it live. A car traded in goes back into stock for another sale.

pub mod amounts;
pub mod factory;
pub mod graphql;
pub mod lifecycle;
pub mod notices;
pub mod payments;
pub mod queries;
pub mod sale;
pub mod trade_in;
