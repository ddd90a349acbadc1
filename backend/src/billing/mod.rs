//! Invoices and credit notes: lines with net, VAT and gross in the region's currency, numbered
//! without gaps per region and year, and their PDF documents.

pub mod documents;
pub mod graphql;
pub mod invoices;
mod pdf;
pub mod wording;
