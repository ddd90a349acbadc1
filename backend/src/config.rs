//! Configuration: environment variables (or the same names as flags), read once at start-up.
//!
//! Every setting has a safe default for a laptop; the production profile refuses the demo ones.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use secrecy::{ExposeSecret, SecretString};

/// The JWT signing secret of the demo; the production profile refuses to start with it.
pub const DEMO_JWT_SECRET: &str = "caas-demo-jwt-secret-do-not-use-in-production";
/// The factory webhook secret of the demo.
pub const DEMO_FACTORY_SECRET: &str = "caas-demo-factory-webhook-secret";
/// The telemetry secret of the demo, from which each car's signing key is derived.
pub const DEMO_TELEMETRY_SECRET: &str = "caas-demo-telemetry-secret";
/// The key of the buyer records sealed at an erasure, in the demo.
pub const DEMO_RETENTION_SECRET: &str = "caas-demo-retention-secret";
/// The Stripe API key of the demo (the payment simulator accepts it).
pub const DEMO_STRIPE_KEY: &str = "sk_test_caas_demo";
/// The Stripe webhook secret of the demo.
pub const DEMO_STRIPE_WEBHOOK_SECRET: &str = "whsec_caas_demo";

/// The SMS provider API key of the demo (the SMS simulator accepts it).
pub const DEMO_SMS_API_KEY: &str = "caas-demo-sms-api-key";
/// The SMS delivery receipt signing secret of the demo.
pub const DEMO_SMS_WEBHOOK_SECRET: &str = "caas-demo-sms-webhook-secret";
/// The key the language model simulator takes when `CAAS_LLM_API_KEY` is unset; it reaches no
/// real model, so it guards nothing.
pub const DEMO_LLM_API_KEY: &str = "caas-demo-llm-api-key";
/// The VAPID private key of the demo (base64url P-256 scalar): development signs Web Push with it
/// when `CAAS_VAPID_PRIVATE_KEY` is unset, so browsers' subscriptions survive a restart and every
/// instance signs alike. It is public: production refuses it.
pub const DEMO_VAPID_PRIVATE_KEY: &str = "wDU6e_iL0GIfV_UE2IfSUPbMwTa4n6zVMoM31af-sSM";

/// The OpenID Connect client id of the demo (the identity provider simulator knows it).
pub const DEMO_OIDC_CLIENT_ID: &str = "caas-web";
/// The OpenID Connect client secret of the demo.
pub const DEMO_OIDC_CLIENT_SECRET: &str = "caas-demo-oidc-client-secret";

/// The shortest integration secret (webhook secrets, API keys, the metrics token) production takes.
pub const MIN_INTEGRATION_SECRET_BYTES: usize = 24;

/// Deployment profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// A laptop or a test: demo data and demo secrets allowed, GraphiQL on.
    Development,
    /// A real deployment: refuses demo secrets and demo accounts, GraphiQL off unless asked for.
    Production,
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value.to_owned()))
}

/// Every setting of the server. Each field documents its environment variable.
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Deployment profile (`CAAS_ENV`): `development` or `production`.
    #[arg(long = "env", env = "CAAS_ENV", value_enum, default_value = "development")]
    pub profile: Profile,

    /// Database URL (`DATABASE_URL`): `sqlite://FILE?mode=rwc` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://caas.db?mode=rwc")]
    pub database_url: String,

    /// Largest number of pooled database connections (`CAAS_DB_MAX_CONNECTIONS`).
    #[arg(long, env = "CAAS_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Address to listen on (`CAAS_LISTEN`).
    #[arg(long, env = "CAAS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Secret that signs access tokens (`CAAS_JWT_SECRET`), at least 32 bytes in production.
    #[arg(long, env = "CAAS_JWT_SECRET", default_value = DEMO_JWT_SECRET, value_parser = secret, hide_env_values = true, hide_default_value = true)]
    pub jwt_secret: SecretString,

    /// Lifetime of an access token in seconds (`CAAS_ACCESS_TOKEN_TTL`).
    #[arg(long, env = "CAAS_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl_secs: u32,

    /// Lifetime of a refresh token in days (`CAAS_REFRESH_TOKEN_TTL_DAYS`).
    #[arg(long, env = "CAAS_REFRESH_TOKEN_TTL_DAYS", default_value_t = 30)]
    pub refresh_token_ttl_days: u32,

    /// Failed logins per e-mail/VIN within the window before it is locked (`CAAS_LOGIN_MAX_FAILURES`).
    #[arg(long, env = "CAAS_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,

    /// Failed logins per client address within the window before it is locked (`CAAS_LOGIN_MAX_FAILURES_PER_IP`).
    #[arg(long, env = "CAAS_LOGIN_MAX_FAILURES_PER_IP", default_value_t = 50)]
    pub login_max_failures_per_ip: u32,

    /// The window and lock time for failed logins, in seconds (`CAAS_LOGIN_WINDOW`).
    #[arg(long, env = "CAAS_LOGIN_WINDOW", default_value_t = 900)]
    pub login_window_secs: u32,

    /// Operations per minute each partner API key may run (`CAAS_PARTNER_REQUESTS_PER_MINUTE`):
    /// every root field and alias of every operation of a batch counts, and every subscription;
    /// 0 turns the limit off.
    #[arg(long, env = "CAAS_PARTNER_REQUESTS_PER_MINUTE", default_value_t = 600)]
    pub partner_requests_per_minute: u32,

    /// Operations per minute from one client address (`CAAS_RATE_LIMIT_PER_IP`), counted like the
    /// partner limit; 0 turns it off.
    #[arg(long, env = "CAAS_RATE_LIMIT_PER_IP", default_value_t = 1200)]
    pub rate_limit_per_ip: u32,

    /// Operations per minute of one signed-in user (`CAAS_RATE_LIMIT_PER_USER`); 0 turns it off.
    #[arg(long, env = "CAAS_RATE_LIMIT_PER_USER", default_value_t = 600)]
    pub rate_limit_per_user: u32,

    /// Sign-in, token refresh and password operations per minute from one client address
    /// (`CAAS_RATE_LIMIT_SIGN_IN`), the strictest limit; 0 turns it off.
    #[arg(long, env = "CAAS_RATE_LIMIT_SIGN_IN", default_value_t = 30)]
    pub rate_limit_sign_in: u32,

    /// Most operations in one JSON batch (`CAAS_MAX_BATCH`).
    #[arg(long, env = "CAAS_MAX_BATCH", default_value_t = 5)]
    pub max_batch: usize,

    /// Addresses or networks of the reverse proxies in front of the server, comma-separated
    /// (`CAAS_TRUSTED_PROXIES`, e.g. `10.0.0.0/8,127.0.0.1`): only from them is `X-Forwarded-For`
    /// believed for the client's address. Empty: the peer's address is the client's.
    #[arg(long, env = "CAAS_TRUSTED_PROXIES", value_delimiter = ',', default_value = "")]
    pub trusted_proxies: Vec<String>,

    /// Origins allowed to call the API from a browser, comma-separated (`CAAS_CORS_ORIGINS`);
    /// empty allows only the same origin.
    #[arg(long, env = "CAAS_CORS_ORIGINS", value_delimiter = ',', default_value = "")]
    pub cors_origins: Vec<String>,

    /// Serve GraphiQL on `GET /graphql` (`CAAS_GRAPHIQL`); on by default in development only.
    #[arg(long, env = "CAAS_GRAPHIQL")]
    pub graphiql: Option<bool>,

    /// Answer introspection queries and suggest field names in errors (`CAAS_INTROSPECTION`); on by
    /// default in development only. The schema is published in `schema.graphql` either way.
    #[arg(long, env = "CAAS_INTROSPECTION")]
    pub introspection: Option<bool>,

    /// Run only the web app's own operations for signed-in and anonymous callers
    /// (`CAAS_OPERATION_ALLOW_LIST`, off by default); partner keys keep writing their own queries.
    #[arg(long, env = "CAAS_OPERATION_ALLOW_LIST", default_value_t = false)]
    pub operation_allow_list: bool,

    /// Seconds a new WebSocket has to send `connection_init` (`CAAS_WS_INIT_TIMEOUT`).
    #[arg(long, env = "CAAS_WS_INIT_TIMEOUT", default_value_t = 10)]
    pub ws_init_timeout_secs: u64,

    /// Seconds between checks that an open WebSocket's session still holds (`CAAS_WS_RECHECK_SECONDS`):
    /// a socket closes this soon after its token expired or its user signed out.
    #[arg(long, env = "CAAS_WS_RECHECK_SECONDS", default_value_t = 30)]
    pub ws_recheck_secs: u64,

    /// Most subscriptions one WebSocket may hold at once (`CAAS_WS_MAX_SUBSCRIPTIONS`).
    #[arg(long, env = "CAAS_WS_MAX_SUBSCRIPTIONS", default_value_t = 50)]
    pub ws_max_subscriptions: usize,

    /// Most WebSockets one user or API key may hold on an instance (`CAAS_WS_MAX_CONNECTIONS_PER_USER`).
    #[arg(long, env = "CAAS_WS_MAX_CONNECTIONS_PER_USER", default_value_t = 20)]
    pub ws_max_connections_per_user: usize,

    /// Largest request body in bytes (`CAAS_MAX_BODY_BYTES`).
    #[arg(long, env = "CAAS_MAX_BODY_BYTES", default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,

    /// Deepest GraphQL query accepted (`CAAS_QUERY_DEPTH`); GraphiQL's introspection needs 13.
    #[arg(long, env = "CAAS_QUERY_DEPTH", default_value_t = 16)]
    pub query_depth: usize,

    /// Most complex GraphQL query accepted (`CAAS_QUERY_COMPLEXITY`).
    #[arg(long, env = "CAAS_QUERY_COMPLEXITY", default_value_t = 5000)]
    pub query_complexity: usize,

    /// Time limit of an HTTP request in seconds (`CAAS_REQUEST_TIMEOUT`).
    #[arg(long, env = "CAAS_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// The seller named on feature invoices and credit notes (`CAAS_SELLER_NAME`); car sales name
    /// their dealership.
    #[arg(long, env = "CAAS_SELLER_NAME", default_value = "CaaS Mobility GmbH")]
    pub seller_name: String,

    /// The seller's postal address on invoices, lines separated by `;` (`CAAS_SELLER_ADDRESS`).
    #[arg(long, env = "CAAS_SELLER_ADDRESS", default_value = "Leopoldstraße 1; 80802 München; Deutschland")]
    pub seller_address: String,

    /// The seller's VAT identification number on invoices (`CAAS_SELLER_VAT_ID`).
    #[arg(long, env = "CAAS_SELLER_VAT_ID", default_value = "DE000000000")]
    pub seller_vat_id: String,

    /// Seed the demo data into an empty database at start-up (`CAAS_SEED_DEMO`); development only.
    #[arg(long, env = "CAAS_SEED_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub seed_demo: bool,

    /// Folder of the built web app served at `/` (`CAAS_STATIC_DIR`), if it exists.
    #[arg(long, env = "CAAS_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,

    /// The server's public base URL (`CAAS_PUBLIC_URL`), used in e-mail links and as the target of
    /// the simulators' webhooks; by default `http://` and the listening address.
    #[arg(long, env = "CAAS_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Start the simulators of the external systems in-process for every one whose URL is not set
    /// (`CAAS_SIMULATORS`): factory, payments, registration authority and a mail catcher. On by
    /// default in development; in production a missing URL is a start-up error unless this is set
    /// to `true` explicitly.
    #[arg(long, env = "CAAS_SIMULATORS")]
    pub simulators: Option<bool>,

    /// The factory's order API (`CAAS_FACTORY_URL`); unset: the factory simulator.
    #[arg(long, env = "CAAS_FACTORY_URL")]
    pub factory_url: Option<String>,

    /// Shared secret of the factory's webhook signatures (`CAAS_FACTORY_WEBHOOK_SECRET`).
    #[arg(long, env = "CAAS_FACTORY_WEBHOOK_SECRET", default_value = DEMO_FACTORY_SECRET, value_parser = secret, hide_env_values = true, hide_default_value = true)]
    pub factory_secret: SecretString,

    /// Seconds the factory simulator spends on each manufacturing stage (`CAAS_FACTORY_STAGE_SECONDS`).
    #[arg(long, env = "CAAS_FACTORY_STAGE_SECONDS", default_value_t = 5.0)]
    pub factory_stage_seconds: f64,

    /// The Stripe API base (`CAAS_STRIPE_API_BASE`), e.g. `https://api.stripe.com/`; unset: the
    /// payment simulator.
    #[arg(long, env = "CAAS_STRIPE_API_BASE")]
    pub stripe_api_base: Option<String>,

    /// Stripe secret API key (`CAAS_STRIPE_SECRET_KEY`).
    #[arg(long, env = "CAAS_STRIPE_SECRET_KEY", default_value = DEMO_STRIPE_KEY, value_parser = secret, hide_env_values = true, hide_default_value = true)]
    pub stripe_secret_key: SecretString,

    /// Stripe webhook signing secret (`CAAS_STRIPE_WEBHOOK_SECRET`).
    #[arg(long, env = "CAAS_STRIPE_WEBHOOK_SECRET", default_value = DEMO_STRIPE_WEBHOOK_SECRET, value_parser = secret, hide_env_values = true, hide_default_value = true)]
    pub stripe_webhook_secret: SecretString,

    /// Seconds the payment simulator takes to settle a captured payment (`CAAS_PAYMENT_SETTLE_SECONDS`).
    #[arg(long, env = "CAAS_PAYMENT_SETTLE_SECONDS", default_value_t = 3.0)]
    pub payment_settle_seconds: f64,

    /// The vehicles' IoT API (`CAAS_FLEET_URL`); unset: the fleet simulator.
    #[arg(long, env = "CAAS_FLEET_URL")]
    pub fleet_url: Option<String>,

    /// The VSS, the workshops' maintenance system (`CAAS_VSS_URL`); unset: its simulator.
    #[arg(long, env = "CAAS_VSS_URL")]
    pub vss_url: Option<String>,

    /// The MQTT broker the cars publish telemetry to (`CAAS_MQTT_URL`), e.g.
    /// `mqtt://127.0.0.1:1883`: set, the server reads `caas/v1/vehicles/+/telemetry` through a
    /// shared subscription and the fleet simulator publishes there; unset: telemetry arrives over
    /// HTTP only (`POST /iot/v1/vehicles/{vin}/telemetry`).
    #[arg(long, env = "CAAS_MQTT_URL", hide_env_values = true)]
    pub mqtt_url: Option<String>,

    /// The shared-subscription group of the instances reading telemetry (`CAAS_MQTT_GROUP`): the
    /// broker hands each reading to one member of the group.
    #[arg(long, env = "CAAS_MQTT_GROUP", default_value = "caas")]
    pub mqtt_group: String,

    /// The secret each car's telemetry signing key is derived from, as the carmaker provisions
    /// the cars (`CAAS_TELEMETRY_SECRET`).
    #[arg(long, env = "CAAS_TELEMETRY_SECRET", default_value = DEMO_TELEMETRY_SECRET, value_parser = secret, hide_env_values = true, hide_default_value = true)]
    pub telemetry_secret: SecretString,

    /// The secret sealing what an erased buyer's invoices need for the tax authorities, kept
    /// for the legal retention period and opened only on their request (`CAAS_RETENTION_SECRET`).
    #[arg(long, env = "CAAS_RETENTION_SECRET", default_value = DEMO_RETENTION_SECRET, value_parser = secret, hide_env_values = true, hide_default_value = true)]
    pub retention_secret: SecretString,

    /// Days an account erasure waits, cancellable, before it is carried out
    /// (`CAAS_ERASURE_GRACE_DAYS`).
    #[arg(long, env = "CAAS_ERASURE_GRACE_DAYS", default_value_t = 7)]
    pub erasure_grace_days: i64,

    /// Hours a data export's download link works; the document is deleted then
    /// (`CAAS_EXPORT_LINK_HOURS`).
    #[arg(long, env = "CAAS_EXPORT_LINK_HOURS", default_value_t = 48)]
    pub export_link_hours: i64,

    /// Days raw telemetry readings are kept before they are down-sampled to hourly
    /// minimum/maximum/average (`CAAS_TELEMETRY_RAW_DAYS`); older readings are refused.
    #[arg(long, env = "CAAS_TELEMETRY_RAW_DAYS", default_value_t = 7)]
    pub telemetry_raw_days: i64,

    /// Hours a car may stay silent before its owner is told (`CAAS_TELEMETRY_SILENT_HOURS`).
    #[arg(long, env = "CAAS_TELEMETRY_SILENT_HOURS", default_value_t = 48)]
    pub telemetry_silent_hours: i64,

    /// State of charge (%) under which the battery counts as low (`CAAS_TELEMETRY_BATTERY_LOW_PERCENT`).
    #[arg(long, env = "CAAS_TELEMETRY_BATTERY_LOW_PERCENT", default_value_t = 15.0)]
    pub telemetry_battery_low_percent: f64,

    /// Seconds between the fleet simulator's telemetry reports per car; 0: it sends none
    /// (`CAAS_TELEMETRY_INTERVAL_SECONDS`).
    #[arg(long, env = "CAAS_TELEMETRY_INTERVAL_SECONDS", default_value_t = 60.0)]
    pub telemetry_interval_seconds: f64,

    /// Chance that a simulated car's report carries a new fault code (`CAAS_TELEMETRY_FAULT_RATE`).
    #[arg(long, env = "CAAS_TELEMETRY_FAULT_RATE", default_value_t = 0.002)]
    pub telemetry_fault_rate: f64,

    /// OTA workers running jobs at once (`CAAS_OTA_WORKERS`).
    #[arg(long, env = "CAAS_OTA_WORKERS", default_value_t = 4)]
    pub ota_workers: usize,

    /// OTA jobs a worker claims in one statement and runs side by side (`CAAS_OTA_CLAIM_BATCH`).
    #[arg(long, env = "CAAS_OTA_CLAIM_BATCH", default_value_t = 32)]
    pub ota_claim_batch: usize,

    /// Attempts to deliver an OTA command before giving up (`CAAS_OTA_MAX_ATTEMPTS`).
    #[arg(long, env = "CAAS_OTA_MAX_ATTEMPTS", default_value_t = 6)]
    pub ota_max_attempts: i32,

    /// Wait before the second attempt, in milliseconds; doubles each time, with jitter (`CAAS_OTA_BACKOFF_MS`).
    #[arg(long, env = "CAAS_OTA_BACKOFF_MS", default_value_t = 2_000)]
    pub ota_backoff_ms: u64,

    /// Longest wait between attempts, in milliseconds (`CAAS_OTA_BACKOFF_MAX_MS`).
    #[arg(long, env = "CAAS_OTA_BACKOFF_MAX_MS", default_value_t = 300_000)]
    pub ota_backoff_max_ms: u64,

    /// Time a vehicle has to confirm a command, in milliseconds (`CAAS_OTA_TIMEOUT_MS`).
    #[arg(long, env = "CAAS_OTA_TIMEOUT_MS", default_value_t = 10_000)]
    pub ota_timeout_ms: u64,

    /// How long a worker's claim on a job lasts without renewal, in seconds (`CAAS_OTA_LEASE_SECONDS`).
    #[arg(long, env = "CAAS_OTA_LEASE_SECONDS", default_value_t = 30)]
    pub ota_lease_seconds: u64,

    /// Seconds between runs of the scheduler that ends trials, renews and bills (`CAAS_SCHEDULER_INTERVAL`).
    #[arg(long, env = "CAAS_SCHEDULER_INTERVAL", default_value_t = 60)]
    pub scheduler_interval_secs: u64,

    /// NATS with JetStream (`CAAS_NATS_URL`), e.g. `nats://127.0.0.1:4222`: set, this instance is a
    /// cluster member — its domain events go through the outbox to NATS and reach every instance;
    /// unset: the in-process bus of a single instance.
    #[arg(long, env = "CAAS_NATS_URL", hide_env_values = true)]
    pub nats_url: Option<String>,

    /// How long an instance's hold on a periodic task (scheduler, reconciler, outbox relay) lasts
    /// without renewal, in seconds: how soon another instance takes over when it dies
    /// (`CAAS_LEASE_SECONDS`).
    #[arg(long, env = "CAAS_LEASE_SECONDS", default_value_t = 15)]
    pub lease_seconds: u64,

    /// The instance's name in leases, logs and metrics (`CAAS_INSTANCE`); unset: host name and
    /// process id.
    #[arg(long, env = "CAAS_INSTANCE")]
    pub instance: Option<String>,

    /// Seconds after which a captured payment whose settlement was not reported is looked up at
    /// the gateway, and how often that check runs (`CAAS_SETTLEMENT_CHECK_SECONDS`).
    #[arg(long, env = "CAAS_SETTLEMENT_CHECK_SECONDS", default_value_t = 300)]
    pub settlement_check_secs: u64,

    /// Days a subscription may stay unpaid after a failed settlement before it is switched off
    /// (`CAAS_SETTLEMENT_GRACE_DAYS`).
    #[arg(long, env = "CAAS_SETTLEMENT_GRACE_DAYS", default_value_t = 7)]
    pub settlement_grace_days: i64,

    /// The platform's account name, shown with bank transfer instructions and as the creditor of
    /// SEPA mandates (`CAAS_TRANSFER_ACCOUNT_NAME`).
    #[arg(long, env = "CAAS_TRANSFER_ACCOUNT_NAME", default_value = "CaaS Payments GmbH")]
    pub transfer_account_name: String,

    /// The IBAN customers transfer to (`CAAS_TRANSFER_IBAN`).
    #[arg(long, env = "CAAS_TRANSFER_IBAN", default_value = "DE02120300000000202051")]
    pub transfer_iban: String,

    /// The BIC of that account (`CAAS_TRANSFER_BIC`).
    #[arg(long, env = "CAAS_TRANSFER_BIC", default_value = "BYLADEM1001")]
    pub transfer_bic: String,

    /// Days a purchase waits for its bank transfer before it is given up (`CAAS_TRANSFER_WAIT_DAYS`).
    #[arg(long, env = "CAAS_TRANSFER_WAIT_DAYS", default_value_t = 14)]
    pub transfer_wait_days: i64,

    /// The vehicle registration authority (`CAAS_REGISTRATION_URL`); unset: its simulator.
    #[arg(long, env = "CAAS_REGISTRATION_URL")]
    pub registration_url: Option<String>,

    /// The OpenID Connect provider people may sign in with (`CAAS_OIDC_ISSUER_URL`), e.g.
    /// `https://id.carmaker.example`; unset: the identity provider simulator when simulators are on,
    /// else no such sign-in. Empty turns it off.
    #[arg(long, env = "CAAS_OIDC_ISSUER_URL")]
    pub oidc_issuer_url: Option<String>,

    /// The client id registered at the provider (`CAAS_OIDC_CLIENT_ID`).
    #[arg(long, env = "CAAS_OIDC_CLIENT_ID", default_value = DEMO_OIDC_CLIENT_ID)]
    pub oidc_client_id: String,

    /// The client secret registered at the provider (`CAAS_OIDC_CLIENT_SECRET`); required in
    /// production when an issuer is set.
    #[arg(long, env = "CAAS_OIDC_CLIENT_SECRET", value_parser = secret, hide_env_values = true)]
    pub oidc_client_secret: Option<SecretString>,

    /// The provider's name on the sign-in button (`CAAS_OIDC_PROVIDER_NAME`): "Sign in with …".
    #[arg(long, env = "CAAS_OIDC_PROVIDER_NAME", default_value = "OEM ID")]
    pub oidc_provider_name: String,

    /// The VAPID private key Web Push messages are signed with (`CAAS_VAPID_PRIVATE_KEY`): a
    /// base64url raw P-256 scalar (`docs/integrations/push.md` shows how to make one).
    /// Its public half is what browsers subscribe with, so changing it orphans every subscription.
    /// Unset: the demo key in development; in production a key generated at start (subscriptions
    /// then stop working at the next start, and instances disagree) — set it.
    #[arg(long, env = "CAAS_VAPID_PRIVATE_KEY", value_parser = secret, hide_env_values = true)]
    pub vapid_private_key: Option<SecretString>,

    /// Whom push services may contact about our messages (`CAAS_VAPID_SUBJECT`): a `mailto:` or
    /// `https:` URL.
    #[arg(long, env = "CAAS_VAPID_SUBJECT", default_value = "mailto:ops@caas.example")]
    pub vapid_subject: String,

    /// The SMS provider's API base (`CAAS_SMS_URL`), e.g. `https://sms.provider.example`; unset:
    /// the SMS simulator.
    #[arg(long, env = "CAAS_SMS_URL")]
    pub sms_url: Option<String>,

    /// The SMS provider's API key (`CAAS_SMS_API_KEY`).
    #[arg(long, env = "CAAS_SMS_API_KEY", default_value = DEMO_SMS_API_KEY, value_parser = secret, hide_env_values = true, hide_default_value = true)]
    pub sms_api_key: SecretString,

    /// The secret the SMS provider signs delivery receipts with (`CAAS_SMS_WEBHOOK_SECRET`).
    #[arg(long, env = "CAAS_SMS_WEBHOOK_SECRET", default_value = DEMO_SMS_WEBHOOK_SECRET, hide_env_values = true, hide_default_value = true)]
    pub sms_webhook_secret: String,

    /// The sender shown on text messages (`CAAS_SMS_FROM`): up to 11 letters and digits, or a
    /// number registered with the provider.
    #[arg(long, env = "CAAS_SMS_FROM", default_value = "CaaS")]
    pub sms_from: String,

    /// Milliseconds the SMS simulator waits before it reports a message delivered
    /// (`CAAS_SMS_RECEIPT_DELAY_MS`).
    #[arg(long, env = "CAAS_SMS_RECEIPT_DELAY_MS", default_value_t = 50)]
    pub sms_receipt_delay_ms: u64,

    /// The assistant's chat model, an OpenAI-compatible API (`CAAS_LLM_BASE_URL`), e.g.
    /// `https://api.openai.com/v1` or `http://127.0.0.1:11434` (Ollama); unset: no model (the
    /// assistant answers from retrieval alone) unless `CAAS_LLM_SIMULATOR` is on.
    #[arg(long, env = "CAAS_LLM_BASE_URL")]
    pub llm_base_url: Option<String>,

    /// The model asked (`CAAS_LLM_MODEL`).
    #[arg(long, env = "CAAS_LLM_MODEL", default_value = "gpt-4o-mini")]
    pub llm_model: String,

    /// The model API's key, sent as a bearer token (`CAAS_LLM_API_KEY`); unset: none is sent.
    #[arg(long, env = "CAAS_LLM_API_KEY", value_parser = secret, hide_env_values = true)]
    pub llm_api_key: Option<SecretString>,

    /// Start the language model simulator on a local port and use it when `CAAS_LLM_BASE_URL` is
    /// unset (`CAAS_LLM_SIMULATOR`). Off by default, also with the other simulators on: the
    /// assistant then answers from retrieval alone.
    #[arg(long, env = "CAAS_LLM_SIMULATOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub llm_simulator: bool,

    /// Milliseconds the model has for its answer's first piece before the assistant answers from
    /// retrieval instead (`CAAS_LLM_FIRST_TOKEN_TIMEOUT_MS`).
    #[arg(long, env = "CAAS_LLM_FIRST_TOKEN_TIMEOUT_MS", default_value_t = 3_000)]
    pub llm_first_token_timeout_ms: u64,

    /// Milliseconds the model has for its whole answer (`CAAS_LLM_ANSWER_TIMEOUT_MS`).
    #[arg(long, env = "CAAS_LLM_ANSWER_TIMEOUT_MS", default_value_t = 20_000)]
    pub llm_answer_timeout_ms: u64,

    /// The model's price per 1,000 prompt tokens, in millionths of the currency unit
    /// (`CAAS_LLM_PRICE_INPUT_MICROS_PER_1K`).
    #[arg(long, env = "CAAS_LLM_PRICE_INPUT_MICROS_PER_1K", default_value_t = 150, value_parser = clap::value_parser!(i64).range(0..))]
    pub llm_price_input_micros_per_1k: i64,

    /// The model's price per 1,000 answer tokens, in millionths of the currency unit
    /// (`CAAS_LLM_PRICE_OUTPUT_MICROS_PER_1K`).
    #[arg(long, env = "CAAS_LLM_PRICE_OUTPUT_MICROS_PER_1K", default_value_t = 600, value_parser = clap::value_parser!(i64).range(0..))]
    pub llm_price_output_micros_per_1k: i64,

    /// What the model may cost per workshop and calendar month, in cents
    /// (`CAAS_ASSISTANT_MONTHLY_CAP_MINOR`); beyond it the assistant answers from retrieval alone.
    #[arg(long, env = "CAAS_ASSISTANT_MONTHLY_CAP_MINOR", default_value_t = 5_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub assistant_monthly_cap_minor: i64,

    /// Questions one user may ask the assistant per minute (`CAAS_ASSISTANT_PER_MINUTE`).
    #[arg(long, env = "CAAS_ASSISTANT_PER_MINUTE", default_value_t = 10)]
    pub assistant_per_minute: u32,

    /// How often the campaign runner looks at the fleet campaigns, in milliseconds
    /// (`CAAS_CAMPAIGN_TICK_MS`; 0: never, for tests that drive it).
    #[arg(long, env = "CAAS_CAMPAIGN_TICK_MS", default_value_t = 500)]
    pub campaign_tick_ms: u64,

    /// Outgoing mail server (`CAAS_SMTP_URL`), e.g. `smtps://user:pass@mail.example:465` or
    /// `smtp://127.0.0.1:2525`; unset: the mail catcher simulator.
    #[arg(long, env = "CAAS_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of e-mails (`CAAS_MAIL_FROM`).
    #[arg(long, env = "CAAS_MAIL_FROM", default_value = "CaaS <no-reply@caas.example>")]
    pub mail_from: String,

    /// Attempts to deliver an e-mail before it is marked failed (`CAAS_MAIL_MAX_ATTEMPTS`).
    #[arg(long, env = "CAAS_MAIL_MAX_ATTEMPTS", default_value_t = 6)]
    pub mail_max_attempts: u32,

    /// Hours a set-password link stays valid (`CAAS_PASSWORD_LINK_TTL_HOURS`).
    #[arg(long, env = "CAAS_PASSWORD_LINK_TTL_HOURS", default_value_t = 72)]
    pub password_link_ttl_hours: u32,

    /// Minutes a password-reset link stays valid (`CAAS_PASSWORD_RESET_TTL_MINUTES`).
    #[arg(long, env = "CAAS_PASSWORD_RESET_TTL_MINUTES", default_value_t = 60)]
    pub password_reset_ttl_minutes: u32,

    /// Seconds after a password link is sent during which a further reset request for the same
    /// account sends no e-mail (`CAAS_PASSWORD_RESET_INTERVAL`).
    #[arg(long, env = "CAAS_PASSWORD_RESET_INTERVAL", default_value_t = 300)]
    pub password_reset_interval_secs: u32,

    /// Bearer token that `GET /metrics` requires (`CAAS_METRICS_TOKEN`); unset: the metrics are
    /// public in development and not served in production.
    #[arg(long, env = "CAAS_METRICS_TOKEN", value_parser = secret, hide_env_values = true)]
    pub metrics_token: Option<SecretString>,

    /// Log filter (`CAAS_LOG`), e.g. `info` or `caas=debug,info`.
    #[arg(long, env = "CAAS_LOG", default_value = "info")]
    pub log_filter: String,

    /// Log format (`CAAS_LOG_FORMAT`): `pretty` or `json`.
    #[arg(long, env = "CAAS_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,

    /// Seconds to finish open requests after SIGTERM before stopping (`CAAS_SHUTDOWN_GRACE`).
    #[arg(long, env = "CAAS_SHUTDOWN_GRACE", default_value_t = 20)]
    pub shutdown_grace_secs: u64,
}

/// A setting the production profile refuses.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The JWT secret is the demo one or too short.
    #[error("CAAS_JWT_SECRET must be set to a secret of at least 32 bytes in production (not the demo secret)")]
    WeakJwtSecret,
    /// Demo data would be seeded.
    #[error("CAAS_SEED_DEMO must be false in production")]
    DemoSeeding,
    /// A `CAAS_TRUSTED_PROXIES` entry is neither an address nor a network.
    #[error("CAAS_TRUSTED_PROXIES: `{0}` is neither an address nor a network")]
    BadTrustedProxy(String),
    /// An integration secret is the demo one or too short.
    #[error(
        "{0} must be set to a real secret of at least {MIN_INTEGRATION_SECRET_BYTES} bytes in production (not the demo one)"
    )]
    DemoIntegrationSecret(&'static str),
    /// External systems without an address, and the simulators not asked for.
    #[error("{} must be set in production (or CAAS_SIMULATORS=true to simulate them)", .0.join(", "))]
    MissingUrls(Vec<&'static str>),
    /// An OpenID Connect issuer is set without a real client secret.
    #[error(
        "CAAS_OIDC_CLIENT_SECRET must be set to the provider's client secret (at least {MIN_INTEGRATION_SECRET_BYTES} bytes, not the demo one) when CAAS_OIDC_ISSUER_URL is set in production"
    )]
    MissingOidcSecret,
    /// The OpenID Connect issuer is not an https URL.
    #[error("CAAS_OIDC_ISSUER_URL must be an https URL in production")]
    InsecureOidcIssuer,
    /// The metrics token is too short to be a secret.
    #[error("CAAS_METRICS_TOKEN must be at least {MIN_INTEGRATION_SECRET_BYTES} bytes")]
    WeakMetricsToken,
}

impl Config {
    /// The configuration from the environment, with defaults for what is unset.
    pub fn from_env() -> Self {
        #[derive(clap::Parser)]
        struct Env {
            #[command(flatten)]
            config: Config,
        }
        <Env as clap::Parser>::parse_from(["caas"]).config
    }

    /// Whether this is a production deployment.
    pub fn is_production(&self) -> bool {
        self.profile == Profile::Production
    }

    /// Whether GraphiQL is served.
    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql.unwrap_or(!self.is_production())
    }

    /// Whether simulators stand in for external systems without a URL.
    pub fn simulators_enabled(&self) -> bool {
        self.simulators.unwrap_or(!self.is_production())
    }

    /// The external systems' URL variables that are not set.
    fn missing_urls(&self) -> Vec<&'static str> {
        let urls = [
            ("CAAS_FACTORY_URL", &self.factory_url),
            ("CAAS_STRIPE_API_BASE", &self.stripe_api_base),
            ("CAAS_FLEET_URL", &self.fleet_url),
            ("CAAS_VSS_URL", &self.vss_url),
            ("CAAS_REGISTRATION_URL", &self.registration_url),
            ("CAAS_SMTP_URL", &self.smtp_url),
            ("CAAS_SMS_URL", &self.sms_url),
        ];
        urls.into_iter()
            .filter(|(_, url)| url.as_deref().is_none_or(|url| url.trim().is_empty()))
            .map(|(name, _)| name)
            .collect()
    }

    /// The configured OpenID Connect issuer, if any (an empty value means none).
    pub fn oidc_issuer(&self) -> Option<&str> {
        self.oidc_issuer_url.as_deref().map(str::trim).filter(|url| !url.is_empty())
    }

    /// Whether the identity provider simulator stands in for an unset issuer. Only an unset
    /// variable does: an empty one turns OpenID Connect off. Never in production, even with the
    /// other simulators on: a simulated provider would vouch for any e-mail address.
    pub fn simulates_identity_provider(&self) -> bool {
        self.oidc_issuer_url.is_none() && self.simulators_enabled() && !self.is_production()
    }

    /// The OpenID Connect client secret, or the demo's one.
    pub fn oidc_secret(&self) -> SecretString {
        self.oidc_client_secret.clone().unwrap_or_else(|| SecretString::from(DEMO_OIDC_CLIENT_SECRET.to_owned()))
    }

    /// The VAPID private key to sign Web Push with: the configured one, else the demo's outside
    /// production; `None` in production when unset (the caller generates one and says so).
    pub fn vapid_key(&self) -> Option<SecretString> {
        match &self.vapid_private_key {
            Some(key) => Some(key.clone()),
            None if !self.is_production() => Some(SecretString::from(DEMO_VAPID_PRIVATE_KEY.to_owned())),
            None => None,
        }
    }

    /// Whether the SMS provider is a real one (its URL is set), whose secrets must be real too.
    fn sms_provider_is_real(&self) -> bool {
        self.sms_url.as_deref().is_some_and(|url| !url.trim().is_empty())
    }

    /// The configured language model API, if any (an empty value means none).
    pub fn llm_base(&self) -> Option<&str> {
        self.llm_base_url.as_deref().map(str::trim).filter(|url| !url.is_empty())
    }

    /// Whether introspection and field suggestions are on.
    pub fn introspection_enabled(&self) -> bool {
        self.introspection.unwrap_or(!self.is_production())
    }

    /// The base URL people and partners reach this server at.
    pub fn public_base(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen)).trim_end_matches('/').to_owned()
    }

    /// Whether the demo may be seeded into an empty database.
    pub fn seeds_demo(&self) -> bool {
        self.seed_demo && !self.is_production()
    }

    /// The networks of `CAAS_TRUSTED_PROXIES` (an address is a network of one).
    pub fn trusted_proxy_networks(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        self.trusted_proxies
            .iter()
            .map(|entry| entry.trim())
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| ConfigError::BadTrustedProxy(entry.to_owned()))
            })
            .collect()
    }

    /// This process's name among the cluster's: `CAAS_INSTANCE` (or the host name) with the
    /// process id and a random suffix, so two processes given one name still hold leases apart.
    pub fn instance_name(&self) -> String {
        let base = self
            .instance
            .clone()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| "caas".to_owned());
        let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
        let name = format!("{base}-{}-{suffix}", std::process::id());
        name.chars().take(64).collect()
    }

    /// Refuses malformed settings, and demo secrets and demo seeding in production.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.trusted_proxy_networks()?;
        if !self.is_production() {
            return Ok(());
        }
        let secret = self.jwt_secret.expose_secret();
        if secret == DEMO_JWT_SECRET || secret.len() < 32 {
            return Err(ConfigError::WeakJwtSecret);
        }
        if self.seed_demo {
            return Err(ConfigError::DemoSeeding);
        }
        let integration_secrets = [
            ("CAAS_FACTORY_WEBHOOK_SECRET", &self.factory_secret, DEMO_FACTORY_SECRET),
            ("CAAS_STRIPE_SECRET_KEY", &self.stripe_secret_key, DEMO_STRIPE_KEY),
            ("CAAS_STRIPE_WEBHOOK_SECRET", &self.stripe_webhook_secret, DEMO_STRIPE_WEBHOOK_SECRET),
            ("CAAS_TELEMETRY_SECRET", &self.telemetry_secret, DEMO_TELEMETRY_SECRET),
            ("CAAS_RETENTION_SECRET", &self.retention_secret, DEMO_RETENTION_SECRET),
        ];
        for (name, value, demo) in integration_secrets {
            let value = value.expose_secret();
            if value == demo || value.len() < MIN_INTEGRATION_SECRET_BYTES {
                return Err(ConfigError::DemoIntegrationSecret(name));
            }
        }
        // A simulated SMS provider sends nothing anywhere; a real one needs real secrets.
        if self.sms_provider_is_real() {
            let sms_secrets = [
                ("CAAS_SMS_API_KEY", self.sms_api_key.expose_secret(), DEMO_SMS_API_KEY),
                ("CAAS_SMS_WEBHOOK_SECRET", self.sms_webhook_secret.as_str(), DEMO_SMS_WEBHOOK_SECRET),
            ];
            for (name, value, demo) in sms_secrets {
                if value == demo || value.len() < MIN_INTEGRATION_SECRET_BYTES {
                    return Err(ConfigError::DemoIntegrationSecret(name));
                }
            }
        }
        if self.vapid_private_key.as_ref().is_some_and(|key| key.expose_secret().trim() == DEMO_VAPID_PRIVATE_KEY) {
            return Err(ConfigError::DemoIntegrationSecret("CAAS_VAPID_PRIVATE_KEY"));
        }
        if self.metrics_token.as_ref().is_some_and(|token| token.expose_secret().len() < MIN_INTEGRATION_SECRET_BYTES) {
            return Err(ConfigError::WeakMetricsToken);
        }
        if self.oidc_issuer().is_some() {
            let weak = self.oidc_client_secret.as_ref().is_none_or(|secret| {
                let secret = secret.expose_secret();
                secret == DEMO_OIDC_CLIENT_SECRET || secret.len() < MIN_INTEGRATION_SECRET_BYTES
            });
            if weak {
                return Err(ConfigError::MissingOidcSecret);
            }
            if !self.oidc_issuer().is_some_and(|url| url.starts_with("https://")) {
                return Err(ConfigError::InsecureOidcIssuer);
            }
        }
        let missing = self.missing_urls();
        if !missing.is_empty() && self.simulators != Some(true) {
            return Err(ConfigError::MissingUrls(missing));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Config {
        let mut config = Config::from_env();
        config.profile = Profile::Production;
        config.seed_demo = false;
        config.jwt_secret = SecretString::from("x".repeat(48));
        config.factory_secret = SecretString::from("factory-secret-of-the-carmaker".to_owned());
        config.stripe_secret_key = SecretString::from("sk_live_51Hxxxxxxxxxxxxxxxxxxxx".to_owned());
        config.stripe_webhook_secret = SecretString::from("whsec_xxxxxxxxxxxxxxxxxxxxxxxx".to_owned());
        config.telemetry_secret = SecretString::from("telemetry-secret-of-the-carmaker".to_owned());
        config.retention_secret = SecretString::from("retention-secret-of-the-operator".to_owned());
        config.sms_api_key = SecretString::from("sms-api-key-of-the-provider-account".to_owned());
        config.sms_webhook_secret = "sms-receipt-secret-of-the-provider".to_owned();
        for url in [
            &mut config.factory_url,
            &mut config.stripe_api_base,
            &mut config.fleet_url,
            &mut config.vss_url,
            &mut config.registration_url,
            &mut config.smtp_url,
            &mut config.sms_url,
        ] {
            *url = Some("https://system.example".to_owned());
        }
        config
    }

    #[test]
    fn production_names_every_missing_url_unless_simulators_are_asked_for() {
        let mut config = production();
        config.stripe_api_base = None;
        config.smtp_url = Some(" ".to_owned());
        assert_eq!(config.validate(), Err(ConfigError::MissingUrls(vec!["CAAS_STRIPE_API_BASE", "CAAS_SMTP_URL"])));
        let message = config.validate().expect_err("missing").to_string();
        assert!(message.contains("CAAS_STRIPE_API_BASE, CAAS_SMTP_URL"), "{message}");
        assert!(!config.simulators_enabled());
        config.simulators = Some(true);
        assert_eq!(config.validate(), Ok(()));
        assert!(config.simulators_enabled());
    }

    #[test]
    fn production_refuses_short_secrets() {
        let mut config = production();
        config.factory_secret = SecretString::from("short".to_owned());
        assert_eq!(config.validate(), Err(ConfigError::DemoIntegrationSecret("CAAS_FACTORY_WEBHOOK_SECRET")));
        let mut config = production();
        config.metrics_token = Some(SecretString::from("metrics".to_owned()));
        assert_eq!(config.validate(), Err(ConfigError::WeakMetricsToken));
    }

    #[test]
    fn production_accepts_real_secrets() {
        assert_eq!(production().validate(), Ok(()));
        assert!(!production().graphiql_enabled());
        assert!(!production().introspection_enabled());
    }

    #[test]
    fn production_refuses_the_demo_jwt_secret() {
        let mut config = production();
        config.jwt_secret = SecretString::from(DEMO_JWT_SECRET.to_owned());
        assert_eq!(config.validate(), Err(ConfigError::WeakJwtSecret));
        config.jwt_secret = SecretString::from("short".to_owned());
        assert_eq!(config.validate(), Err(ConfigError::WeakJwtSecret));
    }

    #[test]
    fn production_refuses_demo_integration_secrets() {
        let mut config = production();
        config.stripe_webhook_secret = SecretString::from(DEMO_STRIPE_WEBHOOK_SECRET.to_owned());
        assert_eq!(config.validate(), Err(ConfigError::DemoIntegrationSecret("CAAS_STRIPE_WEBHOOK_SECRET")));
    }

    #[test]
    fn production_refuses_an_oidc_issuer_without_a_client_secret() {
        let mut config = production();
        config.oidc_issuer_url = Some("https://id.carmaker.example".to_owned());
        assert_eq!(config.validate(), Err(ConfigError::MissingOidcSecret));
        config.oidc_client_secret = Some(SecretString::from(DEMO_OIDC_CLIENT_SECRET.to_owned()));
        assert_eq!(config.validate(), Err(ConfigError::MissingOidcSecret));
        config.oidc_client_secret = Some(SecretString::from("the-client-secret-from-the-carmaker".to_owned()));
        assert_eq!(config.validate(), Ok(()));
        config.oidc_issuer_url = Some("http://id.carmaker.example".to_owned());
        assert_eq!(config.validate(), Err(ConfigError::InsecureOidcIssuer));
        config.oidc_issuer_url = None;
        config.oidc_client_secret = None;
        assert_eq!(config.validate(), Ok(()), "no issuer: no sign-in with a provider, no secret needed");
        config.simulators = Some(true);
        assert!(!config.simulates_identity_provider(), "production never simulates the identity provider");
    }

    #[test]
    fn production_refuses_demo_sms_secrets_for_a_real_provider_and_the_demo_vapid_key() {
        let mut config = production();
        config.sms_webhook_secret = DEMO_SMS_WEBHOOK_SECRET.to_owned();
        assert_eq!(config.validate(), Err(ConfigError::DemoIntegrationSecret("CAAS_SMS_WEBHOOK_SECRET")));
        config.sms_api_key = SecretString::from(DEMO_SMS_API_KEY.to_owned());
        assert_eq!(config.validate(), Err(ConfigError::DemoIntegrationSecret("CAAS_SMS_API_KEY")));
        config.sms_url = None;
        config.simulators = Some(true);
        assert_eq!(config.validate(), Ok(()), "the simulator sends nothing anywhere");

        let mut config = production();
        assert!(config.vapid_key().is_none(), "production generates a key rather than use the demo's");
        config.vapid_private_key = Some(SecretString::from(DEMO_VAPID_PRIVATE_KEY.to_owned()));
        assert_eq!(config.validate(), Err(ConfigError::DemoIntegrationSecret("CAAS_VAPID_PRIVATE_KEY")));
        assert_eq!(
            Config::from_env().vapid_key().map(|key| key.expose_secret().to_owned()),
            Some(DEMO_VAPID_PRIVATE_KEY.to_owned())
        );
    }

    #[test]
    fn production_refuses_demo_seeding() {
        let mut config = production();
        config.seed_demo = true;
        assert_eq!(config.validate(), Err(ConfigError::DemoSeeding));
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let mut config = Config::from_env();
        config.trusted_proxies = vec!["10.0.0.0/8".into(), " 127.0.0.1".into(), String::new()];
        assert_eq!(config.trusted_proxy_networks().map(|networks| networks.len()), Ok(2));
        config.trusted_proxies = vec!["proxy.internal".into()];
        assert_eq!(config.validate(), Err(ConfigError::BadTrustedProxy("proxy.internal".into())));
    }

    #[test]
    fn an_empty_llm_base_url_means_none_and_the_key_never_prints() {
        let mut config = Config::from_env();
        config.llm_base_url = None;
        assert_eq!(config.llm_base(), None);
        config.llm_base_url = Some("  ".to_owned());
        assert_eq!(config.llm_base(), None, "empty means none");
        config.llm_base_url = Some(" https://api.openai.com/v1 ".to_owned());
        assert_eq!(config.llm_base(), Some("https://api.openai.com/v1"));
        config.llm_api_key = Some(SecretString::from("sk-the-real-key".to_owned()));
        assert!(!format!("{config:?}").contains("sk-the-real-key"), "the key never prints");
    }

    #[test]
    fn assistant_settings_parse_and_refuse_negative_money() {
        #[derive(clap::Parser)]
        struct Flags {
            #[command(flatten)]
            config: Config,
        }
        let parse = |args: &[&str]| {
            <Flags as clap::Parser>::try_parse_from(std::iter::once("caas").chain(args.iter().copied()))
                .map(|flags| flags.config)
        };
        let config = parse(&["--llm-simulator", "true", "--assistant-monthly-cap-minor", "0"]).expect("parses");
        assert!(config.llm_simulator);
        assert_eq!(config.assistant_monthly_cap_minor, 0);
        assert!(parse(&["--llm-price-input-micros-per-1k", "-1"]).is_err());
        assert!(parse(&["--assistant-monthly-cap-minor", "-5"]).is_err());
    }

    #[test]
    fn development_allows_the_demo() {
        let config = Config::from_env();
        assert!(config.validate().is_ok());
        assert!(config.seeds_demo());
        assert!(config.simulators_enabled());
        assert!(config.introspection_enabled());
    }
}
