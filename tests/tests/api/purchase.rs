//! The vehicle purchase flow end to end, over HTTP and WebSocket, against the factory, payment and
//! registration simulators and a real SMTP server (the mail catcher) on loopback.

use caas::integrations::factory::simulator::FactoryKnobs;
use caas::integrations::payments::simulator::{DECLINED_CARD, SETTLEMENT_FAILS};
use caas::integrations::registration::simulator::RegistrationKnobs;
use caas_tests::ws::GqlSocket;
use caas_tests::{Api, GqlResponse, TestApp, spawn_app};
use serde_json::{Value, json};

pub(crate) const REGISTER_SALE: &str = "mutation($input: RegisterSaleInput!) { registerSale(input: $input) { id number status stockSale customer { email } } }";
pub(crate) const RECORD_PAYMENT: &str = "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { order { id status vehicle { vin } } payment { id status kind failureReason } } }";
pub(crate) const ORDER: &str = "query($id: ID!) { order(id: $id) { id number status lastError cancelReason vehicle { vin status plate owner { email } } timeline { stage } payments { kind status } } }";
const PROGRESS: &str = "subscription($id: ID!) { orderProgress(orderId: $id) { stage occurredAt order { status } } }";

pub(crate) fn sale_for(email: &str, name: &str, model_or_vin: (&str, &str)) -> Value {
    let mut input = json!({
        "customer": { "email": email, "name": name },
        "configuration": { "color": "Fjord Blue", "trim": "sport" },
        "priceNetMinor": 4_890_000,
    });
    input[model_or_vin.0] = json!(model_or_vin.1);
    json!({ "input": input })
}

pub(crate) fn payment(order_id: &str, kind: &str, amount: i64, method: &str, key: &str) -> Value {
    json!({ "input": { "orderId": order_id, "kind": kind, "amountMinor": amount, "paymentMethod": method, "idempotencyKey": key } })
}

/// What is still due on an order, in minor units.
pub(crate) async fn due(app: &Api, token: &str, id: &str) -> i64 {
    let answer =
        app.graphql_as(token, "query($id: ID!) { order(id: $id) { due { amountMinor } } }", json!({ "id": id }));
    answer.await.data()["order"]["due"]["amountMinor"].as_i64().expect("due")
}

/// Takes the final payment: exactly what is due.
pub(crate) async fn pay_final(app: &TestApp, token: &str, id: &str, method: &str, key: &str) -> GqlResponse {
    let amount = due(app, token, id).await;
    app.graphql_as(token, RECORD_PAYMENT, payment(id, "FINAL", amount, method, key)).await
}

pub(crate) async fn order(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, ORDER, json!({ "id": id })).await.data()["order"].clone()
}

pub(crate) async fn wait_for_status(app: &TestApp, token: &str, id: &str, status: &str) -> Value {
    app.eventually(&format!("order {id} to be {status}"), || async {
        let current = order(app, token, id).await;
        (current["status"] == status).then_some(current)
    })
    .await
}

pub(crate) fn link_token(body: &str) -> String {
    let start = body.find("token=").expect("a set-password link") + "token=".len();
    body[start..].split_whitespace().next().expect("token").to_owned()
}

#[tokio::test]
async fn a_sale_goes_from_registration_to_delivery_live() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;

    // The dealer registers the sale for a new customer…
    let sale = app
        .graphql_as(&dealer, REGISTER_SALE, sale_for("nina.neu@example.com", "Nina Neu", ("modelCode", "AURORA")))
        .await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    assert_eq!(sale.data()["registerSale"]["status"], "AWAITING_RESERVATION");

    // … who gets an e-mail in German (the Berlin dealership's language) with a one-time link.
    let mail = app.email("nina.neu@example.com", "Passwort").await;
    assert!(mail.body.contains("Autohaus Berlin Mitte"), "{}", mail.body);
    let token = link_token(&mail.body);
    let set = "mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken user { email locale } } }";
    let signed_in = app.graphql(set, json!({ "t": token, "p": "nina-strong-password" })).await;
    assert_eq!(signed_in.data()["setPassword"]["user"]["locale"], "DE");
    app.graphql(set, json!({ "t": token, "p": "another-password" })).await.expect_error("UNAUTHENTICATED");
    let nina = app.token_for("nina.neu@example.com", "nina-strong-password").await;

    // She follows the order live.
    let mut socket = GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {nina}") })).await;
    let listening = app.subscribers();
    socket.subscribe("progress", PROGRESS, json!({ "id": order_id })).await;
    app.wait_for_subscribers(listening + 1).await;
    // First the state she subscribed in.
    let current = socket.next_message().await;
    assert_eq!(current["payload"]["data"]["orderProgress"]["stage"], "AWAITING_RESERVATION", "{current}");

    // Reservation → the factory builds the car, stage by stage.
    let reserved = app
        .graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 500_000, "pm_card_visa", "res-1"))
        .await;
    assert_eq!(reserved.data()["recordPayment"]["order"]["status"], "ORDERED");
    let vin = reserved.data()["recordPayment"]["order"]["vehicle"]["vin"].as_str().expect("vin").to_owned();
    let by_vin = app
        .graphql_as(
            &dealer,
            "query($s: String) { orders(search: $s) { edges { node { id } } } }",
            json!({ "s": &vin[9..] }),
        )
        .await;
    assert_eq!(by_vin.data()["orders"]["edges"][0]["node"]["id"], order_id.as_str());

    let mut stages = Vec::new();
    while stages.last().map(String::as_str) != Some("READY") {
        let message = socket.next_message().await;
        assert_eq!(message["type"], "next", "{message}");
        stages.push(message["payload"]["data"]["orderProgress"]["stage"].as_str().expect("stage").to_owned());
    }
    assert_eq!(stages, ["ORDERED", "IN_PRODUCTION", "PAINTING", "ASSEMBLY", "QUALITY_CHECK", "SHIPPED", "READY"]);
    app.email("nina.neu@example.com", "Lackiererei").await;

    // Final payment → settlement → registration → assigned. It is exactly what is due: the gross
    // (net plus Germany's 19 % VAT) minus the reservation.
    let amounts = "query($id: ID!) { order(id: $id) { price { amountMinor } vat { amountMinor } gross { amountMinor } paid { amountMinor } due { amountMinor currency } } }";
    let before = app.graphql_as(&dealer, amounts, json!({ "id": order_id })).await;
    let minor = |field: &str| before.data()["order"][field]["amountMinor"].as_i64().expect("amount");
    assert_eq!(
        (minor("price"), minor("vat"), minor("gross"), minor("paid"), minor("due")),
        (4_890_000, 929_100, 5_819_100, 500_000, 5_319_100)
    );
    assert_eq!(before.data()["order"]["due"]["currency"], "EUR");
    let net_only = payment(&order_id, "FINAL", 4_890_000 - 500_000, "pm_card_visa", "final-net");
    let refused = app.graphql_as(&dealer, RECORD_PAYMENT, net_only).await;
    // The dealer reads German, amounts the German way.
    assert!(refused.expect_error("BAD_USER_INPUT").contains("offene Betrag von 53.191,00 €"));
    let final_amount = 5_319_100;
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "FINAL", final_amount, "pm_card_visa", "final-1"))
        .await
        .data();
    let mut later = Vec::new();
    while later.last().map(String::as_str) != Some("REGISTERED") {
        let message = socket.next_message().await;
        later.push(message["payload"]["data"]["orderProgress"]["stage"].as_str().expect("stage").to_owned());
    }
    assert_eq!(later, ["PAID", "REGISTERED"]);
    let registered = order(&app, &dealer, &order_id).await;
    assert_eq!(registered["vehicle"]["status"], "ASSIGNED");
    assert!(registered["vehicle"]["plate"].as_str().expect("plate").starts_with("B-"));
    assert_eq!(registered["vehicle"]["owner"]["email"], "nina.neu@example.com");
    app.email("nina.neu@example.com", "Übergabe").await;

    // Delivery.
    let delivered = app
        .graphql_as(&dealer, "mutation($id: ID!) { markDelivered(orderId: $id) { status } }", json!({ "id": order_id }))
        .await;
    assert_eq!(delivered.data()["markDelivered"]["status"], "DELIVERED");
    let message = socket.next_message().await;
    assert_eq!(message["payload"]["data"]["orderProgress"]["stage"], "DELIVERED");

    // Her car and its expediente tell the whole story.
    let mine = app.graphql_as(&nina, "{ myVehicles { edges { node { vin status plate } } } }", json!({})).await;
    assert_eq!(mine.data()["myVehicles"]["edges"][0]["node"]["vin"], vin);
    assert_eq!(mine.data()["myVehicles"]["edges"][0]["node"]["status"], "DELIVERED");
    let expediente = app
        .graphql_as(&nina, "query($v: String!) { expediente(vin: $v) { owner { email } orders { edges { node { status timeline { stage } payments { kind status } } } } } }", json!({ "v": vin }))
        .await;
    let history = &expediente.data()["expediente"]["orders"]["edges"][0]["node"];
    assert_eq!(history["status"], "DELIVERED");
    assert_eq!(history["timeline"].as_array().expect("timeline").len(), 7);
    assert_eq!(
        history["payments"],
        json!([{ "kind": "RESERVATION", "status": "SETTLED" }, { "kind": "FINAL", "status": "SETTLED" }])
    );
    assert_eq!(
        app.graphql_as(&dealer, amounts, json!({ "id": order_id })).await.data()["order"]["due"]["amountMinor"],
        0
    );

    // Each payment has its invoice; together they are the gross of the sale.
    let invoices = app
        .graphql_as(
            &nina,
            "{ invoices { edges { node { kind gross { amountMinor } vat { amountMinor } lines { description } } } } }",
            json!({}),
        )
        .await;
    let invoices = invoices.data()["invoices"]["edges"].as_array().expect("invoices").clone();
    assert_eq!(invoices.len(), 2, "{invoices:?}");
    let gross: i64 = invoices.iter().map(|edge| edge["node"]["gross"]["amountMinor"].as_i64().expect("gross")).sum();
    assert_eq!(gross, 5_819_100);
    let lines = serde_json::to_string(&invoices).expect("json");
    assert!(lines.contains("Anzahlung") && lines.contains("Schlusszahlung") && lines.contains(&vin), "{lines}");
}

#[tokio::test]
async fn duplicated_reordered_and_delayed_webhooks_apply_once_and_never_go_back() {
    let app = spawn_app().await;
    app.simulators.factory.as_ref().expect("factory").set_knobs(FactoryKnobs {
        duplicate: true,
        reorder: true,
        extra_delay_ms: 20,
        unavailable: false,
    });
    let dealer = app.token("dealer@demo.caas").await;
    let sale =
        app.graphql_as(&dealer, REGISTER_SALE, sale_for("customer@demo.caas", "", ("modelCode", "BOREALIS"))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    let anna = app.token("customer@demo.caas").await;
    let mut socket = GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {anna}") })).await;
    let listening = app.subscribers();
    socket.subscribe("p", PROGRESS, json!({ "id": order_id })).await;
    app.wait_for_subscribers(listening + 1).await;
    let current = socket.next_message().await;
    assert_eq!(current["payload"]["data"]["orderProgress"]["stage"], "AWAITING_RESERVATION", "the state first");
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "r"))
        .await
        .data();

    // Six stages, each sent twice, in swapped pairs: READY arrives before SHIPPED.
    let ready = app
        .eventually("all seven stages in the timeline", || async {
            let current = order(&app, &dealer, &order_id).await;
            (current["timeline"].as_array().map_or(0, Vec::len) == 7).then_some(current)
        })
        .await;
    assert_eq!(ready["status"], "READY");
    let mut statuses = Vec::new();
    let mut stages = Vec::new();
    while stages.len() < 7 {
        let message = socket.next_message().await;
        stages.push(message["payload"]["data"]["orderProgress"]["stage"].as_str().expect("stage").to_owned());
        statuses
            .push(message["payload"]["data"]["orderProgress"]["order"]["status"].as_str().expect("status").to_owned());
    }
    // Every stage once in the timeline; the order never moved backwards.
    let timeline: Vec<&str> =
        ready["timeline"].as_array().expect("timeline").iter().map(|e| e["stage"].as_str().expect("stage")).collect();
    assert_eq!(timeline.len(), 7, "{timeline:?}");
    for stage in ["ORDERED", "IN_PRODUCTION", "PAINTING", "ASSEMBLY", "QUALITY_CHECK", "SHIPPED", "READY"] {
        assert_eq!(timeline.iter().filter(|s| **s == stage).count(), 1, "{stage} in {timeline:?}");
    }
    assert!(stages.contains(&"SHIPPED".to_owned()));
    let rank = |status: &str| {
        [
            "AWAITING_RESERVATION",
            "ORDERED",
            "IN_PRODUCTION",
            "PAINTING",
            "ASSEMBLY",
            "QUALITY_CHECK",
            "SHIPPED",
            "READY",
        ]
        .iter()
        .position(|s| *s == status)
        .expect("known status")
    };
    assert!(statuses.windows(2).all(|pair| rank(&pair[0]) <= rank(&pair[1])), "went backwards: {statuses:?}");
    // Late SHIPPED did not move the READY order back, and no second notification went out for it.
    assert_eq!(order(&app, &dealer, &order_id).await["status"], "READY");
    let ready_notes =
        app.graphql_as(&anna, "{ notifications(first: 100) { edges { node { template } } } }", json!({})).await;
    let count = ready_notes.data()["notifications"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["node"]["template"] == "order.ready")
        .count();
    assert_eq!(count, 1);
}

async fn post_factory_webhook(app: &TestApp, body: &str, timestamp: i64, signature: &str) -> GqlResponse {
    let response = app
        .client
        .post(format!("{}/webhooks/factory", app.address))
        .header("x-factory-timestamp", timestamp.to_string())
        .header("x-factory-signature", signature)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("post");
    GqlResponse::read(response).await
}

#[tokio::test]
async fn forged_stale_and_unknown_webhooks_change_nothing() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let sale =
        app.graphql_as(&dealer, REGISTER_SALE, sale_for("customer@demo.caas", "", ("modelCode", "AURORA"))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    app.simulators
        .factory
        .as_ref()
        .expect("factory")
        .set_knobs(FactoryKnobs { extra_delay_ms: 60_000, ..FactoryKnobs::default() });
    let placed =
        app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "r")).await;
    assert_eq!(placed.data()["recordPayment"]["order"]["status"], "ORDERED");
    let factory_ref = {
        use sea_orm::EntityTrait;
        let id: uuid::Uuid = order_id.parse().expect("uuid");
        entity::orders::Entity::find_by_id(id)
            .one(&app.app.db)
            .await
            .expect("db")
            .expect("order")
            .factory_order_ref
            .expect("ref")
    };
    let event = json!({ "eventId": "fev_forged", "factoryOrderId": factory_ref, "orderRef": order_id, "stage": "READY", "occurredAt": "2026-11-22T10:00:00Z" }).to_string();
    let now = app.clock_now();
    let secret = caas::config::DEMO_FACTORY_SECRET.as_bytes();

    let forged = post_factory_webhook(
        &app,
        &event,
        now,
        &caas::integrations::signing::sign(b"wrong-secret", now, event.as_bytes()),
    )
    .await;
    assert_eq!(forged.status, 401);
    let tampered_body = event.replace("READY", "SHIPPED");
    let tampered = post_factory_webhook(
        &app,
        &tampered_body,
        now,
        &caas::integrations::signing::sign(secret, now, event.as_bytes()),
    )
    .await;
    assert_eq!(tampered.status, 401);
    let stale_at = now - 400;
    let stale = post_factory_webhook(
        &app,
        &event,
        stale_at,
        &caas::integrations::signing::sign(secret, stale_at, event.as_bytes()),
    )
    .await;
    assert_eq!(stale.status, 401);
    let unsigned = post_factory_webhook(&app, &event, now, "").await;
    assert_eq!(unsigned.status, 401);
    let current = order(&app, &dealer, &order_id).await;
    assert_eq!(current["status"], "ORDERED");
    assert_eq!(current["timeline"].as_array().expect("timeline").len(), 1);

    // An event for an order we do not know gets a retryable 409.
    let unknown = json!({ "eventId": "fev_x", "factoryOrderId": "FAC-0", "orderRef": uuid::Uuid::now_v7(), "stage": "READY", "occurredAt": "2026-11-22T10:00:00Z" }).to_string();
    let answer =
        post_factory_webhook(&app, &unknown, now, &caas::integrations::signing::sign(secret, now, unknown.as_bytes()))
            .await;
    assert_eq!(answer.status, 409);

    // The genuine event applies once; its redelivery changes nothing.
    let genuine = caas::integrations::signing::sign(secret, now, event.as_bytes());
    assert_eq!(post_factory_webhook(&app, &event, now, &genuine).await.body["outcome"], "applied");
    assert_eq!(post_factory_webhook(&app, &event, now, &genuine).await.body["outcome"], "duplicate");
    let current = order(&app, &dealer, &order_id).await;
    assert_eq!(current["status"], "READY");
    assert_eq!(current["timeline"].as_array().expect("timeline").len(), 2);

    // A forged payment webhook is refused too.
    let payment_hook = app
        .client
        .post(format!("{}/webhooks/payments", app.address))
        .header("stripe-signature", format!("t={now},v1=00ff"))
        .body(r#"{"id":"evt_1","object":"event"}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(payment_hook.status(), 401);
}

#[tokio::test]
async fn a_failed_final_payment_leaves_the_order_waiting_for_another_card() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let vin = app.stock_vin_at("Autohaus Berlin Mitte").await;

    // The final payment is accepted but its settlement fails.
    let sale = app.graphql_as(&dealer, REGISTER_SALE, sale_for("customer@demo.caas", "", ("stockVin", &vin))).await;
    assert_eq!(sale.data()["registerSale"]["stockSale"], true);
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    let reserved =
        app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "r1")).await;
    assert_eq!(reserved.data()["recordPayment"]["order"]["status"], "READY", "a stock car is ready at once");
    let due_in_full = due(&app, &dealer, &order_id).await;
    pay_final(&app, &dealer, &order_id, SETTLEMENT_FAILS, "f1").await.data();
    let waiting = app
        .eventually("the failed settlement to be recorded", || async {
            let current = order(&app, &dealer, &order_id).await;
            (!current["lastError"].is_null()).then_some(current)
        })
        .await;
    // The order still waits for its money; the car stays reserved for its buyer.
    assert_eq!(waiting["status"], "READY");
    assert!(waiting["lastError"].as_str().expect("error").contains("final payment failed"));
    assert_eq!(waiting["vehicle"]["status"], "RESERVED");
    assert_eq!(due(&app, &dealer, &order_id).await, due_in_full, "the failed payment counts for nothing");
    let anna = app.token("customer@demo.caas").await;
    let told = app.graphql_as(&anna, "{ notifications(first: 50) { edges { node { template } } } }", json!({})).await;
    assert!(told.body.to_string().contains("order.final_payment_failed"));
    let mail = app.email("customer@demo.caas", "Schlusszahlung").await;
    assert!(mail.body.contains("reserviert"), "{}", mail.body);
    // The dealership's copy is written for the dealer, not the customer's letter.
    let dealer_mail = app.email("dealer@demo.caas", "Schlusszahlung").await;
    assert!(dealer_mail.body.contains("erneut entgegen"), "{}", dealer_mail.body);
    assert!(!dealer_mail.body.contains("für Sie reserviert"), "{}", dealer_mail.body);
    // Its invoice is cancelled by a credit note: the money never arrived.
    let documents = app
        .graphql_as(&anna, "{ invoices(first: 50) { edges { node { kind gross { amountMinor } } } } }", json!({}))
        .await;
    let documents = documents.body.to_string();
    assert!(documents.contains(&format!("{}", -(due_in_full))), "{documents}");

    // A declined card changes nothing either; another card pays and the sale goes on.
    let declined = pay_final(&app, &dealer, &order_id, DECLINED_CARD, "f2").await;
    assert_eq!(declined.data()["recordPayment"]["payment"]["status"], "FAILED");
    assert_eq!(declined.data()["recordPayment"]["order"]["status"], "READY");
    pay_final(&app, &dealer, &order_id, "pm_card_visa", "f3").await.data();
    let registered = wait_for_status(&app, &dealer, &order_id, "REGISTERED").await;
    assert_eq!(registered["vehicle"]["vin"], vin);
    assert_eq!(registered["vehicle"]["status"], "ASSIGNED");
    assert_eq!(registered["vehicle"]["owner"]["email"], "customer@demo.caas");
    assert_eq!(due(&app, &dealer, &order_id).await, 0);

    // The selling dealership gets the sale's invoices; the credit note names the invoice it
    // corrects and the dealership as the seller. Another dealership gets none of them.
    let query = "query($id: ID!) { order(id: $id) { invoices { number kind pdfUrl } } }";
    let sold = app.graphql_as(&dealer, query, json!({ "id": order_id })).await;
    let documents = sold.data()["order"]["invoices"].as_array().expect("invoices").clone();
    assert!(documents.iter().filter(|d| d["kind"] == "INVOICE").count() >= 2, "{documents:?}");
    let credit = documents.iter().find(|d| d["kind"] == "CREDIT_NOTE").expect("the credit note");
    let served = app.document(credit["pdfUrl"].as_str().expect("url")).await;
    served.keep_as("credit-note-de");
    let text = served.text();
    for wanted in ["Gutschrift", "Korrigiert Rechnung", "Autohaus Berlin Mitte", "Anna Becker"] {
        assert!(text.contains(wanted), "{wanted:?} missing in:\n{text}");
    }
    let corrects_one = documents
        .iter()
        .filter(|d| d["kind"] == "INVOICE")
        .any(|invoice| text.contains(invoice["number"].as_str().expect("number")));
    assert!(corrects_one, "the corrected invoice's number is on the credit note:\n{text}");
    let madrid = app.token("dealer2@demo.caas").await;
    app.graphql_as(&madrid, query, json!({ "id": order_id })).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn two_final_payments_at_once_charge_once() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let vin = app.stock_vin_at("Autohaus Berlin Mitte").await;
    let sale = app.graphql_as(&dealer, REGISTER_SALE, sale_for("customer@demo.caas", "", ("stockVin", &vin))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "r"))
        .await
        .data();
    let amount = due(&app, &dealer, &order_id).await;
    let attempts = (0..8).map(|n| {
        let (app, dealer, order_id) = (&app, &dealer, &order_id);
        async move {
            app.graphql_as(
                dealer,
                RECORD_PAYMENT,
                payment(order_id, "FINAL", amount, "pm_card_visa", &format!("final-{n}")),
            )
            .await
        }
    });
    let answers = futures::future::join_all(attempts).await;
    let taken = answers.iter().filter(|answer| answer.body["errors"].is_null()).count();
    assert_eq!(taken, 1, "{answers:?}");
    for refused in answers.iter().filter(|answer| !answer.body["errors"].is_null()) {
        let code = &refused.body["errors"][0]["extensions"]["code"];
        assert!(code == "CONFLICT" || code == "BAD_USER_INPUT", "{}", refused.body);
    }
    let charges = app.simulators.payments.as_ref().expect("gateway").payments();
    assert_eq!(charges.iter().filter(|charge| charge.amount == amount).count(), 1, "{charges:?}");
}

#[tokio::test]
async fn recording_a_payment_twice_charges_once() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let sale =
        app.graphql_as(&dealer, REGISTER_SALE, sale_for("customer2@demo.caas", "", ("modelCode", "CIRRUS"))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    let first = app
        .graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "same-key"))
        .await;
    let again = app
        .graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "same-key"))
        .await;
    assert_eq!(first.data()["recordPayment"]["payment"]["id"], again.data()["recordPayment"]["payment"]["id"]);
    let charged = app.simulators.payments.as_ref().expect("gateway").payments();
    assert_eq!(charged.len(), 1, "{charged:?}");
    assert_eq!(charged[0].captures, 1);
    let other = app
        .graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 99_999, "pm_card_visa", "same-key"))
        .await;
    other.expect_error("CONFLICT");
    // A reservation on an order that already has one is refused.
    let twice = app
        .graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "new-key"))
        .await;
    twice.expect_error("CONFLICT");
}

#[tokio::test]
async fn a_refused_registration_is_visible_and_can_be_retried() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let vin = app.stock_vin_at("Autohaus Berlin Mitte").await;
    let sale = app.graphql_as(&dealer, REGISTER_SALE, sale_for("customer@demo.caas", "", ("stockVin", &vin))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    app.simulators
        .registration
        .as_ref()
        .expect("authority")
        .set_knobs(RegistrationKnobs { refuse_next: Some("insurance certificate missing".into()), unavailable: false });
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "r"))
        .await
        .data();
    pay_final(&app, &dealer, &order_id, "pm_card_visa", "f").await.data();
    let paid = app
        .eventually("the refusal to be recorded", || async {
            let current = order(&app, &dealer, &order_id).await;
            (current["status"] == "PAID" && !current["lastError"].is_null()).then_some(current)
        })
        .await;
    assert!(paid["lastError"].as_str().expect("error").contains("insurance certificate missing"));
    app.email("dealer@demo.caas", "Zulassung").await;
    let retried = app
        .graphql_as(
            &dealer,
            "mutation($id: ID!) { retryRegistration(orderId: $id) { status lastError vehicle { plate } } }",
            json!({ "id": order_id }),
        )
        .await;
    assert_eq!(retried.data()["retryRegistration"]["status"], "REGISTERED");
    assert!(retried.data()["retryRegistration"]["lastError"].is_null());
}

#[tokio::test]
async fn cancelling_refunds_the_reservation_and_frees_the_car() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let vin = app.stock_vin_at("Autohaus Berlin Mitte").await;
    let sale = app.graphql_as(&dealer, REGISTER_SALE, sale_for("customer@demo.caas", "", ("stockVin", &vin))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "r"))
        .await
        .data();
    let cancel = "mutation($id: ID!, $r: String!) { cancelOrder(orderId: $id, reason: $r) { status cancelReason vehicle { status } payments { status } } }";
    app.graphql_as(&dealer, cancel, json!({ "id": order_id, "r": "" })).await.expect_error("BAD_USER_INPUT");
    let cancelled =
        app.graphql_as(&dealer, cancel, json!({ "id": order_id, "r": "customer changed their mind" })).await;
    let cancelled = &cancelled.data()["cancelOrder"];
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(cancelled["vehicle"]["status"], "IN_STOCK");
    assert_eq!(cancelled["payments"][0]["status"], "REFUNDED");
    let refunded = app.simulators.payments.as_ref().expect("gateway").payments();
    assert_eq!(refunded[0].refunded, 100_000);
    app.graphql_as(&dealer, cancel, json!({ "id": order_id, "r": "again" })).await.expect_error("CONFLICT");
    // The reservation's invoice is answered by a credit note over the same amount.
    let anna = app.token("customer@demo.caas").await;
    let documents = app
        .graphql_as(
            &anna,
            "{ invoices(first: 50) { edges { node { kind number gross { amountMinor } } } } }",
            json!({}),
        )
        .await;
    let documents = documents.data()["invoices"]["edges"].as_array().expect("invoices").clone();
    let of_kind = |kind: &str, gross: i64| {
        documents.iter().any(|edge| edge["node"]["kind"] == kind && edge["node"]["gross"]["amountMinor"] == gross)
    };
    assert!(of_kind("INVOICE", 100_000) && of_kind("CREDIT_NOTE", -100_000), "{documents:?}");
}

#[tokio::test]
async fn orders_stay_within_their_dealership_and_customer() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let sale =
        app.graphql_as(&dealer, REGISTER_SALE, sale_for("customer@demo.caas", "", ("modelCode", "AURORA"))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();

    let madrid = app.token("dealer2@demo.caas").await;
    app.graphql_as(&madrid, ORDER, json!({ "id": order_id })).await.expect_error("FORBIDDEN");
    app.graphql_as(&madrid, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", "x"))
        .await
        .expect_error("FORBIDDEN");
    let cancel = "mutation($id: ID!) { cancelOrder(orderId: $id, reason: \"no\") { status } }";
    app.graphql_as(&madrid, cancel, json!({ "id": order_id })).await.expect_error("FORBIDDEN");
    let listed = app.graphql_as(&madrid, "{ orders { edges { node { id } } } }", json!({})).await;
    assert!(!listed.body.to_string().contains(&order_id));

    let anna = app.token("customer@demo.caas").await;
    assert_eq!(order(&app, &anna, &order_id).await["status"], "AWAITING_RESERVATION");
    app.graphql_as(&anna, REGISTER_SALE, sale_for("x@example.com", "X", ("modelCode", "AURORA")))
        .await
        .expect_error("FORBIDDEN");
    app.graphql_as(&anna, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 1, "pm_card_visa", "x"))
        .await
        .expect_error("FORBIDDEN");
    let lucia = app.token("customer2@demo.caas").await;
    app.graphql_as(&lucia, ORDER, json!({ "id": order_id })).await.expect_error("FORBIDDEN");
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {lucia}") })).await;
    socket.subscribe("p", PROGRESS, json!({ "id": order_id })).await;
    let message = socket.next_message().await;
    assert!(message.to_string().contains("FORBIDDEN"), "{message}");

    // The dealer finds the order by customer, number or status.
    for search in ["anna", "ORD-", "customer@demo"] {
        let found = app
            .graphql_as(
                &dealer,
                "query($s: String) { orders(search: $s, status: [AWAITING_RESERVATION]) { edges { node { id } } } }",
                json!({ "s": search }),
            )
            .await;
        assert!(found.body.to_string().contains(&order_id), "{search}: {}", found.body);
    }
    let stock = app.graphql_as(&dealer, "{ stock(first: 100) { edges { node { vin status } } } }", json!({})).await;
    assert_eq!(stock.data()["stock"]["edges"].as_array().expect("edges").len(), 13);
    app.graphql_as(&anna, "{ stock { edges { cursor } } }", json!({})).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn bad_sales_and_payments_are_typed_errors() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let mut bad_email = sale_for("not-an-email", "X", ("modelCode", "AURORA"));
    app.graphql_as(&dealer, REGISTER_SALE, bad_email.take()).await.expect_error("BAD_USER_INPUT");
    let mut negative = sale_for("a@example.com", "A", ("modelCode", "AURORA"));
    negative["input"]["priceNetMinor"] = json!(-5);
    app.graphql_as(&dealer, REGISTER_SALE, negative).await.expect_error("BAD_USER_INPUT");
    app.graphql_as(&dealer, REGISTER_SALE, sale_for("a@example.com", "A", ("modelCode", "NOPE")))
        .await
        .expect_error("NOT_FOUND");
    app.graphql_as(&dealer, REGISTER_SALE, sale_for("a@example.com", "A", ("stockVin", "BAD")))
        .await
        .expect_error("BAD_USER_INPUT");
    // A car of the other dealership, and a car already sold.
    let madrid_vin = app.stock_vin_at("Concesionario Madrid Centro").await;
    app.graphql_as(&dealer, REGISTER_SALE, sale_for("a@example.com", "A", ("stockVin", &madrid_vin)))
        .await
        .expect_error("FORBIDDEN");
    let sold = app.vins_of("customer@demo.caas").await.remove(0);
    let sold_sale = app.graphql_as(&dealer, REGISTER_SALE, sale_for("a@example.com", "A", ("stockVin", &sold))).await;
    sold_sale.expect_error("CONFLICT");
    // Staff accounts cannot be buyers.
    app.graphql_as(&dealer, REGISTER_SALE, sale_for("support@demo.caas", "S", ("modelCode", "AURORA")))
        .await
        .expect_error("CONFLICT");

    let sale = app.graphql_as(&dealer, REGISTER_SALE, sale_for("a@example.com", "A", ("modelCode", "AURORA"))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("id").to_owned();
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", -100, "pm_card_visa", "k"))
        .await
        .expect_error("BAD_USER_INPUT");
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "FEATURE", 100, "pm_card_visa", "k"))
        .await
        .expect_error("BAD_USER_INPUT");
    app.graphql_as(&dealer, RECORD_PAYMENT, payment(&order_id, "FINAL", 100, "pm_card_visa", "k"))
        .await
        .expect_error("CONFLICT");
    app.graphql_as(&dealer, RECORD_PAYMENT, payment("not-an-id", "RESERVATION", 100, "pm_card_visa", "k"))
        .await
        .expect_error("BAD_USER_INPUT");
    app.graphql_as(
        &dealer,
        RECORD_PAYMENT,
        payment(&uuid::Uuid::now_v7().to_string(), "RESERVATION", 100, "pm_card_visa", "k"),
    )
    .await
    .expect_error("NOT_FOUND");
    let delivered = "mutation($id: ID!) { markDelivered(orderId: $id) { status } }";
    app.graphql_as(&dealer, delivered, json!({ "id": order_id })).await.expect_error("CONFLICT");
}

#[tokio::test]
async fn e_mails_that_cannot_be_sent_are_retried_and_then_shown_to_support() {
    let app = caas_tests::spawn_app_with(caas_tests::TestOptions {
        configure: Box::new(|config| {
            config.smtp_url = Some("smtp://127.0.0.1:9".into());
            config.mail_max_attempts = 2;
        }),
        ..caas_tests::TestOptions::default()
    })
    .await;
    let dealer = app.token("dealer@demo.caas").await;
    let started = std::time::Instant::now();
    let sale = app
        .graphql_as(&dealer, REGISTER_SALE, sale_for("lost.mail@example.com", "Lost Mail", ("modelCode", "AURORA")))
        .await;
    sale.data();
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "the sale waited for the mail server");

    let query = "{ notificationDeliveries(status: PENDING) { edges { node { template attempts lastError recipient { email } } } } }";
    let support = app.token("support@demo.caas").await;
    // The new customer's e-mail (the owners' service reminders fail alongside it).
    let of_buyer = |answer: &caas_tests::GqlResponse| {
        answer.data()["notificationDeliveries"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|edge| edge["node"].clone())
            .find(|node| node["recipient"]["email"] == "lost.mail@example.com")
    };
    app.eventually("a first failed attempt", || async {
        let pending = app.graphql_as(&support, query, json!({})).await;
        of_buyer(&pending).filter(|node| node["attempts"] == 1).map(|_| ())
    })
    .await;
    app.clock.advance(chrono::Duration::seconds(31));
    // The second attempt is due: made by this call or by the running dispatcher, whichever
    // claims it first.
    caas::notifications::dispatcher::deliver_due(&app.app).await.expect("dispatch");
    let failed_query = query.replace("PENDING", "FAILED");
    let failed = app
        .eventually("the second attempt to fail", || async {
            let failed = app.graphql_as(&support, &failed_query, json!({})).await;
            of_buyer(&failed)
        })
        .await;
    let node = &failed;
    assert_eq!(node["template"], "account.set_password");
    assert_eq!(node["attempts"], 2);
    assert_eq!(node["recipient"]["email"], "lost.mail@example.com");
    assert!(!node["lastError"].as_str().expect("error").is_empty());
    app.graphql_as(&dealer, query, json!({})).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn a_mail_backlog_is_worked_off_at_once_not_one_batch_per_wake_up() {
    use entity::{NotificationChannel, NotificationStatus, notifications, users};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
    let app = spawn_app().await;
    let db = &app.app.db;
    let anna = users::Entity::find()
        .filter(users::Column::Email.eq("customer@demo.caas"))
        .one(db)
        .await
        .expect("read")
        .expect("Anna");
    let now = app.app.clock.now();
    // 120 messages left behind without a wake-up call, as a burst of activations leaves them.
    let payload =
        json!({ "feature": { "en": "Heated seats", "de": "Sitzheizung" }, "vin": "WBA00000000000001", "endsAt": null });
    let queued: Vec<notifications::ActiveModel> = (0..120)
        .map(|_| notifications::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            user_id: Set(anna.id),
            channel: Set(NotificationChannel::Email),
            template: Set("activation.active".into()),
            payload: Set(payload.clone()),
            status: Set(NotificationStatus::Pending),
            attempts: Set(0),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
            read_at: Set(None),
            next_attempt_at: Set(Some(now)),
            provider_ref: Set(None),
            delivered_at: Set(None),
        })
        .collect();
    let ids: Vec<uuid::Uuid> = queued.iter().map(|row| *row.id.as_ref()).collect();
    notifications::Entity::insert_many(queued).exec_without_returning(db).await.expect("queued");

    caas::notifications::dispatcher::drain(&app.app).await.expect("drained");
    // Some may have been taken by the server's own dispatcher meanwhile; none is left untouched.
    let untouched = notifications::Entity::find()
        .filter(notifications::Column::Id.is_in(ids.clone()))
        .filter(notifications::Column::Attempts.eq(0))
        .count(db)
        .await
        .expect("count");
    assert_eq!(untouched, 0, "one call works off the whole backlog, not one batch of it");
    app.eventually("every message to be sent", || async {
        let sent = notifications::Entity::find()
            .filter(notifications::Column::Id.is_in(ids.clone()))
            .filter(notifications::Column::Status.eq(NotificationStatus::Sent))
            .count(db)
            .await
            .expect("count");
        (sent == 120).then_some(())
    })
    .await;
}
