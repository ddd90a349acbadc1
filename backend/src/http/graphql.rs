//! GraphQL over HTTP (POST and GET), GraphiQL, and GraphQL over WebSocket (`graphql-transport-ws`).

use std::net::SocketAddr;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse};
use async_graphql_axum::GraphQLResponse;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

use super::HttpState;
use super::errors::{json_error, json_refusal};
use super::websocket::{self, Handshake};
use crate::app::App;
use crate::auth::{AuthError, Viewer};
use crate::domain::Locale;
use crate::error::{ApiError, code};
use crate::graphql::context::{ClientIp, RequestLocale, UserAgent};
use crate::sessions::service::{Credentials, authenticate};

const API_KEY_HEADER: &str = "x-api-key";

pub(super) fn credentials_from_headers(headers: &HeaderMap) -> Result<Credentials, AuthError> {
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
    authenticate(app, &credentials).await.map_err(|err| match err {
        AuthError::Database(_) | AuthError::Internal(_) => {
            let err = ApiError::from(err);
            json_error(StatusCode::INTERNAL_SERVER_ERROR, err.code(), &err.message())
        }
        other => unauthenticated(other),
    })
}

/// The client's browser, as a SEPA mandate's acceptance records it.
fn user_agent(headers: &HeaderMap) -> UserAgent {
    let agent = headers.get(header::USER_AGENT).and_then(|value| value.to_str().ok()).unwrap_or("unknown");
    UserAgent(agent.chars().take(300).collect())
}

/// The client's address as the rate limits and the sign-in lock count it.
fn client_ip(state: &HttpState, peer: SocketAddr, headers: &HeaderMap) -> ClientIp {
    ClientIp(state.proxies.client_address(peer, headers).to_string())
}

fn body_error(rejection: &BytesRejection) -> Response {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        json_error(status, code::BAD_USER_INPUT, "the request body is too large")
    } else {
        json_error(status, code::BAD_USER_INPUT, "the request body could not be read")
    }
}

/// Whether the body is declared JSON. Anything else is refused before it is read: a browser sends
/// `text/plain`, form and multipart bodies across sites without asking (no CORS preflight), so
/// accepting them would let any web page run mutations with a visitor's cookies or network.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("application/graphql-response+json")
}

/// `POST /graphql`: a query, mutation or batch as JSON.
pub async fn post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !is_json(&headers) {
        let message = "send GraphQL requests as `Content-Type: application/json`";
        return json_refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::BAD_USER_INPUT,
            "UNSUPPORTED_MEDIA_TYPE",
            message,
        );
    }
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
    // A persisted query may come as its hash alone (`extensions.persistedQuery`).
    if request.iter().any(|single| single.query.trim().is_empty() && !single.extensions.contains_key("persistedQuery"))
    {
        return json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, "a GraphQL request needs a `query`");
    }
    let max_batch = state.app.config.max_batch;
    if request.iter().count() > max_batch {
        let message = format!("a batch may hold at most {max_batch} operations");
        return json_refusal(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, "BATCH_TOO_LARGE", &message);
    }
    let viewer = match viewer_from_headers(&state.app, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let client = client_ip(&state, peer, &headers);
    let request = request.data(viewer).data(request_locale(&headers)).data(client).data(user_agent(&headers));
    answer(state.graphql.execute_batch(request).await)
}

/// The HTTP answer to a GraphQL response: `429 Too Many Requests` with `Retry-After` when the rate
/// limits refused every operation in it.
fn answer(response: BatchResponse) -> Response {
    let responses: Vec<&async_graphql::Response> = match &response {
        BatchResponse::Single(single) => vec![single],
        BatchResponse::Batch(batch) => batch.iter().collect(),
    };
    let retry_after = responses.iter().map(|single| rate_limited_for(single)).collect::<Option<Vec<u64>>>();
    let mut http = GraphQLResponse(response).into_response();
    if let Some(waits) = retry_after.filter(|waits| !waits.is_empty()) {
        *http.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        let wait = waits.into_iter().max().unwrap_or(1);
        http.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(wait));
    }
    http
}

/// The seconds to wait when the rate limits refused `response`.
fn rate_limited_for(response: &async_graphql::Response) -> Option<u64> {
    response.errors.iter().find_map(|error| {
        let extensions = error.extensions.as_ref()?;
        match (extensions.get("code"), extensions.get("retryAfterSeconds")) {
            (Some(async_graphql::Value::String(code)), Some(async_graphql::Value::Number(wait)))
                if code == code::RATE_LIMITED =>
            {
                wait.as_u64()
            }
            _ => None,
        }
    })
}

/// `GET /graphql`: a WebSocket upgrade, GraphiQL for browsers, or a query in the URL.
pub async fn get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: Uri,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Ok(upgrade) = upgrade {
        return websocket(state, upgrade, headers, peer).await;
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
    // A hash alone does not show what it runs, and GET must not change anything.
    if request.extensions.contains_key("persistedQuery") {
        return json_error(StatusCode::METHOD_NOT_ALLOWED, code::BAD_USER_INPUT, "send persisted queries with POST");
    }
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
    let client = client_ip(&state, peer, headers);
    let request = request.data(viewer).data(request_locale(headers)).data(client).data(user_agent(headers));
    answer(state.graphql.execute(request).await.into())
}

/// Read and write buffer of a GraphQL WebSocket.
const WEBSOCKET_BUFFER_BYTES: usize = 4 * 1024;

/// The sub-protocol spoken on `/graphql` WebSockets.
const GRAPHQL_TRANSPORT_WS: &str = "graphql-transport-ws";

/// Whether a browser page from `Origin` may open a socket: the same site, or an allowed origin. A
/// WebSocket handshake is not subject to CORS, so without this any site could open one with the
/// visitor's network position. Clients that are not browsers send no `Origin`.
fn origin_allowed(app: &App, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let same_site = origin.split_once("://").is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host));
    same_site
        || app.config.cors_origins.iter().any(|allowed| allowed.trim_end_matches('/').eq_ignore_ascii_case(origin))
}

async fn websocket(state: HttpState, upgrade: WebSocketUpgrade, headers: HeaderMap, peer: SocketAddr) -> Response {
    if !origin_allowed(&state.app, &headers) {
        let message = "WebSockets may be opened from this site and the allowed origins only";
        return json_refusal(StatusCode::FORBIDDEN, code::FORBIDDEN, "ORIGIN_NOT_ALLOWED", message);
    }
    let speaks_protocol = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|protocol| protocol.trim() == GRAPHQL_TRANSPORT_WS);
    if !speaks_protocol {
        return json_error(StatusCode::BAD_REQUEST, code::BAD_USER_INPUT, "use the graphql-transport-ws protocol");
    }
    let header_credentials = match credentials_from_headers(&headers) {
        Ok(credentials) => credentials,
        Err(err) => return unauthenticated(err),
    };
    let header_viewer = match viewer_from_headers(&state.app, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let handshake = Handshake {
        locale: request_locale(&headers),
        client: client_ip(&state, peer, &headers),
        header_viewer,
        header_credentials,
    };
    let HttpState { app, graphql, sockets, .. } = state;
    // GraphQL messages are small: a 4 KiB read buffer instead of the default 128 KiB (allocated up
    // front for every connection) keeps ten thousand live subscriptions in tens of megabytes, and
    // a message may be no larger than a request body.
    let upgrade = upgrade
        .read_buffer_size(WEBSOCKET_BUFFER_BYTES)
        .write_buffer_size(WEBSOCKET_BUFFER_BYTES)
        .max_message_size(app.config.max_body_bytes)
        .max_frame_size(app.config.max_body_bytes);
    upgrade
        .protocols([GRAPHQL_TRANSPORT_WS])
        .on_upgrade(move |socket| websocket::serve(socket, graphql, app, sockets, handshake))
}
