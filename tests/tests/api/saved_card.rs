//! Saved payment cards: a customer saves a card through the gateway (its customer record and a
//! confirmed setup), purchases and subscriptions are charged to it with its customer, and the
//! gateway refuses what Stripe refuses.

use caas::integrations::payments::simulator::DECLINED_CARD;
use caas::integrations::payments::{CaptureMode, ChargeRequest, GatewayError};
use caas_tests::{TestApp, spawn_app};
use entity::{payment_cards, users};
use sea_orm::{ColumnTrait, EntityTrait, ModelTrait, QueryFilter};
use serde_json::{Value, json};

const CARD: &str = "{ myPaymentCard { brand last4 expMonth expYear } }";
const SAVE: &str = "mutation($input: SavePaymentCardInput!) { savePaymentCard(input: $input) { brand last4 } }";
const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";

fn save(token: &str, key: &str) -> Value {
    json!({ "input": { "paymentMethod": token, "idempotencyKey": key } })
}

fn purchase(vin: &str, code: &str, kind: &str, key: &str) -> Value {
    json!({ "input": { "vin": vin, "featureCode": code, "duration": { "kind": kind }, "idempotencyKey": key } })
}

async fn saved_card_of(app: &TestApp, email: &str) -> Option<payment_cards::Model> {
    let user = users::Entity::find().filter(users::Column::Email.eq(email)).one(&app.app.db).await.expect("db");
    let user = user.expect("user");
    payment_cards::Entity::find().filter(payment_cards::Column::UserId.eq(user.id)).one(&app.app.db).await.expect("db")
}

#[tokio::test]
async fn a_customer_saves_a_card_and_purchases_are_charged_to_it() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    // The demo customers saved a card as they would in the app.
    let demo = app.graphql_as(&anna, CARD, json!({})).await;
    assert_eq!(
        demo.data()["myPaymentCard"],
        json!({ "brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2034 })
    );

    // Refused: nothing given, a method the gateway does not know, a declined card.
    app.graphql_as(&anna, SAVE, save(" ", "s0")).await.expect_error("BAD_USER_INPUT");
    app.graphql_as(&anna, SAVE, save("pm_nothing_like_a_card", "s1")).await.expect_error("BAD_USER_INPUT");
    let declined = app.graphql_as(&anna, SAVE, save(DECLINED_CARD, "s2")).await;
    declined.expect_error("CONFLICT");
    assert_eq!(declined.errors()[0]["extensions"]["reason"], "CARD_DECLINED");
    assert_eq!(app.graphql_as(&anna, CARD, json!({})).await.data()["myPaymentCard"]["last4"], "4242", "unchanged");

    // Another card replaces it; a purchase without a payment method is charged to it, with her
    // gateway customer.
    let saved = app.graphql_as(&anna, SAVE, save("pm_card_mastercard", "s3")).await;
    assert_eq!(saved.data()["savePaymentCard"], json!({ "brand": "mastercard", "last4": "4444" }));
    let card = saved_card_of(&app, "customer@demo.caas").await.expect("card");
    let method = card.payment_method_ref.clone().expect("saved method");
    assert!(method.contains(&card.customer_ref), "{method} is saved for {}", card.customer_ref);
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let bought = app.graphql_as(&anna, PURCHASE, purchase(&vin, "PREMIUM_AUDIO", "PERMANENT", "p1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    app.eventually("the purchase to be active", || async {
        let status = app.graphql_as(&anna, "query($id: ID!) { activation(id: $id) { status } }", json!({ "id": id }));
        (status.await.data()["activation"]["status"] == "ACTIVE").then_some(())
    })
    .await;
    let charges = app.simulators.payments.as_ref().expect("gateway").payments();
    let charged = charges.iter().find(|charge| charge.payment_method == method).expect("charged to the saved card");
    assert_eq!((charged.captures, charged.behaves_as.as_str()), (1, "pm_card_mastercard"));

    // Staff, dealers and partners have no card of their own to save.
    let dealer = app.token("dealer@demo.caas").await;
    app.graphql_as(&dealer, SAVE, save("pm_card_visa", "s4")).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn without_a_saved_card_a_subscription_is_refused_and_a_one_off_token_pays_once() {
    let app = spawn_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    // A customer who never saved a card.
    let card = saved_card_of(&app, "customer2@demo.caas").await.expect("demo card");
    card.delete(&app.app.db).await.expect("delete");
    let vin = app.vins_of("customer2@demo.caas").await.remove(0);
    let refused = app.graphql_as(&lucia, PURCHASE, purchase(&vin, "LANE_KEEPING", "MONTHLY", "m1")).await;
    assert!(refused.expect_error("BAD_USER_INPUT").contains("Guarde primero una tarjeta de pago"));
    let permanent = app.graphql_as(&lucia, PURCHASE, purchase(&vin, "LANE_KEEPING", "PERMANENT", "m2")).await;
    assert!(permanent.expect_error("BAD_USER_INPUT").contains("Guarde primero una tarjeta de pago"));
    let mut one_off = purchase(&vin, "LANE_KEEPING", "PERMANENT", "m3");
    one_off["input"]["paymentMethod"] = json!("pm_card_visa");
    assert_eq!(app.graphql_as(&lucia, PURCHASE, one_off).await.data()["purchaseFeature"]["status"], "PENDING");
    assert!(app.graphql_as(&lucia, CARD, json!({})).await.data()["myPaymentCard"].is_null());
}

#[tokio::test]
async fn the_gateway_refuses_what_stripe_refuses() {
    let app = spawn_app().await;
    let gateway = &app.app.integrations.payments;
    let card = saved_card_of(&app, "customer@demo.caas").await.expect("card");
    let saved = card.payment_method_ref.clone().expect("method");
    let charge = |payment_method: &str, customer: Option<&str>, key: &str| ChargeRequest {
        amount_minor: 1_000,
        currency: "EUR".into(),
        payment_method: payment_method.to_owned(),
        customer: customer.map(str::to_owned),
        idempotency_key: key.to_owned(),
        description: "check".into(),
        metadata: Vec::new(),
    };
    // A confirm without a payment method. The refusal names Stripe's code, not its text, which
    // names the gateway's own objects and would reach clients.
    let missing = gateway.create(&charge("", None, "k1"), CaptureMode::Manual).await;
    assert!(
        matches!(missing, Err(GatewayError::Invalid(ref message))
            if message.contains("payment_intent_unexpected_state") && !message.contains("missing")),
        "{missing:?}"
    );
    // A saved card without its customer, or with another one.
    let alone = gateway.create(&charge(&saved, None, "k2"), CaptureMode::Manual).await;
    assert!(matches!(alone, Err(GatewayError::Invalid(_))), "{alone:?}");
    let other = gateway.create(&charge(&saved, Some("cus_someone_else"), "k3"), CaptureMode::Manual).await;
    assert!(matches!(other, Err(GatewayError::Invalid(_))), "{other:?}");
    // With its customer it is charged.
    let with_customer = gateway.create(&charge(&saved, Some(&card.customer_ref), "k4"), CaptureMode::Manual).await;
    assert!(with_customer.is_ok(), "{with_customer:?}");
    // A setup without a payment method.
    let setup = gateway.save_method(&card.customer_ref, "", "k5").await;
    assert!(
        matches!(setup, Err(GatewayError::Invalid(ref message)) if message.contains("setup_intent_unexpected_state")),
        "{setup:?}"
    );
}
