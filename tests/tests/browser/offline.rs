use caas_tests::browser::Browser;
use caas_tests::link::{LinkState, NetworkLink};
use caas_tests::{PASSWORD, TestApp};
use serde_json::{Value, json};

use super::spawn_web_app;

/// The purchases for good of `feature` on `vin`, as the server has them.
async fn activations_of(app: &TestApp, token: &str, vin: &str, feature: &str) -> Vec<Value> {
    let answer = app
        .graphql_as(
            token,
            "query($v: String!) { activations(vin: $v, first: 100) { nodes { status durationKind feature { code } } } }",
            json!({ "v": vin }),
        )
        .await;
    let nodes = answer.data()["activations"]["nodes"].as_array().expect("activations").clone();
    nodes.into_iter().filter(|node| node["feature"]["code"] == feature && node["durationKind"] == "PERMANENT").collect()
}

/// A feature the car can buy for good that it has never had (other than `except`).
async fn another_buyable_feature(app: &TestApp, token: &str, vin: &str, except: &str) -> String {
    let catalog = app
        .graphql_as(
            token,
            "query($v: String!) { catalog(vin: $v, first: 100) { nodes { feature { code } purchasable currentActivation { id } } } }",
            json!({ "v": vin }),
        )
        .await;
    catalog.data()["catalog"]["nodes"]
        .as_array()
        .expect("catalog")
        .iter()
        .filter(|node| node["purchasable"] == true && node["currentActivation"].is_null())
        .filter_map(|node| node["feature"]["code"].as_str())
        .find(|code| *code != except)
        .expect("a buyable feature")
        .to_owned()
}

#[tokio::test]
async fn without_a_connection_the_app_shows_saved_data_queues_purchases_and_applies_each_exactly_once() {
    let app = spawn_web_app().await;
    let link = NetworkLink::to(&app.address).await;
    let token = app.token("customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let first = "PARKING_ASSISTANT";
    let second = another_buyable_feature(&app, &token, &aurora, first).await;

    let browser = Browser::open(&link.address).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.wait_text("#vehicles", &aurora).await;
    browser.wait_for_service_worker().await;
    // Looking at the catalog once keeps a copy of it.
    browser.click(&format!("li.vehicle[data-vin='{aurora}'] a.button")).await;
    browser.find(&format!("li.feature[data-code='{second}']")).await;
    browser.goto("/").await;
    browser.wait_text("#vehicles", &aurora).await;

    // The network goes away: the app still opens (service worker) and shows the saved dashboard.
    link.set(LinkState::Down);
    browser.goto("/").await;
    browser.wait_text("#vehicles", &aurora).await;
    browser.wait_text(".offline", "offline").await;
    browser.wait_text(".stale", "gespeichert").await;
    browser.screenshot("offline-dashboard").await;

    // A purchase without a connection waits in the queue.
    browser.click(&format!("li.vehicle[data-vin='{aurora}'] a.button")).await;
    browser.click(&format!("li.feature[data-code='{first}'] button.offer[data-kind='PERMANENT']")).await;
    browser.click(&format!("li.feature[data-code='{first}'] .order-summary button.order")).await;
    browser.wait_text("#queue", "Parkassistent").await;
    assert!(activations_of(&app, &token, &aurora, first).await.is_empty(), "nothing reached the server");

    // A purchase whose answer is lost on the way back: it did reach the server. Opening the app
    // again tries the queue at once, so the queued purchase reaches the server too (its answer is
    // lost as well, so it stays queued); that is waited for, so the two purchases do not race.
    link.set(LinkState::LoseResponses);
    browser.goto(&format!("/vehicles/{aurora}/features")).await;
    app.eventually("the replayed purchase reaches the server", || async {
        (activations_of(&app, &token, &aurora, first).await.len() == 1).then_some(())
    })
    .await;
    browser.click(&format!("li.feature[data-code='{second}'] button.offer[data-kind='PERMANENT']")).await;
    browser.click(&format!("li.feature[data-code='{second}'] .order-summary button.order")).await;
    browser.wait_js("two purchases wait", "document.querySelectorAll('#queue li').length === 2").await;
    browser.wait_text(".queued", "2").await;
    browser.screenshot("offline-queue").await;
    app.eventually("the lost answer's purchase is there", || async {
        (activations_of(&app, &token, &aurora, &second).await.len() == 1).then_some(())
    })
    .await;

    // The connection comes back: the queue is sent, each purchase applied exactly once.
    link.set(LinkState::Up);
    browser.wait_text("#queue + p, main", "Nichts wartet").await;
    assert!(!browser.has(".offline").await, "the banner is gone");
    browser.screenshot("offline-queue-sent").await;
    for feature in [first, second.as_str()] {
        let activations = app
            .eventually("the purchase switched on", || async {
                let found = activations_of(&app, &token, &aurora, feature).await;
                found.iter().all(|a| a["status"] == "ACTIVE").then_some(found)
            })
            .await;
        assert_eq!(activations.len(), 1, "{feature} is bought exactly once: {activations:?}");
    }
    // The queue says what was sent, each with a link to what became of it.
    let applied = browser.wait_text("#queue-applied", "Parkassistent").await;
    let links =
        browser.js("return [...document.querySelectorAll('#queue-applied a')].map(a => a.getAttribute('href'));").await;
    assert_eq!(links.as_array().map(Vec::len), Some(2), "{applied}: {links}");
    assert!(
        links.as_array().into_iter().flatten().all(|href| href.as_str().unwrap_or("").starts_with("/activations/")),
        "{links}"
    );
    browser.wait_text(".applied", "2 wartende Käufe wurden gesendet").await;
    browser.screenshot("offline-queue-applied").await;
    browser.click("#queue-applied a").await;
    browser.find("#activation-status").await;

    // A page saved earlier refreshes by itself when the connection returns.
    link.set(LinkState::Down);
    browser.goto("/").await;
    browser.wait_text(".stale", "gespeichert").await;
    link.set(LinkState::Up);
    browser
        .wait_js(
            "the saved-earlier note to go by itself",
            "!document.querySelector('.stale') && !document.querySelector('.offline')",
        )
        .await;
    browser.wait_text("#vehicles", &aurora).await;
    browser.close().await;
}
