//! Requests that race: the same car and feature bought or tried many times at once, with
//! different idempotency keys (a double click, two phones, a replayed offline queue). The database
//! holds the rule, so exactly one wins whatever the interleaving.

use caas_tests::{TestApp, spawn_app};
use futures::future::join_all;
use serde_json::{Value, json};

const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";
const TRIAL: &str = "mutation($vin: String!, $code: String!, $key: String) { \
    startTrial(vin: $vin, featureCode: $code, idempotencyKey: $key) { id } }";
const RACERS: usize = 20;

async fn anna_and_aurora(app: &TestApp) -> (String, String) {
    let token = app.token("customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await.remove(0);
    (token, aurora)
}

/// Sends every request at once and splits the answers into the activations created and the
/// error codes (with reasons) of the rest.
async fn race(app: &TestApp, token: &str, query: &str, inputs: Vec<Value>) -> (Vec<String>, Vec<(String, String)>) {
    let answers = join_all(inputs.into_iter().map(|variables| app.graphql_as(token, query, variables))).await;
    let (mut created, mut refused) = (Vec::new(), Vec::new());
    for answer in answers {
        assert_ne!(answer.status.as_u16(), 500, "{:#}", answer.body);
        match answer.error_code() {
            None => {
                let data = answer.data();
                let field = data.as_object().and_then(|fields| fields.values().next()).expect("a field");
                created.push(field["id"].as_str().expect("id").to_owned());
            }
            Some(code) => {
                let reason = answer.errors()[0]["extensions"]["reason"].as_str().unwrap_or_default().to_owned();
                refused.push((code, reason));
            }
        }
    }
    (created, refused)
}

async fn activations_of(app: &TestApp, token: &str, vin: &str, code: &str) -> Vec<Value> {
    let query = "query($vin: String!) { activations(vin: $vin, first: 100) { edges { node { id status durationKind feature { code } } } } }";
    let answer = app.graphql_as(token, query, json!({ "vin": vin })).await;
    answer.data()["activations"]["edges"]
        .as_array()
        .expect("activations")
        .iter()
        .map(|edge| &edge["node"])
        .filter(|activation| activation["feature"]["code"] == code)
        .cloned()
        .collect()
}

#[tokio::test]
async fn twenty_purchases_of_one_feature_at_once_make_one_activation_and_one_authorisation() {
    let app = spawn_app().await;
    let (token, aurora) = anna_and_aurora(&app).await;
    let inputs = (0..RACERS)
        .map(|n| {
            json!({ "input": { "vin": aurora, "featureCode": "LANE_KEEPING", "duration": { "kind": "PERMANENT" }, "idempotencyKey": format!("race-{n}") } })
        })
        .collect();
    let (created, refused) = race(&app, &token, PURCHASE, inputs).await;
    let unique: std::collections::HashSet<&String> = created.iter().collect();
    assert_eq!(unique.len(), 1, "one activation for {RACERS} racing purchases: {created:?}");
    assert_eq!(created.len() + refused.len(), RACERS);
    assert!(!refused.is_empty());
    for (code, reason) in &refused {
        assert_eq!(code, "CONFLICT");
        assert!(reason.is_empty() || reason == "ALREADY_ACTIVE", "{reason}");
    }
    assert_eq!(activations_of(&app, &token, &aurora, "LANE_KEEPING").await.len(), 1);

    // The engine switches it on and captures its one charge.
    app.eventually("the activation to be ACTIVE", || async {
        let live = activations_of(&app, &token, &aurora, "LANE_KEEPING").await;
        (live[0]["status"] == "ACTIVE").then_some(())
    })
    .await;
    let gateway = app.simulators.payments.as_ref().expect("gateway").payments();
    assert_eq!(gateway.len(), 1, "one authorisation at the gateway: {gateway:?}");
    assert_eq!(gateway[0].captures, 1);
}

#[tokio::test]
async fn twenty_trials_of_one_feature_at_once_make_one_trial() {
    let app = spawn_app().await;
    let (token, aurora) = anna_and_aurora(&app).await;
    let inputs =
        (0..RACERS).map(|n| json!({ "vin": aurora, "code": "LANE_KEEPING", "key": format!("trial-{n}") })).collect();
    let (created, refused) = race(&app, &token, TRIAL, inputs).await;
    let unique: std::collections::HashSet<&String> = created.iter().collect();
    assert_eq!(unique.len(), 1, "one trial for {RACERS} racing requests: {created:?}");
    assert_eq!(created.len() + refused.len(), RACERS);
    for (code, reason) in &refused {
        assert_eq!(code, "CONFLICT");
        assert!(["", "ALREADY_ACTIVE", "TRIAL_USED"].contains(&reason.as_str()), "{reason}");
    }
    let trials = activations_of(&app, &token, &aurora, "LANE_KEEPING").await;
    assert_eq!(trials.len(), 1);
    assert_eq!(trials[0]["durationKind"], "TRIAL");
    // A trial is free: nothing reaches the gateway.
    app.eventually("the trial to be ACTIVE", || async {
        let live = activations_of(&app, &token, &aurora, "LANE_KEEPING").await;
        (live[0]["status"] == "ACTIVE").then_some(())
    })
    .await;
    assert!(app.simulators.payments.as_ref().expect("gateway").payments().is_empty());
}

#[tokio::test]
async fn the_same_key_sent_twenty_times_at_once_is_one_purchase() {
    let app = spawn_app().await;
    let (token, aurora) = anna_and_aurora(&app).await;
    let input = json!({ "input": { "vin": aurora, "featureCode": "PREMIUM_AUDIO", "duration": { "kind": "PERMANENT" }, "idempotencyKey": "one-key" } });
    let (created, refused) = race(&app, &token, PURCHASE, vec![input; RACERS]).await;
    let unique: std::collections::HashSet<&String> = created.iter().collect();
    assert_eq!(unique.len(), 1, "{created:?}");
    for (code, _) in &refused {
        assert_eq!(code, "CONFLICT", "a racing repeat may only be asked to try again");
    }
    assert_eq!(activations_of(&app, &token, &aurora, "PREMIUM_AUDIO").await.len(), 1);
}
