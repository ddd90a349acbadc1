//! Trade-ins: a dealer takes a delivered car back into stock, and it is sold again to someone else
//! through the ordinary sale; the refusals are typed errors.

use caas_tests::{TestApp, TestOptions, spawn_app, spawn_app_with};
use serde_json::{Value, json};

use crate::purchase::{RECORD_PAYMENT, REGISTER_SALE, pay_final, payment, sale_for, wait_for_status};

pub(crate) const TRADE_IN: &str = "mutation($input: RegisterTradeInInput!) { registerTradeIn(input: $input) { vin status plate owner { email } dealership { name } } }";
const VEHICLE: &str = "query($vin: String!) { vehicle(vin: $vin) { vin status } }";

pub(crate) fn trade_in(vin: &str, owner_email: &str) -> Value {
    json!({ "input": { "vin": vin, "ownerEmail": owner_email } })
}

fn vin(vin: &str) -> Value {
    json!({ "vin": vin })
}

async fn templates_of(app: &TestApp, token: &str) -> String {
    let notes = app.graphql_as(token, "{ notifications(first: 100) { edges { node { template } } } }", json!({})).await;
    notes.data().to_string()
}

#[tokio::test]
async fn a_traded_in_car_goes_back_to_stock_and_sells_again() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await.remove(0); // delivered, read by the demo partner
    let partner = caas::seed::DEMO_PARTNER_API_KEY;
    app.graphql_with_key(partner, VEHICLE, vin(&aurora)).await.data();

    // Anna hands her Aurora in at the Berlin dealership.
    let dealer = app.token("dealer@demo.caas").await;
    let taken = app.graphql_as(&dealer, TRADE_IN, trade_in(&aurora, "Customer@Demo.caas")).await;
    let car = &taken.data()["registerTradeIn"];
    assert_eq!(car["status"], "IN_STOCK");
    assert_eq!(car["owner"], Value::Null);
    assert_eq!(car["plate"], Value::Null);
    assert_eq!(car["dealership"]["name"], "Autohaus Berlin Mitte");
    let stock = app.graphql_as(&dealer, "{ stock(first: 100) { edges { node { vin } } } }", json!({})).await;
    assert!(stock.body.to_string().contains(&aurora), "in the dealership's stock");

    // It is no longer hers, she is told in the app and by e-mail, and her partner grant has ended.
    let mine = app.graphql_as(&anna, "{ myVehicles { edges { node { vin } } } }", json!({})).await;
    assert!(!mine.body.to_string().contains(&aurora));
    app.graphql_as(&anna, VEHICLE, vin(&aurora)).await.expect_error("FORBIDDEN");
    assert!(templates_of(&app, &anna).await.contains("vehicle.traded_in"));
    let mail = app.email("customer@demo.caas", "Autohaus Berlin Mitte").await;
    assert!(mail.body.contains(&aurora), "{}", mail.body);
    app.graphql_with_key(partner, VEHICLE, vin(&aurora)).await.expect_error("FORBIDDEN");
    app.login(&aurora, caas_tests::PASSWORD).await.expect_error("UNAUTHENTICATED");
    assert_audited(&app, &aurora).await;

    // The dealer sells it again, to Otto, all the way to the handover.
    let sale =
        app.graphql_as(&dealer, REGISTER_SALE, sale_for("otto.neu@example.com", "Otto Neu", ("stockVin", &aurora)));
    let order_id = sale.await.data()["registerSale"]["id"].as_str().expect("order").to_owned();
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "r"))
        .await
        .data();
    pay_final(&app, &dealer, &order_id, "pm_card_visa", "f").await.data();
    let registered = wait_for_status(&app, &dealer, &order_id, "REGISTERED").await;
    assert_eq!(registered["vehicle"]["status"], "ASSIGNED");
    assert_eq!(registered["vehicle"]["owner"]["email"], "otto.neu@example.com");
    assert!(registered["vehicle"]["plate"].is_string(), "registered again with a plate");
    let delivered = "mutation($id: ID!) { markDelivered(orderId: $id) { status vehicle { status } } }";
    let handed_over = app.graphql_as(&dealer, delivered, json!({ "id": order_id })).await;
    assert_eq!(handed_over.data()["markDelivered"]["vehicle"]["status"], "DELIVERED");
}

async fn assert_audited(app: &TestApp, vin: &str) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let events = entity::audit_events::Entity::find()
        .filter(entity::audit_events::Column::Action.eq("vehicle.trade_in"))
        .filter(entity::audit_events::Column::SubjectId.eq(vin))
        .all(&app.app.db)
        .await
        .expect("audit");
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].actor_user_id.is_some(), "the dealer is recorded");
}

#[tokio::test]
async fn trade_ins_are_refused_with_typed_errors() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let vins = app.vins_of("customer@demo.caas").await;
    let borealis = &vins[1];

    // Only dealers take cars in.
    for email in ["customer@demo.caas", "support@demo.caas", "workshop@demo.caas"] {
        let token = app.token(email).await;
        app.graphql_as(&token, TRADE_IN, trade_in(borealis, "customer@demo.caas")).await.expect_error("FORBIDDEN");
    }
    app.graphql(TRADE_IN, trade_in(borealis, "customer@demo.caas")).await.expect_error("UNAUTHENTICATED");
    // Malformed input, an unknown car, a car without an owner, someone else's car.
    let bad = app.graphql_as(&dealer, TRADE_IN, trade_in("NOT-A-VIN", "customer@demo.caas")).await;
    bad.expect_error("BAD_USER_INPUT");
    assert_eq!(bad.errors()[0]["extensions"]["field"], "vin");
    app.graphql_as(&dealer, TRADE_IN, trade_in(borealis, "not-an-address")).await.expect_error("BAD_USER_INPUT");
    app.graphql_as(&dealer, TRADE_IN, trade_in("WCAAUR1S0TZ999999", "customer@demo.caas"))
        .await
        .expect_error("NOT_FOUND");
    let in_stock = app.stock_vin_at("Autohaus Berlin Mitte").await;
    app.graphql_as(&dealer, TRADE_IN, trade_in(&in_stock, "customer@demo.caas")).await.expect_error("CONFLICT");
    let wrong_owner = app.graphql_as(&dealer, TRADE_IN, trade_in(borealis, "customer2@demo.caas")).await;
    assert_eq!(wrong_owner.errors()[0]["extensions"]["field"], "ownerEmail");

    // A car sold from stock and registered, but not handed over yet, has an open order.
    let sale =
        app.graphql_as(&dealer, REGISTER_SALE, sale_for("ida.neu@example.com", "Ida Neu", ("stockVin", &in_stock)));
    let order_id = sale.await.data()["registerSale"]["id"].as_str().expect("order").to_owned();
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "r"))
        .await
        .data();
    pay_final(&app, &dealer, &order_id, "pm_card_visa", "f").await.data();
    wait_for_status(&app, &dealer, &order_id, "REGISTERED").await;
    let open = app.graphql_as(&dealer, TRADE_IN, trade_in(&in_stock, "ida.neu@example.com")).await;
    assert!(open.expect_error("CONFLICT").contains("offenen Auftrag"));
    app.graphql_as(&dealer, "mutation($id: ID!) { markDelivered(orderId: $id) { status } }", json!({ "id": order_id }))
        .await
        .data();
    let taken = app.graphql_as(&dealer, TRADE_IN, trade_in(&in_stock, "ida.neu@example.com")).await;
    assert_eq!(taken.data()["registerTradeIn"]["status"], "IN_STOCK");
    // Taken in once: a second time there is no owner any more.
    app.graphql_as(&dealer, TRADE_IN, trade_in(&in_stock, "ida.neu@example.com")).await.expect_error("CONFLICT");
}

#[tokio::test]
async fn a_car_is_not_taken_in_while_a_feature_is_being_switched_on() {
    // No OTA workers: a purchase stays PENDING.
    let app =
        spawn_app_with(TestOptions { configure: Box::new(|config| config.ota_workers = 0), ..TestOptions::default() })
            .await;
    let anna = app.token("customer@demo.caas").await;
    let borealis = app.vins_of("customer@demo.caas").await.remove(1);
    let purchase = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { status } }";
    let input = json!({ "input": { "vin": borealis, "featureCode": "HEATED_SEATS", "duration": { "kind": "PERMANENT" }, "idempotencyKey": "k" } });
    assert_eq!(app.graphql_as(&anna, purchase, input).await.data()["purchaseFeature"]["status"], "PENDING");
    let dealer = app.token("dealer@demo.caas").await;
    let refused = app.graphql_as(&dealer, TRADE_IN, trade_in(&borealis, "customer@demo.caas")).await;
    refused.expect_error("CONFLICT");
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "ACTIVATION_IN_PROGRESS");
}
