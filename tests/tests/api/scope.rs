//! Tenant and role scope: nobody reads or changes data outside their scope.

use caas_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

const VEHICLE: &str = "query($vin: String!) { vehicle(vin: $vin) { vin model { name } } }";
const EXPEDIENTE: &str = "query($vin: String!) { expediente(vin: $vin) { vehicle { vin } } }";

async fn anna_vin(app: &TestApp) -> String {
    app.vins_of("customer@demo.caas").await.remove(0)
}

fn vin(vin: &str) -> Value {
    json!({ "vin": vin })
}

#[tokio::test]
async fn customers_see_only_their_own_vehicles() {
    let app = spawn_app().await;
    let anna = anna_vin(&app).await;
    let lucia = app.token("customer2@demo.caas").await;
    app.graphql_as(&lucia, VEHICLE, vin(&anna)).await.expect_error("FORBIDDEN");
    app.graphql_as(&lucia, EXPEDIENTE, vin(&anna)).await.expect_error("FORBIDDEN");
    let catalog = "query($vin: String!) { catalog(vin: $vin) { edges { node { trialAvailable } } } }";
    app.graphql_as(&lucia, catalog, vin(&anna)).await.expect_error("FORBIDDEN");
    // Her own works, and her list holds only hers.
    let own = app.vins_of("customer2@demo.caas").await;
    assert_eq!(own.len(), 1);
    app.graphql_as(&lucia, EXPEDIENTE, vin(&own[0])).await.data();
}

#[tokio::test]
async fn dealers_see_only_their_dealerships_vehicles() {
    let app = spawn_app().await;
    let anna = anna_vin(&app).await; // sold by the Berlin dealership
    let berlin = app.token("dealer@demo.caas").await;
    let madrid = app.token("dealer2@demo.caas").await;
    app.graphql_as(&berlin, EXPEDIENTE, vin(&anna)).await.data();
    app.graphql_as(&madrid, VEHICLE, vin(&anna)).await.expect_error("FORBIDDEN");
    app.graphql_as(&madrid, EXPEDIENTE, vin(&anna)).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn workshops_see_vehicles_but_not_their_history_or_owner() {
    let app = spawn_app().await;
    let anna = anna_vin(&app).await;
    let workshop = app.token("workshop@demo.caas").await;
    app.graphql_as(&workshop, VEHICLE, vin(&anna)).await.data();
    app.graphql_as(&workshop, EXPEDIENTE, vin(&anna)).await.expect_error("FORBIDDEN");
    let owner = "query($vin: String!) { vehicle(vin: $vin) { owner { email } } }";
    app.graphql_as(&workshop, owner, vin(&anna)).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn platform_staff_see_every_vehicle() {
    let app = spawn_app().await;
    let anna = anna_vin(&app).await;
    for staff in ["support@demo.caas", "admin@demo.caas"] {
        let token = app.token(staff).await;
        let response = app
            .graphql_as(&token, "query($vin: String!) { expediente(vin: $vin) { owner { email } } }", vin(&anna))
            .await;
        assert_eq!(response.data()["expediente"]["owner"]["email"], "customer@demo.caas");
    }
}

#[tokio::test]
async fn partners_read_granted_vehicles_within_their_scopes() {
    let app = spawn_app().await;
    let key = caas::seed::DEMO_PARTNER_API_KEY;
    let granted = anna_vin(&app).await; // the demo partner holds a grant for Anna's Aurora
    let other = app.vins_of("customer2@demo.caas").await.remove(0);
    app.graphql_with_key(key, EXPEDIENTE, vin(&granted)).await.data();
    app.graphql_with_key(key, VEHICLE, vin(&other)).await.expect_error("FORBIDDEN");
    // No personal data for partners.
    let owner = "query($vin: String!) { vehicle(vin: $vin) { owner { email } } }";
    app.graphql_with_key(key, owner, vin(&granted)).await.expect_error("FORBIDDEN");
    // Nor user-only fields.
    app.graphql_with_key(key, "{ me { email } }", json!({})).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn a_partner_key_without_the_scope_is_denied() {
    let app = spawn_app().await;
    let key = app.create_partner_key("[CATALOG_READ]").await;
    let granted = anna_vin(&app).await;
    let denied = app.graphql_with_key(&key, VEHICLE, vin(&granted)).await;
    assert!(denied.expect_error("FORBIDDEN").contains("vehicles:read"));
    app.graphql_with_key(&key, EXPEDIENTE, vin(&granted)).await.expect_error("FORBIDDEN");
    app.graphql_with_key(&key, "{ features(first: 2) { edges { node { code } } } }", json!({})).await.data();
}

#[tokio::test]
async fn only_admins_run_admin_mutations() {
    let app = spawn_app().await;
    let set_price = "mutation { setPrice(input: { featureCode: \"HEATED_SEATS\", regionCode: \"DE\", durationKind: PERMANENT, netMinor: 1 }) { gross { amount } } }";
    for email in ["customer@demo.caas", "dealer@demo.caas", "support@demo.caas", "workshop@demo.caas"] {
        let token = app.token(email).await;
        app.graphql_as(&token, set_price, json!({})).await.expect_error("FORBIDDEN");
    }
    app.graphql(set_price, json!({})).await.expect_error("UNAUTHENTICATED");
    app.graphql_with_key(caas::seed::DEMO_PARTNER_API_KEY, set_price, json!({})).await.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn notifications_are_private() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    let lucia = app.token("customer2@demo.caas").await;
    let list = "{ notifications { edges { node { id template } } } }";
    let annas = app.graphql_as(&anna, list, json!({})).await;
    let id = annas.data()["notifications"]["edges"][0]["node"]["id"].as_str().expect("a welcome note").to_owned();
    let mark = "mutation($id: ID!) { markNotificationRead(id: $id) { read } }";
    app.graphql_as(&lucia, mark, json!({ "id": id })).await.expect_error("NOT_FOUND");
    let marked = app.graphql_as(&anna, mark, json!({ "id": id })).await;
    assert_eq!(marked.data()["markNotificationRead"]["read"], true);
}
