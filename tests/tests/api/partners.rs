//! Partners as admins run them: register one, give it a key and a car, and see both on its record.

use caas_tests::telemetry::vin_of;
use caas_tests::{PASSWORD, spawn_app};
use serde_json::json;

const PARTNERS: &str = "{ partners { id name apiKeys { name scopes lastUsedAt revokedAt } grantedVehicles } }";

#[tokio::test]
async fn an_admin_registers_a_partner_gives_it_a_key_and_a_car_and_sees_both() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let created =
        app.graphql_as(&admin, "mutation { createPartner(name: \"  Seguros Sol  \") { id name } }", json!({})).await;
    let partner = created.data()["createPartner"].clone();
    assert_eq!(partner["name"], "Seguros Sol", "trimmed");
    let key = app
        .graphql_as(
            &admin,
            "mutation($p: ID!) { createApiKey(partnerId: $p, name: \"Claims\", scopes: [VEHICLES_READ, TELEMETRY_READ]) { secret } }",
            json!({ "p": partner["id"] }),
        )
        .await;
    let secret = key.data()["createApiKey"]["secret"].as_str().expect("a secret").to_owned();
    let vin = vin_of(&app, "customer2@demo.caas", "CIRRUS").await;
    let grant = "mutation($p: ID!, $vin: String!) { grantPartnerVehicle(partnerId: $p, vin: $vin) }";
    app.graphql_as(&admin, grant, json!({ "p": partner["id"], "vin": vin })).await.data();
    let read = app
        .graphql_with_key(&secret, "query($vin: String!) { vehicle(vin: $vin) { vin } }", json!({ "vin": vin }))
        .await;
    assert_eq!(read.data()["vehicle"]["vin"], vin.as_str(), "the key reads the granted car");

    let listed = app.graphql_as(&admin, PARTNERS, json!({})).await;
    let partners = listed.data()["partners"].as_array().expect("partners").clone();
    assert!(partners.len() >= 2, "the demo partner and the new one");
    let mine = partners.iter().find(|each| each["id"] == partner["id"]).expect("the new partner");
    assert_eq!(mine["grantedVehicles"], json!([vin]));
    assert_eq!(mine["apiKeys"][0]["name"], "Claims");
    assert_eq!(mine["apiKeys"][0]["scopes"], json!(["VEHICLES_READ", "TELEMETRY_READ"]));
    assert!(mine["apiKeys"][0]["lastUsedAt"].is_string(), "used once: {mine}");

    let blank = app.graphql_as(&admin, "mutation { createPartner(name: \"   \") { id } }", json!({})).await;
    assert_eq!(blank.error_code(), Some("BAD_USER_INPUT".to_owned()));
    let support = app.token_for("support@demo.caas", PASSWORD).await;
    assert_eq!(app.graphql_as(&support, PARTNERS, json!({})).await.error_code(), Some("FORBIDDEN".to_owned()));
}
