//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`), authenticated by the
//! `connection_init` payload.

use caas::notifications::service::notify as notify_user;
use caas::platform::outbox::Outbox;
use caas_tests::ws::{Frame, GqlSocket};
use caas_tests::{TestApp, spawn_app};
use entity::{NotificationChannel, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const SUBSCRIBE: &str = "subscription { notifications { template payload read } }";

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    users::Entity::find().filter(users::Column::Email.eq(email)).one(&app.app.db).await.expect("db").expect("user").id
}

/// Sends `template` to the user `email` in the app, as the services do.
pub(crate) async fn notify(app: &TestApp, email: &str, template: &str) {
    let id = user_id(app, email).await;
    let mut outbox = Outbox::new();
    let channels = [NotificationChannel::InApp];
    let txn = caas::platform::db::begin_write(&app.app.db).await.expect("begin");
    notify_user(&app.app, &txn, &mut outbox, id, template, json!({ "n": 1 }), &channels).await.expect("notify");
    outbox.commit(txn, app.app.events.as_ref()).await.expect("commit");
}

fn error_code(message: &Value) -> Option<&str> {
    match message["type"].as_str() {
        Some("error") => message["payload"][0]["extensions"]["code"].as_str(),
        Some("next") => message["payload"]["errors"][0]["extensions"]["code"].as_str(),
        _ => None,
    }
}

#[tokio::test]
async fn a_signed_in_user_receives_their_notifications_live() {
    receives_notifications_live_at("/graphql").await;
}

#[tokio::test]
async fn the_web_apps_subscription_path_works_the_same() {
    // `/graphql/ws` lets a development proxy tell WebSockets from plain requests.
    receives_notifications_live_at("/graphql/ws").await;
}

async fn receives_notifications_live_at(path: &str) {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let authorization = json!({ "authorization": format!("Bearer {token}") });
    let mut socket = GqlSocket::connect_acked_to(&app.address, path, authorization).await;
    let listening = app.subscribers();
    socket.subscribe("1", SUBSCRIBE, json!({})).await;
    app.wait_for_subscribers(listening + 1).await;

    notify(&app, "customer2@demo.caas", "someone.else").await;
    notify(&app, "customer@demo.caas", "order.stage_reached").await;

    let message = socket.next_message().await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["payload"]["data"]["notifications"]["template"], "order.stage_reached");
    assert_eq!(app.metric("caas_websocket_connections").await, 1.0);
}

#[tokio::test]
async fn a_forged_token_closes_the_connection() {
    let app = spawn_app().await;
    let mut socket = GqlSocket::connect(&app.address, json!({ "authorization": "Bearer not-a-token" })).await;
    match socket.next().await {
        // graphql-transport-ws closes a refused connection_init with 4403 Forbidden and the reason.
        Frame::Closed(Some((code, reason))) => {
            assert_eq!(code, 4403);
            assert!(reason.contains("not valid"), "{reason}");
        }
        Frame::Closed(None) => panic!("closed without a reason"),
        Frame::Message(message) => panic!("expected the connection to close, got {message}"),
    }
}

#[tokio::test]
async fn an_anonymous_subscription_is_unauthenticated() {
    let app = spawn_app().await;
    let mut socket = GqlSocket::connect_acked(&app.address, json!({})).await;
    socket.subscribe("1", SUBSCRIBE, json!({})).await;
    let message = socket.next_message().await;
    assert_eq!(error_code(&message), Some("UNAUTHENTICATED"), "{message}");
}

#[tokio::test]
async fn partners_cannot_subscribe_to_user_streams() {
    let app = spawn_app().await;
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "apiKey": caas::seed::DEMO_PARTNER_API_KEY })).await;
    socket.subscribe("1", SUBSCRIBE, json!({})).await;
    let message = socket.next_message().await;
    assert_eq!(error_code(&message), Some("FORBIDDEN"), "{message}");
}
