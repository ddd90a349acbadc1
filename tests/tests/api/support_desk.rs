//! Support's desk and the admin's regions: one search over people, cars, orders and payments; a
//! car's timeline from the audit trail; a feature switched on and off by hand, audited and never
//! charged; a failed e-mail sent again; tickets assigned and commented; a VAT rate scheduled from a
//! date, leaving earlier invoices as they were.

use caas::activation::{scheduler, tickets};
use caas_tests::{TestApp, spawn_app, spawn_app_for_time_travel};
use chrono::Duration;
use entity::{NotificationChannel, NotificationStatus, notifications};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const SWITCH: &str = "mutation($vin: String!, $on: Boolean!, $reason: String!) { switchFeature(vin: $vin, featureCode: \"TOWING_MODE\", on: $on, reason: $reason) { id status durationKind } }";
const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { status endReason payments { kind } } }";

async fn activation(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone()
}

#[tokio::test]
async fn support_finds_a_customer_switches_a_feature_by_hand_and_reads_the_cars_timeline() {
    let app = spawn_app().await;
    let support = app.token("support@demo.caas").await;
    let found = app
        .graphql_as(&support, "query($t: String!) { supportSearch(text: $t) { users { email } vehicles { vin } orders { number } payments { id } } }", json!({ "t": "garcía" }))
        .await;
    let found = found.data()["supportSearch"].clone();
    assert_eq!(found["users"], json!([{ "email": "customer2@demo.caas" }]));
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    assert!(
        found["vehicles"].as_array().expect("cars").iter().any(|car| car["vin"] == cirrus.as_str()),
        "her car: {found}"
    );
    let by_vin = app
        .graphql_as(
            &support,
            "query($t: String!) { supportSearch(text: $t) { vehicles { vin } users { email } } }",
            json!({ "t": &cirrus[5..] }),
        )
        .await;
    assert_eq!(by_vin.data()["supportSearch"]["vehicles"], json!([{ "vin": cirrus }]));
    let short = app.graphql_as(&support, "{ supportSearch(text: \"a\") { users { email } } }", json!({})).await;
    assert_eq!(short.error_code(), Some("BAD_USER_INPUT".to_owned()));

    let vars = |on: bool, reason: &str| json!({ "vin": cirrus, "on": on, "reason": reason });
    let no_reason = app.graphql_as(&support, SWITCH, vars(true, "ok")).await;
    assert_eq!(no_reason.error_code(), Some("BAD_USER_INPUT".to_owned()), "a reason is needed");
    let on = app.graphql_as(&support, SWITCH, vars(true, "Goodwill after the delayed delivery")).await;
    let id = on.data()["switchFeature"]["id"].as_str().expect("id").to_owned();
    assert_eq!(on.data()["switchFeature"]["durationKind"], "PERMANENT");
    let active = app
        .eventually("the towing mode to be on", || async {
            let current = activation(&app, &support, &id).await;
            (current["status"] == "ACTIVE").then_some(current)
        })
        .await;
    assert_eq!(active["payments"], json!([]), "never charged");
    assert_eq!(
        app.graphql_as(&support, SWITCH, vars(true, "Goodwill once more")).await.error_code(),
        Some("CONFLICT".to_owned())
    );
    app.graphql_as(&support, SWITCH, vars(false, "The customer asked for it off")).await.data();
    let ended = app
        .eventually("the towing mode to be off", || async {
            let current = activation(&app, &support, &id).await;
            (current["status"] != "DEACTIVATING" && current["status"] != "ACTIVE").then_some(current)
        })
        .await;
    assert_eq!(ended["endReason"], "SWITCHED_OFF_BY_SUPPORT");
    let lucia = app.token("customer2@demo.caas").await;
    assert_eq!(
        app.graphql_as(&lucia, SWITCH, vars(true, "I would like it")).await.error_code(),
        Some("FORBIDDEN".to_owned())
    );

    let timeline = app
        .graphql_as(
            &support,
            "query($vin: String!) { timeline(of: VEHICLE, key: $vin) { action actor { email } details } }",
            json!({ "vin": cirrus }),
        )
        .await;
    let entries = timeline.data()["timeline"].as_array().expect("entries").clone();
    assert_eq!(entries[0]["action"], "feature.switch_off_by_hand", "newest first");
    assert_eq!(entries[1]["action"], "feature.switch_on_by_hand");
    assert_eq!(entries[1]["actor"]["email"], "support@demo.caas");
    assert_eq!(entries[1]["details"]["reason"], "Goodwill after the delayed delivery");
    let her_id = app.graphql_as(&lucia, "{ me { id } }", json!({})).await.data()["me"]["id"].clone();
    let person = app
        .graphql_as(
            &support,
            "query($id: String!) { timeline(of: USER, key: $id) { action } }",
            json!({ "id": her_id }),
        )
        .await;
    assert!(
        person.data()["timeline"].as_array().expect("entries").iter().any(|e| e["action"] == "auth.login"),
        "her sign-ins"
    );
}

#[tokio::test]
async fn a_failed_email_is_sent_again_and_tickets_are_assigned_and_commented() {
    let app = spawn_app().await;
    let support = app.token("support@demo.caas").await;
    let anna_id: Uuid = {
        let anna = app.token("customer@demo.caas").await;
        app.graphql_as(&anna, "{ me { id } }", json!({})).await.data()["me"]["id"]
            .as_str()
            .expect("id")
            .parse()
            .expect("uuid")
    };
    let failed = notifications::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(anna_id),
        channel: Set(NotificationChannel::Email),
        template: Set("account.welcome".into()),
        payload: Set(json!({ "name": "Anna Becker" })),
        status: Set(NotificationStatus::Failed),
        attempts: Set(5),
        last_error: Set(Some("the mail server refused".into())),
        created_at: Set(app.app.clock.now()),
        sent_at: Set(None),
        read_at: Set(None),
        next_attempt_at: Set(None),
        provider_ref: Set(None),
        delivered_at: Set(None),
    }
    .insert(&app.app.db)
    .await
    .expect("a failed e-mail");
    let resend = "mutation($id: ID!) { resendEmail(notificationId: $id) { status attempts } }";
    let queued = app.graphql_as(&support, resend, json!({ "id": failed.id.to_string() })).await;
    assert_eq!(queued.data()["resendEmail"], json!({ "status": "PENDING", "attempts": 0 }));
    let mail = app.email("customer@demo.caas", "Willkommen").await;
    assert!(mail.body.contains("Anna Becker"));
    app.eventually("the e-mail to be sent", || async {
        let row = notifications::Entity::find_by_id(failed.id).one(&app.app.db).await.expect("db").expect("row");
        (row.status == NotificationStatus::Sent).then_some(())
    })
    .await;
    let again = app.graphql_as(&support, resend, json!({ "id": failed.id.to_string() })).await;
    assert_eq!(again.error_code(), Some("CONFLICT".to_owned()), "only a failed one");

    let ticket = tickets::open_ticket(&app.app, &app.app.db, None, None, "Car does not confirm", "no answer")
        .await
        .expect("ticket");
    let support_id = app.graphql_as(&support, "{ me { id } }", json!({})).await.data()["me"]["id"].clone();
    let assign = "mutation($t: ID!, $a: ID) { assignTicket(ticketId: $t, assigneeId: $a) { assignee { email } } }";
    let assigned = app.graphql_as(&support, assign, json!({ "t": ticket.id.to_string(), "a": support_id })).await;
    assert_eq!(assigned.data()["assignTicket"]["assignee"]["email"], "support@demo.caas");
    let to_customer =
        app.graphql_as(&support, assign, json!({ "t": ticket.id.to_string(), "a": anna_id.to_string() })).await;
    assert_eq!(to_customer.error_code(), Some("BAD_USER_INPUT".to_owned()));
    let comment = "mutation($t: ID!, $b: String!) { commentTicket(ticketId: $t, body: $b) { body author { email } } }";
    app.graphql_as(&support, comment, json!({ "t": ticket.id.to_string(), "b": "Called the customer." })).await.data();
    let listed = app
        .graphql_as(
            &support,
            "{ supportTickets(first: 10) { nodes { subject assignee { email } comments { body author { email } } } } }",
            json!({}),
        )
        .await;
    let nodes = listed.data()["supportTickets"]["nodes"].as_array().expect("tickets").clone();
    let mine = nodes.iter().find(|t| t["subject"] == "Car does not confirm").expect("the ticket");
    assert_eq!(
        mine["comments"],
        json!([{ "body": "Called the customer.", "author": { "email": "support@demo.caas" } }])
    );
    app.graphql_as(
        &support,
        "mutation($t: ID!) { resolveTicket(ticketId: $t) { status } }",
        json!({ "t": ticket.id.to_string() }),
    )
    .await
    .data();
    let late = app.graphql_as(&support, comment, json!({ "t": ticket.id.to_string(), "b": "One more thing" })).await;
    assert_eq!(late.error_code(), Some("CONFLICT".to_owned()));
}

#[tokio::test]
async fn a_vat_rate_applies_from_its_date_and_earlier_invoices_keep_theirs() {
    let app = spawn_app_for_time_travel().await;
    let admin = app.token("admin@demo.caas").await;
    let anna = app.token("customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let gross = |token: String, vin: String| {
        let app = &app;
        async move {
            let catalog = app
                .graphql_as(&token, "query($vin: String!) { catalog(vin: $vin, first: 50) { nodes { feature { code } offers { durationKind net { amountMinor } gross { amountMinor } vatRateBasisPoints } } } }", json!({ "vin": vin }))
                .await;
            let nodes = catalog.data()["catalog"]["nodes"].as_array().expect("nodes").clone();
            let heated = nodes.into_iter().find(|n| n["feature"]["code"] == "HEATED_SEATS").expect("heated seats");
            heated["offers"][0].clone()
        }
    };
    let before = gross(anna.clone(), aurora.clone()).await;
    assert_eq!(before["vatRateBasisPoints"], 1900);
    let invoices_before = entity::invoice_lines::Entity::find().all(&app.app.db).await.expect("lines");

    let from = app.app.clock.now() + Duration::days(10);
    let schedule = "mutation($from: DateTime!) { scheduleVatRate(regionCode: \"DE\", rateBasisPoints: 2000, appliesFrom: $from) { rateBasisPoints } }";
    app.graphql_as(&admin, schedule, json!({ "from": from })).await.data();
    assert_eq!(gross(anna.clone(), aurora.clone()).await["vatRateBasisPoints"], 1900, "not before its date");
    let rates = app.graphql_as(&admin, "{ regions { code vatRates { rateBasisPoints } } }", json!({})).await;
    let de =
        rates.data()["regions"].as_array().expect("regions").iter().find(|r| r["code"] == "DE").cloned().expect("DE");
    assert_eq!(de["vatRates"], json!([{ "rateBasisPoints": 2000 }]));

    app.clock.advance(Duration::days(11));
    scheduler::tick(&app.app).await.expect("tick");
    let after = gross(anna.clone(), aurora.clone()).await;
    assert_eq!(after["vatRateBasisPoints"], 2000);
    let net = after["net"]["amountMinor"].as_i64().expect("net");
    assert_eq!(
        after["gross"]["amountMinor"].as_i64(),
        Some(net + (net * 2000 + 5_000) / 10_000),
        "20 %, rounded half up"
    );
    let invoices_after = entity::invoice_lines::Entity::find().all(&app.app.db).await.expect("lines");
    assert_eq!(invoices_after, invoices_before, "earlier invoices keep their rate");

    let created = app
        .graphql_as(&admin, "mutation { saveRegion(input: { code: \"fr\", name: \"France\", currency: \"eur\", defaultLocale: EN, vatRateBasisPoints: 2000 }) { code currency vatRateBasisPoints } }", json!({}))
        .await;
    assert_eq!(created.data()["saveRegion"], json!({ "code": "FR", "currency": "EUR", "vatRateBasisPoints": 2000 }));
    let bad = app.graphql_as(&admin, "mutation { scheduleVatRate(regionCode: \"FR\", rateBasisPoints: 9000, appliesFrom: \"2030-01-01T00:00:00Z\") { rateBasisPoints } }", json!({})).await;
    assert_eq!(bad.error_code(), Some("BAD_USER_INPUT".to_owned()));
    let customer = app.graphql_as(&anna, "mutation { saveRegion(input: { code: \"IT\", name: \"Italia\", currency: \"EUR\", defaultLocale: EN, vatRateBasisPoints: 2200 }) { code } }", json!({})).await;
    assert_eq!(customer.error_code(), Some("FORBIDDEN".to_owned()));
}
