//! Invoices and credit notes: lines with net, VAT and gross in the region's currency, numbered
//! without gaps per region.

pub mod graphql;
pub mod invoices;
pub mod settlement;
pub mod webhook;
