//! Logging: `tracing` with an env-style filter, as pretty lines or JSON.

use tracing_subscriber::filter::{FilterExt, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

use crate::config::LogFormat;

/// Libraries whose most detailed levels record what must never be logged, held below those levels
/// whatever the filter asks for: SeaORM's trace spans carry every statement with its values
/// inlined (personal data, password hashes, token fingerprints); the HTTP, TLS and WebSocket
/// libraries' trace events carry headers and raw bytes.
const CAPPED: &[(&str, LevelFilter)] = &[
    ("sea_orm", LevelFilter::DEBUG),
    ("sqlx", LevelFilter::INFO),
    ("hyper", LevelFilter::DEBUG),
    ("hyper_util", LevelFilter::DEBUG),
    ("h2", LevelFilter::DEBUG),
    ("rustls", LevelFilter::DEBUG),
    ("tungstenite", LevelFilter::DEBUG),
    ("lettre", LevelFilter::DEBUG),
    ("reqwest", LevelFilter::DEBUG),
];

/// The filter `requested`, and no more than [`CAPPED`] allows.
fn filter_of(
    requested: &str,
) -> impl tracing_subscriber::layer::Filter<tracing_subscriber::Registry> + Send + Sync + use<> {
    let requested = EnvFilter::try_new(requested).unwrap_or_else(|_| EnvFilter::new("info"));
    requested.and(Targets::new().with_default(LevelFilter::TRACE).with_targets(CAPPED.iter().copied()))
}

/// Installs the global subscriber writing to standard output; later calls (as in tests) are ignored.
pub fn init(filter: &str, format: LogFormat) {
    init_writing_to(filter, format, std::io::stdout);
}

/// [`init`] with another destination: the log scan test reads what the server would print.
pub fn init_writing_to<W>(filter: &str, format: LogFormat, writer: W)
where
    W: for<'w> fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let layer = match format {
        LogFormat::Json => fmt::layer()
            .json()
            .flatten_event(true)
            .with_target(true)
            .with_writer(writer)
            .with_filter(filter_of(filter))
            .boxed(),
        LogFormat::Pretty => {
            fmt::layer().compact().with_target(true).with_writer(writer).with_filter(filter_of(filter)).boxed()
        }
    };
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// The message a panic carried (`panic!` with a literal or a formatted text), for the log.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
