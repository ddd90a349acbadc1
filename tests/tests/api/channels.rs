//! Notices beyond e-mail: Web Push to a customer's devices through the push-service simulator
//! (VAPID-signed, encrypted; a subscription the service says is gone is removed), text messages
//! through the SMS provider simulator (opt-in, E.164, Spanish, signed delivery receipts), the
//! preferences that choose the channels, quiet hours, and the one-click unsubscribe of offers.

use caas::integrations::push::simulator::PushServiceSimulator;
use caas::integrations::signing;
use caas::integrations::sms::SmsEncoding;
use caas::integrations::sms::simulator::SmsSimulator;
use caas::notifications::dispatcher;
use caas::notifications::service::{APP_AND_EMAIL, notify};
use caas::platform::outbox::Outbox;
use caas_tests::{TestApp, spawn_app, spawn_app_for_time_travel};
use chrono::{Duration, Timelike};
use entity::{NotificationChannel, NotificationStatus, notifications, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

const PUBLIC_KEY: &str = "{ pushPublicKey }";
const REGISTER: &str = "mutation($input: RegisterPushDeviceInput!) {
  registerPushDevice(input: $input) { id label createdAt lastPushedAt }
}";
const DEVICES: &str = "{ myPushDevices { id label lastPushedAt } }";
const PREFERENCES: &str = "{ myNotificationPreferences {
  kinds { kind email push sms emailRequired } quietHours { from until timeZone } phone smsOptIn
} }";
const CHOOSE: &str = "mutation($input: NotificationPreferenceInput!) {
  setNotificationPreference(input: $input) { kind email push sms emailRequired }
}";
const SMS_NUMBER: &str = "mutation($input: SmsNumberInput!) {
  setSmsNumber(input: $input) { phone smsOptIn kinds { kind sms } }
}";
const QUIET: &str = "mutation($input: QuietHoursInput) {
  setQuietHours(input: $input) { quietHours { from until timeZone } }
}";
const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";
const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { status } }";
const DELIVERIES: &str = "query($status: NotificationStatus!) {
  notificationDeliveries(status: $status, first: 50) {
    nodes { id channel template status attempts lastError sentAt deliveredAt recipient { email } }
  }
}";

fn push_service(app: &TestApp) -> &PushServiceSimulator {
    app.simulators.push.as_ref().expect("the push service simulator runs in tests")
}

fn sms_provider(app: &TestApp) -> &SmsSimulator {
    app.simulators.sms.as_ref().expect("the SMS provider simulator runs in tests")
}

fn choose(kind: &str, email: bool, push: bool, sms: bool) -> Value {
    json!({ "input": { "kind": kind, "email": email, "push": push, "sms": sms } })
}

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    let user = users::Entity::find().filter(users::Column::Email.eq(email)).one(&app.app.db).await.expect("read");
    user.expect("a demo user").id
}

/// Queues `template` for `user` as the domains do (in the app and on the channels they chose).
async fn queue_notice(app: &TestApp, user: Uuid, template: &str, payload: Value) {
    let txn = caas::platform::db::begin_write(&app.app.db).await.expect("a transaction");
    let mut outbox = Outbox::new();
    notify(&app.app, &txn, &mut outbox, user, template, payload, APP_AND_EMAIL).await.expect("queued");
    outbox.commit(txn, app.app.events.as_ref()).await.expect("committed");
}

/// The user's notices on `channel`, oldest first.
async fn on_channel(app: &TestApp, user: Uuid, channel: NotificationChannel) -> Vec<notifications::Model> {
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::Channel.eq(channel))
        .order_by_asc(notifications::Column::Id)
        .all(&app.app.db)
        .await
        .expect("read")
}

/// Registers a "browser" of the push simulator for `token`'s user; answers its endpoint.
async fn enable_push(app: &TestApp, token: &str, label: &str) -> String {
    let key = app.graphql_as(token, PUBLIC_KEY, json!({})).await.data()["pushPublicKey"].clone();
    let key = key.as_str().expect("push is configured in tests");
    let subscription = push_service(app).subscribe(key);
    let device = app
        .graphql_as(
            token,
            REGISTER,
            json!({ "input": {
                "endpoint": subscription.endpoint, "p256dh": subscription.p256dh,
                "auth": subscription.auth, "label": label,
            } }),
        )
        .await;
    assert_eq!(device.data()["registerPushDevice"]["label"], label, "{device:?}");
    subscription.endpoint
}

async fn buy(app: &TestApp, token: &str, vin: &str, feature: &str, key: &str) {
    let input = json!({ "input": {
        "vin": vin, "featureCode": feature, "duration": { "kind": "PERMANENT" }, "idempotencyKey": key,
    } });
    let bought = app.graphql_as(token, PURCHASE, input).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("an activation").to_owned();
    app.eventually(&format!("{feature} to be active"), || async {
        let answer = app.graphql_as(token, ACTIVATION, json!({ "id": id })).await;
        (answer.data()["activation"]["status"] == "ACTIVE").then_some(())
    })
    .await;
}

#[tokio::test]
async fn an_activation_result_reaches_the_customers_phone_as_an_encrypted_signed_web_push() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let anna = user_id(&app, "customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let endpoint = enable_push(&app, &token, "Chrome on Android").await;
    let devices = app.graphql_as(&token, DEVICES, json!({})).await;
    assert_eq!(devices.data()["myPushDevices"].as_array().expect("devices").len(), 1, "{devices:?}");

    buy(&app, &token, &aurora, "PARKING_ASSISTANT", "push-1").await;
    let push = app
        .eventually("the activation's push", || async {
            push_service(&app).received(&endpoint).into_iter().find(|push| push.payload["tag"] == "activation.active")
        })
        .await;
    // The simulator keeps only what it could verify (VAPID signature and key, and decryption).
    assert_eq!(push_service(&app).rejected(), 0);
    assert!(push.payload["title"].as_str().expect("title").contains("Park"), "{:?}", push.payload);
    assert_eq!(push.payload["url"], format!("/vehicles/{aurora}"));
    assert!(push.vapid_subject.starts_with("mailto:") || push.vapid_subject.starts_with("https:"));
    assert!(push.ttl > 0);
    let sent = app
        .eventually("the push marked sent", || async {
            let pushes = on_channel(&app, anna, NotificationChannel::Push).await;
            pushes.into_iter().find(|push| push.status == NotificationStatus::Sent)
        })
        .await;
    assert_eq!(sent.template, "activation.active");
    let devices = app.graphql_as(&token, DEVICES, json!({})).await;
    assert!(devices.data()["myPushDevices"][0]["lastPushedAt"].is_string(), "{devices:?}");

    // Switched off for activation results: the next one comes by e-mail only.
    let chosen = app.graphql_as(&token, CHOOSE, choose("ACTIVATION_RESULT", true, false, false)).await;
    assert_eq!(chosen.data()["setNotificationPreference"]["push"], false, "{chosen:?}");
    buy(&app, &token, &aurora, "LANE_KEEPING", "push-2").await;
    app.eventually("both results e-mailed", || async {
        let mails = on_channel(&app, anna, NotificationChannel::Email).await;
        let sent = |mail: &&notifications::Model| {
            mail.template == "activation.active" && mail.status == NotificationStatus::Sent
        };
        (mails.iter().filter(sent).count() == 2).then_some(())
    })
    .await;
    assert_eq!(on_channel(&app, anna, NotificationChannel::Push).await.len(), 1, "no push for the second");
    assert_eq!(push_service(&app).received(&endpoint).len(), 1);

    // The push service says the subscription expired: the device is removed, the notice failed.
    let chosen = app.graphql_as(&token, CHOOSE, choose("ACTIVATION_RESULT", true, true, false)).await;
    assert_eq!(chosen.data()["setNotificationPreference"]["push"], true, "{chosen:?}");
    push_service(&app).expire(&endpoint);
    queue_notice(&app, anna, "activation.active", json!({ "feature": "Navigation", "vin": aurora })).await;
    app.eventually("the expired device removed", || async {
        let devices = app.graphql_as(&token, DEVICES, json!({})).await;
        devices.data()["myPushDevices"].as_array().expect("devices").is_empty().then_some(())
    })
    .await;
    // The device goes first, then the notice is recorded as failed (two steps of the dispatcher).
    let support = app.token("support@demo.caas").await;
    let gone = app
        .eventually("the failed push shown to support", || async {
            let failed = app.graphql_as(&support, DELIVERIES, json!({ "status": "FAILED" })).await;
            let failed = failed.data()["notificationDeliveries"]["nodes"].as_array().expect("nodes").clone();
            failed.into_iter().find(|notice| notice["channel"] == "PUSH")
        })
        .await;
    assert_eq!(gone["recipient"]["email"], "customer@demo.caas");
    assert!(gone["lastError"].as_str().expect("why").contains("expired"), "{gone}");
    // With no device left, a new notice is not queued for push at all.
    queue_notice(&app, anna, "activation.active", json!({ "feature": "Navigation", "vin": aurora })).await;
    assert_eq!(on_channel(&app, anna, NotificationChannel::Push).await.len(), 2);
}

#[tokio::test]
async fn text_messages_need_an_opt_in_arrive_in_spanish_and_their_signed_receipts_count() {
    let app = spawn_app().await;
    let token = app.token("customer2@demo.caas").await;
    let lucia = user_id(&app, "customer2@demo.caas").await;

    for bad in ["12345", "+34 12", "600123456", "+1 555 000 0000x", "call me"] {
        let answer = app.graphql_as(&token, SMS_NUMBER, json!({ "input": { "phone": bad, "optIn": true } })).await;
        answer.expect_error("BAD_USER_INPUT");
        assert_eq!(answer.errors()[0]["extensions"]["field"], "phone", "{bad}: {answer:?}");
    }
    let saved =
        app.graphql_as(&token, SMS_NUMBER, json!({ "input": { "phone": "+34 600 12 34 56", "optIn": false } })).await;
    assert_eq!(saved.data()["setSmsNumber"]["phone"], "+34600123456", "{saved:?}");
    assert_eq!(saved.data()["setSmsNumber"]["smsOptIn"], false);
    // No text messages without the opt-in, whatever is asked for.
    let refused = app.graphql_as(&token, CHOOSE, choose("ACTIVATION_RESULT", true, false, true)).await;
    refused.expect_error("CONFLICT");
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "SMS_NOT_OPTED_IN");
    queue_notice(&app, lucia, "activation.active", json!({ "feature": "x", "vin": "VIN" })).await;
    assert!(on_channel(&app, lucia, NotificationChannel::Sms).await.is_empty());

    let opted =
        app.graphql_as(&token, SMS_NUMBER, json!({ "input": { "phone": "+34600123456", "optIn": true } })).await;
    assert_eq!(opted.data()["setSmsNumber"]["smsOptIn"], true, "{opted:?}");
    let kinds = opted.data()["setSmsNumber"]["kinds"].as_array().expect("kinds").clone();
    let sms_of = |kind: &str| kinds.iter().find(|row| row["kind"] == kind).expect("a kind")["sms"].clone();
    assert_eq!(sms_of("ACTIVATION_RESULT"), true, "by default once opted in");
    assert_eq!(sms_of("OFFERS"), false);

    let feature = json!({ "en": "Remote climate", "es": "Climatización remota" });
    queue_notice(&app, lucia, "activation.active", json!({ "feature": feature, "vin": "WCAAS000000000042" })).await;
    let message =
        app.eventually("the text message", || async { sms_provider(&app).messages().into_iter().next() }).await;
    assert_eq!(message.to, "+34600123456");
    assert_eq!(message.body, "CaaS: Climatización remota ya está activado en su coche WCAAS000000000042.");
    // "á" is not in GSM-7: UCS-2, split in parts of at most 67 characters that join to the text.
    assert_eq!(message.encoding, SmsEncoding::Ucs2);
    assert_eq!(message.parts.concat(), message.body);
    assert_eq!(message.segments as usize, message.parts.len());
    assert_eq!(message.parts.len(), 2);
    assert!(message.parts.iter().all(|part| part.encode_utf16().count() <= 67), "{:?}", message.parts);

    // The provider's signed receipt marks it delivered.
    let delivered = app
        .eventually("the receipt recorded", || async {
            let texts = on_channel(&app, lucia, NotificationChannel::Sms).await;
            texts.into_iter().find(|text| text.delivered_at.is_some())
        })
        .await;
    assert_eq!(delivered.id, message.reference);
    assert_eq!(delivered.provider_ref.as_deref(), Some(message.id.as_str()));

    // A forged receipt ("undelivered", signed with another secret) is refused and changes nothing.
    let forged = json!({
        "id": message.id, "reference": message.reference, "status": "undelivered", "errorCode": "30003",
        "at": app.app.clock.now(),
    })
    .to_string();
    let now = app.app.clock.now().timestamp();
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{}/webhooks/sms", app.address))
        .header("X-Sms-Timestamp", now.to_string())
        .header("X-Sms-Signature", signing::sign(b"not the provider's secret", now, forged.as_bytes()))
        .body(forged.clone())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);
    let unsigned = client.post(format!("{}/webhooks/sms", app.address)).body(forged).send().await.expect("answered");
    assert_eq!(unsigned.status(), reqwest::StatusCode::UNAUTHORIZED);
    let after = notifications::Entity::find_by_id(delivered.id).one(&app.app.db).await.expect("read").expect("kept");
    assert_eq!(after.status, NotificationStatus::Sent);
    assert!(after.last_error.is_none());

    // A handset the network cannot reach: the receipt says so, and support sees why.
    sms_provider(&app).make_unreachable("+34600123456");
    queue_notice(
        &app,
        lucia,
        "activation.failed",
        json!({ "feature": feature, "vin": "WCAAS000000000042", "reason": "x" }),
    )
    .await;
    let support = app.token("support@demo.caas").await;
    let failed = app
        .eventually("the undelivered text shown to support", || async {
            let answer = app.graphql_as(&support, DELIVERIES, json!({ "status": "FAILED" })).await;
            let nodes = answer.data()["notificationDeliveries"]["nodes"].as_array().expect("nodes").clone();
            nodes.into_iter().find(|notice| notice["channel"] == "SMS")
        })
        .await;
    assert_eq!(failed["template"], "activation.failed");
    assert_eq!(failed["recipient"]["email"], "customer2@demo.caas");
    assert!(failed["lastError"].as_str().expect("why").contains("not delivered"), "{failed}");
    assert!(failed["sentAt"].is_string());
}

#[tokio::test]
async fn preferences_have_defaults_keep_security_by_email_and_quiet_hours_hold_pushes_back() {
    let app = spawn_app_for_time_travel().await;
    let token = app.token("customer@demo.caas").await;
    let anna = user_id(&app, "customer@demo.caas").await;
    let answer = app.graphql_as(&token, PREFERENCES, json!({})).await;
    let preferences = &answer.data()["myNotificationPreferences"];
    let kinds = preferences["kinds"].as_array().expect("kinds");
    assert_eq!(kinds.len(), 7, "{preferences}");
    let of = |kind: &str| kinds.iter().find(|row| row["kind"] == kind).expect("a kind").clone();
    assert_eq!(
        of("SECURITY"),
        json!({ "kind": "SECURITY", "email": true, "push": false, "sms": false, "emailRequired": true })
    );
    assert_eq!(
        of("OFFERS"),
        json!({ "kind": "OFFERS", "email": false, "push": false, "sms": false, "emailRequired": false })
    );
    assert_eq!(of("ACTIVATION_RESULT")["push"], true);
    assert_eq!(of("BILLING")["email"], true);
    assert_eq!(preferences["smsOptIn"], false);
    assert!(preferences["quietHours"].is_null());

    let refused = app.graphql_as(&token, CHOOSE, choose("SECURITY", false, false, false)).await;
    refused.expect_error("BAD_USER_INPUT");
    assert_eq!(refused.errors()[0]["extensions"]["field"], "email");
    for (input, field) in [
        (json!({ "from": "25:00", "until": "07:00", "timeZone": "Europe/Berlin" }), "from"),
        (json!({ "from": "22:00", "until": "7", "timeZone": "Europe/Berlin" }), "until"),
        (json!({ "from": "22:00", "until": "22:00", "timeZone": "Europe/Berlin" }), "until"),
        (json!({ "from": "22:00", "until": "07:00", "timeZone": "Mars/Olympus" }), "timeZone"),
    ] {
        let answer = app.graphql_as(&token, QUIET, json!({ "input": input })).await;
        answer.expect_error("BAD_USER_INPUT");
        assert_eq!(answer.errors()[0]["extensions"]["field"], field, "{input}");
    }

    // Quiet from an hour before the server's now to an hour after it (in UTC).
    let endpoint = enable_push(&app, &token, "Firefox on Linux").await;
    let now = app.app.clock.now();
    let hh_mm = |at: chrono::DateTime<chrono::Utc>| format!("{:02}:{:02}", at.hour(), at.minute());
    let (from, until) = (now - Duration::hours(1), now + Duration::hours(1));
    let quiet = json!({ "input": { "from": hh_mm(from), "until": hh_mm(until), "timeZone": "UTC" } });
    let set = app.graphql_as(&token, QUIET, quiet).await;
    assert_eq!(set.data()["setQuietHours"]["quietHours"]["timeZone"], "UTC", "{set:?}");
    queue_notice(&app, anna, "health.battery_low", json!({ "vin": "V", "model": "Aurora", "value": 11.2 })).await;
    app.eventually("the e-mail sent (quiet hours hold back only what interrupts)", || async {
        let mails = on_channel(&app, anna, NotificationChannel::Email).await;
        mails.into_iter().find(|mail| mail.template == "health.battery_low" && mail.status == NotificationStatus::Sent)
    })
    .await;
    let held = app
        .eventually("the push held back", || async {
            let pushes = on_channel(&app, anna, NotificationChannel::Push).await;
            pushes.into_iter().find(|push| push.next_attempt_at.is_some_and(|at| at > now + Duration::minutes(30)))
        })
        .await;
    assert_eq!(held.status, NotificationStatus::Pending);
    assert_eq!(held.attempts, 0, "waiting is not an attempt");
    let end = held.next_attempt_at.expect("when");
    assert_eq!(hh_mm(end), hh_mm(until));
    assert!(push_service(&app).received(&endpoint).is_empty());

    app.clock.set(end);
    dispatcher::drain(&app.app).await.expect("drained");
    app.eventually("the push sent once the quiet hours ended", || async {
        let sent = notifications::Entity::find_by_id(held.id).one(&app.app.db).await.expect("read");
        sent.filter(|push| push.status == NotificationStatus::Sent)
    })
    .await;
    assert_eq!(push_service(&app).received(&endpoint).len(), 1);

    let cleared = app.graphql_as(&token, QUIET, json!({ "input": null })).await;
    assert!(cleared.data()["setQuietHours"]["quietHours"].is_null(), "{cleared:?}");
}

#[tokio::test]
async fn every_offer_email_has_a_one_click_unsubscribe_that_only_its_signature_opens() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let anna = user_id(&app, "customer@demo.caas").await;
    let opted = app.graphql_as(&token, CHOOSE, choose("OFFERS", true, false, false)).await;
    assert_eq!(opted.data()["setNotificationPreference"]["email"], true, "{opted:?}");
    queue_notice(
        &app,
        anna,
        "offers.new_feature",
        json!({ "name": "Anna", "model": "Aurora", "feature": "Sport mode" }),
    )
    .await;
    let mail = app.email("customer@demo.caas", "Sport mode").await;
    let header = mail.list_unsubscribe.clone().expect("a List-Unsubscribe header");
    let link = header.trim_start_matches('<').trim_end_matches('>').to_owned();
    assert!(mail.body.contains(&link), "the link is in the text too: {}", mail.body);
    // Other notices have none.
    queue_notice(&app, anna, "order.delivered", json!({ "name": "Anna", "model": "Borealis", "order": "ORD-1" })).await;
    let other = app.email("customer@demo.caas", "Borealis").await;
    assert!(other.list_unsubscribe.is_none(), "{other:?}");

    let client = reqwest::Client::new();
    let forged = link.replace("sig=", "sig=x");
    let refused = client.post(&forged).send().await.expect("answered");
    assert_eq!(refused.status(), reqwest::StatusCode::NOT_FOUND);
    // Opening the link only asks; the button (or the mail client's one click) unsubscribes.
    let page = client.get(&link).send().await.expect("answered");
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let offers = |answer: Value| {
        answer["myNotificationPreferences"]["kinds"]
            .as_array()
            .expect("kinds")
            .iter()
            .find(|row| row["kind"] == "OFFERS")
            .cloned()
            .expect("offers")
    };
    let before = offers(app.graphql_as(&token, PREFERENCES, json!({})).await.data().clone());
    assert_eq!(before["email"], true);
    let done = client
        .post(&link)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("answered");
    assert_eq!(done.status(), reqwest::StatusCode::OK);
    let after = offers(app.graphql_as(&token, PREFERENCES, json!({})).await.data().clone());
    assert_eq!(after["email"], false);
    queue_notice(
        &app,
        anna,
        "offers.new_feature",
        json!({ "name": "Anna", "model": "Aurora", "feature": "Track mode" }),
    )
    .await;
    assert!(
        on_channel(&app, anna, NotificationChannel::Email)
            .await
            .iter()
            .all(|mail| !mail.payload.to_string().contains("Track"))
    );
}
