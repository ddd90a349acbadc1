//! Middleware: request ids and tracing, metrics, security headers, CORS, compression, timeouts and
//! a panic guard.

use std::any::Any;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::errors::json_error;
use crate::app::{App, AppState};
use crate::error::code;
use crate::platform::metrics::{HttpLabels, RouteLabels};

/// Wraps `routes` in the middleware stack (outermost first).
pub fn apply(routes: Router, app: &AppState, timeout: Duration) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let stack = ServiceBuilder::new()
        .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, HeaderName::from_static("x-api-key")]))
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(app.clone(), track_metrics))
        // Headers that keep browsers from misusing our responses; a handler may set a looser CSP.
        .layer(response_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(response_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(response_header(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(response_header(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ))
        .layer(response_header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .option_layer(
            app.config
                .is_production()
                .then(|| response_header(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains")),
        )
        .option_layer(cors(&app.config.cors_origins))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout));
    routes.layer(stack)
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = crate::logging::panic_message(panic.as_ref());
    tracing::error!(panic = %detail, "a request handler panicked");
    json_error(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, "internal error")
}

async fn track_metrics(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    record(&app, method, route, response.status(), started.elapsed());
    response
}

fn record(app: &App, method: String, route: String, status: StatusCode, elapsed: Duration) {
    let metrics = &app.metrics;
    metrics
        .http_requests
        .get_or_create(&HttpLabels { method: method.clone(), route: route.clone(), status: status.as_u16() })
        .inc();
    metrics.http_latency.get_or_create(&RouteLabels { method, route }).observe(elapsed.as_secs_f64());
}

fn response_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// The policy for our own pages: scripts only from us (and Wasm), nothing framing us.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self' ws: wss:; frame-ancestors 'none'";

fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> =
        origins.iter().filter(|o| !o.trim().is_empty()).filter_map(|o| HeaderValue::from_str(o.trim()).ok()).collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, HeaderName::from_static("x-api-key")])
            .max_age(Duration::from_secs(3600)),
    )
}
