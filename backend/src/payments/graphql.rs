//! The GraphQL view of a payment. Who may read one is decided where it is reached from (an order,
//! an activation), through `policy`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    CreditKind, PaymentKind, PaymentMethodKind, PaymentStatus, Role, credit_entries, payment_cards, payments,
    voucher_batches,
};

use super::sepa::{self, Acceptance, MandateDraft};
use super::vouchers::{self, BatchDraft};
use super::{cards, credit};
use crate::auth::Allow;
use crate::billing::graphql::Invoice;
use crate::domain::Money;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, client_ip, load_children, locale, user_agent, viewer};
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

    /// How it is paid.
    async fn method(&self) -> PaymentMethodKind {
        self.0.method
    }

    /// For a bank transfer: what arrived so far.
    async fn amount_received(&self) -> Money {
        Money::new(self.0.received_minor, &self.0.currency)
    }

    /// For a bank transfer still waiting for money: where to send it, with the reference that
    /// identifies it (write it exactly so, or the transfer waits for support).
    async fn transfer_instructions(&self, ctx: &Context<'_>) -> Option<TransferInstructions> {
        let reference = self.0.transfer_reference.as_deref()?;
        if self.0.status != PaymentStatus::Pending {
            return None;
        }
        let config = &app(ctx).config;
        let grouped = reference.as_bytes().chunks(4).map(String::from_utf8_lossy).collect::<Vec<_>>().join(" ");
        Some(TransferInstructions {
            account_name: config.transfer_account_name.clone(),
            iban: config.transfer_iban.clone(),
            bic: config.transfer_bic.clone(),
            reference: grouped,
            amount_due: Money::new(self.0.amount_minor - self.0.received_minor, &self.0.currency),
        })
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

/// Where to send a bank transfer.
#[derive(SimpleObject)]
pub struct TransferInstructions {
    /// The account holder to transfer to.
    pub account_name: String,
    /// The IBAN to transfer to.
    pub iban: String,
    /// Its BIC.
    pub bic: String,
    /// The reference to write on the transfer, in groups of four.
    pub reference: String,
    /// What is still due.
    pub amount_due: Money,
}

/// A saved payment method: a card or a SEPA Direct Debit mandate; how it looks, never its number.
pub struct PaymentCard(pub payment_cards::Model);

#[Object]
impl PaymentCard {
    /// A card or a SEPA mandate.
    async fn kind(&self) -> PaymentMethodKind {
        self.0.method_kind
    }

    /// The mandate's reference, for a SEPA mandate.
    async fn mandate_reference(&self) -> Option<&str> {
        self.0.mandate_reference.as_deref()
    }

    /// `visa`, `mastercard`, … (`sepa_debit DE` for a mandate)
    async fn brand(&self) -> &str {
        self.0.brand.as_deref().unwrap_or_default()
    }

    /// The last four digits (of the IBAN, for a mandate).
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

/// A SEPA Direct Debit mandate to set up.
#[derive(InputObject)]
pub struct SepaMandateInput {
    /// The IBAN (spaces allowed).
    pub iban: String,
    /// The account holder's name.
    pub account_holder: String,
    /// The customer accepted the mandate text (`sepaMandateText`) shown with the form.
    pub accepted: bool,
    /// The client's key: a retried setup sets up once.
    pub idempotency_key: String,
}

/// A movement of a customer's credit.
pub struct CreditEntry(pub credit_entries::Model);

#[Object]
impl CreditEntry {
    /// Positive when credit was added (a voucher, a payment given back), negative when it paid.
    async fn amount(&self) -> Money {
        Money::new(self.0.amount_minor, &self.0.currency)
    }

    /// What it was.
    async fn kind(&self) -> CreditKind {
        self.0.kind
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A customer's credit, from prepaid vouchers; used before the card.
pub struct CreditAccount {
    balances: Vec<Money>,
    entries: Vec<credit_entries::Model>,
}

#[Object]
impl CreditAccount {
    /// The balance in each currency there is credit in (none when there never was).
    async fn balances(&self) -> &[Money] {
        &self.balances
    }

    /// Every movement, newest first.
    async fn entries(&self) -> Vec<CreditEntry> {
        self.entries.iter().cloned().map(CreditEntry).collect()
    }
}

/// A voucher redeemed.
#[derive(SimpleObject)]
pub struct VoucherRedemption {
    /// What the voucher was worth.
    pub amount: Money,
    /// Your credit in its currency now.
    pub balance: Money,
    /// `false` when you had redeemed this code before: nothing was added now.
    pub newly_redeemed: bool,
}

/// A batch of prepaid vouchers.
pub struct VoucherBatch {
    batch: voucher_batches::Model,
    redeemed: u64,
}

#[Object]
impl VoucherBatch {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.batch.id.to_string())
    }

    /// What the batch is for.
    async fn label(&self) -> &str {
        &self.batch.label
    }

    /// Each voucher's value.
    async fn value(&self) -> Money {
        Money::new(self.batch.value_minor, &self.batch.currency)
    }

    /// How many codes it has.
    async fn quantity(&self) -> i32 {
        self.batch.quantity
    }

    /// How many were redeemed.
    async fn redeemed(&self) -> u64 {
        self.redeemed
    }

    /// When its codes stop being redeemable.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.batch.expires_at
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.batch.created_at
    }
}

/// A batch just made, with its codes: shown this once, stored only as hashes.
#[derive(SimpleObject)]
pub struct CreatedVoucherBatch {
    /// The batch.
    pub batch: VoucherBatch,
    /// Its codes, `XXXX-XXXX-XXXX-XXXX`, the last character a check character.
    pub codes: Vec<String>,
}

/// A batch of vouchers to make.
#[derive(InputObject)]
pub struct VoucherBatchInput {
    /// The region (code) the vouchers are sold and redeemed in; their currency is its currency.
    pub region_code: String,
    /// Each voucher's value in minor units.
    pub value_minor: i64,
    /// How many codes (1 to 1000).
    pub quantity: i32,
    /// When the codes stop being redeemable.
    pub expires_at: DateTime<Utc>,
    /// What the batch is for (a partner, a shop).
    pub label: String,
}

/// Queries of saved cards.
#[derive(Default)]
pub struct PaymentsQuery;

#[Object]
impl PaymentsQuery {
    /// The signed-in customer's credit (from prepaid vouchers).
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn my_credit(&self, ctx: &Context<'_>) -> ApiResult<CreditAccount> {
        let user = viewer(ctx).user()?;
        let entries = credit::entries(&app(ctx).db, user.id).await?;
        let mut currencies: Vec<&str> = entries.iter().map(|entry| entry.currency.as_str()).collect();
        currencies.sort_unstable();
        currencies.dedup();
        let balances = currencies
            .into_iter()
            .map(|currency| {
                let sum =
                    entries.iter().filter(|entry| entry.currency == currency).map(|entry| entry.amount_minor).sum();
                Money::new(sum, currency)
            })
            .collect();
        Ok(CreditAccount { balances, entries })
    }

    /// The SEPA Direct Debit mandate text in the reader's language, to show with the mandate form.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn sepa_mandate_text(&self, ctx: &Context<'_>) -> String {
        sepa::mandate_text(app(ctx), locale(ctx))
    }

    /// Every batch of prepaid vouchers, newest first (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn voucher_batches(&self, ctx: &Context<'_>) -> ApiResult<Vec<VoucherBatch>> {
        let batches = vouchers::batches(app(ctx)).await?;
        Ok(batches.into_iter().map(|(batch, redeemed)| VoucherBatch { batch, redeemed }).collect())
    }

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

    /// Sets up a SEPA Direct Debit mandate for the signed-in customer, who accepted the mandate
    /// text; it replaces a saved card as the method charged.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn set_up_sepa_mandate(&self, ctx: &Context<'_>, input: SepaMandateInput) -> ApiResult<PaymentCard> {
        let draft = MandateDraft {
            iban: input.iban,
            account_holder: input.account_holder,
            accepted: input.accepted,
            idempotency_key: input.idempotency_key,
        };
        let acceptance = Acceptance { ip_address: client_ip(ctx), user_agent: user_agent(ctx) };
        Ok(PaymentCard(sepa::set_up(app(ctx), viewer(ctx), draft, acceptance).await?))
    }

    /// Redeems a prepaid voucher as credit. Redeeming the same code again (a retry, another device,
    /// the offline queue) adds nothing and answers the same.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn redeem_voucher(
        &self,
        ctx: &Context<'_>,
        code: String,
        idempotency_key: String,
    ) -> ApiResult<VoucherRedemption> {
        let redeemed = vouchers::redeem(app(ctx), viewer(ctx), &code, &idempotency_key).await?;
        Ok(VoucherRedemption {
            amount: Money::new(redeemed.voucher.value_minor, &redeemed.voucher.currency),
            balance: Money::new(redeemed.balance_minor, &redeemed.voucher.currency),
            newly_redeemed: redeemed.newly_redeemed,
        })
    }

    /// Makes a batch of prepaid vouchers for a region (ADMIN); the codes are in the answer only.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn create_voucher_batch(
        &self,
        ctx: &Context<'_>,
        input: VoucherBatchInput,
    ) -> ApiResult<CreatedVoucherBatch> {
        let draft = BatchDraft {
            region_code: input.region_code,
            value_minor: input.value_minor,
            quantity: input.quantity,
            expires_at: input.expires_at,
            label: input.label,
        };
        let (batch, codes) = vouchers::create_batch(app(ctx), viewer(ctx), draft).await?;
        Ok(CreatedVoucherBatch { batch: VoucherBatch { batch, redeemed: 0 }, codes })
    }
}
