//! The HTTP side: routes, middleware and the GraphQL transports (POST, GET, WebSocket).

mod client_address;
mod documents;
mod errors;
mod graphql;
mod iot;
mod layers;
mod oidc;
mod ops;
mod spa;
mod unsubscribe;
mod webhooks;
mod websocket;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use errors::json_error;

use crate::app::AppState;
use crate::pipeline::GraphqlPipeline;
use crate::schema::CaasSchema;

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    /// The application.
    pub app: AppState,
    /// The GraphQL schema, with what every operation passes through around it.
    pub graphql: GraphqlPipeline,
    /// Whose `X-Forwarded-For` tells the client's address.
    pub proxies: std::sync::Arc<client_address::TrustedProxies>,
    /// Open WebSockets per user on this instance.
    pub sockets: std::sync::Arc<websocket::SocketCounts>,
}

/// Every route of the server and the `extra` ones, with its middleware.
pub fn router(app: AppState, schema: CaasSchema, extra: Router) -> Router {
    let config = &app.config;
    // `Config::validate` refused malformed entries at start-up.
    let proxies = client_address::TrustedProxies::new(config.trusted_proxy_networks().unwrap_or_default());
    let sockets = std::sync::Arc::default();
    let graphql = GraphqlPipeline::new(app.clone(), schema);
    let state = HttpState { app: app.clone(), graphql, proxies: std::sync::Arc::new(proxies), sockets };
    let routes = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        // Subscriptions also have a path of their own, so that a development proxy (`trunk serve`)
        // can forward WebSockets apart from plain requests.
        .route("/graphql/ws", get(graphql::get))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/auth/oidc/start", get(oidc::start))
        .route("/auth/oidc/callback", get(oidc::callback))
        .route("/webhooks/factory", post(webhooks::factory))
        .route("/webhooks/payments", post(webhooks::payments))
        .route("/webhooks/sms", post(webhooks::sms))
        .route("/unsubscribe", get(unsubscribe::ask).post(unsubscribe::confirm))
        .route("/iot/v1/vehicles/{vin}/telemetry", post(iot::telemetry))
        .route("/documents/invoices/{file}", get(documents::invoice_pdf))
        .route("/documents/exports/{file}", get(documents::data_export))
        .with_state(state)
        .merge(extra);
    let routes = match spa::router(&config.static_dir) {
        Some(app_pages) => routes.merge(app_pages),
        None => routes.fallback(errors::not_found),
    };
    layers::apply(
        routes.layer(DefaultBodyLimit::max(config.max_body_bytes)),
        &app,
        Duration::from_secs(config.request_timeout_secs),
    )
}
