//! A cluster for tests: `caas serve` as separate processes on one PostgreSQL database and one NATS,
//! with the external systems simulated in the test's process (so they outlive a killed member).
//!
//! It runs when `TEST_DATABASE_URL` points at PostgreSQL and `CAAS_TEST_NATS_URL` at NATS with
//! JetStream; [`Cluster::configured`] says whether they are.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use caas::integrations::factory::simulator::{FactorySimulator, FactorySimulatorConfig};
use caas::integrations::fleet::simulator::FleetSimulator;
use caas::integrations::identity::simulator::IdentitySimulator;
use caas::integrations::mail::catcher::MailCatcher;
use caas::integrations::payments::simulator::{PaymentSimulator, PaymentSimulatorConfig};
use caas::integrations::registration::simulator::RegistrationSimulator;
use caas::integrations::simulators::Simulators;
use caas::integrations::vss::simulator::VssSimulator;
use caas::platform::clock::SystemClock;
use sea_orm::{Database, DatabaseConnection};
use secrecy::ExposeSecret;
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;

use crate::ports::free_port;
use crate::{Api, TestDatabase, test_config};

/// The NATS server of the cluster tests, when there is one.
pub fn nats_url() -> Option<String> {
    std::env::var("CAAS_TEST_NATS_URL").ok().filter(|url| !url.is_empty())
}

/// Which member the simulated factory and payment gateway call back.
#[derive(Clone, Copy)]
pub struct Webhooks {
    /// The member the factory's stage reports go to.
    pub factory: usize,
    /// The member the payment gateway's settlements go to.
    pub payments: usize,
}

/// How to start a cluster.
pub struct ClusterOptions {
    /// The `caas-member` binary (`env!("CARGO_BIN_EXE_caas-member")` in a test).
    pub binary: PathBuf,
    /// How many members.
    pub members: usize,
    /// Where the simulators send their webhooks.
    pub webhooks: Webhooks,
    /// The NATS server (the test's one unless a test runs its own).
    pub nats_url: String,
    /// Settings for every member, as `CAAS_*` variables.
    pub env: Vec<(String, String)>,
    /// Settings for one member: its index, the variable, the value.
    pub member_env: Vec<(usize, String, String)>,
}

impl ClusterOptions {
    /// Two members, webhooks to the second, the test's NATS.
    pub fn new(binary: &str, nats_url: String) -> Self {
        Self {
            binary: binary.into(),
            members: 2,
            webhooks: Webhooks { factory: 1, payments: 1 },
            nats_url,
            env: Vec::new(),
            member_env: Vec::new(),
        }
    }

    /// Adds a setting for every member.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.env.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a setting for member `index` only.
    pub fn with_member(mut self, index: usize, name: &str, value: impl ToString) -> Self {
        self.member_env.push((index, name.to_owned(), value.to_string()));
        self
    }
}

/// A member: a `caas serve` process.
pub struct Member {
    /// Its API.
    pub api: Api,
    /// Its name (`CAAS_INSTANCE`).
    pub name: String,
    listen: SocketAddr,
    env: Vec<(String, String)>,
    log: PathBuf,
    child: Option<Child>,
}

impl std::ops::Deref for Member {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// Members on one database and one NATS, and the simulated world around them.
pub struct Cluster {
    /// The members, in the order they were started.
    pub members: Vec<Member>,
    /// The simulators, in this process.
    pub simulators: Simulators,
    /// The test's own connection to the shared database, to look at it.
    pub db: DatabaseConnection,
    binary: PathBuf,
    logs: tempfile::TempDir,
    stop: CancellationToken,
    /// Dropped last: the database outlives the processes using it.
    pub database: TestDatabase,
}

impl Cluster {
    /// Whether the cluster tests can run here: PostgreSQL and NATS are configured. Prints why not.
    pub fn configured(test: &str) -> Option<String> {
        let postgres = std::env::var("TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres"));
        match (postgres, nats_url()) {
            (true, Some(url)) => Some(url),
            _ => {
                eprintln!("{test}: skipped — a cluster needs TEST_DATABASE_URL (PostgreSQL) and CAAS_TEST_NATS_URL");
                None
            }
        }
    }

    /// Starts the simulators and the members, one after the other (the first seeds the demo data).
    pub async fn start(options: ClusterOptions) -> Self {
        let database = TestDatabase::create().await;
        let db = Database::connect(&database.url).await.expect("connect to the test database");
        caas::platform::db::migrate(&db).await.expect("migrate");
        let listens: Vec<SocketAddr> = (0..options.members).map(|_| free_address()).collect();
        let stop = CancellationToken::new();
        let (simulators, urls) = start_simulators(&db, &listens, options.webhooks, &stop).await;
        let logs = tempfile::tempdir().expect("log directory");
        let mut shared = member_env(&database.url, &options.nats_url);
        shared.extend(urls);
        shared.extend(options.env.iter().cloned());
        let mut cluster = Self { members: Vec::new(), simulators, db, binary: options.binary, logs, stop, database };
        for (index, listen) in listens.into_iter().enumerate() {
            let name = format!("member-{}", char::from(b'a' + index as u8));
            let mut env = shared.clone();
            env.push(("CAAS_INSTANCE".into(), name.clone()));
            env.push(("CAAS_LISTEN".into(), listen.to_string()));
            for (_, key, value) in options.member_env.iter().filter(|(member, ..)| *member == index) {
                env.retain(|(existing, _)| existing != key);
                env.push((key.clone(), value.clone()));
            }
            let log = cluster.logs.path().join(format!("{name}.log"));
            let api = Api::new(format!("http://{listen}"));
            cluster.members.push(Member { api, name, listen, env, log, child: None });
            cluster.restart(index).await;
        }
        cluster
    }

    /// Member `index`.
    pub fn member(&self, index: usize) -> &Member {
        &self.members[index]
    }

    /// Changes a setting of member `index` for its next start.
    pub fn set(&mut self, index: usize, name: &str, value: impl ToString) {
        let env = &mut self.members[index].env;
        env.retain(|(key, _)| key != name);
        env.push((name.to_owned(), value.to_string()));
    }

    /// Starts member `index` (again) and waits until it is ready.
    pub async fn restart(&mut self, index: usize) {
        let member = &mut self.members[index];
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&member.log).expect("log file");
        let child = Command::new(&self.binary)
            .arg("serve")
            .env_clear()
            .envs(member.env.iter().map(|(key, value)| (key.as_str(), value.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("start a member");
        member.child = Some(child);
        let member = &self.members[index];
        wait_until_ready(member).await;
    }

    /// Kills member `index` with SIGKILL: no shutdown, no lease handed back.
    pub async fn kill(&mut self, index: usize) {
        if let Some(mut child) = self.members[index].child.take() {
            child.start_kill().expect("SIGKILL");
            child.wait().await.expect("the killed member is reaped");
        }
    }

    /// Stops member `index` with SIGTERM and waits for it to exit: whether it exited cleanly.
    pub async fn terminate(&mut self, index: usize) -> bool {
        let Some(mut child) = self.members[index].child.take() else { return true };
        let pid = child.id().expect("a running member has a pid");
        let sent = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        assert!(sent.is_ok_and(|status| status.success()), "SIGTERM to {pid}");
        let exited = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
        exited.expect("the member stops within 30 s").expect("wait").success()
    }

    /// What member `index` logged, to show when a test fails.
    pub fn log(&self, index: usize) -> String {
        std::fs::read_to_string(&self.members[index].log).unwrap_or_default()
    }

    /// Where the logs are.
    pub fn log_dir(&self) -> &Path {
        self.logs.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // A failed test shows what its members logged (warnings and errors by default).
        if std::thread::panicking() {
            for (index, member) in self.members.iter().enumerate() {
                let log = self.log(index);
                let tail: Vec<&str> = log.lines().rev().take(LOG_LINES_SHOWN).collect();
                eprintln!("--- the last lines {} logged ---", member.name);
                tail.iter().rev().for_each(|line| eprintln!("{line}"));
            }
        }
        for member in &mut self.members {
            if let Some(child) = member.child.as_mut() {
                let _ = child.start_kill();
            }
        }
        self.stop.cancel();
    }
}

/// How many of a member's last log lines a failed test shows.
const LOG_LINES_SHOWN: usize = 60;

/// A local address free at the moment (the member binds it soon after).
fn free_address() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], free_port()))
}

/// The settings every member shares: those of [`test_config`], as the environment.
fn member_env(database_url: &str, nats_url: &str) -> Vec<(String, String)> {
    let config = test_config(database_url);
    let pairs = [
        ("DATABASE_URL", database_url.to_owned()),
        ("CAAS_NATS_URL", nats_url.to_owned()),
        ("CAAS_LOG", std::env::var("TEST_LOG").unwrap_or_else(|_| "warn".into())),
        ("CAAS_SEED_DEMO", "true".into()),
        ("CAAS_DB_MAX_CONNECTIONS", config.db_max_connections.to_string()),
        ("CAAS_SHUTDOWN_GRACE", config.shutdown_grace_secs.to_string()),
        ("CAAS_OTA_BACKOFF_MS", config.ota_backoff_ms.to_string()),
        ("CAAS_OTA_MAX_ATTEMPTS", config.ota_max_attempts.to_string()),
        ("CAAS_RATE_LIMIT_PER_IP", "0".into()),
        ("CAAS_RATE_LIMIT_PER_USER", "0".into()),
        ("CAAS_RATE_LIMIT_SIGN_IN", "0".into()),
        ("CAAS_MAX_BATCH", config.max_batch.to_string()),
        ("CAAS_LEASE_SECONDS", "3".into()),
        ("CAAS_STATIC_DIR", "/nonexistent".into()),
    ];
    pairs.into_iter().map(|(key, value)| (key.to_owned(), value)).collect()
}

/// Starts every simulator here, with the webhooks pointed at the chosen members; returns the
/// members' settings that point at them.
async fn start_simulators(
    db: &DatabaseConnection,
    members: &[SocketAddr],
    webhooks: Webhooks,
    stop: &CancellationToken,
) -> (Simulators, Vec<(String, String)>) {
    let config = test_config("");
    let local = SocketAddr::from(([127, 0, 0, 1], 0));
    let seconds = Duration::from_secs_f64;
    let factory = FactorySimulator::new(FactorySimulatorConfig {
        webhook_url: format!("http://{}/webhooks/factory", members[webhooks.factory]),
        secret: config.factory_secret.clone(),
        stage_interval: seconds(config.factory_stage_seconds),
    });
    let payments = PaymentSimulator::new(PaymentSimulatorConfig {
        api_key: config.stripe_secret_key.clone(),
        webhook_url: format!("http://{}/webhooks/payments", members[webhooks.payments]),
        webhook_secret: config.stripe_webhook_secret.clone(),
        settle_delay: seconds(config.payment_settle_seconds),
    });
    let (registration, mail, fleet, vss) = (
        RegistrationSimulator::new(),
        MailCatcher::new(),
        FleetSimulator::new(),
        VssSimulator::new(db.clone(), Arc::new(SystemClock)),
    );
    let started = "a simulator starts";
    let factory_at = factory.start(local, stop.clone()).await.expect(started);
    let payments_at = payments.start(local, stop.clone()).await.expect(started);
    let registration_at = registration.start(local, stop.clone()).await.expect(started);
    let (smtp_at, mail_view) = mail.start(local, local, stop.clone()).await.expect(started);
    let fleet_at = fleet.start(local, stop.clone()).await.expect(started);
    let vss_at = vss.start(local, stop.clone()).await.expect(started);
    // One provider for every member, so a sign-in started on one can finish on another.
    let identity =
        IdentitySimulator::new(&config.oidc_client_id, config.oidc_secret().expose_secret(), Arc::new(SystemClock));
    let identity_at = identity.start(local, stop.clone()).await.expect(started);
    let urls = vec![
        ("CAAS_FACTORY_URL".to_owned(), format!("http://{factory_at}")),
        ("CAAS_STRIPE_API_BASE".to_owned(), format!("http://{payments_at}/")),
        ("CAAS_REGISTRATION_URL".to_owned(), format!("http://{registration_at}")),
        ("CAAS_SMTP_URL".to_owned(), format!("smtp://{smtp_at}")),
        ("CAAS_FLEET_URL".to_owned(), format!("http://{fleet_at}")),
        ("CAAS_VSS_URL".to_owned(), format!("http://{vss_at}")),
        ("CAAS_OIDC_ISSUER_URL".to_owned(), format!("http://{identity_at}")),
    ];
    let simulators = Simulators {
        factory: Some(factory),
        payments: Some(payments),
        registration: Some(registration),
        mail: Some(mail),
        mail_view: Some(mail_view),
        fleet: Some(fleet),
        vss: Some(vss),
        identity: Some(identity),
        push: None,
        sms: None,
        llm: None,
    };
    (simulators, urls)
}

/// Waits up to 60 s for a member's `/readyz` to answer 200.
async fn wait_until_ready(member: &Member) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let answer = member.client.get(format!("{}/readyz", member.address)).send().await;
        if answer.is_ok_and(|response| response.status().is_success()) {
            return;
        }
        let log = std::fs::read_to_string(&member.log).unwrap_or_default();
        assert!(tokio::time::Instant::now() < deadline, "{} is not ready after 60 s:\n{log}", member.name);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Member {
    /// Where it listens.
    pub fn listen(&self) -> SocketAddr {
        self.listen
    }

    /// Whether its process runs.
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }
}

/// A NATS server of a test's own (`nats-server -js` on a free port), to stop and start again.
pub struct NatsServer {
    /// `nats://127.0.0.1:PORT`.
    pub url: String,
    port: u16,
    storage: tempfile::TempDir,
    child: Option<Child>,
}

impl NatsServer {
    /// Starts one when `nats-server` is installed.
    pub async fn start() -> Option<Self> {
        let port = free_port();
        let storage = tempfile::tempdir().expect("JetStream storage");
        let mut server = Self { url: format!("nats://127.0.0.1:{port}"), port, storage, child: None };
        server.restart().await.then_some(server)
    }

    /// Starts it (again, on the same port and storage): whether it runs.
    pub async fn restart(&mut self) -> bool {
        let binary = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]
            .into_iter()
            .find(|path| Path::new(path).exists());
        let Some(binary) = binary else { return false };
        let storage = self.storage.path().display().to_string();
        let port = self.port.to_string();
        let child = Command::new(binary)
            .args(["-a", "127.0.0.1", "-p", &port, "-js", "-sd", &storage])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn();
        let Ok(child) = child else { return false };
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
            assert!(tokio::time::Instant::now() < deadline, "nats-server did not listen on {}", self.port);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    /// Kills it.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().expect("SIGKILL");
            child.wait().await.expect("the killed server is reaped");
        }
    }
}
