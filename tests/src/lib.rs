//! The end-to-end test harness: each test starts the real server on a random port, with its own
//! database (a fresh SQLite file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set),
//! and talks to it over HTTP and WebSocket like any client.

pub mod api;
pub mod browser;
pub mod cluster;
pub mod database;
pub mod documents;
pub mod graphql;
pub mod link;
pub mod oidc;
pub mod ordered_json;
pub mod ports;
pub mod telemetry;
pub mod workshops;
pub mod ws;

use std::sync::Arc;
use std::time::Duration;

use caas::app::AppState;
use caas::config::Config;
use caas::integrations::simulators::Simulators;
use caas::platform::clock::ManualClock;
use caas::server::Server;
use chrono::Utc;
use serde_json::json;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use api::Api;
pub use database::TestDatabase;
pub use graphql::GqlResponse;
pub use ordered_json::OrderedJson;

/// The password of every demo user.
pub const PASSWORD: &str = caas::seed::DEMO_PASSWORD;

/// A running server and what a test needs to drive it.
pub struct TestApp {
    /// Its address and an HTTP client (`app.address`, `app.graphql(…)`).
    pub api: Api,
    /// The application inside the server, to arrange data and look at it.
    pub app: AppState,
    /// The server's clock; tests move it instead of sleeping.
    pub clock: ManualClock,
    shutdown: CancellationToken,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    /// Keeps the database alive for the test's duration.
    pub database: TestDatabase,
    /// The simulated factory, payment gateway, registration authority and mail catcher.
    pub simulators: Simulators,
}

/// How to start a test server.
pub struct TestOptions {
    /// Load the demo data.
    pub seed_demo: bool,
    /// Change the configuration before the server starts.
    pub configure: Box<dyn FnOnce(&mut Config) + Send>,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self { seed_demo: true, configure: Box::new(|_| {}) }
    }
}

/// A configuration for tests: port 0, the given database, quiet logs.
pub fn test_config(database_url: &str) -> Config {
    let mut config = Config::from_env();
    config.database_url = database_url.to_owned();
    // One instance with the in-process bus unless a test makes a cluster.
    config.nats_url = None;
    config.listen = "127.0.0.1:0".parse().expect("address");
    config.db_max_connections = 8;
    config.shutdown_grace_secs = 2;
    config.log_filter = std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into());
    // The external systems answer quickly in tests.
    config.factory_stage_seconds = 0.03;
    config.payment_settle_seconds = 0.03;
    // Retries come at once (the test clock stands still); the periodic tasks run once at start and
    // then when a test says so: their period (counted on the real clock) is 100 days, so it never
    // turns over during a test and races the test's own run (an hourly one did at the full hour).
    config.ota_backoff_ms = 0;
    config.ota_max_attempts = 4;
    config.scheduler_interval_secs = 100 * 24 * 3600;
    // The test clock stands still, so a rate limit's minute never passes: the limits are off here
    // and on in the tests of the limits. The access matrix sends its probes 100 to a batch.
    config.rate_limit_per_ip = 0;
    config.rate_limit_per_user = 0;
    config.rate_limit_sign_in = 0;
    config.assistant_per_minute = 0;
    // Campaigns move when a test moves the clock and runs the runner's round.
    config.campaign_tick_ms = 0;
    // No language model unless a test starts its simulator.
    config.llm_base_url = None;
    config.llm_simulator = false;
    config.max_batch = 100;
    // The simulated cars report when a test asks them to (their timer would race the test's clock).
    config.telemetry_interval_seconds = 0.0;
    config.mqtt_url = None;
    config
}

/// Starts a server with the demo data whose access tokens outlive any clock moves of the test.
pub async fn spawn_app_for_time_travel() -> TestApp {
    spawn_app_with(TestOptions {
        configure: Box::new(|config| config.access_token_ttl_secs = 400 * 24 * 3600),
        ..TestOptions::default()
    })
    .await
}

/// Starts a server with the demo data.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestOptions::default()).await
}

/// Starts a server with `options`.
pub async fn spawn_app_with(options: TestOptions) -> TestApp {
    let database = TestDatabase::create().await;
    let mut config = test_config(&database.url);
    config.seed_demo = options.seed_demo;
    (options.configure)(&mut config);
    caas::logging::init(&config.log_filter, config.log_format);
    let clock = ManualClock::new(Utc::now());
    let server = Server::builder(config).clock(Arc::new(clock.clone())).build().await.expect("server starts");
    let address = format!("http://{}", server.local_addr());
    let app = server.app();
    let shutdown = server.shutdown_token();
    let simulators = server.simulators();
    let task = tokio::spawn(server.run());
    TestApp { api: Api::new(address), app, clock, shutdown, task: Some(task), database, simulators }
}

impl TestApp {
    /// A new API key of the demo partner with `scopes` (e.g. `[CATALOG_READ]`), made by the admin.
    pub async fn create_partner_key(&self, scopes: &str) -> String {
        use sea_orm::EntityTrait;
        let admin = self.token("admin@demo.caas").await;
        let partner = entity::partners::Entity::find().one(&self.app.db).await.expect("db").expect("demo partner");
        let mutation = format!(
            "mutation($p: ID!) {{ createApiKey(partnerId: $p, name: \"Test key\", scopes: {scopes}) {{ secret }} }}"
        );
        let created = self.graphql_as(&admin, &mutation, json!({ "p": partner.id })).await;
        created.data()["createApiKey"]["secret"].as_str().expect("secret").to_owned()
    }

    /// The server clock as Unix seconds.
    pub fn clock_now(&self) -> i64 {
        use caas::platform::clock::Clock;
        self.clock.now().timestamp()
    }

    /// The VIN of a car in stock at the dealership called `dealership`.
    pub async fn stock_vin_at(&self, dealership: &str) -> String {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let dealership = entity::dealerships::Entity::find()
            .filter(entity::dealerships::Column::Name.eq(dealership))
            .one(&self.app.db)
            .await
            .expect("query")
            .expect("dealership");
        entity::vehicles::Entity::find()
            .filter(entity::vehicles::Column::DealershipId.eq(dealership.id))
            .filter(entity::vehicles::Column::Status.eq(entity::VehicleStatus::InStock))
            .order_by_asc(entity::vehicles::Column::Vin)
            .one(&self.app.db)
            .await
            .expect("query")
            .expect("a car in stock")
            .vin
    }

    /// The VIN of a vehicle nobody owns yet.
    pub async fn stock_vin(&self) -> String {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::vehicles::Entity::find()
            .filter(entity::vehicles::Column::OwnerId.is_null())
            .one(&self.app.db)
            .await
            .expect("query")
            .expect("a stock vehicle")
            .vin
    }

    /// The e-mail to `recipient` whose subject contains `subject`, waiting up to 10 s for it.
    pub async fn email(&self, recipient: &str, subject: &str) -> caas::integrations::mail::catcher::CaughtMail {
        let catcher = self.simulators.mail.as_ref().expect("the mail catcher runs in tests");
        catcher
            .wait_for(recipient, Duration::from_secs(10), |mail| mail.subject.contains(subject))
            .await
            .unwrap_or_else(|| panic!("no e-mail to {recipient} about {subject:?}: {:#?}", catcher.messages()))
    }

    /// How many live streams listen to the event bus (subscriptions and background workers).
    pub fn subscribers(&self) -> usize {
        self.app.events.subscriber_count()
    }

    /// Waits (up to 10 s) until `count` live subscriptions listen to the event bus.
    pub async fn wait_for_subscribers(&self, count: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while self.app.events.subscriber_count() < count {
            assert!(tokio::time::Instant::now() < deadline, "no subscriber after 10 s");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        match self.task.take() {
            Some(task) => task.await?,
            None => Ok(()),
        }
    }
}

impl std::ops::Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
