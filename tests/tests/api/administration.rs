//! Running the platform as an admin: a feature created, priced, sold and retired; staff invited,
//! given another role, disabled and enabled again — a disabled user's session and WebSocket end at
//! once.

use caas_tests::ws::{Frame, GqlSocket};
use caas_tests::{PASSWORD, TestApp, spawn_app};
use serde_json::{Value, json};

const CREATE_FEATURE: &str = "mutation($code: String!, $input: FeatureInput!) { createFeature(code: $code, input: $input) { code name isNew newSince } }";
const SET_PRICE: &str = "mutation($input: PriceInput!) { setPrice(input: $input) { gross { amountMinor currency } } }";
const CATALOG: &str = "query($vin: String!) { catalog(vin: $vin, first: 50) { nodes { feature { code name isNew } purchasable offers { durationKind gross { amountMinor currency } } } } }";
const PURCHASE: &str =
    "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status durationKind } }";

fn feature_input(app: &TestApp) -> Value {
    json!({
        "category": "comfort",
        "texts": [
            { "locale": "EN", "name": "Massage seats", "description": "The front seats massage you.", "demoText": "Feel it." },
            { "locale": "DE", "name": "Massagesitze", "description": "Die Vordersitze massieren Sie.", "demoText": "Spüren Sie es." },
            { "locale": "ES", "name": "Asientos con masaje", "description": "Los asientos delanteros le dan masaje.", "demoText": "Siéntalo." },
        ],
        "demoMediaUrl": "https://media.caas.example/demo/massage.webm",
        "modelCodes": ["AURORA", "CIRRUS"],
        "minFirmware": "3.0.0",
        "otaParameters": { "configKey": "massage", "enable": true },
        "requiresMaintenance": false,
        "newSince": app.app.clock.now() - chrono::Duration::days(2),
    })
}

async fn catalog_entry(app: &TestApp, token: &str, vin: &str, code: &str) -> Option<Value> {
    let catalog = app.graphql_as(token, CATALOG, json!({ "vin": vin })).await;
    let nodes = catalog.data()["catalog"]["nodes"].as_array().expect("nodes").clone();
    nodes.into_iter().find(|node| node["feature"]["code"] == code)
}

async fn activation_status(app: &TestApp, token: &str, id: &str) -> String {
    let answer = app.graphql_as(token, "query($id: ID!) { activation(id: $id) { status } }", json!({ "id": id })).await;
    answer.data()["activation"]["status"].as_str().expect("status").to_owned()
}

#[tokio::test]
async fn an_admin_creates_a_feature_a_customer_buys_it_and_retiring_it_keeps_what_was_bought() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let created =
        app.graphql_as(&admin, CREATE_FEATURE, json!({ "code": "massage_seats", "input": feature_input(&app) })).await;
    let feature = &created.data()["createFeature"];
    assert_eq!(feature["code"], "MASSAGE_SEATS");
    assert_eq!(feature["isNew"], true, "new since two days ago");
    for (region, net) in [("DE", 19_900), ("ES", 17_900)] {
        let price = json!({ "input": { "featureCode": "MASSAGE_SEATS", "regionCode": region, "durationKind": "PERMANENT", "netMinor": net } });
        app.graphql_as(&admin, SET_PRICE, price).await.data();
    }
    let twice =
        app.graphql_as(&admin, CREATE_FEATURE, json!({ "code": "MASSAGE_SEATS", "input": feature_input(&app) })).await;
    assert_eq!(twice.error_code(), Some("CONFLICT".to_owned()));
    let mut two_english = feature_input(&app);
    two_english["texts"][1]["locale"] = json!("EN");
    let refused = app.graphql_as(&admin, CREATE_FEATURE, json!({ "code": "OTHER", "input": two_english })).await;
    assert_eq!(refused.error_code(), Some("BAD_USER_INPUT".to_owned()));

    // Anna (de) sees it in German, marked new, at the German price with 19 % VAT.
    let anna = app.token("customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let entry = catalog_entry(&app, &anna, &aurora, "MASSAGE_SEATS").await.expect("in Anna's catalog");
    assert_eq!(entry["feature"]["name"], "Massagesitze");
    assert_eq!(entry["feature"]["isNew"], true);
    assert_eq!(entry["offers"][0]["gross"], json!({ "amountMinor": 23_681, "currency": "EUR" }));
    let lucia = app.token("customer2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await[0].clone();
    let spanish = catalog_entry(&app, &lucia, &cirrus, "MASSAGE_SEATS").await.expect("in Lucía's catalog");
    assert_eq!(spanish["feature"]["name"], "Asientos con masaje");
    assert_eq!(spanish["offers"][0]["gross"], json!({ "amountMinor": 21_659, "currency": "EUR" }));

    let input = json!({ "input": { "vin": aurora, "featureCode": "MASSAGE_SEATS", "duration": { "kind": "PERMANENT" }, "idempotencyKey": "massage-1" } });
    let bought = app.graphql_as(&anna, PURCHASE, input).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    app.eventually("the massage seats to be on", || async {
        (activation_status(&app, &anna, &id).await == "ACTIVE").then_some(())
    })
    .await;

    let retired = app
        .graphql_as(&admin, "mutation { retireFeature(code: \"MASSAGE_SEATS\") { code retiredAt } }", json!({}))
        .await;
    assert!(retired.data()["retireFeature"]["retiredAt"].is_string());
    assert!(catalog_entry(&app, &anna, &aurora, "MASSAGE_SEATS").await.is_none(), "gone from the catalog");
    assert!(catalog_entry(&app, &lucia, &cirrus, "MASSAGE_SEATS").await.is_none());
    assert_eq!(activation_status(&app, &anna, &id).await, "ACTIVE", "what was bought stays on");
    let again = json!({ "input": { "vin": cirrus, "featureCode": "MASSAGE_SEATS", "duration": { "kind": "PERMANENT" }, "idempotencyKey": "massage-2" } });
    assert_eq!(app.graphql_as(&lucia, PURCHASE, again).await.error_code(), Some("NOT_FOUND".to_owned()));
    let listed = app.graphql_as(&admin, "{ allFeatures { code retiredAt texts { locale name } } }", json!({})).await;
    let all = listed.data()["allFeatures"].as_array().expect("features").clone();
    let massage = all.iter().find(|f| f["code"] == "MASSAGE_SEATS").expect("the admin still lists it");
    assert_eq!(massage["texts"].as_array().map(Vec::len), Some(3));
    let customer_asks = app.graphql_as(&anna, "{ allFeatures { code } }", json!({})).await;
    assert_eq!(customer_asks.error_code(), Some("FORBIDDEN".to_owned()));
    let audit = audit_actions(&app, "MASSAGE_SEATS").await;
    assert!(audit.contains(&"feature.create".to_owned()) && audit.contains(&"feature.retire".to_owned()), "{audit:?}");
}

#[tokio::test]
async fn a_price_taken_off_sale_leaves_the_offers() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let anna = app.token("customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let before = catalog_entry(&app, &anna, &aurora, "HEATED_SEATS").await.expect("heated seats");
    let kinds = |entry: &Value| -> Vec<String> {
        entry["offers"]
            .as_array()
            .expect("offers")
            .iter()
            .map(|o| o["durationKind"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(kinds(&before).contains(&"MONTHLY".to_owned()));
    let remove = "mutation { removePrice(featureCode: \"HEATED_SEATS\", regionCode: \"DE\", durationKind: MONTHLY) }";
    assert_eq!(app.graphql_as(&admin, remove, json!({})).await.data()["removePrice"], true);
    assert_eq!(app.graphql_as(&admin, remove, json!({})).await.data()["removePrice"], false, "once");
    let after = catalog_entry(&app, &anna, &aurora, "HEATED_SEATS").await.expect("heated seats");
    assert!(!kinds(&after).contains(&"MONTHLY".to_owned()), "{after}");
    assert_eq!(kinds(&after).len() + 1, kinds(&before).len());
}

const INVITE: &str =
    "mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { id email role hasPassword disabledAt } }";

#[tokio::test]
async fn a_disabled_staff_members_session_and_socket_end_at_once_and_they_come_back_when_enabled() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let invited = app
        .graphql_as(
            &admin,
            INVITE,
            json!({ "input": { "email": "new.support@demo.caas", "name": "Nora Neu", "role": "SUPPORT", "regionCode": "DE" } }),
        )
        .await;
    let nora = invited.data()["inviteStaff"].clone();
    assert_eq!(nora["hasPassword"], false);
    let mail = app.email("new.support@demo.caas", "eingeladen").await;
    let token = crate::purchase::link_token(&mail.body);
    let set = app
        .graphql(
            "mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }",
            json!({ "t": token, "p": "a-long-new-password" }),
        )
        .await;
    assert!(set.data()["setPassword"]["accessToken"].is_string());
    let support = app.token_for("new.support@demo.caas", "a-long-new-password").await;
    let init = json!({ "authorization": format!("Bearer {support}") });
    let mut socket = GqlSocket::connect_acked(&app.address, init).await;
    assert!(
        app.graphql_as(&support, "{ supportTickets(first: 1) { nodes { id } } }", json!({}))
            .await
            .error_code()
            .is_none()
    );

    let disable = "mutation($id: ID!) { disableUser(userId: $id) { disabledAt } }";
    let disabled = app.graphql_as(&admin, disable, json!({ "id": nora["id"] })).await;
    assert!(disabled.data()["disableUser"]["disabledAt"].is_string());
    // The very next request is refused, and the open socket closes well before its 30 s recheck.
    let next = app.graphql_as(&support, "{ me { email } }", json!({})).await;
    assert_eq!(next.error_code(), Some("UNAUTHENTICATED".to_owned()));
    match socket.next_within(std::time::Duration::from_secs(5)).await {
        Some(Frame::Closed(Some((code, _)))) => assert_eq!(code, 4403),
        other => panic!("expected the socket to close, got {other:?}"),
    }
    let signing_in = app.login("new.support@demo.caas", "a-long-new-password").await;
    assert!(signing_in.expect_error("UNAUTHENTICATED").contains("disabled"));
    let own = app.graphql_as(&admin, disable, json!({ "id": admin_id(&app, &admin).await })).await;
    assert_eq!(own.error_code(), Some("CONFLICT".to_owned()), "an admin does not lock themselves out");

    app.graphql_as(
        &admin,
        "mutation($id: ID!) { enableUser(userId: $id) { disabledAt } }",
        json!({ "id": nora["id"] }),
    )
    .await
    .data();
    let back = app.token_for("new.support@demo.caas", "a-long-new-password").await;
    let role = "mutation($id: ID!) { changeUserRole(userId: $id, role: ADMIN) { role } }";
    assert_eq!(
        app.graphql_as(&admin, role, json!({ "id": nora["id"] })).await.data()["changeUserRole"]["role"],
        "ADMIN"
    );
    let as_admin = app.graphql_as(&back, "{ users(search: \"nora\") { email role } }", json!({})).await;
    assert_eq!(
        as_admin.data()["users"],
        json!([{ "email": "new.support@demo.caas", "role": "ADMIN" }]),
        "the new role at once"
    );
    let search = "query($text: String!) { users(search: $text) { email } }";
    let too_long = app.graphql_as(&admin, search, json!({ "text": "-".repeat(60_000) })).await;
    assert!(too_long.expect_error("BAD_USER_INPUT").contains("100 characters"), "a search is refused, not failed");
    let longest = app.graphql_as(&admin, search, json!({ "text": "n".repeat(100) })).await;
    assert_eq!(longest.data()["users"], json!([]), "100 characters are searched");
    let places = app.graphql_as(&admin, "{ dealerships { name } }", json!({})).await;
    assert!(
        places.data()["dealerships"].as_array().is_some_and(|all| all.len() >= 2),
        "every dealership to place a dealer in"
    );
    let customer = app.token_for("customer@demo.caas", PASSWORD).await;
    assert_eq!(
        app.graphql_as(&customer, "{ users { email } }", json!({})).await.error_code(),
        Some("FORBIDDEN".to_owned())
    );
}

async fn admin_id(app: &TestApp, admin: &str) -> String {
    app.graphql_as(admin, "{ me { id } }", json!({})).await.data()["me"]["id"].as_str().expect("id").to_owned()
}

/// The actions the audit trail recorded about `subject_id`, oldest first.
async fn audit_actions(app: &TestApp, subject_id: &str) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    entity::audit_events::Entity::find()
        .filter(entity::audit_events::Column::SubjectId.eq(subject_id))
        .order_by_asc(entity::audit_events::Column::OccurredAt)
        .all(&app.app.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|event| event.action)
        .collect()
}
