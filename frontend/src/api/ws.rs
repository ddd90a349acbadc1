//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`), reconnecting with backoff while
//! the subscriber is still there.

use std::cell::Cell;
use std::rc::Rc;

use futures::{SinkExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use graphql_client::GraphQLQuery;
use yew::Callback;

use super::Api;
use super::json::field;
use super::json::{Answer, answer_from_text};

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

/// Subscribes to the subscription `Q` for a page that reloads what it shows on every event (and
/// when the connection came back after a break: events may have been missed). The events
/// themselves are not read, so no reader of their type is in the app.
pub fn reload_on<Q: GraphQLQuery>(api: &Api, variables: Q::Variables, reload: Callback<()>) -> Subscription {
    let on_text = Callback::from(move |_: Option<String>| reload.emit(()));
    subscribe_text(api, super::client::body::<Q>(variables), on_text)
}

/// Subscribes to the subscription `Q`, each event read as the shared answer type `T` (see
/// `api::telemetry`). `on_event` gets each event, and `None` when the connection came back after
/// a break (events may have been missed: reload what is shown). Events the app cannot read are
/// skipped rather than shown.
pub fn subscribe_as<Q: GraphQLQuery, T: Answer + 'static>(
    api: &Api,
    variables: Q::Variables,
    on_event: Callback<Option<T>>,
) -> Subscription {
    let on_text = Callback::from(move |data: Option<String>| match data {
        Some(data) => {
            if let Some(event) = answer_from_text::<T>(&data) {
                on_event.emit(Some(event));
            }
        }
        None => on_event.emit(None),
    });
    subscribe_text(api, super::client::body::<Q>(variables), on_text)
}

/// The part of [`subscribe_as`] and [`reload_on`] that does not depend on the operation (it exists
/// once in the app).
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
    // A token is base64url and dots: nothing in it needs escaping.
    let init = match token {
        Some(token) => format!(r#"{{"type":"connection_init","payload":{{"authorization":"Bearer {token}"}}}}"#),
        None => r#"{"type":"connection_init","payload":{}}"#.to_owned(),
    };
    if sink.send(Message::Text(init)).await.is_err() {
        return false;
    }
    let mut acknowledged = false;
    while let Some(Ok(Message::Text(text))) = stream.next().await {
        if !alive.get() {
            let _ = sink.send(Message::Text(r#"{"id":"1","type":"complete"}"#.to_owned())).await;
            return acknowledged;
        }
        // The browser parses the message; an event's `data` goes on as text.
        let Ok(message) = js_sys::JSON::parse(&text) else { continue };
        match field(&message, "type").as_string().as_deref().unwrap_or_default() {
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
                let data = field(&field(&message, "payload"), "data");
                if let Some(data) = js_sys::JSON::stringify(&data).ok().and_then(|data| data.as_string()) {
                    on_data.emit(Some(data));
                }
            }
            "complete" | "error" => return acknowledged,
            _ => {}
        }
    }
    acknowledged
}
