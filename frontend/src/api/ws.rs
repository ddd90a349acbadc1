//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`), reconnecting with backoff while
//! the subscriber is still there.

use std::cell::Cell;
use std::rc::Rc;

use futures::{SinkExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use graphql_client::GraphQLQuery;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use serde_json::value::RawValue;
use yew::Callback;

use super::Api;

/// A live subscription; dropping it ends it.
pub struct Subscription {
    alive: Rc<Cell<bool>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.alive.set(false);
    }
}

fn endpoint() -> String {
    let location = web_sys::window().expect("window").location();
    let scheme = if location.protocol().unwrap_or_default() == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{}/graphql/ws", location.host().unwrap_or_default())
}

/// Subscribes to the subscription `Q`. `on_event` gets each event, and `None` when the connection
/// came back after a break (events may have been missed: reload what is shown). Events the app
/// cannot read are skipped rather than shown.
pub fn subscribe<Q>(api: &Api, variables: Q::Variables, on_event: Callback<Option<Q::ResponseData>>) -> Subscription
where
    Q: GraphQLQuery,
    Q::ResponseData: DeserializeOwned + 'static,
{
    let on_text = Callback::from(move |data: Option<String>| match data {
        Some(data) => {
            if let Ok(data) = super::client::parse::<Q::ResponseData>(&data) {
                on_event.emit(Some(data));
            }
        }
        None => on_event.emit(None),
    });
    subscribe_text(api, super::client::body::<Q>(variables), on_text)
}

/// The part of [`subscribe`] that does not depend on the operation (it exists once in the app).
fn subscribe_text(api: &Api, payload: String, on_text: Callback<Option<String>>) -> Subscription {
    let alive = Rc::new(Cell::new(true));
    let api = api.clone();
    let still = alive.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let mut backoff = 500;
        let mut connected_before = false;
        while still.get() {
            // The token is read at each connection: it may have been renewed meanwhile.
            let token = api.access_token();
            if run(&still, token.as_deref(), &payload, &on_text, connected_before).await {
                backoff = 500;
                connected_before = true;
            }
            if !still.get() {
                break;
            }
            gloo_timers::future::TimeoutFuture::new(backoff).await;
            backoff = (backoff * 2).min(10_000);
        }
    });
    Subscription { alive }
}

/// A message of the protocol, with the event's `data` kept as text.
#[derive(Deserialize)]
struct ServerMessage<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(borrow, default)]
    payload: Option<Payload<'a>>,
}

#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

/// One connection: returns whether it got as far as the server's acknowledgement.
async fn run(
    alive: &Rc<Cell<bool>>,
    token: Option<&str>,
    payload: &str,
    on_data: &Callback<Option<String>>,
    reconnecting: bool,
) -> bool {
    let Ok(socket) = WebSocket::open_with_protocol(&endpoint(), "graphql-transport-ws") else { return false };
    let (mut sink, mut stream) = socket.split();
    let init = match token {
        Some(token) => json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }),
        None => json!({ "type": "connection_init", "payload": {} }),
    };
    if sink.send(Message::Text(init.to_string())).await.is_err() {
        return false;
    }
    let mut acknowledged = false;
    while let Some(Ok(Message::Text(text))) = stream.next().await {
        if !alive.get() {
            let _ = sink.send(Message::Text(r#"{"id":"1","type":"complete"}"#.to_owned())).await;
            return acknowledged;
        }
        let Ok(message) = serde_json::from_str::<ServerMessage>(&text) else { continue };
        match message.kind {
            "connection_ack" => {
                acknowledged = true;
                let start = format!(r#"{{"id":"1","type":"subscribe","payload":{payload}}}"#);
                if sink.send(Message::Text(start)).await.is_err() {
                    return acknowledged;
                }
                if reconnecting {
                    on_data.emit(None);
                }
            }
            "ping" => {
                let _ = sink.send(Message::Text(r#"{"type":"pong"}"#.to_owned())).await;
            }
            "next" => {
                if let Some(data) = message.payload.and_then(|payload| payload.data) {
                    on_data.emit(Some(data.get().to_owned()));
                }
            }
            "complete" | "error" => return acknowledged,
            _ => {}
        }
    }
    acknowledged
}
