//! The application's dependencies, built once and shared by every request.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;

use crate::auth::jwt::AccessTokens;
use crate::auth::secret::LinkSigner;
use crate::auth::session_cache::SessionCache;
use crate::config::Config;
use crate::integrations::Integrations;
use crate::platform::clock::Clock;
use crate::platform::events::EventBus;
use crate::platform::metrics::Metrics;

/// Everything a service needs: configuration, the database, time, events and metrics. External
/// systems join here as `Arc<dyn Trait>` so tests and the demo can swap in simulators.
pub struct App {
    /// The configuration it was started with.
    pub config: Config,
    /// The database pool.
    pub db: DatabaseConnection,
    /// The source of "now".
    pub clock: Arc<dyn Clock>,
    /// Where domain events are published.
    pub events: Arc<dyn EventBus>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Issues and checks access tokens.
    pub access_tokens: AccessTokens,
    /// Derives the tokens of one-time links.
    pub link_signer: LinkSigner,
    /// Which sessions were recently found live.
    pub sessions: SessionCache,
    /// The clients of the external systems.
    pub integrations: Integrations,
    /// This instance's name among the cluster's (unique per process).
    pub instance: String,
    /// Cancelled when the instance starts shutting down: live connections close so that their
    /// clients reconnect to another instance.
    pub stopping: CancellationToken,
}

/// The shared handle to the application.
pub type AppState = Arc<App>;

impl App {
    /// Assembles the application from its parts.
    pub fn new(
        config: Config,
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        events: Arc<dyn EventBus>,
        metrics: Metrics,
        integrations: Integrations,
    ) -> Self {
        let access_tokens = AccessTokens::new(&config.jwt_secret, config.access_token_ttl_secs);
        let link_signer = LinkSigner::new(&config.jwt_secret);
        let sessions = SessionCache::default();
        let instance = config.instance_name();
        let stopping = CancellationToken::new();
        Self {
            config,
            db,
            clock,
            events,
            metrics,
            access_tokens,
            link_signer,
            sessions,
            integrations,
            instance,
            stopping,
        }
    }
}
