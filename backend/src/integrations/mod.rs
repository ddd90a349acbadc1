//! The external systems, each behind a trait with a real client for its protocol and a simulator
//! that speaks the same protocol on a local port (it keeps state, has latency and failure knobs, and
//! signs what it sends like the real system).

pub mod delivery;
pub mod factory;
pub mod fleet;
pub mod identity;
pub mod llm;
pub mod mail;
pub mod payments;
pub mod push;
pub mod registration;
pub mod signing;
pub mod simulators;
pub mod sms;
pub mod telemetry;
pub mod vss;

use std::sync::Arc;

/// Logs why `system` could not be used and returns what may be told about it: the cause (URLs,
/// transport errors, the other side's body) stays in the log, never in a client's message or a
/// stored reason that clients read.
pub fn unreachable_cause(system: &'static str, cause: &dyn std::fmt::Display) -> String {
    tracing::warn!(system, cause = %cause, "an external system could not be used");
    "no usable answer".to_owned()
}

/// The clients of every external system the application talks to.
#[derive(Clone)]
pub struct Integrations {
    /// The factory's order API.
    pub factory: Arc<dyn factory::Factory>,
    /// The payment gateway.
    pub payments: Arc<dyn payments::PaymentGateway>,
    /// The vehicle registration authority.
    pub registration: Arc<dyn registration::RegistrationAuthority>,
    /// Outgoing e-mail.
    pub mailer: Arc<dyn mail::Mailer>,
    /// The vehicles' IoT API.
    pub fleet: Arc<dyn fleet::Fleet>,
    /// The workshops' maintenance system.
    pub vss: Arc<dyn vss::Vss>,
    /// The OpenID Connect provider people may sign in with, when one is configured.
    pub identity: Option<Arc<dyn identity::IdentityProvider>>,
    /// Web Push to browsers.
    pub push: Arc<dyn push::PushService>,
    /// Text messages.
    pub sms: Arc<dyn sms::SmsProvider>,
    /// The assistant's chat model, when one is configured; `None`: answers come from retrieval only.
    pub llm: Option<Arc<dyn llm::LanguageModel>>,
}

/// Stands in for every external system in commands that never call one (`caas seed`): each call
/// answers "unavailable".
struct Offline;

#[async_trait::async_trait]
impl factory::Factory for Offline {
    async fn place_order(
        &self,
        _: &factory::FactoryOrder,
    ) -> Result<factory::FactoryConfirmation, factory::FactoryError> {
        Err(factory::FactoryError::Unavailable("offline".into()))
    }
}

#[async_trait::async_trait]
impl payments::PaymentGateway for Offline {
    async fn create(
        &self,
        _: &payments::ChargeRequest,
        _: payments::CaptureMode,
    ) -> Result<payments::GatewayPayment, payments::GatewayError> {
        Err(payments::GatewayError::Unavailable("offline".into()))
    }
    async fn capture(&self, _: &str, _: &str) -> Result<payments::GatewayPayment, payments::GatewayError> {
        Err(payments::GatewayError::Unavailable("offline".into()))
    }
    async fn save_mandate(
        &self,
        _: &str,
        _: &payments::MandateRequest,
        _: &str,
    ) -> Result<payments::SavedMandate, payments::GatewayError> {
        Err(payments::GatewayError::Unavailable("offline".into()))
    }
    async fn retrieve(&self, _: &str) -> Result<payments::GatewayPayment, payments::GatewayError> {
        Err(payments::GatewayError::Unavailable("offline".into()))
    }
    async fn void(&self, _: &str, _: &str) -> Result<payments::GatewayPayment, payments::GatewayError> {
        Err(payments::GatewayError::Unavailable("offline".into()))
    }
    async fn refund(&self, _: &str, _: Option<i64>, _: &str) -> Result<String, payments::GatewayError> {
        Err(payments::GatewayError::Unavailable("offline".into()))
    }
    async fn create_customer(&self, _: &str, _: &str, _: &str) -> Result<String, payments::GatewayError> {
        Err(payments::GatewayError::Unavailable("offline".into()))
    }
    async fn save_method(&self, _: &str, _: &str, _: &str) -> Result<payments::SavedMethod, payments::GatewayError> {
        Err(payments::GatewayError::Unavailable("offline".into()))
    }
    fn verify_webhook(&self, _: &str, _: &str, _: i64) -> Result<payments::VerifiedEvent, payments::WebhookRejected> {
        Err(payments::WebhookRejected::Signature)
    }
}

#[async_trait::async_trait]
impl registration::RegistrationAuthority for Offline {
    async fn register(
        &self,
        _: &registration::RegistrationRequest,
    ) -> Result<registration::Registration, registration::RegistrationError> {
        Err(registration::RegistrationError::Unavailable("offline".into()))
    }
}

#[async_trait::async_trait]
impl fleet::Fleet for Offline {
    async fn send(&self, _: &str, _: &fleet::FeatureCommand) -> Result<fleet::VehicleState, fleet::IotError> {
        Err(fleet::IotError::Transient("offline".into()))
    }
    async fn message(&self, _: &str, _: &str) -> Result<(), fleet::IotError> {
        Err(fleet::IotError::Transient("offline".into()))
    }
    async fn state(&self, _: &str) -> Result<fleet::VehicleState, fleet::IotError> {
        Err(fleet::IotError::Transient("offline".into()))
    }
    async fn remote(&self, _: &str, _: &fleet::RemoteCommand) -> Result<fleet::VehicleState, fleet::IotError> {
        Err(fleet::IotError::Transient("offline".into()))
    }
}

#[async_trait::async_trait]
impl vss::Vss for Offline {
    async fn status(&self, _: &str) -> Result<vss::MaintenanceStatus, vss::VssUnavailable> {
        Err(vss::VssUnavailable("offline".into()))
    }
}

#[async_trait::async_trait]
impl mail::Mailer for Offline {
    async fn send(&self, _: &mail::OutgoingMail) -> Result<(), mail::MailError> {
        Err(mail::MailError::Transport("offline".into()))
    }
}

#[async_trait::async_trait]
impl push::PushService for Offline {
    fn public_key(&self) -> Option<String> {
        None
    }
    async fn send(&self, _: &push::PushSubscription, _: &push::PushMessage, _: u32) -> Result<(), push::PushError> {
        Err(push::PushError::Unavailable("offline".into()))
    }
}

#[async_trait::async_trait]
impl sms::SmsProvider for Offline {
    async fn send(&self, _: &sms::OutgoingSms) -> Result<sms::SentSms, sms::SmsError> {
        Err(sms::SmsError::Unavailable("offline".into()))
    }
}

impl Integrations {
    /// Clients that reach nothing, for commands that never call an external system.
    pub fn offline() -> Self {
        let offline = Arc::new(Offline);
        Self {
            factory: offline.clone(),
            payments: offline.clone(),
            registration: offline.clone(),
            mailer: offline.clone(),
            fleet: offline.clone(),
            vss: offline.clone(),
            identity: None,
            push: offline.clone(),
            sms: offline,
            llm: None,
        }
    }
}
