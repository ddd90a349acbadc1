//! Building and running the server: database, migrations, demo seed, schema, router, listener.
//!
//! The binary and the tests start it the same way; tests bind port 0 and inject a manual clock.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::app::{App, AppState};
use crate::config::Config;
use crate::integrations::simulators::Simulators;
use crate::integrations::telemetry::client::BrokerAddress;
use crate::notifications::dispatcher;
use crate::platform::clock::{Clock, SystemClock};
use crate::platform::db;
use crate::platform::events::{BroadcastEventBus, EventBus};
use crate::platform::lease::Lease;
use crate::platform::metrics::Metrics;
use crate::platform::nats::NatsEventBus;

/// Connections of the pool for leases and the outbox relay.
const CONTROL_CONNECTIONS: u32 = 3;
use crate::schema::build_schema;
use crate::{activation, http, integrations, seed};

/// Routes added to a server's own, built once the application exists.
type ExtraRoutes = Box<dyn FnOnce(AppState) -> Router + Send>;

/// Options for building a server beyond its configuration.
pub struct ServerBuilder {
    config: Config,
    clock: Arc<dyn Clock>,
    events: Arc<dyn EventBus>,
    extra_routes: Option<ExtraRoutes>,
}

impl ServerBuilder {
    /// Uses `clock` instead of the system clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Adds the routes `build` makes to the server's own, behind the same middleware (the
    /// benchmarks' baseline handlers).
    pub fn routes(mut self, build: impl FnOnce(AppState) -> Router + Send + 'static) -> Self {
        self.extra_routes = Some(Box::new(build));
        self
    }

    /// Connects, migrates, seeds the demo into an empty development database, binds, and starts
    /// the simulators of the external systems that have no URL configured.
    pub async fn build(self) -> anyhow::Result<Server> {
        let mut config = self.config;
        config.validate()?;
        let metrics = Metrics::new();
        let db = db::connect(&config.database_url, config.db_max_connections, &metrics)
            .await
            .with_context(|| "connecting to the database (DATABASE_URL)")?;
        // Leases and the outbox relay get connections of their own: requests filling the main
        // pool must not delay a lease's renewal (it would lapse) or the events' way out.
        let control_db = db::connect(&config.database_url, CONTROL_CONNECTIONS, &metrics)
            .await
            .with_context(|| "connecting to the database (DATABASE_URL)")?;
        db::migrate(&db).await.context("migrating the database")?;
        if config.is_production() && seed::demo_present(&db).await? {
            anyhow::bail!("the database holds the demo accounts; production refuses to start with demo secrets");
        }
        let listener = TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
        let bound = listener.local_addr()?;
        // Port 0 asked for any free port: the links the server writes (`public_base`) name the one
        // it got.
        config.listen = bound;
        let shutdown = CancellationToken::new();
        let webhook_base = config.public_url.clone().unwrap_or_else(|| format!("http://{bound}"));
        let (integrations, simulators) = integrations::simulators::connect(
            &config,
            &db,
            self.clock.clone(),
            webhook_base.trim_end_matches('/'),
            shutdown.clone(),
        )
        .await?;
        let seeds_demo = config.seeds_demo();
        let (events, cluster) = match &config.nats_url {
            Some(url) => {
                let bus = NatsEventBus::connect(url, control_db.clone(), metrics.clone())
                    .await
                    .context("connecting to NATS (CAAS_NATS_URL)")?;
                (bus.clone() as Arc<dyn EventBus>, Some(bus))
            }
            None => (self.events, None),
        };
        let app: AppState = Arc::new(App::new(config, db, self.clock, events, metrics, integrations));
        if seeds_demo && seed::is_empty(&app.db).await? {
            match seed::seed_demo(&app).await {
                // Not the partner key: no key is ever logged (`caas seed` prints it, README lists it).
                Ok(_) => tracing::info!("seeded the demo data"),
                // Members of a cluster starting together: one seeds, the others' transactions fail.
                Err(_) if !seed::is_empty(&app.db).await? => tracing::info!("another instance seeded the demo data"),
                Err(err) => return Err(err.context("seeding the demo data")),
            }
        }
        let extra = self.extra_routes.map_or_else(Router::new, |build| build(app.clone()));
        let router = http::router(app.clone(), build_schema(app.clone()), extra);
        Ok(Server { listener, router, app, shutdown, simulators, cluster, control_db })
    }
}

/// A server bound to its address, ready to run.
pub struct Server {
    listener: TcpListener,
    router: Router,
    app: AppState,
    shutdown: CancellationToken,
    simulators: Simulators,
    cluster: Option<Arc<NatsEventBus>>,
    control_db: DatabaseConnection,
}

impl Server {
    /// A builder for a server with `config`.
    pub fn builder(config: Config) -> ServerBuilder {
        ServerBuilder {
            config,
            clock: Arc::new(SystemClock),
            events: Arc::new(BroadcastEventBus::new(1024)),
            extra_routes: None,
        }
    }

    /// The address it listens on (the real port when the configuration asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The application, for tests that look inside.
    pub fn app(&self) -> AppState {
        self.app.clone()
    }

    /// The simulators running in this process (empty for systems with a configured URL).
    pub fn simulators(&self) -> Simulators {
        self.simulators.clone()
    }

    /// Cancelling this token stops the server gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Serves until the shutdown token is cancelled, then gives open requests the configured grace.
    pub async fn run(self) -> anyhow::Result<()> {
        let Server { listener, router, app, shutdown, cluster, control_db, .. } = self;
        let term = Duration::from_secs(app.config.lease_seconds.max(3));
        let lease = |name| Lease::new(name, &app.instance, term);
        let (scheduler, reconciler) = (lease("scheduler"), lease("settlement-reconciler"));
        let reminders = lease("workshop-reminders");
        let telemetry_housekeeping = lease("telemetry-housekeeping");
        let data_rights = lease("data-rights");
        let campaigns = lease("campaigns");
        // Only a cluster has an outbox to relay.
        let relay = cluster.as_ref().map(|_| lease("outbox-relay"));
        // Leases outlive the workers: handed back once they have stopped, so a successor takes
        // over at once and never beside them.
        let leases_stop = CancellationToken::new();
        let mut keepers = Vec::new();
        for lease in [
            Some(&scheduler),
            Some(&reconciler),
            Some(&reminders),
            Some(&telemetry_housekeeping),
            Some(&data_rights),
            Some(&campaigns),
            relay.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            // Taken before the workers start: a single instance runs its first period at once.
            if let Err(err) = lease.take(&control_db).await {
                tracing::warn!(task = lease.name(), error = %err, "could not take a lease");
            }
            let keeper = lease.clone().keep(control_db.clone(), app.metrics.clone(), leases_stop.clone());
            keepers.push(tokio::spawn(keeper));
        }
        let mut workers = vec![
            tokio::spawn(dispatcher::run(app.clone(), shutdown.clone())),
            tokio::spawn(crate::remote::sender::run(app.clone(), shutdown.clone())),
            tokio::spawn(crate::sessions::service::forget_ended_sessions(app.clone(), shutdown.clone())),
            tokio::spawn(activation::engine::run(app.clone(), shutdown.clone())),
            tokio::spawn(activation::scheduler::run(app.clone(), scheduler, shutdown.clone())),
            tokio::spawn(crate::settlement::reconciler::run(app.clone(), reconciler, shutdown.clone())),
            tokio::spawn(crate::workshops::reminders::run(app.clone(), reminders, shutdown.clone())),
            tokio::spawn(crate::telemetry::housekeeping::run(app.clone(), telemetry_housekeeping, shutdown.clone())),
            tokio::spawn(crate::privacy::housekeeping::run(app.clone(), data_rights, shutdown.clone())),
            tokio::spawn(crate::campaigns::runner::run(app.clone(), campaigns, shutdown.clone())),
        ];
        if let Some(broker) = app.config.mqtt_url.as_deref().and_then(BrokerAddress::parse) {
            workers.push(tokio::spawn(crate::telemetry::ingest::run_mqtt(app.clone(), broker, shutdown.clone())));
        }
        if let (Some(bus), Some(relay)) = (&cluster, relay) {
            workers.extend(bus.start(relay, &shutdown));
        }
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let serving = axum::serve(listener, service).with_graceful_shutdown(shutdown.clone().cancelled_owned());
        let serving = tokio::spawn(async move { serving.await });
        shutdown.cancelled().await;
        tracing::info!("shutting down: finishing open requests, closing live connections");
        app.stopping.cancel();
        let grace = Duration::from_secs(app.config.shutdown_grace_secs);
        match tokio::time::timeout(grace, serving).await {
            Ok(finished) => finished.context("the server task failed")?.context("serving")?,
            Err(_) => tracing::warn!("grace period over; dropping the connections still open"),
        }
        for worker in workers {
            if tokio::time::timeout(grace, worker).await.is_err() {
                tracing::warn!("a background worker did not stop within the grace period");
            }
        }
        leases_stop.cancel();
        for keeper in keepers {
            let _ = tokio::time::timeout(grace, keeper).await;
        }
        app.db.clone().close().await.ok();
        control_db.close().await.ok();
        tracing::info!("stopped");
        Ok(())
    }

    /// Serves until SIGTERM or Ctrl-C.
    pub async fn run_until_signalled(self) -> anyhow::Result<()> {
        let token = self.shutdown_token();
        tokio::spawn(async move {
            wait_for_signal().await;
            token.cancel();
        });
        self.run().await
    }
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
