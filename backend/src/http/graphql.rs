//! GraphQL over HTTP (POST and GET), GraphiQL, and GraphQL over WebSocket (`graphql-transport-ws`).

use std::net::SocketAddr;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource};
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, Data};
use async_graphql_axum::{GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

use super::HttpState;
use super::errors::json_error;
use crate::app::App;
use crate::auth::{AuthError, Viewer};
use crate::domain::Locale;
use crate::error::{ApiError, code};
use crate::graphql::context::{ClientIp, RequestLocale};
use crate::sessions::service::{Credentials, authenticate};

const API_KEY_HEADER: &str = "x-api-key";

fn credentials_from_headers(headers: &HeaderMap) -> Result<Credentials, AuthError> {
    let bearer = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => {
            let value = value.to_str().map_err(|_| AuthError::TokenInvalid)?;
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .ok_or(AuthError::TokenInvalid)?;
            Some(token.trim().to_owned())
        }
    };
    let api_key = match headers.get(API_KEY_HEADER) {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| AuthError::ApiKeyInvalid)?.trim().to_owned()),
    };
    Ok(Credentials { bearer, api_key })
}

fn request_locale(headers: &HeaderMap) -> RequestLocale {
    let negotiated =
        headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()).and_then(Locale::negotiate);
    RequestLocale(negotiated.unwrap_or_default())
}

fn unauthenticated(err: AuthError) -> Response {
    let err = ApiError::from(err);
    let mut response = json_error(StatusCode::UNAUTHORIZED, err.code(), &err.message());
    response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    response
}

async fn viewer_from_headers(app: &App, headers: &HeaderMap) -> Result<Viewer, Response> {
    let credentials = credentials_from_headers(headers).map_err(unauthenticated)?;
    let viewer = authenticate(app, &credentials).await.map_err(|err| match err {
        AuthError::Database(_) | AuthError::Internal(_) => {
            let err = ApiError::from(err);
            json_error(StatusCode::INTERNAL_SERVER_ERROR, err.code(), &err.message())
        }
        other => unauthenticated(other),
    })?;
    admit_partner(app, &viewer).map_err(|retry_after| {
        let message = format!("this API key made too many requests; retry in {retry_after} s");
        let mut response = json_error(StatusCode::TOO_MANY_REQUESTS, code::RATE_LIMITED, &message);
        response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
        response
    })?;
    Ok(viewer)
}

/// Applies the per-key limit to partner apps; the error is the seconds to wait.
fn admit_partner(app: &App, viewer: &Viewer) -> Result<(), u64> {
    match (viewer, &app.partner_limiter) {
        (Viewer::Partner(partner), Some(limiter)) => limiter.check(partner.key_id),
        _ => Ok(()),
    }
}

fn body_error(rejection: &BytesRejection) -> Response {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        json_error(status, code::BAD_USER_INPUT, "the request body is too large")
    } else {
        json_error(status, code::BAD_USER_INPUT, "the request body could not be read")
    }
}

/// `POST /graphql`: a query, mutation or batch as JSON.
pub async fn post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return body_error(&rejection),
    };
    let request: BatchRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            let message = format!("the body is not a GraphQL request in JSON: {err}");
            return json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, &message);
        }
    };
    if request.iter().any(|single| single.query.trim().is_empty()) {
        return json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, "a GraphQL request needs a `query`");
    }
    let viewer = match viewer_from_headers(&state.app, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let request = request.data(viewer).data(request_locale(&headers)).data(ClientIp(peer.ip().to_string()));
    GraphQLResponse(state.schema.execute_batch(request).await).into_response()
}

/// `GET /graphql`: a WebSocket upgrade, GraphiQL for browsers, or a query in the URL.
pub async fn get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: Uri,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    protocol: Result<GraphQLProtocol, StatusCode>,
) -> Response {
    if let Ok(upgrade) = upgrade {
        let Ok(protocol) = protocol else {
            return json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, "use the graphql-transport-ws protocol");
        };
        return websocket(state, upgrade, protocol, headers, peer).await;
    }
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if uri.query().is_none() || wants_html {
        return graphiql(&state);
    }
    query_in_url(state, &headers, peer, uri.query().unwrap_or_default()).await
}

fn graphiql(state: &HttpState) -> Response {
    if !state.app.config.graphiql_enabled() {
        return json_error(StatusCode::NOT_FOUND, code::NOT_FOUND, "GraphiQL is disabled; POST queries to /graphql");
    }
    let page =
        GraphiQLSource::build().endpoint("/graphql").subscription_endpoint("/graphql").title("CaaS API").finish();
    // GraphiQL's page loads its scripts and styles from a CDN: allow that for this page only.
    let csp = "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; \
               style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: https:; \
               font-src 'self' data: https:; connect-src 'self' ws: wss:";
    ([(header::CONTENT_SECURITY_POLICY, csp)], Html(page)).into_response()
}

async fn query_in_url(state: HttpState, headers: &HeaderMap, peer: SocketAddr, query: &str) -> Response {
    let request = match async_graphql::http::parse_query_string(query) {
        Ok(request) => request,
        Err(err) => {
            let message = format!("the URL does not carry a GraphQL request: {err}");
            return json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, &message);
        }
    };
    // GET must not change anything: mutations go by POST.
    let is_mutation = async_graphql::parser::parse_query(&request.query)
        .is_ok_and(|doc| doc.operations.iter().any(|(_, op)| op.node.ty == OperationType::Mutation));
    if is_mutation {
        return json_error(StatusCode::METHOD_NOT_ALLOWED, code::BAD_USER_INPUT, "send mutations with POST");
    }
    let viewer = match viewer_from_headers(&state.app, headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let request = request.data(viewer).data(request_locale(headers)).data(ClientIp(peer.ip().to_string()));
    GraphQLResponse(state.schema.execute(request).await.into()).into_response()
}

/// The `connection_init` payload: `{"authorization": "Bearer …"}` or `{"apiKey": "…"}`.
fn credentials_from_init(payload: &serde_json::Value) -> Result<Credentials, AuthError> {
    let text = |keys: &[&str]| {
        keys.iter().find_map(|key| payload.get(*key).and_then(|value| value.as_str()).map(str::to_owned))
    };
    let bearer = match text(&["authorization", "Authorization"]) {
        Some(value) => Some(value.strip_prefix("Bearer ").ok_or(AuthError::TokenInvalid)?.trim().to_owned()),
        None => text(&["accessToken", "token"]),
    };
    Ok(Credentials { bearer, api_key: text(&["apiKey", "x-api-key"]) })
}

/// Read and write buffer of a GraphQL WebSocket.
const WEBSOCKET_BUFFER_BYTES: usize = 4 * 1024;

async fn websocket(
    state: HttpState,
    upgrade: WebSocketUpgrade,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    peer: SocketAddr,
) -> Response {
    let header_viewer = match viewer_from_headers(&state.app, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let mut base = Data::default();
    base.insert(request_locale(&headers));
    base.insert(ClientIp(peer.ip().to_string()));
    let HttpState { app, schema } = state;
    // GraphQL messages are small: a 4 KiB read buffer instead of the default 128 KiB (allocated up
    // front for every connection) keeps ten thousand live subscriptions in tens of megabytes, and
    // a message may be no larger than a request body.
    let upgrade = upgrade
        .read_buffer_size(WEBSOCKET_BUFFER_BYTES)
        .write_buffer_size(WEBSOCKET_BUFFER_BYTES)
        .max_message_size(app.config.max_body_bytes)
        .max_frame_size(app.config.max_body_bytes);
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| async move {
        let gauge = app.metrics.websocket_connections.clone();
        gauge.inc();
        GraphQLWebSocket::new(socket, schema, protocol)
            .with_data(base)
            .on_connection_init(move |payload| async move {
                let credentials = credentials_from_init(&payload).map_err(|err| ApiError::from(err).into_graphql())?;
                let viewer = match (&credentials.bearer, &credentials.api_key) {
                    (None, None) => header_viewer,
                    _ => authenticate(&app, &credentials).await.map_err(|err| ApiError::from(err).into_graphql())?,
                };
                admit_partner(&app, &viewer).map_err(|retry_after| {
                    let message = "this API key made too many requests".to_owned();
                    ApiError::RateLimited { message, retry_after_seconds: retry_after }.into_graphql()
                })?;
                let mut data = Data::default();
                data.insert(viewer);
                Ok(data)
            })
            .serve()
            .await;
        gauge.dec();
    })
}
