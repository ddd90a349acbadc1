//! A switch-off the car refuses: the activation waits in DEACTIVATING with a ticket for support,
//! who sends it again once the car is fixed; it never stays there for ever.

use std::collections::VecDeque;

use caas::activation::scheduler;
use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas_tests::{TestApp, spawn_app_for_time_travel};
use chrono::Duration;
use serde_json::{Value, json};

const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { status endReason } }";
const TICKETS: &str = "{ supportTickets(first: 20, status: OPEN) { edges { node { subject activation { id } } } } }";

async fn status(app: &TestApp, token: &str, id: &str) -> Value {
    app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone()
}

#[tokio::test]
async fn support_retries_a_stuck_switch_off_and_the_trial_ends() {
    let app = spawn_app_for_time_travel().await;
    let anna = app.token("customer@demo.caas").await;
    let borealis = app.vins_of("customer@demo.caas").await.remove(1);
    let started = app
        .graphql_as(
            &anna,
            "mutation($v: String!) { startTrial(vin: $v, featureCode: \"LANE_KEEPING\") { id } }",
            json!({ "v": borealis }),
        )
        .await;
    let id = started.data()["startTrial"]["id"].as_str().expect("id").to_owned();
    app.eventually("the trial to be ACTIVE", || async {
        (status(&app, &anna, &id).await["status"] == "ACTIVE").then_some(())
    })
    .await;

    // The car refuses the switch-off for good: the job gives up and support gets a ticket.
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    let mut knobs = FleetKnobs::default();
    knobs.script.insert(borealis.clone(), VecDeque::from([Outcome::Permanent]));
    fleet.set_knobs(knobs);
    app.clock.advance(Duration::days(7) + Duration::minutes(1));
    assert_eq!(scheduler::tick(&app.app).await.expect("tick").ended, 1);
    let support = app.token("support@demo.caas").await;
    let ticket = app
        .eventually("a ticket for the stuck switch-off", || async {
            let tickets = app.graphql_as(&support, TICKETS, json!({})).await;
            let edges = tickets.data()["supportTickets"]["edges"].as_array().cloned().unwrap_or_default();
            edges.into_iter().find(|edge| edge["node"]["activation"]["id"] == id.as_str())
        })
        .await;
    assert!(ticket["node"]["subject"].as_str().expect("subject").contains("switch"), "{ticket}");
    assert_eq!(status(&app, &anna, &id).await["status"], "DEACTIVATING");

    // Only support may retry, and only what is stuck.
    let retry = "mutation($id: ID!) { retryDeactivation(activationId: $id) { status } }";
    app.graphql_as(&anna, retry, json!({ "id": id })).await.expect_error("FORBIDDEN");
    // The car is fixed; support sends the switch-off again and the trial ends.
    fleet.set_knobs(FleetKnobs::default());
    let retried = app.graphql_as(&support, retry, json!({ "id": id })).await;
    assert_eq!(retried.data()["retryDeactivation"]["status"], "DEACTIVATING");
    let ended = app
        .eventually("the trial to be EXPIRED", || async {
            let current = status(&app, &anna, &id).await;
            (current["status"] == "EXPIRED").then_some(current)
        })
        .await;
    assert_eq!(ended["endReason"], "EXPIRED");
    let car = fleet.vehicles().into_iter().find(|car| car.vin == borealis).expect("car");
    assert_eq!(car.features.get("LANE_KEEPING"), Some(&false));
    // Its ticket is resolved; a second retry of an ended activation is a conflict.
    let open = app.graphql_as(&support, TICKETS, json!({})).await;
    let still_open = open.data()["supportTickets"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|edge| edge["node"]["activation"]["id"] == id.as_str());
    assert!(!still_open, "the ticket stayed open");
    app.graphql_as(&support, retry, json!({ "id": id })).await.expect_error("CONFLICT");
}
