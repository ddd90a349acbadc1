//! Sign-in, tokens, refresh rotation, brute-force protection, API keys.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use caas_tests::{PASSWORD, spawn_app};
use chrono::Duration;
use serde_json::json;

const ME: &str = "{ me { email role region { code } } }";

#[tokio::test]
async fn login_by_email_returns_tokens_that_work() {
    let app = spawn_app().await;
    let response = app.login("Customer@Demo.caas", PASSWORD).await;
    let login = &response.data()["login"];
    assert_eq!(login["user"]["email"], "customer@demo.caas");
    assert_eq!(login["expiresIn"], 900);
    let token = login["accessToken"].as_str().expect("token");
    let me = app.graphql_as(token, ME, json!({})).await;
    assert_eq!(me.data()["me"]["role"], "CUSTOMER");
    assert_eq!(me.data()["me"]["region"]["code"], "DE");
}

#[tokio::test]
async fn login_by_vin_signs_in_the_owner() {
    let app = spawn_app().await;
    let vin = app.vins_of("customer2@demo.caas").await.remove(0);
    let response = app.login(&vin.to_lowercase(), PASSWORD).await;
    assert_eq!(response.data()["login"]["user"]["email"], "customer2@demo.caas");
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_error() {
    let app = spawn_app().await;
    let wrong = app.login("customer@demo.caas", "not-the-password").await.expect_error("UNAUTHENTICATED");
    let unknown = app.login("nobody@demo.caas", PASSWORD).await.expect_error("UNAUTHENTICATED");
    assert_eq!(wrong, unknown);
    // A VIN nobody owns (a car in stock) cannot sign in either.
    let stock = app.login(&app.stock_vin().await, PASSWORD).await;
    assert_eq!(stock.expect_error("UNAUTHENTICATED"), wrong);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.login("dealer@demo.caas", "guess").await.expect_error("UNAUTHENTICATED");
    }
    let locked = app.login("dealer@demo.caas", PASSWORD).await;
    locked.expect_error("RATE_LIMITED");
    assert!(locked.errors()[0]["extensions"]["retryAfterSeconds"].as_u64().expect("retry after") > 0);
    // Other accounts are not affected.
    app.login("dealer2@demo.caas", PASSWORD).await.data();
    // After the window, the right password works again.
    app.clock.advance(Duration::minutes(16));
    app.login("dealer@demo.caas", PASSWORD).await.data();
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    app.clock.advance(Duration::minutes(16));
    let response = app.graphql_as(&token, ME, json!({})).await;
    assert_eq!(response.status, 401);
    assert!(response.expect_error("UNAUTHENTICATED").contains("expired"));
}

#[tokio::test]
async fn forged_and_unsigned_tokens_are_refused() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let (header, rest) = token.split_once('.').expect("jwt");
    let (claims, _signature) = rest.split_once('.').expect("jwt");
    // Elevate the role in the claims, keep the old signature.
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).expect("b64")).expect("json");
    payload["role"] = json!("ADMIN");
    let forged_claims = URL_SAFE_NO_PAD.encode(payload.to_string());
    let forged = format!("{header}.{forged_claims}.{_signature}");
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{none_header}.{forged_claims}.");
    for bad in [forged.as_str(), unsigned.as_str(), "garbage", ""] {
        let response = app.graphql_as(bad, ME, json!({})).await;
        assert_eq!(response.status, 401, "{bad}");
        response.expect_error("UNAUTHENTICATED");
    }
    let not_bearer = app.request(ME, json!({}), &[("authorization", "Basic Zm9vOmJhcg==")]).await;
    not_bearer.expect_error("UNAUTHENTICATED");
}

#[tokio::test]
async fn anonymous_callers_must_sign_in() {
    let app = spawn_app().await;
    app.graphql(ME, json!({})).await.expect_error("UNAUTHENTICATED");
}

const REFRESH: &str =
    "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { email } } }";

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_session() {
    let app = spawn_app().await;
    let login = app.login("customer@demo.caas", PASSWORD).await;
    let first = login.data()["login"]["refreshToken"].as_str().expect("refresh").to_owned();

    let rotated = app.graphql(REFRESH, json!({ "t": first })).await;
    let second = rotated.data()["refreshToken"]["refreshToken"].as_str().expect("next").to_owned();
    assert_ne!(first, second);
    let access = rotated.data()["refreshToken"]["accessToken"].as_str().expect("access").to_owned();
    app.graphql_as(&access, ME, json!({})).await.data();

    // The first token again: theft is assumed, the whole session ends.
    let reused = app.graphql(REFRESH, json!({ "t": first })).await;
    assert!(reused.expect_error("UNAUTHENTICATED").contains("already used"));
    app.graphql(REFRESH, json!({ "t": second })).await.expect_error("UNAUTHENTICATED");
}

#[tokio::test]
async fn logout_revokes_the_refresh_token_and_expiry_is_enforced() {
    let app = spawn_app().await;
    let login = app.login("customer@demo.caas", PASSWORD).await;
    let refresh = login.data()["login"]["refreshToken"].as_str().expect("refresh").to_owned();
    let out = app.graphql("mutation($t: String!) { logout(refreshToken: $t) }", json!({ "t": refresh })).await;
    assert_eq!(out.data()["logout"], true);
    app.graphql(REFRESH, json!({ "t": refresh })).await.expect_error("UNAUTHENTICATED");

    let other = app.login("customer2@demo.caas", PASSWORD).await;
    let refresh = other.data()["login"]["refreshToken"].as_str().expect("refresh").to_owned();
    app.clock.advance(Duration::days(31));
    app.graphql(REFRESH, json!({ "t": refresh })).await.expect_error("UNAUTHENTICATED");
    app.graphql(REFRESH, json!({ "t": "made-up" })).await.expect_error("UNAUTHENTICATED");
}

#[tokio::test]
async fn invalid_api_keys_are_refused() {
    let app = spawn_app().await;
    let query = "{ features(first: 1) { edges { node { code } } } }";
    app.graphql_with_key(caas::seed::DEMO_PARTNER_API_KEY, query, json!({})).await.data();
    for bad in ["caas_demopartner_wrong-secret-of-enough-length", "caas_nope_aaaaaaaaaaaaaaaaaaaa", "xyz"] {
        let response = app.graphql_with_key(bad, query, json!({})).await;
        assert_eq!(response.status, 401);
        response.expect_error("UNAUTHENTICATED");
    }
}

#[tokio::test]
async fn admins_create_and_revoke_partner_keys() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let partner_id: uuid::Uuid = {
        use sea_orm::EntityTrait;
        entity::partners::Entity::find().one(&app.app.db).await.expect("db").expect("demo partner").id
    };
    let created = app
        .graphql_as(
            &admin,
            "mutation($p: ID!) { createApiKey(partnerId: $p, name: \"Claims app\", scopes: [CATALOG_READ]) { secret apiKey { id scopes } } }",
            json!({ "p": partner_id }),
        )
        .await;
    let key = created.data()["createApiKey"]["secret"].as_str().expect("secret").to_owned();
    let id = created.data()["createApiKey"]["apiKey"]["id"].as_str().expect("id").to_owned();
    assert_eq!(created.data()["createApiKey"]["apiKey"]["scopes"], json!(["CATALOG_READ"]));
    let query = "{ features(first: 1) { edges { node { code } } } }";
    app.graphql_with_key(&key, query, json!({})).await.data();
    app.graphql_as(&admin, "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }", json!({ "id": id }))
        .await
        .data();
    app.graphql_with_key(&key, query, json!({})).await.expect_error("UNAUTHENTICATED");
}
