//! The payment gateway: authorise, capture, void and refund with idempotency keys; settlement is
//! asynchronous and reported by signed webhooks. Stripe is the real gateway (through
//! `async-stripe`); the simulator implements the subset of Stripe's API we use.

pub mod simulator;
pub mod stripe;

use async_trait::async_trait;

/// Header of Stripe's webhook signature, `t=<unix>,v1=<hex>`.
pub const SIGNATURE_HEADER: &str = "stripe-signature";

/// The metadata key of our payment id on every charge.
pub const PAYMENT_ID_METADATA: &str = "paymentId";

/// When the money is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureMode {
    /// Authorise now; capture (or void) later — features, charged only once they are on.
    Manual,
    /// Authorise and capture at once — car payments.
    Immediate,
}

/// A charge to create.
#[derive(Clone, Debug)]
pub struct ChargeRequest {
    /// Amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    /// The payment method: a card terminal's or the client's one-off token, or a saved method's id.
    pub payment_method: String,
    /// The gateway customer a saved method belongs to (the gateway refuses it without).
    pub customer: Option<String>,
    /// Makes retries safe: the gateway answers a repeated key with the first result.
    pub idempotency_key: String,
    /// Shown on statements and in the gateway's dashboard.
    pub description: String,
    /// Our references (payment id, order number…).
    pub metadata: Vec<(String, String)>,
}

/// A card as the gateway describes it (never its number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardDetails {
    /// `visa`, `mastercard`, …
    pub brand: String,
    /// The last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: i32,
    /// Expiry year, e.g. 2029.
    pub exp_year: i32,
}

/// A payment method saved for a customer, for charges without the customer present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedMethod {
    /// The saved method's id (a PaymentMethod id for Stripe).
    pub payment_method_ref: String,
    /// Its card.
    pub card: CardDetails,
}

/// A SEPA Direct Debit mandate to set up: the debtor's account and their acceptance of the
/// mandate text, as the gateway records it.
#[derive(Clone, Debug)]
pub struct MandateRequest {
    /// The IBAN, validated and in its electronic form.
    pub iban: String,
    /// The account holder.
    pub account_holder: String,
    /// The debtor's e-mail address (the gateway sends pre-debit notices there).
    pub email: String,
    /// Where the debtor accepted the mandate text.
    pub ip_address: String,
    /// The browser the debtor accepted it with.
    pub user_agent: String,
}

/// A SEPA Direct Debit mandate the gateway set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedMandate {
    /// The saved payment method's id, charged for each debit.
    pub payment_method_ref: String,
    /// The mandate's reference, printed on the debtor's statements.
    pub mandate_reference: String,
    /// The IBAN's last four characters.
    pub last4: String,
    /// The bank's country.
    pub country: String,
}

/// Where a payment stands at the gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatewayStatus {
    /// Authorised, waiting for capture.
    Authorized,
    /// Captured; settlement pending.
    Processing,
    /// Settled.
    Succeeded,
    /// Voided; never charged.
    Canceled,
    /// Declined or failed.
    Failed(String),
}

/// A payment as the gateway reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayPayment {
    /// The gateway's id (a PaymentIntent id for Stripe).
    pub provider_ref: String,
    /// Its status.
    pub status: GatewayStatus,
}

/// Why a gateway call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The card or account declined; retrying the same request will not help.
    #[error("the payment was declined: {0}")]
    Declined(String),
    /// The gateway could not be reached or failed; the same request may be retried.
    #[error("the payment gateway is unavailable: {0}")]
    Unavailable(String),
    /// The gateway refused the request as malformed or not allowed in this state.
    #[error("the payment gateway refused the request: {0}")]
    Invalid(String),
}

/// What a verified webhook tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatewayEvent {
    /// The payment settled.
    Settled {
        /// The gateway's payment id.
        provider_ref: String,
    },
    /// Settlement failed after capture.
    SettlementFailed {
        /// The gateway's payment id.
        provider_ref: String,
        /// Why.
        reason: String,
    },
    /// A bank transfer arrived.
    TransferReceived {
        /// The reference the sender wrote.
        reference: String,
        /// The amount, in minor units.
        amount_minor: i64,
        /// ISO 4217 code, upper case.
        currency: String,
        /// The sender, when the bank named them.
        sender: Option<String>,
    },
    /// An event we do not act on.
    Ignored(String),
}

/// A webhook whose signature checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedEvent {
    /// The gateway's event id; each applies once.
    pub event_id: String,
    /// What happened.
    pub event: GatewayEvent,
    /// Our id of the payment (its `paymentId` metadata), when we made it: the event can come
    /// before the gateway's answer to the charge is recorded.
    pub payment_id: Option<String>,
}

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookRejected {
    /// Missing, forged or stale signature.
    #[error("the webhook signature is not valid")]
    Signature,
    /// Signed, but not an event we can read.
    #[error("the webhook payload is not a readable event: {0}")]
    Payload(String),
}

/// A payment gateway.
#[async_trait]
pub trait PaymentGateway: Send + Sync + 'static {
    /// Creates and confirms a payment.
    async fn create(&self, request: &ChargeRequest, mode: CaptureMode) -> Result<GatewayPayment, GatewayError>;
    /// Captures an authorised payment.
    async fn capture(&self, provider_ref: &str, idempotency_key: &str) -> Result<GatewayPayment, GatewayError>;
    /// Where a payment stands at the gateway now (to reconcile what its webhooks did not tell).
    async fn retrieve(&self, provider_ref: &str) -> Result<GatewayPayment, GatewayError>;
    /// Releases an authorisation: the customer is never charged.
    async fn void(&self, provider_ref: &str, idempotency_key: &str) -> Result<GatewayPayment, GatewayError>;
    /// Refunds a captured payment, fully or `amount_minor` of it; returns the refund's id.
    async fn refund(
        &self,
        provider_ref: &str,
        amount_minor: Option<i64>,
        idempotency_key: &str,
    ) -> Result<String, GatewayError>;
    /// Creates the gateway's customer record of one of our users; returns its id.
    async fn create_customer(&self, email: &str, name: &str, idempotency_key: &str) -> Result<String, GatewayError>;
    /// Saves `payment_method` (a token the client obtained from the gateway) for `customer`, for
    /// later charges without them present: a confirmed setup (a SetupIntent for Stripe).
    async fn save_method(
        &self,
        customer: &str,
        payment_method: &str,
        idempotency_key: &str,
    ) -> Result<SavedMethod, GatewayError>;
    /// Sets up a SEPA Direct Debit mandate for `customer` (a confirmed SetupIntent with the
    /// debtor's acceptance, for Stripe), for debits without them present.
    async fn save_mandate(
        &self,
        customer: &str,
        mandate: &MandateRequest,
        idempotency_key: &str,
    ) -> Result<SavedMandate, GatewayError>;
    /// Checks a webhook's signature (at Unix time `now`) and reads it.
    fn verify_webhook(&self, payload: &str, signature: &str, now: i64) -> Result<VerifiedEvent, WebhookRejected>;
}
