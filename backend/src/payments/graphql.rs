//! The GraphQL view of a payment. Who may read one is decided where it is reached from (an order,
//! an activation), through `policy`.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entity::{PaymentKind, PaymentStatus, Role, payment_cards, payments};

use super::cards;
use crate::auth::Allow;
use crate::billing::graphql::Invoice;
use crate::domain::Money;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, load_children, locale, viewer};
use crate::graphql::loaders::InvoicesOfPayment;
use crate::i18n::failures::FailureCode;
use crate::policy;

/// A payment: of a sale, a feature or a subscription period.
pub struct Payment(pub payments::Model);

impl Payment {
    fn code(&self) -> Option<FailureCode> {
        let stored = self.0.failure_code.as_deref().and_then(FailureCode::parse);
        stored.or_else(|| self.0.failure_reason.as_deref().map(FailureCode::of_payment))
    }
}

#[Object]
impl Payment {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What it is for.
    async fn kind(&self) -> PaymentKind {
        self.0.kind
    }

    /// Where it stands at the gateway.
    async fn status(&self) -> PaymentStatus {
        self.0.status
    }

    /// The amount.
    async fn amount(&self) -> Money {
        Money::new(self.0.amount_minor, &self.0.currency)
    }

    /// Why it failed: the technical detail (the gateway's words), for support. People read
    /// `failureMessage`.
    async fn failure_reason(&self) -> Option<&str> {
        self.0.failure_reason.as_deref()
    }

    /// Why it failed, in the reader's language (e.g. "The card was declined").
    async fn failure_message(&self, ctx: &Context<'_>) -> Option<String> {
        Some(self.code()?.sentence(locale(ctx)))
    }

    /// Why it failed, as a code (`CARD_DECLINED`, `INSUFFICIENT_FUNDS`, …).
    async fn failure_code(&self) -> Option<FailureCode> {
        self.code()
    }

    /// Its invoice and the credit notes of its refunds, oldest first.
    async fn invoices(&self, ctx: &Context<'_>) -> ApiResult<Vec<Invoice>> {
        if !policy::payment_invoices(viewer(ctx), &self.0) {
            return Err(ApiError::Forbidden("invoices are for their customers and platform staff".into()));
        }
        let rows = load_children(ctx, InvoicesOfPayment(self.0.id)).await?;
        Ok(rows.into_iter().map(Invoice).collect())
    }

    /// When it was taken.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it settled.
    async fn settled_at(&self) -> Option<DateTime<Utc>> {
        self.0.settled_at
    }
}

/// A saved payment card: how it looks, never its number.
pub struct PaymentCard(pub payment_cards::Model);

#[Object]
impl PaymentCard {
    /// `visa`, `mastercard`, …
    async fn brand(&self) -> &str {
        self.0.brand.as_deref().unwrap_or_default()
    }

    /// The last four digits.
    async fn last4(&self) -> &str {
        self.0.last4.as_deref().unwrap_or_default()
    }

    /// Expiry month, 1–12.
    async fn exp_month(&self) -> i32 {
        self.0.exp_month.unwrap_or_default()
    }

    /// Expiry year.
    async fn exp_year(&self) -> i32 {
        self.0.exp_year.unwrap_or_default()
    }

    /// When it was saved.
    async fn saved_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A card to save.
#[derive(InputObject)]
pub struct SavePaymentCardInput {
    /// The payment method the client obtained from the gateway (Stripe Elements' `pm_…`).
    pub payment_method: String,
    /// The client's key: a retried save saves once.
    pub idempotency_key: String,
}

/// Queries of saved cards.
#[derive(Default)]
pub struct PaymentsQuery;

#[Object]
impl PaymentsQuery {
    /// The signed-in customer's saved card, charged for purchases and subscriptions.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn my_payment_card(&self, ctx: &Context<'_>) -> ApiResult<Option<PaymentCard>> {
        let user = viewer(ctx).user()?;
        Ok(cards::saved_card(&app(ctx).db, user.id).await?.map(PaymentCard))
    }
}

/// Mutations of saved cards.
#[derive(Default)]
pub struct PaymentsMutation;

#[Object]
impl PaymentsMutation {
    /// Saves a card for the signed-in customer (replacing the one saved before).
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn save_payment_card(&self, ctx: &Context<'_>, input: SavePaymentCardInput) -> ApiResult<PaymentCard> {
        let card = cards::save_card(app(ctx), viewer(ctx), &input.payment_method, &input.idempotency_key).await?;
        Ok(PaymentCard(card))
    }
}
