//! The GraphQL view of a payment. Who may read one is decided where it is reached from (an order,
//! an activation), through `policy`.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use entity::{PaymentKind, PaymentStatus, payments};

use crate::domain::Money;

/// A payment: of a sale, a feature or a subscription period.
pub struct Payment(pub payments::Model);

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

    /// Why it failed.
    async fn failure_reason(&self) -> Option<&str> {
        self.0.failure_reason.as_deref()
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
