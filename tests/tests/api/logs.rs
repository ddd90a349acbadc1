//! The seeded flows with logging at `trace`, and a scan of everything the server printed for what
//! a log must never hold: passwords, tokens, keys, their fingerprints, password hashes, card data,
//! webhook and signing secrets, and the people's e-mail addresses.

use std::io::Write;
use std::sync::{Arc, Mutex};

use caas::auth::secret::fingerprint;
use caas::config::LogFormat;
use caas_tests::ws::GqlSocket;
use caas_tests::{PASSWORD, spawn_app};
use serde_json::json;

/// Everything the server logs, kept for the scan.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";
const NEW_PASSWORD: &str = "a-brand-new-password-2026";

#[tokio::test]
async fn the_trace_log_of_the_seeded_flows_holds_no_secret_and_no_personal_data() {
    let log = Captured::default();
    // Installed before the server starts, so the server's own (identical) set-up is skipped.
    let writer = log.clone();
    caas::logging::init_writing_to("trace", LogFormat::Json, move || writer.clone());
    let app = spawn_app().await;
    let mut secrets: Vec<(String, String)> = vec![
        ("the demo password".into(), PASSWORD.into()),
        ("a new password".into(), NEW_PASSWORD.into()),
        ("the JWT signing secret".into(), caas::config::DEMO_JWT_SECRET.into()),
        ("the factory webhook secret".into(), caas::config::DEMO_FACTORY_SECRET.into()),
        ("the Stripe API key".into(), caas::config::DEMO_STRIPE_KEY.into()),
        ("the Stripe webhook secret".into(), caas::config::DEMO_STRIPE_WEBHOOK_SECRET.into()),
        ("the partner API key".into(), caas::seed::DEMO_PARTNER_API_KEY.into()),
        ("a password hash".into(), "$argon2id$".into()),
        ("a customer's e-mail address".into(), "customer@demo.caas".into()),
        ("a staff e-mail address".into(), "support@demo.caas".into()),
        ("a card number".into(), "4242424242424242".into()),
    ];

    // Sign-ins, a wrong password, a refresh and a sign-out.
    let signed_in = app.login("customer@demo.caas", PASSWORD).await;
    let access = signed_in.data()["login"]["accessToken"].as_str().expect("token").to_owned();
    let refresh = signed_in.data()["login"]["refreshToken"].as_str().expect("refresh").to_owned();
    app.login("customer@demo.caas", "a-wrong-password").await.expect_error("UNAUTHENTICATED");
    let refreshed = app
        .graphql(
            "mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }",
            json!({ "r": refresh }),
        )
        .await;
    let next_refresh = refreshed.data()["refreshToken"]["refreshToken"].as_str().expect("refresh").to_owned();

    // A purchase: the OTA engine, a charge at the payment gateway and its signed webhook.
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let input = json!({ "input": { "vin": vin, "featureCode": "PARKING_ASSISTANT", "duration": { "kind": "PERMANENT" }, "idempotencyKey": "log-scan-1" } });
    let bought = app.graphql_as(&access, PURCHASE, input).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    app.eventually("the purchase to be switched on and charged", || async {
        let query = "query($id: ID!) { activation(id: $id) { status payments { status } } }";
        let answer = app.graphql_as(&access, query, json!({ "id": id })).await;
        let activation = &answer.data()["activation"];
        let settled =
            activation["payments"].as_array().is_some_and(|payments| payments.iter().any(|p| p["status"] == "SETTLED"));
        (activation["status"] == "ACTIVE" && settled).then_some(())
    })
    .await;
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {access}") })).await;
    socket.subscribe("1", "subscription { notifications { id } }", json!({})).await;

    // A password reset by e-mail, redeemed.
    app.graphql("mutation { requestPasswordReset(email: \"customer2@demo.caas\") }", json!({})).await.data();
    let mail = app.email("customer2@demo.caas", "Restablezca su contraseña").await;
    let link = mail.body.split_whitespace().find(|word| word.contains("token=")).expect("a link");
    let link_token = link.split("token=").nth(1).expect("token").trim_end_matches(['.', ',', ')']).to_owned();
    let reset = "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { accessToken } }";
    app.graphql(reset, json!({ "t": link_token, "p": NEW_PASSWORD })).await.data();

    // A new partner key, used.
    let partner_key = app.create_partner_key("[CATALOG_READ]").await;
    app.graphql_with_key(&partner_key, "{ features(first: 1) { edges { cursor } } }", json!({})).await.data();

    app.graphql_as(&access, "mutation($r: String!) { logout(refreshToken: $r) }", json!({ "r": next_refresh }))
        .await
        .data();
    drop(socket);
    app.stop().await.expect("stops");

    for (what, token) in [
        ("an access token", &access),
        ("a refresh token", &refresh),
        ("a link token", &link_token),
        ("an API key", &partner_key),
    ] {
        secrets.push((what.into(), token.clone()));
        secrets.push((format!("the fingerprint of {what}"), fingerprint(token)));
    }
    let text = String::from_utf8(log.0.lock().expect("log buffer").clone()).expect("UTF-8 log");
    let lines = text.lines().count();
    assert!(lines > 200, "the flows logged only {lines} lines: is trace logging on?");
    assert!(text.contains("\"level\":\"TRACE\""), "no trace-level line was logged");
    let found: Vec<&str> =
        secrets.iter().filter(|(_, secret)| text.contains(secret.as_str())).map(|(what, _)| what.as_str()).collect();
    let first_leak = secrets
        .iter()
        .find_map(|(_, secret)| text.lines().find(|line| line.contains(secret.as_str())))
        .unwrap_or_default();
    assert!(found.is_empty(), "the log holds {found:?}; e.g. {first_leak}");
}
