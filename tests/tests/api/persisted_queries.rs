//! Documents sent by their hash (automatic persisted queries), and documents kept once prepared.

use caas_tests::{PASSWORD, TestApp, TestOptions, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const EXPEDIENTE: &str = include_str!("../../../frontend/graphql/expediente.graphql");

fn hash_of(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// POSTs `body` as the holder of `token` (if any) and returns the answer.
async fn post(app: &TestApp, token: Option<&str>, body: &Value) -> Value {
    let mut request = app.client.post(format!("{}/graphql", app.address)).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("JSON")
}

fn reason(answer: &Value) -> &Value {
    &answer["errors"][0]["extensions"]["reason"]
}

#[tokio::test]
async fn a_document_sent_once_with_its_hash_runs_by_its_hash_alone() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let hash = hash_of(EXPEDIENTE);
    let variables = json!({ "vin": vin });

    let unknown = post(&app, Some(&token), &json!({ "variables": variables, "extensions": persisted(&hash) })).await;
    assert_eq!(unknown["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(reason(&unknown), "PERSISTED_QUERY_NOT_FOUND");
    // The demo customer reads German: clients decide by the reason, not the message.
    assert_ne!(unknown["errors"][0]["message"], "PersistedQueryNotFound");
    assert!(unknown["data"].is_null(), "{unknown}");

    let body = json!({ "query": EXPEDIENTE, "variables": variables, "extensions": persisted(&hash) });
    let registered = post(&app, Some(&token), &body).await;
    assert_eq!(registered["data"]["expediente"]["vehicle"]["vin"], vin, "{registered}");

    let by_hash =
        post(&app, Some(&token), &json!({ "query": "", "variables": variables, "extensions": persisted(&hash) })).await;
    assert_eq!(by_hash, registered, "the hash alone gives the same answer as the text");
    // Without the token the same hash is the same document, and its access rules hold.
    let anonymous = post(&app, None, &json!({ "variables": variables, "extensions": persisted(&hash) })).await;
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{anonymous}");

    let counted = |outcome: &'static str| {
        let app = &app;
        async move { app.metric_labelled("caas_persisted_queries_total", &format!("outcome=\"{outcome}\"")).await }
    };
    assert_eq!(counted("not_found").await, 1.0);
    assert_eq!(counted("with_text").await, 1.0);
    assert_eq!(counted("hash_only").await, 2.0);
}

#[tokio::test]
async fn a_hash_that_is_not_its_texts_is_refused_and_never_registered() {
    let app = spawn_app().await;
    let wrong = hash_of("{ __typename }");
    let mismatch = post(&app, None, &json!({ "query": "{ me { email } }", "extensions": persisted(&wrong) })).await;
    assert_eq!(reason(&mismatch), "PERSISTED_QUERY_MISMATCH");
    assert!(mismatch["data"].is_null(), "{mismatch}");
    let never = post(&app, None, &json!({ "extensions": persisted(&wrong) })).await;
    assert_eq!(reason(&never), "PERSISTED_QUERY_NOT_FOUND");
    let malformed = post(&app, None, &json!({ "extensions": { "persistedQuery": { "version": 1 } } })).await;
    assert_eq!(reason(&malformed), "PERSISTED_QUERY_INVALID");
}

#[tokio::test]
async fn the_allow_list_holds_for_documents_sent_by_their_hash() {
    let app = spawn_app_with(TestOptions {
        configure: Box::new(|config| config.operation_allow_list = true),
        ..TestOptions::default()
    })
    .await;
    let login = include_str!("../../../frontend/graphql/login.graphql");
    let variables = json!({ "identifier": "dealer@demo.caas", "password": PASSWORD });
    let listed = hash_of(login);
    let body = json!({ "query": login, "variables": variables, "extensions": persisted(&listed) });
    assert!(post(&app, None, &body).await["data"]["login"]["accessToken"].is_string());
    let again = post(&app, None, &json!({ "variables": variables, "extensions": persisted(&listed) })).await;
    assert!(again["data"]["login"]["accessToken"].is_string(), "{again}");

    let foreign = "{ __schema { types { name } } }";
    let hash = hash_of(foreign);
    for body in [json!({ "query": foreign, "extensions": persisted(&hash) }), json!({ "extensions": persisted(&hash) })]
    {
        let refused = post(&app, None, &body).await;
        assert_eq!(reason(&refused), "OPERATION_NOT_ALLOWED", "{refused}");
    }
}

#[tokio::test]
async fn a_document_sent_again_is_answered_alike_with_other_variables() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let vins = app.vins_of("customer@demo.caas").await;
    assert!(vins.len() >= 2, "the demo customer has two cars");
    for vin in vins.iter().chain(vins.iter()) {
        let answer = post(&app, Some(&token), &json!({ "query": EXPEDIENTE, "variables": { "vin": vin } })).await;
        assert_eq!(&answer["data"]["expediente"]["vehicle"]["vin"], vin, "{answer}");
    }
    // A document that failed to parse is refused again, not served from what was kept.
    for _ in 0..2 {
        let broken = post(&app, Some(&token), &json!({ "query": "{ me { email }" })).await;
        assert_eq!(broken["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{broken}");
    }
}

#[tokio::test]
async fn a_persisted_query_is_not_run_from_a_url() {
    let app = spawn_app().await;
    let text = "{ __typename }";
    let registered = post(&app, None, &json!({ "query": text, "extensions": persisted(&hash_of(text)) })).await;
    assert_eq!(registered["data"]["__typename"], "Query");
    // A hash shows nothing of what it runs: GET, which must not change anything, refuses it.
    let extensions = persisted(&hash_of(text)).to_string();
    let response = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", ""), ("extensions", extensions.as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 405);
}
