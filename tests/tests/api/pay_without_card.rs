//! Paying without a card: prepaid vouchers as credit (one credit per code, however often and from
//! wherever it is redeemed), SEPA Direct Debit under a mandate (the feature is on at once; a debit
//! the bank returns a week later brings notices and, after the grace period, the cut-off — and is
//! never taken twice), bank transfers with a unique reference (partial transfers add up, a wrong
//! amount or an unknown reference is held for support), and the methods each region offers.

use caas::activation::scheduler;
use caas::integrations::payments::simulator::{IBAN_PAID, IBAN_RETURNED, IncomingTransfer, PaymentKnobs};
use caas::platform::clock::Clock;
use caas_tests::{TestApp, spawn_app, spawn_app_for_time_travel};
use chrono::Duration;
use entity::{CreditKind, credit_entries, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const BATCH: &str = "mutation($input: VoucherBatchInput!) { createVoucherBatch(input: $input) { codes batch { id quantity redeemed value { amountMinor currency } } } }";
const REDEEM: &str = "mutation($code: String!, $key: String!) { redeemVoucher(code: $code, idempotencyKey: $key) { amount { amountMinor } balance { amountMinor currency } newlyRedeemed } }";
const CREDIT: &str = "{ myCredit { balances { amountMinor currency } entries { kind amount { amountMinor } } } }";
const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";
const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { status unpaid endReason payments { status method amount { amountMinor } amountReceived { amountMinor } transferInstructions { reference iban amountDue { amountMinor } } } } }";
const MANDATE: &str =
    "mutation($input: SepaMandateInput!) { setUpSepaMandate(input: $input) { kind last4 mandateReference } }";
const CHECKOUT: &str = "query($vin: String!) { checkoutOptions(vin: $vin) { methods credit { amountMinor currency } savedMethod { kind last4 } } }";
const HELD: &str = "{ bankTransfers { id reference heldReason amount { amountMinor } } }";
const RESOLVE: &str = "mutation($id: ID!, $resolution: TransferResolution!) { resolveBankTransfer(id: $id, resolution: $resolution) { status } }";

fn purchase(vin: &str, code: &str, key: &str, extra: Value) -> Value {
    let mut input =
        json!({ "vin": vin, "featureCode": code, "duration": { "kind": "PERMANENT" }, "idempotencyKey": key });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    json!({ "input": input })
}

async fn vouchers(app: &TestApp, region: &str, value_minor: i64, quantity: i32) -> Vec<String> {
    let admin = app.token("admin@demo.caas").await;
    let expires = (app.clock.now() + Duration::days(365)).to_rfc3339();
    let input = json!({ "regionCode": region, "valueMinor": value_minor, "quantity": quantity, "expiresAt": expires, "label": "Kiosk" });
    let made = app.graphql_as(&admin, BATCH, json!({ "input": input })).await;
    let codes = made.data()["createVoucherBatch"]["codes"].as_array().expect("codes").clone();
    codes.into_iter().map(|code| code.as_str().expect("code").to_owned()).collect()
}

/// Features the car can buy for good (purchasable, not on yet, no workshop needed), cheapest first.
async fn buyable(app: &TestApp, token: &str, vin: &str) -> Vec<(String, i64)> {
    let query = "query($vin: String!) { catalog(vin: $vin, first: 50) { nodes { feature { code requiresMaintenance } purchasable offers { durationKind gross { amountMinor } } } } }";
    let catalog = app.graphql_as(token, query, json!({ "vin": vin })).await;
    let mut found: Vec<(String, i64)> = catalog.data()["catalog"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|node| node["purchasable"] == true && node["feature"]["requiresMaintenance"] == false)
        .filter_map(|node| {
            let offer = node["offers"].as_array()?.iter().find(|offer| offer["durationKind"] == "PERMANENT")?;
            Some((node["feature"]["code"].as_str()?.to_owned(), offer["gross"]["amountMinor"].as_i64()?))
        })
        .collect();
    found.sort_by_key(|(_, gross)| *gross);
    found
}

async fn activation(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone()
}

async fn until_status(app: &TestApp, token: &str, id: &str, wanted: &str) -> Value {
    app.eventually(&format!("the activation to be {wanted}"), || async {
        let now = activation(app, token, id).await;
        (now["status"] == wanted).then_some(now)
    })
    .await
}

async fn credit_entries_of(app: &TestApp, email: &str) -> Vec<credit_entries::Model> {
    let user = users::Entity::find().filter(users::Column::Email.eq(email)).one(&app.app.db).await.expect("db");
    credit_entries::Entity::find()
        .filter(credit_entries::Column::UserId.eq(user.expect("user").id))
        .all(&app.app.db)
        .await
        .expect("db")
}

#[tokio::test]
async fn a_voucher_redeemed_twice_online_and_from_the_offline_queue_gives_one_credit() {
    let app = spawn_app().await;
    let codes = vouchers(&app, "ES", 5_000, 3).await;
    let lucia = app.token("customer2@demo.caas").await;

    // Online, then the same code from the offline queue (its own key), then both at once again.
    let online = app.graphql_as(&lucia, REDEEM, json!({ "code": codes[0], "key": "online-1" })).await;
    assert_eq!(
        online.data()["redeemVoucher"],
        json!({ "amount": { "amountMinor": 5000 }, "balance": { "amountMinor": 5000, "currency": "EUR" }, "newlyRedeemed": true })
    );
    let typed = codes[0].to_lowercase().replace('-', " ");
    let queued = app.graphql_as(&lucia, REDEEM, json!({ "code": typed, "key": "offline-queue-7" })).await;
    assert_eq!(queued.data()["redeemVoucher"]["newlyRedeemed"], false);
    assert_eq!(queued.data()["redeemVoucher"]["balance"]["amountMinor"], 5000);
    let (first, second) = tokio::join!(
        app.graphql_as(&lucia, REDEEM, json!({ "code": codes[1], "key": "race-a" })),
        app.graphql_as(&lucia, REDEEM, json!({ "code": codes[1], "key": "race-b" })),
    );
    let fresh =
        [&first, &second].iter().filter(|answer| answer.data()["redeemVoucher"]["newlyRedeemed"] == true).count();
    assert_eq!(fresh, 1, "one of the racing redemptions credits");
    let credit = app.graphql_as(&lucia, CREDIT, json!({})).await;
    assert_eq!(credit.data()["myCredit"]["balances"], json!([{ "amountMinor": 10000, "currency": "EUR" }]));
    let entries = credit_entries_of(&app, "customer2@demo.caas").await;
    assert_eq!(entries.iter().filter(|entry| entry.kind == CreditKind::Voucher).count(), 2);

    // Another customer cannot use a redeemed code, nor a Spanish one in Germany; typos are told.
    let anna = app.token("customer@demo.caas").await;
    let used = app.graphql_as(&anna, REDEEM, json!({ "code": codes[0], "key": "a1" })).await;
    assert_eq!(used.errors()[0]["extensions"]["reason"], "VOUCHER_USED");
    let abroad = app.graphql_as(&anna, REDEEM, json!({ "code": codes[2], "key": "a2" })).await;
    assert_eq!(abroad.errors()[0]["extensions"]["reason"], "VOUCHER_OTHER_REGION");
    let mut typo = codes[2].clone().into_bytes();
    typo[0] = if typo[0] == b'A' { b'B' } else { b'A' };
    let typo = String::from_utf8(typo).expect("ascii");
    app.graphql_as(&anna, REDEEM, json!({ "code": typo, "key": "a3" })).await.expect_error("BAD_USER_INPUT");
    // The admin sees how many of the batch were redeemed.
    let admin = app.token("admin@demo.caas").await;
    let batches = app.graphql_as(&admin, "{ voucherBatches { quantity redeemed label } }", json!({})).await;
    assert_eq!(batches.data()["voucherBatches"], json!([{ "quantity": 3, "redeemed": 2, "label": "Kiosk" }]));
    // Only admins make vouchers.
    let made = app.graphql_as(&anna, BATCH, json!({ "input": { "regionCode": "ES", "valueMinor": 100, "quantity": 1, "expiresAt": "2099-01-01T00:00:00Z", "label": "x" } }));
    made.await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn a_feature_is_paid_with_a_voucher_from_credit_before_the_card() {
    let app = spawn_app().await;
    let codes = vouchers(&app, "ES", 50_000, 1).await;
    let lucia = app.token("customer2@demo.caas").await;
    let vin = app.vins_of("customer2@demo.caas").await.remove(0);
    let options = app.graphql_as(&lucia, CHECKOUT, json!({ "vin": vin })).await;
    assert_eq!(options.data()["checkoutOptions"]["methods"], json!(["CARD", "SEPA_DEBIT", "BANK_TRANSFER", "CREDIT"]));

    let features = buyable(&app, &lucia, &vin).await;
    let (cheapest, dearest) = (&features[0], features.last().expect("features"));

    // The code redeemed with the purchase pays it; a retry of the purchase (same key) is the same.
    let input = purchase(&vin, &cheapest.0, "voucher-buy", json!({ "voucherCode": codes[0] }));
    let bought = app.graphql_as(&lucia, PURCHASE, input.clone()).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let again = app.graphql_as(&lucia, PURCHASE, input).await;
    assert_eq!(again.data()["purchaseFeature"]["id"], id.as_str());
    let active = until_status(&app, &lucia, &id, "ACTIVE").await;
    let payment = &active["payments"][0];
    assert_eq!((payment["method"].as_str(), payment["status"].as_str()), (Some("CREDIT"), Some("SETTLED")));
    let price = payment["amount"]["amountMinor"].as_i64().expect("price");
    let credit = app.graphql_as(&lucia, CREDIT, json!({})).await;
    assert_eq!(credit.data()["myCredit"]["balances"][0]["amountMinor"], 50_000 - price);
    // No card was charged for it.
    let gateway = app.simulators.payments.as_ref().expect("gateway").payments();
    assert!(gateway.iter().all(|charge| charge.metadata.get("paymentId").is_none_or(|_| charge.amount != price)));

    assert_eq!(price, cheapest.1);

    // Credit that does not cover a price: asked to pay by credit, refused; not asked, the saved
    // card pays and the credit stays.
    assert!(dearest.1 > 50_000 - price, "{dearest:?}");
    let second = purchase(&vin, &dearest.0, "credit-2", json!({ "method": "CREDIT" }));
    let refused = app.graphql_as(&lucia, PURCHASE, second).await;
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "INSUFFICIENT_CREDIT");
    let by_card = app.graphql_as(&lucia, PURCHASE, purchase(&vin, &dearest.0, "card-3", json!({}))).await;
    let card_id = by_card.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let on = until_status(&app, &lucia, &card_id, "ACTIVE").await;
    assert_eq!(on["payments"][0]["method"], "CARD");
    let credit = app.graphql_as(&lucia, CREDIT, json!({})).await;
    assert_eq!(credit.data()["myCredit"]["balances"][0]["amountMinor"], 50_000 - price);
}

#[tokio::test]
async fn a_sepa_debit_returned_a_week_later_brings_notices_and_the_cut_off_and_is_never_taken_twice() {
    let app = spawn_app_for_time_travel().await;
    let anna = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let mandate = |iban: &str, accepted: bool, key: &str| json!({ "input": { "iban": iban, "accountHolder": "Anna Becker", "accepted": accepted, "idempotencyKey": key } });
    // A wrong IBAN and an unaccepted mandate are refused; the mandate text is in her language.
    app.graphql_as(&anna, MANDATE, mandate("DE89 3704 0044 0532 0130 01", true, "m0"))
        .await
        .expect_error("BAD_USER_INPUT");
    app.graphql_as(&anna, MANDATE, mandate(IBAN_PAID, false, "m1")).await.expect_error("BAD_USER_INPUT");
    let text = app.graphql_as(&anna, "{ sepaMandateText }", json!({})).await;
    assert!(text.data()["sepaMandateText"].as_str().expect("text").contains("Lastschrift"));
    let set_up = app.graphql_as(&anna, MANDATE, mandate(IBAN_RETURNED, true, "m2")).await;
    assert_eq!(set_up.data()["setUpSepaMandate"]["kind"], "SEPA_DEBIT");
    assert_eq!(set_up.data()["setUpSepaMandate"]["last4"], "3001");
    assert!(set_up.data()["setUpSepaMandate"]["mandateReference"].as_str().is_some_and(|r| r.starts_with("mandate_")));

    // Bought by direct debit: on at once, the debit taken once the car confirmed, still processing.
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { hold_settlements: true, ..PaymentKnobs::default() });
    let feature = buyable(&app, &anna, &vin).await.remove(0).0;
    let bought = app.graphql_as(&anna, PURCHASE, purchase(&vin, &feature, "sepa-buy", json!({}))).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let active = until_status(&app, &anna, &id, "ACTIVE").await;
    assert_eq!(active["payments"][0]["method"], "SEPA_DEBIT");
    assert_eq!(active["payments"][0]["status"], "CAPTURED");
    assert_eq!(active["unpaid"], false);

    // A week later the debtor's bank returns the debit.
    app.clock.advance(Duration::days(7));
    gateway.set_knobs(PaymentKnobs::default());
    let returned = app
        .eventually("the returned debit to be recorded", || async {
            let now = activation(&app, &anna, &id).await;
            // The activation and its payments are two reads: wait until both show it.
            (now["payments"][0]["status"] == "FAILED" && now["unpaid"] == true).then_some(now)
        })
        .await;
    assert_eq!(returned["status"], "ACTIVE", "still on during the grace period");
    let notice = app.email("customer@demo.caas", "Lastschrift").await;
    assert!(notice.body.contains("zurückgegeben"), "{}", notice.body);

    // The same event again changes nothing; the scheduler does not debit the mandate again.
    let debit =
        gateway.payments().into_iter().find(|charge| charge.behaves_as.ends_with("sepaReturned")).expect("debit");
    let (body, signature) = gateway.event_about("payment_intent.payment_failed", &debit.id).expect("event");
    let replayed = app
        .client
        .post(format!("{}/webhooks/payments", app.address))
        .header("stripe-signature", signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("webhook");
    assert!(replayed.status().is_success());
    for day in 1..=3 {
        app.clock.advance(Duration::days(1));
        scheduler::tick(&app.app).await.expect("tick");
        assert_eq!(activation(&app, &anna, &id).await["status"], "ACTIVE", "still in the grace period on day {day}");
    }
    let debits = gateway.payments().into_iter().filter(|charge| charge.behaves_as.ends_with("sepaReturned")).count();
    assert_eq!(debits, 1, "the returned debit is not presented again");

    // After the grace period the feature is switched off, for the unpaid debit.
    app.clock.advance(Duration::days(5));
    scheduler::tick(&app.app).await.expect("tick");
    let ended = app
        .eventually("the feature to be switched off", || async {
            let now = activation(&app, &anna, &id).await;
            (now["status"] != "ACTIVE" && now["status"] != "DEACTIVATING").then_some(now)
        })
        .await;
    assert_eq!(ended["endReason"], "PAYMENT_FAILED");
    let failed = entity::notifications::Entity::find()
        .filter(entity::notifications::Column::Template.eq("activation.debit_returned"))
        .all(&app.app.db)
        .await
        .expect("db");
    assert_eq!(failed.len(), 2, "one notice in the app and one e-mail, once: {failed:?}");
    assert_eq!(gateway.payments().iter().filter(|charge| charge.behaves_as.contains("sepa")).count(), 1);
}

#[tokio::test]
async fn a_bank_transfer_with_its_reference_activates_and_a_wrong_amount_is_held_for_support() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let gateway = app.simulators.payments.as_ref().expect("gateway");

    // Bought by transfer: it waits, with where to send the money and the reference to write.
    let features = buyable(&app, &anna, &vin).await;
    let bought = app
        .graphql_as(&anna, PURCHASE, purchase(&vin, &features[0].0, "transfer-1", json!({ "method": "BANK_TRANSFER" })))
        .await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let waiting = activation(&app, &anna, &id).await;
    assert_eq!(waiting["status"], "PENDING");
    let instructions = &waiting["payments"][0]["transferInstructions"];
    let reference = instructions["reference"].as_str().expect("reference").to_owned();
    assert!(reference.starts_with("RF"), "{reference}");
    let due = instructions["amountDue"]["amountMinor"].as_i64().expect("due");

    // Part of it first: still waiting, told what is due; then the rest with the reference as a
    // bank would print it — the purchase is switched on.
    let part = IncomingTransfer {
        reference: reference.replace(' ', ""),
        amount: 1_000,
        currency: "EUR".into(),
        sender: Some("A. Becker".into()),
    };
    assert!(gateway.transfer_arrives(&part).await);
    let partial = activation(&app, &anna, &id).await;
    assert_eq!(
        (partial["status"].as_str(), partial["payments"][0]["amountReceived"]["amountMinor"].as_i64()),
        (Some("PENDING"), Some(1000))
    );
    app.email("customer@demo.caas", &reference.replace(' ', "")).await;
    let rest = IncomingTransfer {
        reference: reference.to_lowercase(),
        amount: due - 1_000,
        currency: "EUR".into(),
        sender: None,
    };
    assert!(gateway.transfer_arrives(&rest).await);
    let active = until_status(&app, &anna, &id, "ACTIVE").await;
    assert_eq!(active["payments"][0]["status"], "SETTLED");

    // Another purchase overpaid: held for support, the purchase waits; support applies it.
    let second = app
        .graphql_as(&anna, PURCHASE, purchase(&vin, &features[1].0, "transfer-2", json!({ "method": "BANK_TRANSFER" })))
        .await;
    let second_id = second.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let waiting = activation(&app, &anna, &second_id).await;
    let second_reference =
        waiting["payments"][0]["transferInstructions"]["reference"].as_str().expect("ref").to_owned();
    let second_due = waiting["payments"][0]["transferInstructions"]["amountDue"]["amountMinor"].as_i64().expect("due");
    let over = IncomingTransfer {
        reference: second_reference.clone(),
        amount: second_due + 500,
        currency: "EUR".into(),
        sender: None,
    };
    assert!(gateway.transfer_arrives(&over).await);
    let unknown =
        IncomingTransfer { reference: "RF18 5390 0754 7034".into(), amount: 700, currency: "EUR".into(), sender: None };
    assert!(gateway.transfer_arrives(&unknown).await);
    assert_eq!(activation(&app, &anna, &second_id).await["status"], "PENDING");
    let support = app.token("support@demo.caas").await;
    let held = app.graphql_as(&support, HELD, json!({})).await;
    let held = held.data()["bankTransfers"].as_array().expect("held").clone();
    let reasons: Vec<&str> = held.iter().map(|transfer| transfer["heldReason"].as_str().expect("reason")).collect();
    assert_eq!(reasons, ["OVERPAID", "UNKNOWN_REFERENCE"]);
    app.graphql_as(&anna, HELD, json!({})).await.expect_error("FORBIDDEN");
    let overpaid = held[0]["id"].as_str().expect("id");
    let resolved = app.graphql_as(&support, RESOLVE, json!({ "id": overpaid, "resolution": "APPLIED" })).await;
    assert_eq!(resolved.data()["resolveBankTransfer"]["status"], "RESOLVED");
    until_status(&app, &anna, &second_id, "ACTIVE").await;
    let returned = app.graphql_as(&support, RESOLVE, json!({ "id": held[1]["id"], "resolution": "RETURNED" })).await;
    assert_eq!(returned.data()["resolveBankTransfer"]["status"], "RESOLVED");
    assert_eq!(app.graphql_as(&support, HELD, json!({})).await.data()["bankTransfers"], json!([]));
}

#[tokio::test]
async fn a_region_offers_only_its_methods() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let save = "mutation($input: RegionInput!) { saveRegion(input: $input) { code paymentMethods } }";
    let input = json!({ "code": "DE", "name": "Germany", "currency": "EUR", "defaultLocale": "DE", "paymentMethods": ["CARD", "CREDIT"] });
    let saved = app.graphql_as(&admin, save, json!({ "input": input })).await;
    assert_eq!(saved.data()["saveRegion"]["paymentMethods"], json!(["CARD", "CREDIT"]));
    let none =
        json!({ "code": "DE", "name": "Germany", "currency": "EUR", "defaultLocale": "DE", "paymentMethods": [] });
    app.graphql_as(&admin, save, json!({ "input": none })).await.expect_error("BAD_USER_INPUT");

    let anna = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let options = app.graphql_as(&anna, CHECKOUT, json!({ "vin": vin })).await;
    assert_eq!(options.data()["checkoutOptions"]["methods"], json!(["CARD", "CREDIT"]));
    assert_eq!(options.data()["checkoutOptions"]["savedMethod"]["kind"], "CARD");
    let transfer = purchase(&vin, "PREMIUM_AUDIO", "not-here", json!({ "method": "BANK_TRANSFER" }));
    let refused = app.graphql_as(&anna, PURCHASE, transfer).await;
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "PAYMENT_METHOD_NOT_OFFERED");
    // Only the owner sees a car's checkout.
    let lucia = app.token("customer2@demo.caas").await;
    app.graphql_as(&lucia, CHECKOUT, json!({ "vin": vin })).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn a_purchase_whose_transfer_never_comes_is_given_up_and_a_late_transfer_is_held() {
    let app = spawn_app_for_time_travel().await;
    let anna = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let feature = buyable(&app, &anna, &vin).await.remove(0).0;
    let bought =
        app.graphql_as(&anna, PURCHASE, purchase(&vin, &feature, "late-1", json!({ "method": "BANK_TRANSFER" }))).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let waiting = activation(&app, &anna, &id).await;
    let reference = waiting["payments"][0]["transferInstructions"]["reference"].as_str().expect("ref").to_owned();
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    let part = IncomingTransfer { reference: reference.clone(), amount: 300, currency: "EUR".into(), sender: None };
    assert!(gateway.transfer_arrives(&part).await);

    // Within the days allowed nothing happens; after them the purchase is given up, the part that
    // came is credit, and Anna is told.
    app.clock.advance(Duration::days(13));
    scheduler::tick(&app.app).await.expect("tick");
    assert_eq!(activation(&app, &anna, &id).await["status"], "PENDING");
    app.clock.advance(Duration::days(2));
    scheduler::tick(&app.app).await.expect("tick");
    let cancelled = activation(&app, &anna, &id).await;
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["endReason"].as_str()),
        (Some("CANCELLED"), Some("TRANSFER_NOT_RECEIVED"))
    );
    assert_eq!(cancelled["payments"][0]["status"], "VOIDED");
    let credit = app.graphql_as(&anna, CREDIT, json!({})).await;
    assert_eq!(credit.data()["myCredit"]["balances"], json!([{ "amountMinor": 300, "currency": "EUR" }]));
    app.email("customer@demo.caas", "Überweisung").await;
    scheduler::tick(&app.app).await.expect("a second run gives up nothing twice");
    assert_eq!(app.graphql_as(&anna, CREDIT, json!({})).await.data()["myCredit"]["balances"][0]["amountMinor"], 300);

    // The rest arrives late: held for support, nothing switched on.
    let late = IncomingTransfer { reference, amount: 700, currency: "EUR".into(), sender: None };
    assert!(gateway.transfer_arrives(&late).await);
    let support = app.token("support@demo.caas").await;
    let held = app.graphql_as(&support, HELD, json!({})).await;
    assert_eq!(held.data()["bankTransfers"][0]["heldReason"], "LATE");
    assert_eq!(activation(&app, &anna, &id).await["status"], "CANCELLED");
}
