//! GraphQL over WebSocket, the `graphql-transport-ws` protocol as its specification words it
//! (github.com/enisdenjo/graphql-ws, PROTOCOL.md), with its close codes:
//!
//! | close | when |
//! |---|---|
//! | 4400 | a message that is not JSON, of an unknown type, or binary |
//! | 4401 | `subscribe` before the connection was acknowledged |
//! | 4403 | `connection_init` refused (bad credentials), or the session ended while open |
//! | 4408 | no `connection_init` within the init timeout |
//! | 4409 | `subscribe` with the id of a running subscription |
//! | 4429 | a second `connection_init`, or more connections than one user may hold |
//!
//! An open socket checks its credentials again at the token's expiry and every
//! `CAAS_WS_RECHECK_SECONDS`, and closes when the user signed out, was erased or the key revoked.
//! A connection holds at most `CAAS_WS_MAX_SUBSCRIPTIONS` subscriptions; each one is charged to the
//! rate limits like any operation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::{Request, Response};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::StreamExt;
use futures::stream::BoxStream;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_stream::StreamMap;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{AuthError, Viewer};
use crate::error::ApiError;
use crate::graphql::context::{ClientIp, RequestLocale};
use crate::pipeline::GraphqlPipeline;
use crate::platform::events::{DomainEvent, Stamped, Topic};
use crate::sessions::service::{Credentials, authenticate};

/// A message from the client.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {
        #[serde(default)]
        payload: Option<Value>,
    },
    /// Its payload, if any, is ignored.
    Pong {},
    Subscribe {
        id: String,
        payload: Box<Request>,
    },
    Complete {
        id: String,
    },
}

/// A `next` message.
#[derive(serde::Serialize)]
struct Next<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    payload: &'a Response,
}

/// Why the server closes a socket: the code and the reason the protocol gives it.
#[derive(Debug)]
struct Close(u16, String);

impl Close {
    fn bad_message(detail: impl std::fmt::Display) -> Self {
        Self(4400, format!("invalid message: {detail}"))
    }
}

/// Open sockets per user or API key on this instance.
#[derive(Debug, Default)]
pub struct SocketCounts {
    open: Mutex<HashMap<Uuid, usize>>,
}

impl SocketCounts {
    /// Counts a socket of `owner` unless it already holds `max`.
    fn open(self: &Arc<Self>, owner: Uuid, max: usize) -> Option<SocketSlot> {
        let mut open = self.open.lock().ok()?;
        let count = open.entry(owner).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(SocketSlot { counts: self.clone(), owner })
    }
}

/// A counted socket; dropping it releases the count.
struct SocketSlot {
    counts: Arc<SocketCounts>,
    owner: Uuid,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.counts.open.lock()
            && let Some(count) = open.get_mut(&self.owner)
        {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.owner);
            }
        }
    }
}

/// What a connection was opened with.
pub struct Handshake {
    /// The language of the upgrade request, for every operation of the socket.
    pub locale: RequestLocale,
    /// The client's address.
    pub client: ClientIp,
    /// The viewer the upgrade request's headers proved, used when `connection_init` has none.
    pub header_viewer: Viewer,
    /// The credentials of those headers, to check again while the socket is open.
    pub header_credentials: Credentials,
}

/// The acknowledged connection: who, and how to check it again.
struct Session {
    viewer: Viewer,
    credentials: Credentials,
    _slot: Option<SocketSlot>,
}

/// Serves one socket until either side closes it.
pub async fn serve(
    mut socket: WebSocket,
    graphql: GraphqlPipeline,
    app: AppState,
    counts: Arc<SocketCounts>,
    handshake: Handshake,
) {
    let gauge = app.metrics.websocket_connections.clone();
    gauge.inc();
    let mut connection = Connection { graphql, app, counts, handshake, session: None };
    let mut streams = Running::new();
    let config = &connection.app.config;
    let init_deadline = tokio::time::sleep(Duration::from_secs(config.ws_init_timeout_secs));
    tokio::pin!(init_deadline);
    let mut recheck = tokio::time::interval(Duration::from_secs(config.ws_recheck_secs.max(1)));
    recheck.tick().await;
    // Made once: a new one per turn of the loop would join and leave the one list of waiters that
    // every connection of the instance shares.
    let stopped = connection.app.stopping.clone().cancelled_owned();
    tokio::pin!(stopped);
    // The signed-in user's events: an account disabled or erased closes the connection at once.
    let mut account_events: Option<BoxStream<'static, Stamped>> = None;
    let outcome: Result<(), Close> = loop {
        if account_events.is_none() {
            account_events = connection.account_events();
        }
        tokio::select! {
            () = &mut stopped => {
                // 1012 Service Restart: the client connects again (to another instance) and its
                // subscriptions start over from the current state.
                break Err(Close(1012, "The server is restarting; connect again".into()));
            }
            () = &mut init_deadline, if connection.session.is_none() => {
                break Err(Close(4408, "Connection initialisation timeout".into()));
            }
            _ = recheck.tick(), if connection.session.is_some() => {
                if let Err(close) = connection.recheck().await {
                    break Err(close);
                }
            }
            Some((_, event)) = next_of(&mut account_events) => {
                if let DomainEvent::SessionsEnded { user_id } = event {
                    connection.app.sessions.forget_user(user_id);
                    if let Err(close) = connection.recheck().await {
                        break Err(close);
                    }
                }
            }
            Some((id, response)) = streams.next(), if !streams.is_empty() => {
                let message = match response {
                    // Serialized straight from the response: a JSON value would sort the fields the
                    // query asked for in its own order.
                    Some(response) => serde_json::to_string(&Next { id: &id, kind: "next", payload: &response })
                        .unwrap_or_default(),
                    None => {
                        // Gone at once: the client may reuse the id as soon as it reads this.
                        streams.remove(&id);
                        json!({ "id": id, "type": "complete" }).to_string()
                    }
                };
                if socket.send(Message::text(message)).await.is_err() {
                    break Ok(());
                }
            }
            received = socket.recv() => {
                let text = match received {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => break Err(Close::bad_message("binary messages are not part of the protocol")),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break Ok(()),
                };
                match connection.handle(text.as_str(), &mut streams).await {
                    Ok(Some(reply)) => {
                        if socket.send(Message::text(reply.to_string())).await.is_err() {
                            break Ok(());
                        }
                    }
                    Ok(None) => {}
                    Err(close) => break Err(close),
                }
            }
        }
    };
    if let Err(Close(code, reason)) = outcome {
        let frame = CloseFrame { code, reason: close_reason(reason).into() };
        let _ = socket.send(Message::Close(Some(frame))).await;
    }
    gauge.dec();
}

/// A connection's running subscriptions by id, each yielding its answers and then `None`. Polled
/// as one keyed map (a connection holds few): no task of a set is woken per event, and a client's
/// `complete` drops its subscription there and then.
type Running = StreamMap<String, BoxStream<'static, Option<Response>>>;

struct Connection {
    graphql: GraphqlPipeline,
    app: AppState,
    counts: Arc<SocketCounts>,
    handshake: Handshake,
    session: Option<Session>,
}

/// The next item of `stream`, or never when there is none.
async fn next_of(stream: &mut Option<BoxStream<'static, Stamped>>) -> Option<Stamped> {
    match stream {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

impl Connection {
    /// The events of the signed-in user of this connection, once it has one.
    fn account_events(&self) -> Option<BoxStream<'static, Stamped>> {
        match &self.session.as_ref()?.viewer {
            Viewer::User(user) => Some(self.app.events.subscribe_topic(Topic::User(user.id))),
            _ => None,
        }
    }

    /// Handles one message; the reply to send, if any, or why to close.
    async fn handle(&mut self, text: &str, streams: &mut Running) -> Result<Option<Value>, Close> {
        let message: ClientMessage = serde_json::from_str(text).map_err(Close::bad_message)?;
        match message {
            ClientMessage::ConnectionInit { payload } => self.init(payload.unwrap_or_default()).await.map(Some),
            ClientMessage::Ping { payload } => Ok(Some(
                payload
                    .map_or_else(|| json!({ "type": "pong" }), |payload| json!({ "type": "pong", "payload": payload })),
            )),
            ClientMessage::Pong { .. } => Ok(None),
            ClientMessage::Subscribe { id, payload } => self.subscribe(id, *payload, streams),
            ClientMessage::Complete { id } => {
                // Ended here; the client expects nothing more for it.
                streams.remove(&id);
                Ok(None)
            }
        }
    }

    async fn init(&mut self, payload: Value) -> Result<Value, Close> {
        if self.session.is_some() {
            return Err(Close(4429, "Too many initialisation requests".into()));
        }
        let forbidden = |err: AuthError| Close(4403, format!("Forbidden: {}", ApiError::from(err).message()));
        let credentials = credentials_from_init(&payload).map_err(forbidden)?;
        let (viewer, credentials) = match (&credentials.bearer, &credentials.api_key) {
            (None, None) => {
                (self.handshake.header_viewer.clone(), std::mem::take(&mut self.handshake.header_credentials))
            }
            _ => (authenticate(&self.app, &credentials).await.map_err(forbidden)?, credentials),
        };
        let slot = match owner_of(&viewer) {
            Some(owner) => {
                let max = self.app.config.ws_max_connections_per_user;
                Some(
                    self.counts
                        .open(owner, max)
                        .ok_or_else(|| Close(4429, format!("Too many connections: at most {max} per user")))?,
                )
            }
            None => None,
        };
        self.session = Some(Session { viewer, credentials, _slot: slot });
        Ok(json!({ "type": "connection_ack" }))
    }

    fn subscribe(&mut self, id: String, request: Request, streams: &mut Running) -> Result<Option<Value>, Close> {
        let Some(session) = &self.session else {
            return Err(Close(4401, "Unauthorized".into()));
        };
        if streams.contains_key(&id) {
            return Err(Close(4409, format!("Subscriber for {id} already exists")));
        }
        let max = self.app.config.ws_max_subscriptions;
        if streams.len() >= max {
            let refusal = ApiError::RateLimited {
                message: format!("a connection may hold at most {max} subscriptions"),
                retry_after_seconds: 1,
            };
            let error = refusal.into_graphql().into_server_error(Default::default());
            return Ok(Some(json!({ "id": id, "type": "error", "payload": [error] })));
        }
        let request =
            request.data(session.viewer.clone()).data(self.handshake.locale).data(self.handshake.client.clone());
        let responses = self.graphql.execute_stream(request);
        // `None` after the last answer: the server's `complete`.
        streams.insert(id, responses.map(Some).chain(futures::stream::once(async { None })).boxed());
        Ok(None)
    }

    /// Checks the connection's credentials again; closes when they no longer hold.
    async fn recheck(&self) -> Result<(), Close> {
        let Some(session) = &self.session else { return Ok(()) };
        if session.credentials.bearer.is_none() && session.credentials.api_key.is_none() {
            return Ok(());
        }
        match authenticate(&self.app, &session.credentials).await {
            Ok(_) => Ok(()),
            Err(AuthError::Database(_) | AuthError::Internal(_)) => Ok(()),
            Err(AuthError::TokenExpired) => Err(Close(4401, "Unauthorized: the access token has expired".into())),
            Err(err) => Err(Close(4403, format!("Forbidden: {}", ApiError::from(err).message()))),
        }
    }
}

/// A close frame's reason fits in 123 bytes: longer ones are cut at a character boundary.
fn close_reason(mut reason: String) -> String {
    const MAX: usize = 123;
    if reason.len() > MAX {
        let mut end = MAX;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
    reason
}

/// Whose connections are counted: a user's or an API key's.
fn owner_of(viewer: &Viewer) -> Option<Uuid> {
    match viewer {
        Viewer::User(user) => Some(user.id),
        Viewer::Partner(partner) => Some(partner.key_id),
        Viewer::Anonymous => None,
    }
}

/// The `connection_init` payload: `{"authorization": "Bearer …"}` or `{"apiKey": "…"}`.
fn credentials_from_init(payload: &Value) -> Result<Credentials, AuthError> {
    let text = |keys: &[&str]| {
        keys.iter().find_map(|key| payload.get(*key).and_then(|value| value.as_str()).map(str::to_owned))
    };
    let bearer = match text(&["authorization", "Authorization"]) {
        Some(value) => Some(value.strip_prefix("Bearer ").ok_or(AuthError::TokenInvalid)?.trim().to_owned()),
        None => text(&["accessToken", "token"]),
    };
    Ok(Credentials { bearer, api_key: text(&["apiKey", "x-api-key"]) })
}
