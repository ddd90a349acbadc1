//! GraphQL types of invoices.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{InvoiceKind, Role, invoice_lines, invoices as invoice_rows};

use super::invoices;
use crate::auth::Allow;
use crate::graphql::connection::connection;
use crate::graphql::context::{app, viewer};
use crate::pagination::PageArgs;

use crate::domain::Money;
use crate::error::ApiResult;
use crate::graphql::context::load_children;
use crate::graphql::loaders::LinesOfInvoice;

/// An invoice or credit note.
pub struct Invoice(pub invoice_rows::Model);

#[Object]
impl Invoice {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Invoice number, gapless per region, e.g. `DE-2026-000007`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Invoice or credit note.
    async fn kind(&self) -> InvoiceKind {
        self.0.kind
    }

    /// Date of issue.
    async fn issued_at(&self) -> DateTime<Utc> {
        self.0.issued_at
    }

    /// Total without VAT.
    async fn net(&self) -> Money {
        Money::new(self.0.net_minor, &self.0.currency)
    }

    /// Total VAT.
    async fn vat(&self) -> Money {
        Money::new(self.0.vat_minor, &self.0.currency)
    }

    /// Total with VAT.
    async fn gross(&self) -> Money {
        Money::new(self.0.gross_minor, &self.0.currency)
    }

    /// A link that opens this document as a PDF in your language, valid for 15 minutes (add
    /// `&download=1` to save it instead).
    async fn pdf_url(&self, ctx: &Context<'_>) -> String {
        super::documents::link(app(ctx), self.0.id, crate::graphql::context::locale(ctx))
    }

    /// The lines, in order.
    async fn lines(&self, ctx: &Context<'_>) -> ApiResult<Vec<InvoiceLine>> {
        let lines = load_children(ctx, LinesOfInvoice(self.0.id)).await?;
        let currency = self.0.currency.clone();
        Ok(lines.into_iter().map(|line| InvoiceLine { line, currency: currency.clone() }).collect())
    }
}

/// Invoice queries.
#[derive(Default)]
pub struct BillingQuery;

#[Object]
impl BillingQuery {
    /// Your invoices and credit notes, newest first (all of them for platform staff).
    #[graphql(
        guard = "Allow::users(&[Role::Customer, Role::Support, Role::Admin])",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Invoice>> {
        let args = PageArgs::parse(after, first)?;
        Ok(connection(invoices::page(app(ctx), viewer(ctx), &args).await?, Invoice))
    }
}

/// A line of an invoice.
pub struct InvoiceLine {
    line: invoice_lines::Model,
    currency: String,
}

#[Object]
impl InvoiceLine {
    /// What was sold.
    async fn description(&self) -> &str {
        &self.line.description
    }

    /// How many.
    async fn quantity(&self) -> i32 {
        self.line.quantity
    }

    /// Net price of one.
    async fn unit_net(&self) -> Money {
        Money::new(self.line.unit_net_minor, &self.currency)
    }

    /// Net amount of the line.
    async fn net(&self) -> Money {
        Money::new(self.line.net_minor, &self.currency)
    }

    /// VAT rate in basis points.
    async fn vat_rate_basis_points(&self) -> i32 {
        self.line.vat_rate_bp
    }

    /// VAT of the line.
    async fn vat(&self) -> Money {
        Money::new(self.line.vat_minor, &self.currency)
    }

    /// Gross amount of the line.
    async fn gross(&self) -> Money {
        Money::new(self.line.gross_minor, &self.currency)
    }
}
