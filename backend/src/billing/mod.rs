//! Invoices and credit notes: lines with net, VAT and gross in the region's currency, numbered
//! without gaps per region and year.

pub mod graphql;
pub mod invoices;
