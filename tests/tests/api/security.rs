//! The attacks of the security review, sent as an attacker sends them — over HTTP, in a batch and
//! over WebSocket where they apply — each asserting the typed refusal, and for the floods that the
//! server stays responsive meanwhile. (The doubling fragments are in `input.rs`.)

use std::time::{Duration as StdDuration, Instant};

use caas_tests::ws::{Frame, GqlSocket};
use caas_tests::{PASSWORD, TestApp, TestOptions, spawn_app, spawn_app_with};
use chrono::Duration;
use serde_json::{Value, json};

const LOGIN: &str =
    "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken refreshToken } }";
const SUBSCRIBE: &str = "subscription { notifications { id } }";

fn with(configure: impl FnOnce(&mut caas::config::Config) + Send + 'static) -> TestOptions {
    TestOptions { configure: Box::new(configure), ..TestOptions::default() }
}

/// POSTs `body` as JSON: the status, the `Retry-After` header and the answer.
async fn post(app: &TestApp, body: &Value, headers: &[(&str, &str)]) -> (u16, Option<String>, Value) {
    let mut request = app.client.post(format!("{}/graphql", app.address)).json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").map(|value| value.to_str().expect("ascii").to_owned());
    (status, retry_after, response.json().await.expect("a JSON answer"))
}

fn code_of(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

/// Runs `attack` while timing `/healthz`; the attack's output and the slowest health answer.
async fn while_healthz_is_timed<F: Future>(app: &TestApp, attack: F) -> (F::Output, StdDuration) {
    let probe = async {
        let mut slowest = StdDuration::ZERO;
        for _ in 0..3 {
            let started = Instant::now();
            let health = app.client.get(format!("{}/healthz", app.address)).send().await.expect("healthz");
            assert_eq!(health.status().as_u16(), 200);
            slowest = slowest.max(started.elapsed());
        }
        slowest
    };
    tokio::join!(attack, probe)
}

fn guesses(identifier: &str, count: usize, right_at: Option<usize>) -> Value {
    (0..count)
        .map(|i| {
            let password = if Some(i) == right_at { PASSWORD.to_owned() } else { format!("wrong-guess-{i}") };
            json!({ "query": LOGIN, "variables": { "i": identifier, "p": password } })
        })
        .collect()
}

// ---- 2. The sign-in lock --------------------------------------------------------------------

#[tokio::test]
async fn guesses_in_one_batch_are_counted_before_any_password_is_checked() {
    let app = spawn_app_with(with(|config| config.max_batch = 100)).await;
    let (status, _, answers) = post(&app, &guesses("dealer@demo.caas", 20, None), &[]).await;
    // 429 when every guess was refused: concurrent guesses that see one another may all be.
    assert!(status == 200 || status == 429, "{status}");
    let answers = answers.as_array().expect("a batch answer");
    let checked = answers.iter().filter(|answer| code_of(answer) == "UNAUTHENTICATED").count();
    let locked = answers.iter().filter(|answer| code_of(answer) == "RATE_LIMITED").count();
    assert!(checked <= 5, "{checked} of 20 guesses reached the password check (limit 5)");
    assert_eq!(checked + locked, 20);

    // A hundred guesses with the right one among them: none signs in.
    let (_, _, answers) = post(&app, &guesses("customer@demo.caas", 100, Some(87)), &[]).await;
    let answers = answers.as_array().expect("a batch answer");
    let checked = answers.iter().filter(|answer| code_of(answer) == "UNAUTHENTICATED").count();
    assert!(checked <= 5, "{checked} of 100 guesses were checked");
    assert!(answers.iter().all(|answer| answer["data"]["login"].is_null()), "a guess signed in: {answers:?}");
}

#[tokio::test]
async fn parallel_guesses_are_counted_before_any_password_is_checked() {
    let app = spawn_app().await;
    let attempts = (0..20).map(|i| app.login("workshop@demo.caas", if i == 17 { PASSWORD } else { "wrong-guess" }));
    let answers = futures::future::join_all(attempts).await;
    let checked = answers.iter().filter(|answer| answer.error_code().as_deref() == Some("UNAUTHENTICATED")).count();
    let signed_in = answers.iter().filter(|answer| answer.errors().is_empty()).count();
    assert!(checked + signed_in <= 5, "{} of 20 parallel attempts reached the password check", checked + signed_in);
}

#[tokio::test]
async fn a_batch_is_capped() {
    let app = spawn_app_with(with(|config| config.max_batch = 5)).await;
    let six: Value = (0..6).map(|_| json!({ "query": "{ __typename }" })).collect();
    let (status, _, answer) = post(&app, &six, &[]).await;
    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["extensions"]["reason"], "BATCH_TOO_LARGE", "{answer}");
    let five: Value = (0..5).map(|_| json!({ "query": "{ __typename }" })).collect();
    assert_eq!(post(&app, &five, &[]).await.0, 200);
}

// ---- 3. One-time link tokens ----------------------------------------------------------------

#[tokio::test]
async fn a_password_link_token_is_in_no_payload_body_or_table_staff_can_read() {
    let app = spawn_app().await;
    let request = "mutation($e: String!) { requestPasswordReset(email: $e) }";
    app.graphql(request, json!({ "e": "customer2@demo.caas" })).await.data();
    let mail = app.email("customer2@demo.caas", "Restablezca su contraseña").await;
    let link = mail.body.split_whitespace().find(|word| word.contains("/set-password?token=")).expect("a link");
    let token = link.split("token=").nth(1).expect("token").trim_end_matches(['.', ',', ')']).to_owned();

    let support = app.token("support@demo.caas").await;
    let deliveries =
        "query($s: NotificationStatus!) { notificationDeliveries(status: $s) { nodes { template payload body } } }";
    let sent = app.graphql_as(&support, deliveries, json!({ "s": "SENT" })).await;
    let reset = sent.data()["notificationDeliveries"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|node| node["template"] == "account.password_reset")
        .cloned()
        .expect("the reset e-mail is listed");
    assert!(!sent.text.contains(&token), "support can read the link's token: {reset}");
    // What the payload keeps instead is no token.
    let link_id = reset["payload"]["passwordLinkId"].as_str().expect("the link's id").to_owned();
    let as_token = app.graphql(
        "mutation($t: String!) { resetPassword(token: $t, newPassword: \"a-new-long-password\") { accessToken } }",
        json!({ "t": link_id }),
    );
    as_token.await.expect_error("UNAUTHENTICATED");
    // No table holds it either.
    use sea_orm::EntityTrait;
    let stored = entity::notifications::Entity::find().all(&app.app.db).await.expect("notifications");
    assert!(stored.iter().all(|row| !row.payload.to_string().contains(&token)));
    let links = entity::password_tokens::Entity::find().all(&app.app.db).await.expect("links");
    assert!(links.iter().all(|row| row.token_hash != token));
    // And the e-mailed link works.
    let used = app.graphql(
        "mutation($t: String!) { resetPassword(token: $t, newPassword: \"a-new-long-password\") { accessToken } }",
        json!({ "t": token }),
    );
    assert!(used.await.data()["resetPassword"]["accessToken"].is_string());
}

// ---- 4. Rate limits per operation -----------------------------------------------------------

fn aliases(count: usize) -> String {
    let fields: String = (0..count).map(|i| format!("a{i}: __typename ")).collect();
    format!("{{ {fields} }}")
}

#[tokio::test]
async fn aliases_and_batch_elements_are_charged_one_by_one() {
    let app = spawn_app_with(with(|config| config.rate_limit_per_ip = 10)).await;
    let ten = app.graphql(&aliases(10), json!({})).await;
    assert_eq!(ten.data()["a9"], "Query");
    let (status, retry_after, answer) = post(&app, &json!({ "query": "{ __typename }" }), &[]).await;
    assert_eq!(status, 429, "{answer}");
    assert_eq!(code_of(&answer), "RATE_LIMITED");
    let retry_after: u64 = retry_after.expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(answer["errors"][0]["extensions"]["retryAfterSeconds"].as_u64().is_some());
    // A client that says it is someone else is not believed (no proxy is trusted).
    let forged = post(&app, &json!({ "query": "{ __typename }" }), &[("x-forwarded-for", "203.0.113.7")]).await;
    assert_eq!(forged.0, 429);

    // The minute slides on.
    app.clock.advance(Duration::minutes(2));
    // A batch of five elements of three aliases each: at most ten units get through.
    let batch: Value = (0..5).map(|_| json!({ "query": aliases(3) })).collect();
    let (status, _, answers) = post(&app, &batch, &[]).await;
    assert_eq!(status, 200, "some elements fit");
    let answers = answers.as_array().expect("a batch answer");
    let served = answers.iter().filter(|answer| answer["data"]["a0"] == "Query").count();
    let limited = answers.iter().filter(|answer| code_of(answer) == "RATE_LIMITED").count();
    assert!((1..=3).contains(&served), "{served} elements of 3 units were served with a limit of 10");
    assert_eq!(served + limited, 5);
}

#[tokio::test]
async fn subscriptions_on_one_socket_are_charged_one_by_one() {
    let app = spawn_app_with(with(|config| config.rate_limit_per_ip = 10)).await;
    let mut socket = GqlSocket::connect_acked(&app.address, json!({})).await;
    let (codes, slowest_health) = while_healthz_is_timed(&app, async {
        for id in 0..30 {
            socket.subscribe(&id.to_string(), SUBSCRIBE, json!({})).await;
        }
        let mut codes = Vec::new();
        while codes.len() < 30 {
            let message = socket.next_message().await;
            if message["type"] == "next" {
                codes.push(message["payload"]["errors"][0]["extensions"]["code"].as_str().unwrap_or("").to_owned());
            }
        }
        codes
    })
    .await;
    // Anonymous subscriptions within the limit reach the resolver, which refuses them.
    let reached = codes.iter().filter(|code| *code == "UNAUTHENTICATED").count();
    let limited = codes.iter().filter(|code| *code == "RATE_LIMITED").count();
    assert!(reached <= 10, "{reached} of 30 subscriptions ran with a limit of 10");
    assert_eq!(reached + limited, 30, "{codes:?}");
    // A stalled server (the review saw 22 s) fails this; the bound leaves room for a debug build
    // sharing two cores with the rest of the suite.
    assert!(slowest_health < StdDuration::from_secs(1), "/healthz took {slowest_health:?}");
}

#[tokio::test]
async fn sign_in_has_the_strictest_limit_and_partners_pay_per_operation() {
    let app = spawn_app_with(with(|config| {
        config.rate_limit_sign_in = 3;
        config.partner_requests_per_minute = 5;
    }))
    .await;
    for _ in 0..3 {
        app.login("dealer@demo.caas", "a-wrong-password").await.expect_error("UNAUTHENTICATED");
    }
    // The right password does not help past the limit: it is not even checked.
    let limited = app.login("dealer@demo.caas", PASSWORD).await;
    assert_eq!(limited.status, 429);
    limited.expect_error("RATE_LIMITED");

    let key = caas::seed::DEMO_PARTNER_API_KEY;
    let six = app.graphql_with_key(key, &aliases(6), json!({})).await;
    assert_eq!(six.status, 429, "six aliases are six operations");
    six.expect_error("RATE_LIMITED");
    assert_eq!(app.graphql_with_key(key, &aliases(5), json!({})).await.data()["a4"], "Query");
}

// ---- 5. Expensive fields ------------------------------------------------------------------

#[tokio::test]
async fn a_document_of_many_expensive_fields_is_refused_before_any_resolver_runs() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let catalogs: String =
        (0..100).map(|i| format!("c{i}: catalog(vin: \"{vin}\") {{ edges {{ cursor }} }} ")).collect();
    let started = Instant::now();
    let refused = app.graphql_as(&token, &format!("{{ {catalogs} }}"), json!({})).await;
    refused.expect_error("BAD_USER_INPUT");
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "QUERY_TOO_COMPLEX", "{:?}", refused.errors());
    assert!(refused.body["data"].is_null());
    // One catalog is well within the budget.
    let one = format!("{{ catalog(vin: \"{vin}\", first: 100) {{ edges {{ cursor }} }} }}");
    assert!(app.graphql_as(&token, &one, json!({})).await.data()["catalog"]["edges"].is_array());
    assert!(started.elapsed() < StdDuration::from_secs(5));
}

// ---- 6 and 9. Production ------------------------------------------------------------------

fn production(config: &mut caas::config::Config) {
    use secrecy::SecretString;
    config.profile = caas::config::Profile::Production;
    config.jwt_secret = SecretString::from("a-production-jwt-secret-of-48-bytes-xxxxxxxxxxx".to_owned());
    config.factory_secret = SecretString::from("factory-webhook-secret-of-the-plant".to_owned());
    config.stripe_secret_key = SecretString::from("sk_live_not_the_demo_key_xxxxxxxx".to_owned());
    config.stripe_webhook_secret = SecretString::from("whsec_not_the_demo_secret_xxxxxx".to_owned());
    config.telemetry_secret = SecretString::from("a-real-telemetry-secret-of-the-carmaker".to_owned());
    config.retention_secret = SecretString::from("a-real-retention-secret-of-the-operator".to_owned());
    config.seed_demo = false;
    config.simulators = Some(true);
}

#[tokio::test]
async fn production_refuses_to_start_without_the_external_systems_unless_simulating_is_asked_for() {
    let database = caas_tests::TestDatabase::create().await;
    let mut config = caas_tests::test_config(&database.url);
    production(&mut config);
    config.simulators = None;
    let refused = caas::server::Server::builder(config).build().await.err().expect("a start-up error");
    let message = format!("{refused:#}");
    for variable in ["CAAS_FACTORY_URL", "CAAS_STRIPE_API_BASE", "CAAS_SMTP_URL"] {
        assert!(message.contains(variable), "{message}");
    }
}

#[tokio::test]
async fn production_hides_the_schema_and_the_metrics() {
    let app = spawn_app_with(TestOptions { seed_demo: false, configure: Box::new(production) }).await;
    let introspection = app.graphql("{ __schema { types { name } } }", json!({})).await;
    introspection.expect_error("BAD_USER_INPUT");
    let typo = app.graphql("{ __typenam }", json!({})).await;
    assert!(!typo.text.contains("Did you mean"), "{}", typo.text);
    let metrics = app.client.get(format!("{}/metrics", app.address)).send().await.expect("metrics");
    assert_eq!(metrics.status().as_u16(), 404);
}

#[tokio::test]
async fn the_allow_list_mode_runs_only_the_web_apps_operations_except_for_partners() {
    let app = spawn_app_with(with(|config| config.operation_allow_list = true)).await;
    // The web app's own sign-in runs for anonymous callers, and its other operations after it.
    let login = include_str!("../../../frontend/graphql/login.graphql");
    let signed_in = app.graphql(login, json!({ "identifier": "dealer@demo.caas", "password": PASSWORD })).await;
    let dealer = signed_in.data()["login"]["accessToken"].as_str().expect("a token").to_owned();
    let me = include_str!("../../../frontend/graphql/me.graphql");
    assert_eq!(app.graphql_as(&dealer, me, json!({})).await.data()["me"]["email"], "dealer@demo.caas");
    // The same fields written another way are not the web app's operation.
    let custom = app.graphql_as(&dealer, "{ me { email } }", json!({})).await;
    assert_eq!(custom.expect_error("BAD_USER_INPUT"), "Hier werden nur die Anfragen der App angenommen.");
    assert_eq!(custom.body["errors"][0]["extensions"]["reason"], "OPERATION_NOT_ALLOWED");
    // The web app's connectivity probe runs; an introspection probe does not.
    let (_, _, batch) =
        post(&app, &json!([{ "query": "{ __typename }" }, { "query": "{ __schema { types { name } } }" }]), &[]).await;
    assert_eq!(batch[0]["data"]["__typename"], "Query");
    assert_eq!(batch[1]["errors"][0]["extensions"]["reason"], "OPERATION_NOT_ALLOWED");
    // Over WebSocket the same rule holds.
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {dealer}") })).await;
    socket.subscribe("custom", SUBSCRIBE, json!({})).await;
    let refused = socket.next_message().await;
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["reason"], "OPERATION_NOT_ALLOWED", "{refused}");
    // Partner apps write their own queries within their key's scopes.
    let partner =
        app.graphql_with_key(caas::seed::DEMO_PARTNER_API_KEY, "{ __typename a: __typename }", json!({})).await;
    assert_eq!(partner.data()["a"], "Query");
}

#[tokio::test]
async fn metrics_with_a_token_are_for_its_bearer_only() {
    let app = spawn_app_with(with(|config| {
        config.metrics_token = Some(secrecy::SecretString::from("a-metrics-token-of-some-length".to_owned()));
    }))
    .await;
    let url = format!("{}/metrics", app.address);
    let anonymous = app.client.get(&url).send().await.expect("metrics");
    assert_eq!(anonymous.status().as_u16(), 401);
    let wrong = app.client.get(&url).bearer_auth("a-metrics-token-of-some-lengtH").send().await.expect("metrics");
    assert_eq!(wrong.status().as_u16(), 401);
    let scraper = app.client.get(&url).bearer_auth("a-metrics-token-of-some-length").send().await.expect("metrics");
    assert_eq!(scraper.status().as_u16(), 200);
    assert!(scraper.text().await.expect("text").contains("caas_"));
}

// ---- 7. graphql-transport-ws --------------------------------------------------------------

fn closed_with(frame: Frame, expected: u16) -> String {
    match frame {
        Frame::Closed(Some((code, reason))) => {
            assert_eq!(code, expected, "closed with {code} ({reason}), expected {expected}");
            reason
        }
        other => panic!("expected a close with {expected}, got {other:?}"),
    }
}

fn quick_sockets(config: &mut caas::config::Config) {
    config.ws_init_timeout_secs = 1;
    config.ws_recheck_secs = 1;
}

#[tokio::test]
async fn the_websocket_protocol_closes_with_its_codes() {
    let app = spawn_app_with(with(quick_sockets)).await;
    let open = || GqlSocket::open(&app.address, "/graphql", &[]);

    // No connection_init: 4408 after the timeout.
    let mut silent = open().await.expect("open");
    closed_with(silent.next().await, 4408);

    // subscribe before connection_init: 4401.
    let mut eager = open().await.expect("open");
    eager.subscribe("1", SUBSCRIBE, json!({})).await;
    closed_with(eager.next().await, 4401);

    // Not JSON, or an unknown type: 4400.
    let mut garbled = open().await.expect("open");
    garbled.send_text("this is not json").await;
    closed_with(garbled.next().await, 4400);
    let mut unknown = open().await.expect("open");
    unknown.send(json!({ "type": "start", "id": "1" })).await;
    closed_with(unknown.next().await, 4400);

    // A bad token: 4403.
    let mut forged = GqlSocket::connect(&app.address, json!({ "authorization": "Bearer forged" })).await;
    closed_with(forged.next().await, 4403);

    // A second connection_init: 4429; a duplicate subscription id: 4409.
    let token = app.token("customer@demo.caas").await;
    let mut twice = GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {token}") })).await;
    twice.send(json!({ "type": "connection_init", "payload": {} })).await;
    closed_with(twice.next().await, 4429);
    let mut duplicate =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {token}") })).await;
    duplicate.subscribe("same", SUBSCRIBE, json!({})).await;
    duplicate.subscribe("same", SUBSCRIBE, json!({})).await;
    closed_with(duplicate.next().await, 4409);
}

#[tokio::test]
async fn a_socket_from_a_foreign_origin_is_refused_at_the_handshake() {
    let app = spawn_app_with(with(|config| config.cors_origins = vec!["https://app.caas.example".into()])).await;
    let foreign = GqlSocket::open(&app.address, "/graphql", &[("origin", "https://evil.example")]).await;
    assert_eq!(foreign.err(), Some(403));
    let allowed = GqlSocket::open(&app.address, "/graphql", &[("origin", "https://app.caas.example")]).await;
    assert!(allowed.is_ok());
    let host = app.address.trim_start_matches("http://").to_owned();
    let same_site = GqlSocket::open(&app.address, "/graphql", &[("origin", &format!("http://{host}"))]).await;
    assert!(same_site.is_ok());
}

#[tokio::test]
async fn an_open_socket_closes_when_its_session_ends_or_its_token_expires() {
    let app = spawn_app_with(with(quick_sockets)).await;
    let signed_in = app.login("customer@demo.caas", PASSWORD).await;
    let token = signed_in.data()["login"]["accessToken"].as_str().expect("token").to_owned();
    let refresh = signed_in.data()["login"]["refreshToken"].as_str().expect("refresh").to_owned();
    let init = json!({ "authorization": format!("Bearer {token}") });
    let mut socket = GqlSocket::connect_acked(&app.address, init.clone()).await;
    let logout = app.graphql_as(&token, "mutation($r: String!) { logout(refreshToken: $r) }", json!({ "r": refresh }));
    assert_eq!(logout.await.data()["logout"], true);
    let reason = closed_with(socket.next().await, 4403);
    assert!(reason.contains("session has ended"), "{reason}");

    let token = app.token("customer@demo.caas").await;
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {token}") })).await;
    app.clock.advance(Duration::minutes(16));
    closed_with(socket.next().await, 4401);
}

#[tokio::test]
async fn sockets_and_subscriptions_are_capped() {
    let app = spawn_app_with(with(|config| {
        config.ws_max_subscriptions = 2;
        config.ws_max_connections_per_user = 2;
    }))
    .await;
    let token = app.token("customer@demo.caas").await;
    let init = json!({ "authorization": format!("Bearer {token}") });
    let mut first = GqlSocket::connect_acked(&app.address, init.clone()).await;
    for id in ["1", "2", "3"] {
        first.subscribe(id, SUBSCRIBE, json!({})).await;
    }
    let refused = first.next_message().await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "3");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    let _second = GqlSocket::connect_acked(&app.address, init.clone()).await;
    let mut third = GqlSocket::connect(&app.address, init).await;
    closed_with(third.next().await, 4429);
}

// ---- 8. Tokens ----------------------------------------------------------------------------

fn signed(claims: &Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(caas::config::DEMO_JWT_SECRET.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), claims, &key).expect("sign")
}

#[tokio::test]
async fn tokens_signed_with_the_real_key_are_refused_unless_this_server_would_have_issued_them() {
    let app = spawn_app().await;
    let now = app.clock_now();
    let admin = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::users::Entity::find()
            .filter(entity::users::Column::Email.eq("admin@demo.caas"))
            .one(&app.app.db)
            .await
            .expect("db")
            .expect("the demo admin")
    };
    let claims = |sub: uuid::Uuid, lifetime: i64| {
        json!({ "sub": sub, "role": "ADMIN", "loc": "en", "sid": uuid::Uuid::now_v7(), "iss": "caas",
                "aud": "caas-api", "iat": now, "exp": now + lifetime })
    };
    let nobody = signed(&claims(uuid::Uuid::now_v7(), 600));
    let century = signed(&claims(admin.id, 100 * 365 * 86_400));
    let no_session = signed(&claims(admin.id, 600));
    let mut without_audience = claims(admin.id, 600);
    without_audience.as_object_mut().expect("claims").remove("aud");
    let without_audience = signed(&without_audience);
    for (what, token) in [
        ("no such user", nobody),
        ("a century", century),
        ("no session", no_session),
        ("no audience", without_audience),
    ] {
        let answer = app.graphql_as(&token, "{ me { email } }", json!({})).await;
        assert_eq!(answer.status, 401, "{what}: {}", answer.text);
        answer.expect_error("UNAUTHENTICATED");
    }
    // A signed-out session's access token stops working at once.
    let signed_in = app.login("admin@demo.caas", PASSWORD).await;
    let token = signed_in.data()["login"]["accessToken"].as_str().expect("token").to_owned();
    let refresh = signed_in.data()["login"]["refreshToken"].as_str().expect("refresh").to_owned();
    assert!(app.graphql_as(&token, "{ me { email } }", json!({})).await.errors().is_empty());
    app.graphql_as(&token, "mutation($r: String!) { logout(refreshToken: $r) }", json!({ "r": refresh })).await.data();
    let after = app.graphql_as(&token, "{ me { email } }", json!({})).await;
    assert!(after.expect_error("UNAUTHENTICATED").contains("session has ended"));
}

// ---- 10. Cross-site simple requests -------------------------------------------------------

#[tokio::test]
async fn only_json_bodies_are_executed() {
    let app = spawn_app().await;
    let mutation = json!({ "query": "mutation { requestPasswordReset(email: \"customer@demo.caas\") }" }).to_string();
    let url = format!("{}/graphql", app.address);
    for content_type in
        [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data; boundary=x"), None]
    {
        let mut request = app.client.post(&url).body(mutation.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), 415, "{content_type:?}");
        let answer: Value = response.json().await.expect("a JSON error");
        assert_eq!(answer["errors"][0]["extensions"]["reason"], "UNSUPPORTED_MEDIA_TYPE");
    }
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let resets = entity::notifications::Entity::find()
        .filter(entity::notifications::Column::Template.eq("account.password_reset"))
        .count(&app.app.db)
        .await
        .expect("count");
    assert_eq!(resets, 0, "a refused body ran its mutation");
    let json_body = app.client.post(&url).header("content-type", "application/json; charset=utf-8").body(mutation);
    assert_eq!(json_body.send().await.expect("request").status().as_u16(), 200);
}
