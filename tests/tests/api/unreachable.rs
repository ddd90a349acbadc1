//! An external system that cannot be reached is `UNAVAILABLE` with a plain message: its address
//! and the transport's error text go to the log, never to a client or into a stored reason.

use caas_tests::{TestOptions, spawn_app_with};
use serde_json::{Value, json};

/// A local port nothing listens on.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/")
}

fn assert_plain(text: &str, port_url: &str) {
    let port = port_url.trim_end_matches('/').rsplit(':').next().expect("port");
    for leak in ["127.0.0.1", "http", port, "error sending request", "reqwest", "tcp"] {
        assert!(!text.contains(leak), "a client reads an internal detail ({leak}): {text}");
    }
}

#[tokio::test]
async fn an_unreachable_maintenance_system_and_factory_tell_clients_nothing_internal() {
    let (vss, factory) = (closed_port(), closed_port());
    let urls = (vss.clone(), factory.clone());
    let app = spawn_app_with(TestOptions {
        configure: Box::new(move |config| {
            config.vss_url = Some(urls.0);
            config.factory_url = Some(urls.1);
        }),
        ..TestOptions::default()
    })
    .await;

    // A maintenance-linked feature needs the VSS.
    let anna = app.token("customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await.remove(0);
    let purchase = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";
    let input = json!({ "input": { "vin": aurora, "featureCode": "SPORT_POWER", "duration": { "kind": "PERMANENT" }, "idempotencyKey": "needs-the-vss" } });
    let refused = app.graphql_as(&anna, purchase, input).await;
    let message = refused.expect_error("UNAVAILABLE");
    assert_eq!(refused.errors()[0]["extensions"]["retryable"], true);
    assert_plain(&message, &vss);
    let catalog = "query($v: String!) { catalog(vin: $v, first: 50) { edges { node { unavailableReason } } } }";
    let entries = app.graphql_as(&anna, catalog, json!({ "v": aurora })).await;
    assert_plain(&entries.body.to_string(), &vss);

    // A sale needs the factory: the dealer is told it is unavailable, and so is the order's record.
    let dealer = app.token("dealer@demo.caas").await;
    let sale = "mutation($input: RegisterSaleInput!) { registerSale(input: $input) { id } }";
    let input = json!({ "input": {
        "customer": { "email": "new.buyer@example.com", "name": "Neue Käuferin" },
        "modelCode": "AURORA", "priceNetMinor": 4890000, "configuration": { "color": "Glacier White" }
    } });
    let answer = app.graphql_as(&dealer, sale, input).await;
    assert_plain(&answer.body.to_string(), &factory);
    let orders = app.graphql_as(&dealer, "{ orders(first: 20) { edges { node { lastError } } } }", json!({})).await;
    let stored: Vec<Value> = orders.data()["orders"]["edges"].as_array().expect("edges").clone();
    assert_plain(&serde_json::to_string(&stored).expect("json"), &factory);
}
