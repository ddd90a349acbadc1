//! A small `graphql-transport-ws` client.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// An open GraphQL WebSocket.
pub struct GqlSocket {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the server sent.
#[derive(Debug)]
pub enum Frame {
    /// A protocol message.
    Message(Value),
    /// The server closed the connection with this code and reason.
    Closed(Option<(u16, String)>),
}

impl GqlSocket {
    /// Connects to `http_address` and sends `connection_init` with `payload`; does not wait for the
    /// acknowledgement.
    pub async fn connect(http_address: &str, payload: Value) -> Self {
        Self::connect_to(http_address, "/graphql", payload).await
    }

    /// [`GqlSocket::connect`] at another `path` of the server.
    pub async fn connect_to(http_address: &str, path: &str, payload: Value) -> Self {
        let mut socket = Self::open(http_address, path, &[]).await.expect("websocket connects");
        socket.send(json!({ "type": "connection_init", "payload": payload })).await;
        socket
    }

    /// Opens a socket at `path` with extra handshake `headers` and sends nothing; the HTTP status
    /// when the server refuses the upgrade.
    pub async fn open(http_address: &str, path: &str, headers: &[(&'static str, &str)]) -> Result<Self, u16> {
        let url = format!("{}{path}", http_address.replacen("http", "ws", 1));
        let mut request = url.into_client_request().expect("request");
        request.headers_mut().insert("sec-websocket-protocol", HeaderValue::from_static("graphql-transport-ws"));
        for (name, value) in headers {
            request.headers_mut().insert(*name, HeaderValue::from_str(value).expect("header value"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Self { socket }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(err) => panic!("websocket handshake failed: {err}"),
        }
    }

    /// Sends raw text, as a broken or hostile client would.
    pub async fn send_text(&mut self, text: &str) {
        self.socket.send(Message::text(text.to_owned())).await.expect("send");
    }

    /// Connects and waits for `connection_ack`.
    pub async fn connect_acked(http_address: &str, payload: Value) -> Self {
        Self::connect_acked_to(http_address, "/graphql", payload).await
    }

    /// [`GqlSocket::connect_acked`] at another `path` of the server.
    pub async fn connect_acked_to(http_address: &str, path: &str, payload: Value) -> Self {
        let mut socket = Self::connect_to(http_address, path, payload).await;
        match socket.next().await {
            Frame::Message(message) if message["type"] == "connection_ack" => socket,
            other => panic!("expected connection_ack, got {other:?}"),
        }
    }

    /// Sends a protocol message.
    pub async fn send(&mut self, message: Value) {
        self.socket.send(Message::text(message.to_string())).await.expect("send");
    }

    /// Starts a subscription with `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next message or close, skipping pings; panics after 10 s of silence.
    pub async fn next(&mut self) -> Frame {
        match self.next_text().await {
            Ok(text) => Frame::Message(serde_json::from_str(&text).expect("JSON frame")),
            Err(close) => Frame::Closed(close),
        }
    }

    /// The next message as the server wrote it (for the order of its keys), skipping pings; panics
    /// on close.
    pub async fn next_message_text(&mut self) -> String {
        self.next_text().await.unwrap_or_else(|close| panic!("socket closed ({close:?})"))
    }

    /// Connects and waits for `connection_ack`; `None` when the server is not there or refuses.
    pub async fn try_connect_acked(http_address: &str, payload: Value) -> Option<Self> {
        let url = format!("{}/graphql", http_address.replacen("http", "ws", 1));
        let mut request = url.into_client_request().ok()?;
        request.headers_mut().insert("sec-websocket-protocol", HeaderValue::from_static("graphql-transport-ws"));
        let (socket, _) = tokio_tungstenite::connect_async(request).await.ok()?;
        let mut socket = Self { socket };
        let init = json!({ "type": "connection_init", "payload": payload });
        socket.socket.send(Message::text(init.to_string())).await.ok()?;
        match socket.next_within(Duration::from_secs(10)).await {
            Some(Frame::Message(message)) if message["type"] == "connection_ack" => Some(socket),
            _ => None,
        }
    }

    /// Starts a subscription with `id`: false when the connection is gone.
    pub async fn try_subscribe(&mut self, id: &str, query: &str, variables: Value) -> bool {
        let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } });
        self.socket.send(Message::text(message.to_string())).await.is_ok()
    }

    /// The next message or close, skipping pings; `None` after `wait` of silence.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Frame> {
        match self.read_text(wait).await? {
            Ok(text) => Some(serde_json::from_str(&text).map_or(Frame::Closed(None), Frame::Message)),
            Err(close) => Some(Frame::Closed(close)),
        }
    }

    /// The text of the next message, or the close code and reason.
    async fn next_text(&mut self) -> Result<String, Option<(u16, String)>> {
        self.read_text(Duration::from_secs(10)).await.expect("a frame within 10 s")
    }

    /// [`GqlSocket::next_text`] within `wait`.
    async fn read_text(&mut self, wait: Duration) -> Option<Result<String, Option<(u16, String)>>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let received = tokio::time::timeout_at(deadline, self.socket.next()).await.ok()?;
            match received {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).expect("JSON frame");
                    if value["type"] == "ping" {
                        // A pong that cannot go out shows as the close that follows.
                        let _ = self.socket.send(Message::text(json!({ "type": "pong" }).to_string())).await;
                        continue;
                    }
                    return Some(Ok(text.to_string()));
                }
                Some(Ok(Message::Close(frame))) => {
                    return Some(Err(frame.map(|f| (u16::from(f.code), f.reason.to_string()))));
                }
                Some(Ok(_)) => continue,
                Some(Err(err)) => {
                    eprintln!("the socket failed: {err}");
                    return Some(Err(None));
                }
                None => return Some(Err(None)),
            }
        }
    }

    /// The next protocol message; panics on close.
    pub async fn next_message(&mut self) -> Value {
        match self.next().await {
            Frame::Message(message) => message,
            Frame::Closed(code) => panic!("socket closed ({code:?})"),
        }
    }
}
