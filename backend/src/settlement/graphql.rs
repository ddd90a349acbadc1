//! Support's queue of bank transfers held for a person to look at, and their decisions on them.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{Role, TransferStatus, bank_transfers};

use crate::auth::Allow;
use crate::domain::Money;
use crate::error::ApiResult;
use crate::graphql::context::{app, parse_id, viewer};
use crate::payments::transfers::{self, TransferResolution};
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;

/// A bank transfer the gateway reported received.
pub struct BankTransfer(pub bank_transfers::Model);

#[Object]
impl BankTransfer {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The reference as the sender wrote it.
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The amount received.
    async fn amount(&self) -> Money {
        Money::new(self.0.amount_minor, &self.0.currency)
    }

    /// The sender, when the bank named them.
    async fn sender(&self) -> Option<&str> {
        self.0.sender.as_deref()
    }

    /// Matched to its payment, held for support, or resolved.
    async fn status(&self) -> TransferStatus {
        self.0.status
    }

    /// Why it is held: `UNKNOWN_REFERENCE`, `OVERPAID`, `WRONG_CURRENCY` or `LATE`.
    async fn held_reason(&self) -> Option<&str> {
        self.0.held_reason.as_deref()
    }

    /// The id of the payment its reference names, if any.
    async fn payment_id(&self) -> Option<ID> {
        self.0.payment_id.map(|id| ID(id.to_string()))
    }

    /// When it arrived.
    async fn received_at(&self) -> DateTime<Utc> {
        self.0.received_at
    }
}

/// Support's queries of bank transfers.
#[derive(Default)]
pub struct TransfersQuery;

#[Object]
impl TransfersQuery {
    /// Bank transfers by status, oldest first — by default those held for support (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Support, Role::Admin])")]
    async fn bank_transfers(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "TransferStatus::Held")] status: TransferStatus,
    ) -> ApiResult<Vec<BankTransfer>> {
        Ok(transfers::with_status(app(ctx), status).await?.into_iter().map(BankTransfer).collect())
    }
}

/// Support's decisions on held transfers.
#[derive(Default)]
pub struct TransfersMutation;

#[Object]
impl TransfersMutation {
    /// Resolves a held transfer (SUPPORT, ADMIN; audited): `RETURNED` once the money went back to
    /// the sender, `APPLIED` to count it for the payment of its reference, which is then paid and
    /// what it pays for goes ahead.
    #[graphql(guard = "Allow::users(&[Role::Support, Role::Admin])")]
    async fn resolve_bank_transfer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        resolution: TransferResolution,
    ) -> ApiResult<BankTransfer> {
        let app = app(ctx);
        let (resolved, paid) = transfers::resolve(app, viewer(ctx), parse_id(&id, "id")?, resolution).await?;
        if let Some(payment) = paid {
            let txn = begin_write(&app.db).await?;
            let mut outbox = Outbox::new();
            super::transfers::paid(app, &txn, &mut outbox, &payment).await?;
            outbox.commit(txn, app.events.as_ref()).await?;
        }
        Ok(BankTransfer(resolved))
    }
}
