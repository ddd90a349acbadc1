//! Operations: health, readiness, metrics, headers, GraphiQL, graceful shutdown, production checks.

use caas::config::Profile;
use caas::server::Server;
use caas_tests::{GqlResponse, TestDatabase, spawn_app, test_config};
use secrecy::SecretString;
use serde_json::json;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = spawn_app().await;
    let health = app.client.get(format!("{}/healthz", app.address)).send().await.expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = app.client.get(format!("{}/readyz", app.address)).send().await.expect("readyz");
    assert_eq!(ready.status(), 200);

    app.graphql("{ me { email } }", json!({})).await.expect_error("UNAUTHENTICATED");
    let metrics =
        app.client.get(format!("{}/metrics", app.address)).send().await.expect("metrics").text().await.expect("text");
    for family in [
        "caas_http_requests_total",
        "caas_http_request_duration_seconds_bucket",
        "caas_graphql_operations_total",
        "caas_graphql_errors_total",
        "caas_db_statements_total",
    ] {
        assert!(metrics.contains(family), "{family} missing from /metrics:\n{metrics}");
    }
    assert!(metrics.contains(r#"caas_graphql_operations_total{kind="query",field="me"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"caas_graphql_errors_total{code="UNAUTHENTICATED"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"route="/graphql""#));
}

#[tokio::test]
async fn responses_carry_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    let response = app.graphql("{ __typename }", json!({})).await;
    for header in
        ["x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy", "x-request-id"]
    {
        assert!(response.headers.contains_key(header), "{header} missing");
    }
    assert_eq!(response.headers["x-frame-options"], "DENY");
    // A request id sent by the caller is kept.
    let sent = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .expect("send");
    assert_eq!(sent.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let query = "query($v: String!) { catalog(vin: $v, first: 50) { edges { node { feature { code name description demoText } offers { durationKind gross { amount } } } } } }";
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", format!("Bearer {token}"))
        .header("accept-encoding", "gzip")
        .json(&json!({ "query": query, "variables": { "v": vin } }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn graphiql_is_served_to_browsers_in_development_only() {
    let app = spawn_app().await;
    let page =
        app.client.get(format!("{}/graphql", app.address)).header("accept", "text/html").send().await.expect("get");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("graphiql"));

    let prod = caas_tests::spawn_app_with(caas_tests::TestOptions {
        seed_demo: false,
        configure: Box::new(|config| config.graphiql = Some(false)),
    })
    .await;
    let hidden =
        prod.client.get(format!("{}/graphql", prod.address)).header("accept", "text/html").send().await.expect("get");
    assert_eq!(hidden.status(), 404);
}

#[tokio::test]
async fn queries_work_over_get_too() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let response = app
        .client
        .get(format!("{}/graphql?query=%7Bme%7Bemail%7D%7D", app.address))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("get");
    let response = GqlResponse::read(response).await;
    assert_eq!(response.data()["me"]["email"], "customer@demo.caas");
}

#[tokio::test]
async fn unknown_routes_get_a_typed_404() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/nope", app.address)).send().await.expect("get");
    let response = GqlResponse::read(response).await;
    assert_eq!(response.status, 404);
    response.expect_error("NOT_FOUND");
}

#[tokio::test]
async fn the_server_stops_gracefully() {
    let app = spawn_app().await;
    let address = app.address.clone();
    let client = app.client.clone();
    app.stop().await.expect("clean stop");
    assert!(client.get(format!("{address}/healthz")).send().await.is_err(), "still serving after shutdown");
}

#[tokio::test]
async fn production_refuses_demo_secrets_and_demo_accounts() {
    let database = TestDatabase::create().await;
    let mut config = test_config(&database.url);
    config.profile = Profile::Production;
    config.seed_demo = false;
    let refused = Server::builder(config.clone()).build().await.err().expect("demo JWT secret refused");
    assert!(refused.to_string().contains("CAAS_JWT_SECRET"), "{refused}");

    // With a real secret it starts on an empty database …
    config.jwt_secret = SecretString::from("a-real-production-secret-with-enough-entropy-123".to_owned());
    config.factory_secret = SecretString::from("a-real-factory-webhook-secret".to_owned());
    config.stripe_secret_key = SecretString::from("sk_live_a_real_key_of_some_length".to_owned());
    config.stripe_webhook_secret = SecretString::from("whsec_a_real_secret_of_some_length".to_owned());
    config.telemetry_secret = SecretString::from("a-real-telemetry-secret-of-the-carmaker".to_owned());
    config.retention_secret = SecretString::from("a-real-retention-secret-of-the-operator".to_owned());
    // The external systems are simulated here, which production must be told explicitly.
    config.simulators = Some(true);
    Server::builder(config.clone()).build().await.expect("production starts");

    // … but not on one holding the demo accounts.
    let mut development = test_config(&database.url);
    development.seed_demo = true;
    drop(Server::builder(development).build().await.expect("development seeds the demo"));
    let refused = Server::builder(config).build().await.err().expect("demo accounts refused");
    assert!(refused.to_string().contains("demo"), "{refused}");
}

#[tokio::test]
async fn the_web_app_is_served_with_deep_links_and_a_hash_pinned_policy() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("index.html"),
        "<html><script type=\"module\">start();</script><body></body></html>",
    )
    .expect("index");
    std::fs::write(dir.path().join("app-0123456789abcdef.js"), "export {}").expect("asset");
    std::fs::write(dir.path().join("sw.js"), "self.addEventListener('fetch', () => {})").expect("worker");
    let static_dir = dir.path().to_path_buf();
    let app = caas_tests::spawn_app_with(caas_tests::TestOptions {
        seed_demo: false,
        configure: Box::new(move |config| config.static_dir = static_dir),
    })
    .await;
    for path in ["/", "/orders/42", "/vehicles/WCAAUR1S3TB000001/expediente"] {
        let page = app.client.get(format!("{}{path}", app.address)).send().await.expect("get");
        assert_eq!(page.status(), 200, "{path}");
        let policy = page.headers()["content-security-policy"].to_str().expect("csp").to_owned();
        // Only the page's own inline script may run: pinned by its hash, no 'unsafe-inline' scripts.
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{policy}");
        assert!(page.text().await.expect("html").contains("start();"));
    }
    let asset = app.client.get(format!("{}/app-0123456789abcdef.js", app.address)).send().await.expect("get");
    assert_eq!(asset.status(), 200);
    assert!(asset.headers()["cache-control"].to_str().expect("cache").contains("immutable"));
    // The service worker keeps its name: browsers must check it every time.
    let worker = app.client.get(format!("{}/sw.js", app.address)).send().await.expect("get");
    assert_eq!(worker.headers()["cache-control"], "no-cache");
    // The API keeps its routes.
    let health = app.client.get(format!("{}/healthz", app.address)).send().await.expect("get");
    assert_eq!(health.text().await.expect("body"), "ok");
}

#[tokio::test]
async fn partner_keys_are_rate_limited_each_on_its_own() {
    let app = caas_tests::spawn_app_with(caas_tests::TestOptions {
        configure: Box::new(|config| config.partner_requests_per_minute = 3),
        ..caas_tests::TestOptions::default()
    })
    .await;
    let key = caas::seed::DEMO_PARTNER_API_KEY;
    let query = "{ features(first: 1) { edges { cursor } } }";
    for _ in 0..3 {
        app.graphql_with_key(key, query, json!({})).await.data();
    }
    let limited = app.graphql_with_key(key, query, json!({})).await;
    assert_eq!(limited.status, 429);
    limited.expect_error("RATE_LIMITED");
    assert!(limited.headers.contains_key("retry-after"));
    // People are not limited by the partner's budget.
    let token = app.token("customer@demo.caas").await;
    app.graphql_as(&token, query, json!({})).await.data();
}

#[tokio::test]
async fn browsers_may_call_from_configured_origins_only() {
    let app = caas_tests::spawn_app_with(caas_tests::TestOptions {
        seed_demo: false,
        configure: Box::new(|config| config.cors_origins = vec!["https://app.caas.example".into()]),
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .send()
    };
    let allowed = preflight("https://app.caas.example").await.expect("preflight");
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.caas.example");
    let other = preflight("https://evil.example").await.expect("preflight");
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}
