//! Wiring the integrations: a real client for every system, pointed at its configured URL or — when
//! none is set and simulators are on — at a simulator started here on a local port.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;

use super::Integrations;
use sea_orm::DatabaseConnection;

use super::factory::client::HttpFactory;
use super::factory::simulator::{FactorySimulator, FactorySimulatorConfig};
use super::fleet::client::HttpFleet;
use super::fleet::simulator::FleetSimulator;
use super::identity::IdentityProvider;
use super::identity::client::OidcClient;
use super::identity::simulator::IdentitySimulator;
use super::llm::simulator::LlmSimulator;
use super::llm::{LanguageModel, OpenAiCompatible};
use super::mail::catcher::MailCatcher;
use super::mail::smtp::SmtpMailer;
use super::payments::simulator::{PaymentSimulator, PaymentSimulatorConfig};
use super::payments::stripe::StripeGateway;
use super::push::WebPushClient;
use super::push::simulator::PushServiceSimulator;
use super::registration::client::HttpRegistration;
use super::registration::simulator::RegistrationSimulator;
use super::sms::HttpSms;
use super::sms::simulator::{SmsSimulator, SmsSimulatorConfig};
use super::telemetry::CarKeys;
use super::telemetry::client::BrokerAddress;
use super::telemetry::simulator::TelemetrySimulatorConfig;
use super::vss::client::HttpVss;
use super::vss::simulator::VssSimulator;
use crate::config::{Config, DEMO_LLM_API_KEY};
use crate::platform::clock::Clock;

/// The simulators running in this process, for tests and the demo to steer and inspect.
#[derive(Clone, Default)]
pub struct Simulators {
    /// The factory, when simulated.
    pub factory: Option<FactorySimulator>,
    /// The payment gateway, when simulated.
    pub payments: Option<PaymentSimulator>,
    /// The registration authority, when simulated.
    pub registration: Option<RegistrationSimulator>,
    /// The mail catcher, when simulated.
    pub mail: Option<MailCatcher>,
    /// Where the mail catcher shows what it caught.
    pub mail_view: Option<SocketAddr>,
    /// The fleet, when simulated.
    pub fleet: Option<FleetSimulator>,
    /// The VSS, when simulated.
    pub vss: Option<VssSimulator>,
    /// The identity provider, when simulated.
    pub identity: Option<IdentitySimulator>,
    /// A push service with subscribed "browsers", when simulators are on.
    pub push: Option<PushServiceSimulator>,
    /// The SMS provider, when simulated.
    pub sms: Option<SmsSimulator>,
    /// The assistant's chat model, when simulated (`CAAS_LLM_SIMULATOR`).
    pub llm: Option<LlmSimulator>,
}

fn local() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn seconds(value: f64) -> Duration {
    Duration::from_secs_f64(value.clamp(0.0, 86_400.0))
}

/// Builds the clients of every external system; `webhook_base` is where simulators call us back.
pub async fn connect(
    config: &Config,
    db: &DatabaseConnection,
    clock: Arc<dyn Clock>,
    webhook_base: &str,
    stop: CancellationToken,
) -> anyhow::Result<(Integrations, Simulators)> {
    let mut simulators = Simulators::default();
    let simulate = |url: &Option<String>| url.is_none() && config.simulators_enabled();

    let factory_url = match &config.factory_url {
        _ if simulate(&config.factory_url) => {
            let factory = FactorySimulator::new(FactorySimulatorConfig {
                webhook_url: format!("{webhook_base}/webhooks/factory"),
                secret: config.factory_secret.clone(),
                stage_interval: seconds(config.factory_stage_seconds),
            });
            let address = factory.start(local(), stop.clone()).await.context("starting the factory simulator")?;
            simulators.factory = Some(factory);
            format!("http://{address}")
        }
        Some(url) => url.clone(),
        None => anyhow::bail!("CAAS_FACTORY_URL is not set and the simulators are off"),
    };

    let stripe_base = match &config.stripe_api_base {
        _ if simulate(&config.stripe_api_base) => {
            let gateway = PaymentSimulator::new(PaymentSimulatorConfig {
                api_key: config.stripe_secret_key.clone(),
                webhook_url: format!("{webhook_base}/webhooks/payments"),
                webhook_secret: config.stripe_webhook_secret.clone(),
                settle_delay: seconds(config.payment_settle_seconds),
            });
            let address = gateway.start(local(), stop.clone()).await.context("starting the payment simulator")?;
            simulators.payments = Some(gateway);
            format!("http://{address}/")
        }
        Some(url) => url.clone(),
        None => anyhow::bail!("CAAS_STRIPE_API_BASE is not set and the simulators are off"),
    };

    let registration_url = match &config.registration_url {
        _ if simulate(&config.registration_url) => {
            let authority = RegistrationSimulator::new();
            let address =
                authority.start(local(), stop.clone()).await.context("starting the registration simulator")?;
            simulators.registration = Some(authority);
            format!("http://{address}")
        }
        Some(url) => url.clone(),
        None => anyhow::bail!("CAAS_REGISTRATION_URL is not set and the simulators are off"),
    };

    let smtp_url = match &config.smtp_url {
        _ if simulate(&config.smtp_url) => {
            let catcher = MailCatcher::new();
            let (smtp, view) =
                catcher.start(local(), local(), stop.clone()).await.context("starting the mail catcher")?;
            tracing::info!(%view, "e-mails are caught, not sent: see http://{view}/messages");
            simulators.mail = Some(catcher);
            simulators.mail_view = Some(view);
            format!("smtp://{smtp}")
        }
        Some(url) => url.clone(),
        None => anyhow::bail!("CAAS_SMTP_URL is not set and the simulators are off"),
    };

    let fleet_url = match &config.fleet_url {
        _ if simulate(&config.fleet_url) => {
            let fleet = FleetSimulator::new();
            let address = fleet.start(local(), stop.clone()).await.context("starting the fleet simulator")?;
            simulators.fleet = Some(fleet);
            format!("http://{address}")
        }
        Some(url) => url.clone(),
        None => anyhow::bail!("CAAS_FLEET_URL is not set and the simulators are off"),
    };

    let broker = match &config.mqtt_url {
        Some(url) => Some(BrokerAddress::parse(url).context("CAAS_MQTT_URL must look like mqtt://host:port")?),
        None => None,
    };
    if simulators.fleet.is_some() && config.telemetry_interval_seconds > 0.0 {
        let cars = TelemetrySimulatorConfig {
            interval: seconds(config.telemetry_interval_seconds.max(0.05)),
            fault_rate: config.telemetry_fault_rate,
            broker,
            server_url: webhook_base.to_owned(),
        };
        let keys = CarKeys::new(config.telemetry_secret.expose_secret().as_bytes());
        tokio::spawn(super::telemetry::simulator::run(cars, keys, db.clone(), stop.clone()));
    }

    let vss_url = match &config.vss_url {
        _ if simulate(&config.vss_url) => {
            let vss = VssSimulator::new(db.clone(), clock.clone());
            let address = vss.start(local(), stop.clone()).await.context("starting the VSS simulator")?;
            simulators.vss = Some(vss);
            format!("http://{address}")
        }
        Some(url) => url.clone(),
        None => anyhow::bail!("CAAS_VSS_URL is not set and the simulators are off"),
    };

    let issuer = if config.simulates_identity_provider() {
        let provider =
            IdentitySimulator::new(&config.oidc_client_id, config.oidc_secret().expose_secret(), clock.clone());
        provider.start(local(), stop.clone()).await.context("starting the identity provider simulator")?;
        let issuer = provider.issuer();
        simulators.identity = Some(provider);
        Some(issuer)
    } else {
        config.oidc_issuer().map(str::to_owned)
    };
    let identity = match issuer {
        Some(issuer) => {
            let client = OidcClient::new(
                &issuer,
                &config.oidc_client_id,
                config.oidc_secret(),
                &format!("{webhook_base}/auth/oidc/callback"),
            )
            .context("the OpenID Connect client (CAAS_OIDC_ISSUER_URL)")?;
            Some(Arc::new(client) as Arc<dyn IdentityProvider>)
        }
        None => None,
    };

    let sms_url = match &config.sms_url {
        _ if simulate(&config.sms_url) => {
            let provider = SmsSimulator::new(SmsSimulatorConfig {
                api_key: config.sms_api_key.clone(),
                webhook_secret: config.sms_webhook_secret.clone(),
                receipt_delay: Duration::from_millis(config.sms_receipt_delay_ms),
            });
            let address = provider.start(local(), stop.clone()).await.context("starting the SMS simulator")?;
            simulators.sms = Some(provider);
            format!("http://{address}")
        }
        Some(url) => url.clone(),
        None => anyhow::bail!("CAAS_SMS_URL is not set and the simulators are off"),
    };

    let llm = language_model(config, &mut simulators, stop.clone()).await?;

    let push = push_client(config)?;
    if config.simulators_enabled() {
        // Browsers subscribe at their vendor's push service, so there is no URL to replace: the
        // simulator is there for tests and the demo to subscribe at.
        let service = PushServiceSimulator::new();
        service.start(local(), stop.clone()).await.context("starting the push service simulator")?;
        simulators.push = Some(service);
    }

    let integrations = Integrations {
        factory: Arc::new(HttpFactory::new(&factory_url)),
        payments: Arc::new(
            StripeGateway::new(&stripe_base, &config.stripe_secret_key, config.stripe_webhook_secret.clone())
                .context("the Stripe client")?,
        ),
        registration: Arc::new(HttpRegistration::new(&registration_url)),
        mailer: Arc::new(SmtpMailer::new(&smtp_url, &config.mail_from).context("the SMTP client")?),
        fleet: Arc::new(HttpFleet::new(&fleet_url, Duration::from_millis(config.ota_timeout_ms))),
        vss: Arc::new(HttpVss::new(&vss_url)),
        identity,
        push: Arc::new(push),
        sms: Arc::new(HttpSms::new(&sms_url, config.sms_api_key.clone(), &config.sms_from)),
        llm,
    };
    Ok((integrations, simulators))
}

/// The assistant's chat model: the one at `CAAS_LLM_BASE_URL`, else — with `CAAS_LLM_SIMULATOR` —
/// the simulator started here, else none. Unlike the other systems it is not simulated just because
/// the simulators are on: without a model the assistant answers from retrieval, which is the default.
async fn language_model(
    config: &Config,
    simulators: &mut Simulators,
    stop: CancellationToken,
) -> anyhow::Result<Option<Arc<dyn LanguageModel>>> {
    let first_token_timeout = Duration::from_millis(config.llm_first_token_timeout_ms);
    let (base, api_key) = match config.llm_base() {
        Some(base) => (base.to_owned(), config.llm_api_key.clone()),
        None if config.llm_simulator => {
            // The simulator checks a key as a provider does, so the client's bearer token is tested too.
            let key = config.llm_api_key.clone().unwrap_or_else(|| SecretString::from(DEMO_LLM_API_KEY));
            let model = LlmSimulator::new(&config.llm_model, Some(key.clone()));
            let address = model.start(local(), stop).await.context("starting the language model simulator")?;
            simulators.llm = Some(model);
            (format!("http://{address}"), Some(key))
        }
        None => return Ok(None),
    };
    let client = OpenAiCompatible::new(&base, &config.llm_model, api_key, first_token_timeout)
        .context("the language model client (CAAS_LLM_BASE_URL)")?;
    Ok(Some(Arc::new(client)))
}

/// The Web Push client, signing with the configured VAPID key (or, in production without one, a
/// key made now).
fn push_client(config: &Config) -> anyhow::Result<WebPushClient> {
    let key = config.vapid_key().unwrap_or_else(|| {
        tracing::warn!(
            "CAAS_VAPID_PRIVATE_KEY is not set: Web Push is signed with a key made for this run, so browsers' \
             subscriptions stop working at the next start and other instances cannot send to them"
        );
        secrecy::SecretString::from(super::push::generate_vapid_private_key())
    });
    let client = WebPushClient::new(key.expose_secret(), &config.vapid_subject)
        .context("the Web Push client (CAAS_VAPID_PRIVATE_KEY, CAAS_VAPID_SUBJECT)")?;
    // Simulated push services listen on plain http; real ones are https.
    Ok(if config.simulators_enabled() || !config.is_production() { client.allow_http() } else { client })
}
