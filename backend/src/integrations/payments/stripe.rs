//! The Stripe gateway: PaymentIntents with manual or automatic capture, refunds, and webhook
//! signatures in Stripe's scheme, all through `async-stripe`.

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_core::customer::CreateCustomer;
use stripe_core::payment_intent::{
    CancelPaymentIntent, CapturePaymentIntent, CreatePaymentIntent, CreatePaymentIntentOffSession,
    RetrievePaymentIntent,
};
use stripe_core::refund::CreateRefund;
use stripe_core::setup_intent::{
    BillingDetailsInnerParams, CreateSetupIntent, CreateSetupIntentMandateData,
    CreateSetupIntentMandateDataCustomerAcceptance, CreateSetupIntentMandateDataCustomerAcceptanceType,
    CreateSetupIntentPaymentMethodData, CreateSetupIntentPaymentMethodDataSepaDebit,
    CreateSetupIntentPaymentMethodDataType, CreateSetupIntentUsage, OnlineParam,
};
use stripe_core::{PaymentIntent, PaymentIntentCaptureMethod, PaymentIntentStatus, SetupIntent, SetupIntentStatus};
use stripe_types::Currency;
use stripe_webhook::{EventObject, Webhook};

use super::{
    CaptureMode, CardDetails, ChargeRequest, GatewayError, GatewayEvent, GatewayPayment, GatewayStatus, MandateRequest,
    PAYMENT_ID_METADATA, PaymentGateway, SavedMandate, SavedMethod, VerifiedEvent, WebhookRejected,
};
use crate::integrations::unreachable_cause;

/// Stripe, or anything that speaks its API (the payment simulator).
pub struct StripeGateway {
    client: Client,
    webhook_secret: SecretString,
}

impl StripeGateway {
    /// A gateway at `api_base` (e.g. `https://api.stripe.com/`) with a secret key and the webhook
    /// signing secret.
    pub fn new(api_base: &str, secret_key: &SecretString, webhook_secret: SecretString) -> Result<Self, GatewayError> {
        let base = if api_base.ends_with('/') { api_base.to_owned() } else { format!("{api_base}/") };
        let client = ClientBuilder::new(secret_key.expose_secret())
            .url(base)
            .build()
            .map_err(|err| GatewayError::Invalid(format!("Stripe client: {err}")))?;
        Ok(Self { client, webhook_secret })
    }
}

fn idempotent(key: &str) -> Result<RequestStrategy, GatewayError> {
    let key = IdempotencyKey::new(key).map_err(|err| GatewayError::Invalid(format!("idempotency key: {err}")))?;
    Ok(RequestStrategy::Idempotent(key))
}

fn currency(code: &str) -> Result<Currency, GatewayError> {
    code.to_ascii_lowercase().parse().map_err(|_| GatewayError::Invalid(format!("unsupported currency {code}")))
}

const SYSTEM: &str = "the payment gateway";

fn map_error(err: StripeError) -> GatewayError {
    match err {
        StripeError::Stripe(api, status) => {
            let message = api.message.clone().unwrap_or_else(|| api.type_.as_str().to_owned());
            match (api.type_.as_str(), status) {
                ("card_error", _) => GatewayError::Declined(message),
                // The first request with this key is still going through: the same key, later.
                ("idempotency_error", 409) => {
                    GatewayError::Unavailable("the payment gateway is still answering this request; try again".into())
                }
                (_, 500..) | (_, 429) => GatewayError::Unavailable(unreachable_cause(SYSTEM, &message)),
                _ => GatewayError::Invalid(refusal(&api, &message)),
            }
        }
        StripeError::ClientError(message) => GatewayError::Unavailable(unreachable_cause(SYSTEM, &message)),
        StripeError::Timeout => GatewayError::Unavailable(unreachable_cause(SYSTEM, &"timeout")),
        other => GatewayError::Unavailable(unreachable_cause(SYSTEM, &other)),
    }
}

/// What a refused request tells our clients: Stripe's error code, never its text (which names its
/// own ids and parameters); the text goes to the log.
fn refusal(api: &stripe::ApiErrors, message: &str) -> String {
    let code = api.code.as_ref().map_or("invalid_request", |code| code.as_str());
    tracing::warn!(code, message, "the payment gateway refused a request");
    format!("not accepted ({code})")
}

/// A setup the gateway confirmed, or why it did not.
fn confirmed(setup: SetupIntent) -> Result<SetupIntent, GatewayError> {
    if setup.status == SetupIntentStatus::Succeeded {
        return Ok(setup);
    }
    let reason = setup.last_setup_error.as_ref().and_then(|error| error.message.clone());
    Err(GatewayError::Declined(reason.unwrap_or_else(|| format!("setup {}", setup.status.as_str()))))
}

fn payment_of(intent: &PaymentIntent) -> GatewayPayment {
    let status = match &intent.status {
        PaymentIntentStatus::RequiresCapture => GatewayStatus::Authorized,
        PaymentIntentStatus::Processing => GatewayStatus::Processing,
        PaymentIntentStatus::Succeeded => GatewayStatus::Succeeded,
        PaymentIntentStatus::Canceled => GatewayStatus::Canceled,
        other => {
            let reason = intent
                .last_payment_error
                .as_ref()
                .and_then(|error| error.message.clone())
                .unwrap_or_else(|| format!("status {}", other.as_str()));
            GatewayStatus::Failed(reason)
        }
    };
    GatewayPayment { provider_ref: intent.id.as_str().to_owned(), status }
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    #[tracing::instrument(skip(self, request), fields(amount = request.amount_minor, key = %request.idempotency_key))]
    async fn create(&self, request: &ChargeRequest, mode: CaptureMode) -> Result<GatewayPayment, GatewayError> {
        let capture = match mode {
            CaptureMode::Manual => PaymentIntentCaptureMethod::Manual,
            CaptureMode::Immediate => PaymentIntentCaptureMethod::Automatic,
        };
        let metadata: std::collections::HashMap<String, String> = request.metadata.iter().cloned().collect();
        let mut create = CreatePaymentIntent::new(request.amount_minor, currency(&request.currency)?)
            .capture_method(capture)
            .confirm(true)
            .payment_method(request.payment_method.clone())
            .description(request.description.clone())
            .metadata(metadata);
        if let Some(customer) = &request.customer {
            // A saved method is charged without its customer present.
            create = create.customer(customer.clone()).off_session(CreatePaymentIntentOffSession::Recurring);
        }
        let intent = create
            .customize()
            .request_strategy(idempotent(&request.idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_error)?;
        Ok(payment_of(&intent))
    }

    async fn capture(&self, provider_ref: &str, idempotency_key: &str) -> Result<GatewayPayment, GatewayError> {
        let intent = CapturePaymentIntent::new(provider_ref)
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_error)?;
        Ok(payment_of(&intent))
    }

    async fn retrieve(&self, provider_ref: &str) -> Result<GatewayPayment, GatewayError> {
        let intent = RetrievePaymentIntent::new(provider_ref).send(&self.client).await.map_err(map_error)?;
        Ok(payment_of(&intent))
    }

    async fn void(&self, provider_ref: &str, idempotency_key: &str) -> Result<GatewayPayment, GatewayError> {
        let intent = CancelPaymentIntent::new(provider_ref)
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_error)?;
        Ok(payment_of(&intent))
    }

    async fn refund(
        &self,
        provider_ref: &str,
        amount_minor: Option<i64>,
        idempotency_key: &str,
    ) -> Result<String, GatewayError> {
        let mut request = CreateRefund::new().payment_intent(provider_ref);
        if let Some(amount) = amount_minor {
            request = request.amount(amount);
        }
        let refund = request
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_error)?;
        Ok(refund.id.as_str().to_owned())
    }

    async fn create_customer(&self, email: &str, name: &str, idempotency_key: &str) -> Result<String, GatewayError> {
        let customer = CreateCustomer::new()
            .email(email)
            .name(name)
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_error)?;
        Ok(customer.id.as_str().to_owned())
    }

    async fn save_method(
        &self,
        customer: &str,
        payment_method: &str,
        idempotency_key: &str,
    ) -> Result<SavedMethod, GatewayError> {
        let setup = CreateSetupIntent::new()
            .customer(customer)
            .payment_method(payment_method)
            .confirm(true)
            .usage(CreateSetupIntentUsage::OffSession)
            .expand(vec!["payment_method".to_owned()])
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_error)?;
        let setup = confirmed(setup)?;
        let method = setup
            .payment_method
            .and_then(|method| method.into_object())
            .ok_or_else(|| GatewayError::Invalid("the setup came back without its payment method".into()))?;
        let card = method.card.ok_or_else(|| GatewayError::Invalid("only cards can be saved".into()))?;
        let details = CardDetails {
            brand: card.brand,
            last4: card.last4,
            exp_month: i32::try_from(card.exp_month).unwrap_or_default(),
            exp_year: i32::try_from(card.exp_year).unwrap_or_default(),
        };
        Ok(SavedMethod { payment_method_ref: method.id.as_str().to_owned(), card: details })
    }

    async fn save_mandate(
        &self,
        customer: &str,
        mandate: &MandateRequest,
        idempotency_key: &str,
    ) -> Result<SavedMandate, GatewayError> {
        let mut method = CreateSetupIntentPaymentMethodData::new(CreateSetupIntentPaymentMethodDataType::SepaDebit);
        method.sepa_debit = Some(CreateSetupIntentPaymentMethodDataSepaDebit::new(mandate.iban.clone()));
        let mut holder = BillingDetailsInnerParams::new();
        holder.name = Some(mandate.account_holder.clone());
        holder.email = Some(mandate.email.clone());
        method.billing_details = Some(holder);
        let mut acceptance = CreateSetupIntentMandateDataCustomerAcceptance::new(
            CreateSetupIntentMandateDataCustomerAcceptanceType::Online,
        );
        acceptance.online = Some(OnlineParam::new(mandate.ip_address.clone(), mandate.user_agent.clone()));
        let setup = CreateSetupIntent::new()
            .customer(customer)
            .payment_method_data(method)
            .mandate_data(CreateSetupIntentMandateData::new(acceptance))
            .confirm(true)
            .usage(CreateSetupIntentUsage::OffSession)
            .expand(vec!["payment_method".to_owned()])
            .customize()
            .request_strategy(idempotent(idempotency_key)?)
            .send(&self.client)
            .await
            .map_err(map_error)?;
        let setup = confirmed(setup)?;
        let mandate_reference = setup
            .mandate
            .as_ref()
            .map(|mandate| mandate.id().as_str().to_owned())
            .ok_or_else(|| GatewayError::Invalid("the setup came back without its mandate".into()))?;
        let method = setup
            .payment_method
            .and_then(|method| method.into_object())
            .ok_or_else(|| GatewayError::Invalid("the setup came back without its payment method".into()))?;
        let account =
            method.sepa_debit.ok_or_else(|| GatewayError::Invalid("the setup saved no SEPA account".into()))?;
        Ok(SavedMandate {
            payment_method_ref: method.id.as_str().to_owned(),
            mandate_reference,
            last4: account.last4.unwrap_or_default(),
            country: account.country.unwrap_or_default(),
        })
    }

    fn verify_webhook(&self, payload: &str, signature: &str, now: i64) -> Result<VerifiedEvent, WebhookRejected> {
        let event =
            Webhook::construct_event_with_timestamp(payload, signature, self.webhook_secret.expose_secret(), now)
                .map_err(|err| match err {
                    stripe_webhook::WebhookError::BadParse(message) => WebhookRejected::Payload(message.to_string()),
                    _ => WebhookRejected::Signature,
                })?;
        let event_id = event.id.as_str().to_owned();
        let payment_id = match &event.data.object {
            EventObject::PaymentIntentSucceeded(intent) | EventObject::PaymentIntentPaymentFailed(intent) => {
                intent.metadata.get(PAYMENT_ID_METADATA).cloned()
            }
            _ => None,
        };
        let event = match event.data.object {
            EventObject::PaymentIntentSucceeded(intent) => {
                GatewayEvent::Settled { provider_ref: intent.id.as_str().to_owned() }
            }
            EventObject::PaymentIntentPaymentFailed(intent) => {
                let reason = intent
                    .last_payment_error
                    .as_ref()
                    .and_then(|error| error.message.clone())
                    .unwrap_or_else(|| "the payment failed".to_owned());
                GatewayEvent::SettlementFailed { provider_ref: intent.id.as_str().to_owned(), reason }
            }
            EventObject::CustomerCashBalanceTransactionCreated(transaction) => transfer_of(&transaction)
                .unwrap_or_else(|| GatewayEvent::Ignored("customer_cash_balance_transaction.created".to_owned())),
            _ => GatewayEvent::Ignored(event.type_.as_str().to_owned()),
        };
        Ok(VerifiedEvent { event_id, event, payment_id })
    }
}

/// A bank transfer funding a customer's cash balance, with the reference its sender wrote.
fn transfer_of(transaction: &stripe_shared::CustomerCashBalanceTransaction) -> Option<GatewayEvent> {
    let bank_transfer = &transaction.funded.as_ref()?.bank_transfer;
    let sender = bank_transfer.eu_bank_transfer.as_ref().and_then(|eu| eu.sender_name.clone());
    Some(GatewayEvent::TransferReceived {
        reference: bank_transfer.reference.clone()?,
        amount_minor: transaction.net_amount,
        currency: transaction.currency.to_string().to_uppercase(),
        sender,
    })
}
