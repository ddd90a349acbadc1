//! Owners' consent: a customer lets a partner read one car with the scopes they choose (told in
//! plain words), the partner lists and reads it, and the moment the grant is revoked it is refused.

use caas_tests::spawn_app;
use serde_json::json;

const GRANT: &str = "mutation($vin: String!, $p: ID!, $scopes: [Scope!]!) { grantVehicleAccess(vin: $vin, partnerId: $p, scopes: $scopes) { partner { name } scopes { scope description } byOwner } }";
const REVOKE: &str = "mutation($vin: String!, $p: ID!) { revokeVehicleAccess(vin: $vin, partnerId: $p) }";
const READ: &str = "query($vin: String!) { vehicle(vin: $vin) { vin } }";
const TELEMETRY: &str = "query($vin: String!) { vehicle(vin: $vin) { latestTelemetry { recordedAt } } }";

#[tokio::test]
async fn a_partner_reads_a_car_its_owner_shares_and_is_refused_the_moment_it_is_revoked() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let created =
        app.graphql_as(&admin, "mutation { createPartner(name: \"Allianz Flotte\") { id } }", json!({})).await;
    let partner = created.data()["createPartner"]["id"].as_str().expect("id").to_owned();
    let key = app
        .graphql_as(
            &admin,
            "mutation($p: ID!) { createApiKey(partnerId: $p, name: \"Fleet\", scopes: [VEHICLES_READ, TELEMETRY_READ]) { secret } }",
            json!({ "p": partner }),
        )
        .await;
    let secret = key.data()["createApiKey"]["secret"].as_str().expect("secret").to_owned();
    let anna = app.token("customer@demo.caas").await;
    let borealis = app.vins_of("customer@demo.caas").await[1].clone();
    let vin = json!({ "vin": borealis });
    let before = app.graphql_with_key(&secret, READ, vin.clone()).await;
    assert_eq!(before.error_code(), Some("FORBIDDEN".to_owned()), "nothing shared yet");

    // The owner picks the partner from the list and sees what each scope means in her language.
    let choices =
        app.graphql_as(&anna, "{ consentPartners { id name } consentScopes { scope description } }", json!({})).await;
    assert!(
        choices.data()["consentPartners"].as_array().expect("partners").iter().any(|p| p["id"] == partner.as_str())
    );
    let words = choices.data()["consentScopes"].as_array().expect("scopes").clone();
    assert_eq!(words.len(), 3);
    assert!(
        words.iter().any(|w| w["scope"] == "TELEMETRY_READ"
            && w["description"].as_str().is_some_and(|d| d.contains("Kilometerstand")))
    );

    let granted =
        app.graphql_as(&anna, GRANT, json!({ "vin": borealis, "p": partner, "scopes": ["VEHICLES_READ"] })).await;
    let consent = &granted.data()["grantVehicleAccess"];
    assert_eq!(consent["partner"]["name"], "Allianz Flotte");
    assert_eq!(consent["byOwner"], true);
    assert_eq!(consent["scopes"][0]["description"], "Modell, Firmware und Status des Autos");

    assert_eq!(app.graphql_with_key(&secret, READ, vin.clone()).await.data()["vehicle"]["vin"], borealis.as_str());
    let listed = app.graphql_with_key(&secret, "{ grantedVehicles { vin } }", json!({})).await;
    assert_eq!(listed.data()["grantedVehicles"], json!([{ "vin": borealis }]));
    let telemetry = app.graphql_with_key(&secret, TELEMETRY, vin.clone()).await;
    assert_eq!(telemetry.error_code(), Some("FORBIDDEN".to_owned()), "the key may, the owner did not consent");
    let on_car = app
        .graphql_as(
            &anna,
            "query($vin: String!) { vehicle(vin: $vin) { consents { partner { name } scopes { scope } } } }",
            vin.clone(),
        )
        .await;
    assert_eq!(on_car.data()["vehicle"]["consents"][0]["scopes"], json!([{ "scope": "VEHICLES_READ" }]));

    let lucia = app.token("customer2@demo.caas").await;
    let foreign =
        app.graphql_as(&lucia, GRANT, json!({ "vin": borealis, "p": partner, "scopes": ["TELEMETRY_READ"] })).await;
    assert_eq!(foreign.error_code(), Some("FORBIDDEN".to_owned()), "only the owner consents");
    let nothing = app.graphql_as(&anna, GRANT, json!({ "vin": borealis, "p": partner, "scopes": [] })).await;
    assert_eq!(nothing.error_code(), Some("BAD_USER_INPUT".to_owned()));
    let catalog_scope =
        app.graphql_as(&anna, GRANT, json!({ "vin": borealis, "p": partner, "scopes": ["CATALOG_READ"] })).await;
    assert_eq!(catalog_scope.error_code(), Some("BAD_USER_INPUT".to_owned()));

    let revoked = app.graphql_as(&anna, REVOKE, json!({ "vin": borealis, "p": partner })).await;
    assert_eq!(revoked.data()["revokeVehicleAccess"], true);
    let after = app.graphql_with_key(&secret, READ, vin.clone()).await;
    assert_eq!(after.error_code(), Some("FORBIDDEN".to_owned()), "refused with the very next request");
    let listed = app.graphql_with_key(&secret, "{ grantedVehicles { vin } }", json!({})).await;
    assert_eq!(listed.data()["grantedVehicles"], json!([]));
    assert_eq!(
        app.graphql_as(&anna, REVOKE, json!({ "vin": borealis, "p": partner })).await.data()["revokeVehicleAccess"],
        false
    );
}
