//! The server under test: the real CaaS server, plus baseline handlers behind the same middleware —
//! the ceilings GraphQL is measured against.
//!
//! - `POST /bench/plain`: the trivial query's exact answer, as a constant (P1).
//! - `POST /bench/record/start`, then one GraphQL request, then `POST /bench/record/{name}`: the SQL
//!   statements that request sent, kept under `name` (the shortest of several recordings).
//! - `POST /bench/sql/{name}`: the recorded statements run again, with the same values, and their
//!   rows sent as JSON (P2: the same SQL without GraphQL).
//! - `POST /bench/vehicles/{count}`: `count` more cars for the demo customer, each with nine
//!   activations (the statements-per-query suite).
//! - `POST /bench/activations/{count}`: at least `count` activations for the demo customer (cars with
//!   nine each are added as needed); answers their ids.
//! - `POST /bench/emit`: for `seconds` seconds an `ActivationProgressed` event a second for each of
//!   `count` activations `/bench/activations` answered, after the first `skip`, spread over the
//!   second in 100 slots of 10 ms (the id at index `i` in slot `i % 100`), its `attempt` the
//!   second's number (the subscriptions suite). Each event carries the activation's state, as the
//!   OTA engine's events do (read when `/bench/activations` answered).

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use caas::app::AppState;
use caas::config::Config;
use caas::platform::events::{ActivationState, DomainEvent};
use caas::server::Server;
use entity::{activations, payments, users, vehicles};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, JsonValue, QueryFilter, QueryOrder, Statement};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

/// How the server under test runs.
#[derive(clap::Args)]
pub struct ServerArgs {
    /// The database.
    #[arg(long)]
    database_url: String,
}

/// The trivial query's answer, byte for byte what GraphQL sends for `{ __typename }`.
pub const TRIVIAL_ANSWER: &str = r#"{"data":{"__typename":"Query"}}"#;

#[derive(Clone)]
struct Baselines {
    app: AppState,
    recorded: Arc<Mutex<HashMap<String, Vec<Statement>>>>,
    /// The activations `/bench/activations` answered last, in its order, with their state.
    watched: Arc<Mutex<Vec<ActivationState>>>,
}

/// Runs the server until its standard input closes.
pub async fn run(args: ServerArgs) -> anyhow::Result<()> {
    let mut config = Config::from_env();
    config.database_url = args.database_url;
    config.listen = "127.0.0.1:0".parse()?;
    config.log_filter = std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "error".into());
    // The load comes from one address and one account: no limits of a public deployment.
    config.partner_requests_per_minute = 0;
    // The load generators are one client: the per-client limits would refuse them.
    config.rate_limit_per_ip = 0;
    config.rate_limit_per_user = 0;
    config.rate_limit_sign_in = 0;
    // Ten thousand subscriptions of one customer, each on a socket of its own.
    config.ws_max_connections_per_user = usize::MAX;
    config.login_max_failures = u32::MAX;
    config.login_max_failures_per_ip = u32::MAX;
    caas::logging::init(&config.log_filter, config.log_format);
    let simulators = Arc::new(OnceLock::new());
    let handles = simulators.clone();
    let server = Server::builder(config)
        .routes(move |app| routes(app.clone()).merge(crate::ota_routes::routes(app, handles)))
        .build()
        .await?;
    let _ = simulators.set(server.simulators());
    println!("LISTENING http://{}", server.local_addr());
    std::io::stdout().flush()?;
    let shutdown = server.shutdown_token();
    tokio::spawn(async move {
        let mut sink = Vec::new();
        let _ = tokio::io::stdin().read_to_end(&mut sink).await;
        shutdown.cancel();
    });
    server.run().await
}

fn routes(app: AppState) -> Router {
    let state = Baselines { app, recorded: Arc::default(), watched: Arc::default() };
    Router::new()
        .route("/bench/plain", post(plain))
        .route("/bench/record/start", post(start_recording))
        .route("/bench/record/{name}", post(keep_recording))
        .route("/bench/sql/{name}", post(replay))
        .route("/bench/vehicles/{count}", post(add_vehicles))
        .route("/bench/activations/{count}", post(activations_for_subscribers))
        .route("/bench/emit", post(emit))
        .with_state(state)
}

async fn plain() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], TRIVIAL_ANSWER)
}

async fn start_recording(State(state): State<Baselines>) -> StatusCode {
    state.app.metrics.statement_log.start();
    StatusCode::NO_CONTENT
}

/// Keeps the recording under `name` when it is the shortest so far: background workers may have
/// sent statements of their own while the request ran, and a shorter recording has fewer of them.
async fn keep_recording(State(state): State<Baselines>, Path(name): Path<String>) -> Json<serde_json::Value> {
    let statements = state.app.metrics.statement_log.stop();
    let mut recorded = state.recorded.lock().expect("recorded statements");
    let kept = recorded.entry(name).or_insert_with(|| statements.clone());
    if statements.len() < kept.len() {
        *kept = statements;
    }
    let shown: Vec<String> = kept.iter().map(ToString::to_string).collect();
    Json(serde_json::json!({ "statements": shown }))
}

async fn replay(
    State(state): State<Baselines>,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, StatusCode> {
    let statements = state.recorded.lock().expect("recorded statements").get(&name).cloned();
    let statements = statements.ok_or(StatusCode::NOT_FOUND)?;
    let mut results = Vec::with_capacity(statements.len());
    for statement in statements {
        let rows = JsonValue::find_by_statement(statement)
            .all(&state.app.db)
            .await
            .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        results.push(JsonValue::Array(rows));
    }
    Ok(Json(serde_json::json!({ "data": results })))
}

/// What `/bench/emit` publishes.
#[derive(serde::Deserialize)]
struct Emit {
    /// How many of the activations `/bench/activations` answered, after the first `skip`.
    count: usize,
    #[serde(default)]
    skip: usize,
    seconds: u32,
}

/// Slots per second the events are spread over.
pub const SLOTS: usize = 100;

/// Starts publishing; answers the Unix time (ms) of second 1, so the client can tell each event's
/// delay from its `attempt` and its slot.
async fn emit(State(state): State<Baselines>, Json(emit): Json<Emit>) -> Json<serde_json::Value> {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let first_tick_ms = (now_ms / 1000 + 2) * 1000;
    let app = state.app.clone();
    let watched = state.watched.lock().expect("watched activations").clone();
    let states: Vec<ActivationState> = watched.into_iter().skip(emit.skip).take(emit.count).collect();
    tokio::spawn(async move {
        for tick in 1..=emit.seconds {
            for slot in 0..SLOTS {
                let due_ms = first_tick_ms + i64::from(tick - 1) * 1000 + (slot * 1000 / SLOTS) as i64;
                let wait = due_ms - chrono::Utc::now().timestamp_millis();
                if wait > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(wait as u64)).await;
                }
                // A slot's events are published together, as concurrent changes would be.
                let slot_events = states.iter().skip(slot).step_by(SLOTS).map(|state| {
                    let phase = caas::platform::events::ActivationPhase::Active;
                    app.events.publish(DomainEvent::activation_progressed_to(state.clone(), phase, tick as i32))
                });
                futures::future::join_all(slot_events).await;
            }
        }
    });
    Json(serde_json::json!({ "first_tick_ms": first_tick_ms }))
}

async fn activations_for_subscribers(
    State(state): State<Baselines>,
    Path(count): Path<usize>,
) -> Result<Json<Vec<Uuid>>, StatusCode> {
    let ids = async {
        let mut ids = customer_activations(&state.app).await?;
        if ids.len() < count {
            add_cars(&state.app, (count - ids.len()).div_ceil(9) as u32).await?;
            ids = customer_activations(&state.app).await?;
        }
        anyhow::Ok(ids)
    };
    let states = ids.await;
    let ids = states.map(|states| {
        let ids = states.iter().map(|state| state.activation.id).collect::<Vec<Uuid>>();
        *state.watched.lock().expect("watched activations") = states;
        ids
    });
    ids.map(Json).map_err(|error| {
        eprintln!("adding activations: {error}");
        StatusCode::INTERNAL_SERVER_ERROR
    })
}

/// The demo customer's activations, each with its latest charge's status.
async fn customer_activations(app: &AppState) -> anyhow::Result<Vec<ActivationState>> {
    let customer = users::Entity::find().filter(users::Column::Email.eq("customer@demo.caas")).one(&app.db).await?;
    let customer = customer.ok_or_else(|| anyhow::anyhow!("the demo customer"))?;
    let cars = sea_orm::sea_query::Query::select()
        .column(vehicles::Column::Id)
        .from(vehicles::Entity)
        .and_where(vehicles::Column::OwnerId.eq(customer.id))
        .to_owned();
    // In the order of their ids: every instance of a cluster answers the same list.
    let activations = activations::Entity::find()
        .filter(activations::Column::VehicleId.in_subquery(cars.clone()))
        .order_by_asc(activations::Column::Id)
        .all(&app.db)
        .await?;
    let of_cars = sea_orm::sea_query::Query::select()
        .column(activations::Column::Id)
        .from(activations::Entity)
        .and_where(activations::Column::VehicleId.in_subquery(cars))
        .to_owned();
    // Oldest first: the last one seen for an activation is its latest charge.
    let payments = payments::Entity::find()
        .filter(payments::Column::ActivationId.in_subquery(of_cars))
        .order_by_asc(payments::Column::Id)
        .all(&app.db)
        .await?;
    let charges: HashMap<Uuid, entity::PaymentStatus> =
        payments.into_iter().filter_map(|payment| Some((payment.activation_id?, payment.status))).collect();
    let states = activations
        .into_iter()
        .map(|activation| ActivationState { charge: charges.get(&activation.id).copied(), activation })
        .collect();
    Ok(states)
}

async fn add_vehicles(State(state): State<Baselines>, Path(count): Path<u32>) -> Result<StatusCode, StatusCode> {
    add_cars(&state.app, count).await.map_err(|error| {
        eprintln!("adding vehicles: {error}");
        StatusCode::INTERNAL_SERVER_ERROR
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives the demo customer `count` more cars, each with nine active features.
async fn add_cars(app: &AppState, count: u32) -> anyhow::Result<()> {
    caas::seed::fleet::add_cars(&app.db, "customer@demo.caas", count, 9).await.map(drop)
}
