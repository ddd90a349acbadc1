//! CPU regressions measured exactly: instructions (valgrind's callgrind) of six canonical
//! operations — login, `catalog(vin)`, `expediente(vin)`, `purchaseFeature`, a payment webhook's
//! signature check and one step of the OTA engine — so that a change can be compared on a noisy
//! machine.
//!
//! Each operation runs in this binary's `ops` command, through the server's whole HTTP stack in
//! process (middleware, authentication, GraphQL, SeaORM, the embedded SQLite; no socket), on a copy
//! of a database prepared beforehand. It runs twice under callgrind, once with `N` measured
//! iterations and once with none (both after one warm-up): the difference over `N` is the
//! operation's own count, start-up and warm-up cancelling out.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use caas::app::AppState;
use caas::config::Config;
use caas::server::Server;
use sea_orm::ConnectionTrait;
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::{Value, json};
use tower::ServiceExt;

const CATALOG: &str = include_str!("../../frontend/graphql/catalog.graphql");
const EXPEDIENTE: &str = include_str!("../../frontend/graphql/expediente.graphql");
const LOGIN: &str = "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken } }";
const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";
/// Cars without features prepared for the purchases (one per iteration).
const SPARE_CARS: u32 = 128;
/// Cars bought a feature for while preparing, whose OTA jobs wait for the engine's steps.
const QUEUED_JOBS: u32 = 32;

/// The operations measured.
pub const OPERATIONS: [Operation; 6] = [
    Operation::Login,
    Operation::Catalog,
    Operation::Expediente,
    Operation::PurchaseFeature,
    Operation::Webhook,
    Operation::OtaJob,
];

/// One canonical operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
pub enum Operation {
    /// Prepares the database (migrate, seed, spare cars); measures nothing.
    Prepare,
    /// `login` with the demo customer's password (argon2 included).
    Login,
    /// The web app's `catalog(vin)` query.
    Catalog,
    /// The web app's `expediente(vin)` query.
    Expediente,
    /// `purchaseFeature` of a paid feature on a car of the customer (a new car each time).
    PurchaseFeature,
    /// Verifying a Stripe-signed `payment_intent.succeeded` webhook.
    Webhook,
    /// One step of the OTA engine: a queued activation's job claimed and run to its end
    /// (authorisation at the gateway, the command to the car, ACTIVE, capture, invoice, notices),
    /// the gateway and the fleet being the simulators in the same process.
    OtaJob,
}

impl Operation {
    /// Iterations measured under callgrind: enough that the run-to-run noise of start-up (about
    /// 1.5 million instructions, from timing-dependent work) is around 1 % of the difference.
    fn iterations(self) -> u32 {
        match self {
            Self::Prepare => 0,
            Self::Login => 3,
            Self::Catalog | Self::OtaJob => 20,
            Self::Expediente | Self::PurchaseFeature => 100,
            Self::Webhook => 5_000,
        }
    }
}

/// How `ops` runs.
#[derive(clap::Args)]
pub struct OpsArgs {
    /// The database (prepared with `--op prepare` first).
    #[arg(long)]
    database_url: String,
    /// The operation.
    #[arg(long, value_enum)]
    op: Operation,
    /// Measured iterations, after one warm-up.
    #[arg(long, default_value_t = 1)]
    iterations: u32,
}

/// One operation's count.
#[derive(Clone, Debug, Serialize)]
pub struct InstructionCount {
    /// The operation.
    pub operation: Operation,
    /// Instructions per operation.
    pub instructions: u64,
    /// Iterations the count is the mean of.
    pub iterations: u32,
}

/// The server's HTTP stack in process, as the customer.
struct InProcess {
    app: AppState,
    router: Router,
}

impl InProcess {
    async fn start(database_url: &str) -> anyhow::Result<Self> {
        let mut config = Config::from_env();
        config.database_url = database_url.to_owned();
        config.listen = "127.0.0.1:0".parse()?;
        config.log_filter = "error".into();
        config.login_max_failures = u32::MAX;
        config.login_max_failures_per_ip = u32::MAX;
        // One client sends every request: the per-client limits would refuse them.
        config.rate_limit_per_ip = 0;
        config.rate_limit_per_user = 0;
        config.rate_limit_sign_in = 0;
        // Nothing runs in the background: no engine, dispatcher or scheduler (they start with `run`).
        config.ota_workers = 0;
        let server = Server::builder(config).build().await?;
        let app = server.app();
        let schema = caas::schema::build_schema(app.clone());
        let router = caas::http::router(app.clone(), schema, Router::new());
        // The simulators and the listener stay alive with the server, unused.
        std::mem::forget(server);
        Ok(Self { app, router })
    }

    async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> anyhow::Result<Value> {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let mut request = http::Request::post("/graphql").header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let mut request = request.body(Body::from(body))?;
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
        let response = self.router.clone().oneshot(request).await?;
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        let answer: Value = serde_json::from_slice(&bytes)?;
        if let Some(errors) = answer.get("errors") {
            bail!("GraphQL errors: {errors}");
        }
        Ok(answer["data"].clone())
    }

    async fn token(&self) -> anyhow::Result<String> {
        let data = self.graphql(None, LOGIN, json!({ "i": "customer@demo.caas", "p": "caas-demo" })).await?;
        data["login"]["accessToken"].as_str().map(str::to_owned).context("an access token")
    }
}

/// The `ops` command: runs `op` once to warm up, then `iterations` times.
pub async fn ops(args: OpsArgs) -> anyhow::Result<()> {
    let server = InProcess::start(&args.database_url).await?;
    if args.op == Operation::Prepare {
        caas::seed::fleet::add_cars(&server.app.db, "customer@demo.caas", SPARE_CARS + QUEUED_JOBS, 0).await?;
        let token = server.token().await?;
        for (n, car) in spare_cars(&server.app).await?.iter().take(QUEUED_JOBS as usize).enumerate() {
            let input = purchase_input(car, &format!("queued-{n}"));
            drop(server.graphql(Some(&token), PURCHASE, input).await?);
        }
        // The write-ahead log folded into the file, which is then copied alone (closing the pool
        // folds it only when no connection is still out, which depends on timing).
        server.app.db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        server.app.db.clone().close().await?;
        return Ok(());
    }
    let token = server.token().await?;
    let cars = server.graphql(Some(&token), "{ myVehicles(first: 1) { nodes { vin } } }", json!({})).await?;
    let vin = cars["myVehicles"]["nodes"][0]["vin"].as_str().context("a car")?.to_owned();
    let spare = spare_cars(&server.app).await?;
    if args.op == Operation::PurchaseFeature && spare.len() <= args.iterations as usize {
        bail!("{} spare cars for {} purchases: prepare the database first", spare.len(), args.iterations + 1);
    }
    let webhook = signed_webhook(&server.app);
    for n in 0..=args.iterations as usize {
        match args.op {
            Operation::Prepare => {}
            Operation::Login => drop(server.token().await?),
            Operation::Catalog => drop(server.graphql(Some(&token), CATALOG, json!({ "vin": vin })).await?),
            Operation::Expediente => drop(server.graphql(Some(&token), EXPEDIENTE, json!({ "vin": vin })).await?),
            Operation::PurchaseFeature => {
                let car = spare.get(n).context("a spare car")?;
                drop(server.graphql(Some(&token), PURCHASE, purchase_input(car, &format!("instructions-{n}"))).await?);
            }
            Operation::OtaJob => {
                let ran = caas::activation::engine::run_one(&server.app).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
                if !ran {
                    bail!("no OTA job was queued for step {n}: prepare the database first");
                }
            }
            Operation::Webhook => {
                let (body, signature) = &webhook;
                let now = chrono::Utc::now().timestamp();
                server
                    .app
                    .integrations
                    .payments
                    .verify_webhook(body, signature, now)
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
        }
    }
    Ok(())
}

/// `purchaseFeature`'s input: heated seats for good on `vin`.
fn purchase_input(vin: &str, idempotency_key: &str) -> Value {
    json!({ "input": {
        "vin": vin, "featureCode": "HEATED_SEATS", "duration": { "kind": "PERMANENT" },
        "idempotencyKey": idempotency_key,
    } })
}

/// The VINs of the customer's cars without any feature bought.
async fn spare_cars(app: &AppState) -> anyhow::Result<Vec<String>> {
    use entity::{activations, users, vehicles};
    use sea_orm::sea_query::Query;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let customer = users::Entity::find().filter(users::Column::Email.eq("customer@demo.caas")).one(&app.db).await?;
    let customer = customer.context("the demo customer")?;
    let bought = Query::select().column(activations::Column::VehicleId).from(activations::Entity).to_owned();
    let vins = vehicles::Entity::find()
        .select_only()
        .column(vehicles::Column::Vin)
        .filter(vehicles::Column::OwnerId.eq(customer.id))
        .filter(vehicles::Column::Id.not_in_subquery(bought))
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(vins)
}

/// A `payment_intent.succeeded` event as the gateway sends it, and its `Stripe-Signature`.
fn signed_webhook(app: &AppState) -> (String, String) {
    let intent = json!({
        "id": "pi_3Qbench0000000000000000", "object": "payment_intent", "amount": 4900, "amount_capturable": 0,
        "amount_received": 4900, "capture_method": "manual", "confirmation_method": "automatic",
        "created": 1_764_000_000, "currency": "eur", "description": "CaaS feature", "livemode": false,
        "metadata": { "paymentId": "01935f0e-0000-7000-8000-000000000000" }, "payment_method": "pm_card_visa",
        "payment_method_types": ["card"], "status": "succeeded", "last_payment_error": null,
        "latest_charge": "ch_3Qbench0000000000000000",
    });
    let event = json!({
        "id": "evt_0123456789abcdef0123456789abcdef", "object": "event", "api_version": "2025-03-31.basil",
        "created": 1_764_000_000, "data": { "object": intent }, "livemode": false, "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null }, "type": "payment_intent.succeeded",
    });
    let body = event.to_string();
    let secret = app.config.stripe_webhook_secret.expose_secret().to_owned();
    let signature = stripe_webhook::Webhook::generate_test_header(&body, &secret, Some(chrono::Utc::now().timestamp()));
    (body, signature)
}

/// Counts every operation's instructions on copies of a database prepared here.
pub fn run() -> anyhow::Result<Vec<InstructionCount>> {
    let valgrind = which("valgrind").context("valgrind is not installed (apt-get install valgrind)")?;
    let dir = tempfile::tempdir()?;
    let template = dir.path().join("template.db");
    let status = Command::new(std::env::current_exe()?)
        .args(["ops", "--op", "prepare", "--database-url", &sqlite_url(&template)])
        .status()?;
    if !status.success() {
        bail!("preparing the database failed");
    }
    let mut counts = Vec::new();
    for operation in OPERATIONS {
        let iterations = operation.iterations();
        let with = callgrind(&valgrind, dir.path(), &template, operation, iterations)?;
        let without = callgrind(&valgrind, dir.path(), &template, operation, 0)?;
        let instructions = with.saturating_sub(without) / u64::from(iterations);
        eprintln!("instructions: {operation:?} {instructions}");
        counts.push(InstructionCount { operation, instructions, iterations });
    }
    Ok(counts)
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| Path::new(dir).join(tool)).find(|path| path.is_file())
}

/// The instructions `ops` executes in all (every thread) for `iterations`, on a fresh copy of the
/// template.
fn callgrind(valgrind: &Path, dir: &Path, template: &Path, op: Operation, iterations: u32) -> anyhow::Result<u64> {
    let database = dir.join(format!("{op:?}-{iterations}.db"));
    std::fs::copy(template, &database)?;
    let op_name =
        format!("{op:?}").to_lowercase().replace("purchasefeature", "purchase-feature").replace("otajob", "ota-job");
    let output = Command::new(valgrind)
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(std::env::current_exe()?)
        .args(["ops", "--op", &op_name, "--iterations", &iterations.to_string()])
        .args(["--database-url", &sqlite_url(&database)])
        .output()?;
    let log = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("callgrind of {op:?} failed: {log}");
    }
    log.lines()
        .find_map(|line| line.split_once("Collected :").map(|(_, count)| count.trim().replace(',', "")))
        .and_then(|count| count.parse().ok())
        .with_context(|| format!("no instruction count in callgrind's output: {log}"))
}
