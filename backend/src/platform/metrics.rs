//! Prometheus metrics: HTTP requests and latencies, GraphQL operations and errors, SQL statements.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::Statement;

/// Labels of an HTTP request: the route pattern (never the raw path, to bound cardinality).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    /// Request method.
    pub method: String,
    /// Matched route, e.g. `/graphql`.
    pub route: String,
    /// Response status code.
    pub status: u16,
}

/// Labels of a latency sample.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// Request method.
    pub method: String,
    /// Matched route.
    pub route: String,
}

/// Labels of a GraphQL operation: its type and root field (names from the schema only).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    /// `query`, `mutation` or `subscription`.
    pub kind: String,
    /// The root field, e.g. `catalog`.
    pub field: String,
}

/// Labels of a GraphQL error.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    /// The `extensions.code` sent to the client.
    pub code: String,
}

/// Labels of a periodic task.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TaskLabels {
    /// The task, e.g. `scheduler`.
    pub task: String,
}

/// Labels of a persisted query's outcome: `with_text`, `hash_only` or `not_found`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PersistedLabels {
    /// What the request sent, and whether the hash was known.
    pub outcome: String,
}

/// Labels of a telemetry reading's fate: `stored`, or why it was refused (`duplicate`,
/// `bad_signature`, …).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReadingLabels {
    /// What became of it.
    pub outcome: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms to ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// Every metric the server exports, registered once at start-up.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    /// HTTP requests served.
    pub http_requests: Family<HttpLabels, Counter>,
    /// HTTP request latency.
    pub http_latency: HistogramFamily<RouteLabels>,
    /// GraphQL operations that passed validation.
    pub graphql_operations: Family<OperationLabels, Counter>,
    /// GraphQL errors sent, by code.
    pub graphql_errors: Family<ErrorLabels, Counter>,
    /// SQL statements sent to the database.
    pub db_statements: Counter,
    /// SQL statements that failed.
    pub db_failures: Counter,
    /// Open GraphQL WebSocket connections.
    pub websocket_connections: Gauge,
    /// Events this instance's relay published to the broker.
    pub events_relayed: Counter,
    /// Events this instance received from the broker and handed to its subscribers.
    pub events_received: Counter,
    /// Second copies of events received and dropped.
    pub events_duplicates: Counter,
    /// Periodic tasks this instance runs now (1 per lease held).
    pub leases_held: Family<TaskLabels, Gauge>,
    /// Telemetry readings received, by what became of them.
    pub telemetry_readings: Family<ReadingLabels, Counter>,
    /// Requests that used persisted queries, by outcome.
    pub persisted_queries: Family<PersistedLabels, Counter>,
    /// The statements sent while recording is on (for the benchmarks).
    pub statement_log: StatementLog,
}

/// Records the SQL statements sent while switched on: the benchmarks replay a request's exact
/// statements without GraphQL, to measure what GraphQL itself costs. Off, it costs an atomic load
/// per statement.
#[derive(Clone, Default)]
pub struct StatementLog {
    on: Arc<AtomicBool>,
    statements: Arc<Mutex<Vec<Statement>>>,
}

impl StatementLog {
    /// Starts recording (forgetting what an earlier recording kept).
    pub fn start(&self) {
        self.lock().clear();
        self.on.store(true, Ordering::SeqCst);
    }

    /// Stops recording and returns the statements sent since [`StatementLog::start`].
    pub fn stop(&self) -> Vec<Statement> {
        self.on.store(false, Ordering::SeqCst);
        std::mem::take(&mut *self.lock())
    }

    /// Keeps `statement` when recording.
    pub fn record(&self, statement: &Statement) {
        if self.on.load(Ordering::Relaxed) {
            self.lock().push(statement.clone());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Statement>> {
        // A panic while holding the lock leaves a plain list behind: still usable.
        self.statements.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates and registers every metric under the `caas_` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("caas");
        let http_requests = Family::<HttpLabels, Counter>::default();
        let http_latency: HistogramFamily<RouteLabels> = Family::new_with_constructor(latency_histogram);
        let graphql_operations = Family::<OperationLabels, Counter>::default();
        let graphql_errors = Family::<ErrorLabels, Counter>::default();
        let db_statements = Counter::default();
        let db_failures = Counter::default();
        let websocket_connections = Gauge::default();
        registry.register("http_requests", "HTTP requests served", http_requests.clone());
        registry.register("http_request_duration_seconds", "HTTP request latency", http_latency.clone());
        registry.register("graphql_operations", "GraphQL operations executed", graphql_operations.clone());
        registry.register("graphql_errors", "GraphQL errors returned, by code", graphql_errors.clone());
        registry.register("db_statements", "SQL statements executed", db_statements.clone());
        registry.register("db_statement_failures", "SQL statements that failed", db_failures.clone());
        registry.register("websocket_connections", "Open GraphQL WebSocket connections", websocket_connections.clone());
        let (events_relayed, events_received, events_duplicates) = Default::default();
        let leases_held = Family::<TaskLabels, Gauge>::default();
        registry.register(
            "events_relayed",
            "Events published from the outbox to the broker",
            Counter::clone(&events_relayed),
        );
        registry.register("events_received", "Events received from the broker", Counter::clone(&events_received));
        registry.register("events_duplicates", "Second copies of events dropped", Counter::clone(&events_duplicates));
        registry.register("leases_held", "Periodic tasks this instance runs", leases_held.clone());
        let telemetry_readings = Family::<ReadingLabels, Counter>::default();
        registry.register(
            "telemetry_readings",
            "Telemetry readings received: stored, or refused and why",
            telemetry_readings.clone(),
        );
        let persisted_queries = Family::<PersistedLabels, Counter>::default();
        registry.register(
            "persisted_queries",
            "GraphQL requests with a persisted query: with its text, its hash alone, or an unknown hash",
            persisted_queries.clone(),
        );
        Self {
            registry: Arc::new(registry),
            http_requests,
            http_latency,
            graphql_operations,
            graphql_errors,
            db_statements,
            db_failures,
            websocket_connections,
            events_relayed,
            events_received,
            events_duplicates,
            leases_held,
            telemetry_readings,
            persisted_queries,
            statement_log: StatementLog::default(),
        }
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// Counts `count` telemetry readings with `outcome`.
    pub fn count_readings(&self, outcome: &str, count: usize) {
        if count > 0 {
            self.telemetry_readings.get_or_create(&ReadingLabels { outcome: outcome.to_owned() }).inc_by(count as u64);
        }
    }

    /// Counts one GraphQL error with its code.
    pub fn count_error(&self, code: &str) {
        self.graphql_errors.get_or_create(&ErrorLabels { code: code.to_owned() }).inc();
    }
}
