//! graphql-cop's checks (github.com/dolevf/graphql-cop), each sent as the tool sends it and
//! asserting the answer the tool counts as "not vulnerable". The server runs as in production:
//! introspection and suggestions off.

use caas_tests::{TestApp, TestOptions, spawn_app_with};
use serde_json::{Value, json};

async fn production_like() -> TestApp {
    spawn_app_with(TestOptions {
        seed_demo: false,
        configure: Box::new(|config| {
            config.introspection = Some(false);
            config.max_batch = 5;
        }),
    })
    .await
}

async fn post(app: &TestApp, body: &Value) -> (u16, Value) {
    let response = app.client.post(format!("{}/graphql", app.address)).json(body).send().await.expect("request");
    (response.status().as_u16(), response.json().await.expect("JSON"))
}

fn refused(answer: &Value) -> bool {
    answer["data"].is_null() && answer["errors"].as_array().is_some_and(|errors| !errors.is_empty())
}

#[tokio::test]
async fn alias_overloading_field_duplication_and_directive_overloading() {
    let app = production_like().await;
    let aliases: String = (0..=100).map(|i| format!("alias{i}:__typename \n")).collect();
    let (_, answer) = post(&app, &json!({ "query": format!("query cop {{ {aliases} }}") })).await;
    assert!(refused(&answer), "101 aliases were served: {answer}");
    assert_eq!(answer["errors"][0]["extensions"]["reason"], "QUERY_TOO_LARGE");

    let duplicated = "__typename \n".repeat(500);
    let (_, answer) = post(&app, &json!({ "query": format!("query cop {{ {duplicated} }}") })).await;
    assert!(refused(&answer), "a field repeated 500 times was served");

    let (_, answer) = post(&app, &json!({ "query": "query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }" })).await;
    let errors = answer["errors"].as_array().expect("errors");
    assert_ne!(errors.len(), 10, "each of ten directives was looked at: {answer}");
    assert!(refused(&answer));
}

#[tokio::test]
async fn circular_fragments_and_batches() {
    let app = production_like().await;
    let circular = "query cop { ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    let (_, answer) = post(&app, &json!({ "query": circular })).await;
    assert!(refused(&answer), "{answer}");

    let batch: Value = (0..10).map(|_| json!({ "query": "query cop { __typename }" })).collect();
    let (status, answer) = post(&app, &batch).await;
    assert_eq!(status, 400, "a batch of ten was served: {answer}");
    assert!(!answer.is_array());
}

#[tokio::test]
async fn mutations_by_get_or_by_form_post_do_not_run() {
    let app = production_like().await;
    let get = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "mutation cop { __typename }")])
        .send()
        .await
        .expect("request");
    assert_eq!(get.status().as_u16(), 405);
    let form = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("query=mutation%20cop%20%7B__typename%7D")
        .send()
        .await
        .expect("request");
    assert_eq!(form.status().as_u16(), 415);
}

#[tokio::test]
async fn no_trace_or_debug_output_no_introspection_no_suggestions() {
    let app = production_like().await;
    let (_, answer) = post(&app, &json!({ "query": "query cop { __typenam }" })).await;
    let error = &answer["errors"][0];
    assert!(!answer.to_string().contains("Did you mean"), "a suggestion tells the schema: {answer}");
    for debug in ["tracing", "debug", "exception", "stacktrace"] {
        assert!(error["extensions"].get(debug).is_none(), "{debug} in {answer}");
        assert!(answer.get("extensions").and_then(|e| e.get(debug)).is_none(), "{debug} in {answer}");
    }
    let (_, answer) =
        post(&app, &json!({ "query": "query cop { __schema { types { name fields { name } } } }" })).await;
    assert!(refused(&answer), "introspection answered: {answer}");
    let (_, answer) =
        post(&app, &json!({ "query": "query cop { __type(name: \"Query\") { fields { name } } }" })).await;
    assert!(answer["data"]["__type"].is_null(), "type introspection answered: {answer}");
}
