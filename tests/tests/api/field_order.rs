//! Answers list their keys in the order of the query's fields, as the GraphQL specification
//! requires, however the fields' resolvers race one another: over HTTP, in a batch and in a
//! subscription.

use caas_tests::ws::GqlSocket;
use caas_tests::{OrderedJson, spawn_app};
use serde_json::json;

use crate::subscriptions::notify;

/// A field as the query writes it (alias and arguments included) and its sub-selection. One that
/// starts with `...` is an inline fragment, whose fields stand where it stands.
struct Field(&'static str, &'static [Field]);

const REGION: &[Field] = &[Field("currency", &[]), Field("code", &[]), Field("name", &[])];

const MONEY: &[Field] = &[Field("currency", &[]), Field("amountMinor", &[]), Field("amount", &[])];

const PAYMENT: &[Field] =
    &[Field("status", &[]), Field("amount", MONEY), Field("kind", &[]), Field("id", &[]), Field("createdAt", &[])];

const FEATURE: &[Field] = &[Field("name", &[]), Field("code", &[]), Field("category", &[])];

const ACTIVATION: &[Field] = &[
    Field("status", &[]),
    Field("feature", FEATURE),
    Field("payments", PAYMENT),
    Field("durationKind", &[]),
    Field("id", &[]),
];

const VEHICLE: &[Field] = &[
    Field("vin", &[]),
    Field("status", &[]),
    Field(
        "model",
        &[
            Field("name", &[]),
            Field("code", &[]),
            Field("modelYear", &[]),
            Field("manuals", &[Field("url", &[]), Field("title", &[]), Field("locale", &[])]),
        ],
    ),
    Field("color", &[]),
    Field("owner", &[Field("region", REGION), Field("name", &[]), Field("email", &[])]),
    Field("mileageKm", &[]),
    Field("seller: dealership", &[Field("name", &[]), Field("city", &[]), Field("id", &[])]),
    Field("activations", ACTIVATION),
    Field("... on Vehicle", &[Field("plate", &[]), Field("firmwareVersion", &[])]),
    Field("region", REGION),
];

/// Two root fields, each at least five objects deep.
const GARAGE: &[Field] = &[
    Field(
        "expediente(vin: $vin)",
        &[
            Field("vehicle", VEHICLE),
            Field("manuals", &[Field("title", &[]), Field("url", &[])]),
            Field(
                "activations(first: 10)",
                &[
                    Field("pageInfo", &[Field("hasNextPage", &[]), Field("endCursor", &[])]),
                    Field("edges", &[Field("node", ACTIVATION), Field("cursor", &[])]),
                ],
            ),
            Field("owner", &[Field("name", &[]), Field("id", &[]), Field("email", &[])]),
            Field("orders(first: 5)", &[Field("nodes", &[Field("number", &[]), Field("status", &[])])]),
        ],
    ),
    Field(
        "myVehicles(first: 5)",
        &[
            Field("edges", &[Field("node", VEHICLE), Field("cursor", &[])]),
            Field("pageInfo", &[Field("hasNextPage", &[])]),
        ],
    ),
];

const NOTIFICATION: &[Field] = &[Field(
    "notifications",
    &[
        Field("title", &[]),
        Field("recipient", &[Field("role", &[]), Field("email", &[]), Field("name", &[])]),
        Field("template", &[]),
        Field("read", &[]),
        Field("id", &[]),
        Field("channel", &[]),
    ],
)];

/// The query text of `fields`.
fn selection(fields: &[Field]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|Field(field, below)| match below {
            [] => (*field).to_owned(),
            below => format!("{field} {}", selection(below)),
        })
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

/// The response keys `fields` ask for, in order, each with its sub-selection.
fn response_keys(fields: &'static [Field]) -> Vec<(&'static str, &'static [Field])> {
    fields
        .iter()
        .flat_map(|Field(field, below)| {
            if field.starts_with("...") {
                return response_keys(below);
            }
            let written = field.split('(').next().unwrap_or(field);
            let key = written.split(':').next().unwrap_or(written).trim();
            vec![(key, *below)]
        })
        .collect()
}

/// Asserts that every object of `answer` lists the keys `fields` select, in order, and returns how
/// many objects deep the answer went.
fn assert_in_order(answer: &OrderedJson, fields: &'static [Field], path: &str) -> usize {
    match answer {
        OrderedJson::Object(entries) => {
            let expected = response_keys(fields);
            let keys: Vec<&str> = expected.iter().map(|(key, _)| *key).collect();
            assert_eq!(answer.keys(), keys, "the keys at {path}");
            let below = entries.iter().zip(&expected).map(|((key, value), (_, fields))| {
                if fields.is_empty() { 0 } else { assert_in_order(value, fields, &format!("{path}.{key}")) }
            });
            1 + below.max().unwrap_or(0)
        }
        OrderedJson::List(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| assert_in_order(item, fields, &format!("{path}[{index}]")))
            .max()
            .unwrap_or(0),
        OrderedJson::Scalar => 0,
    }
}

/// The `data` of a response, which must have no errors (`text` shows them if it has).
fn data(response: OrderedJson, text: &str) -> OrderedJson {
    assert_eq!(response.keys(), ["data"], "an answer without errors: {text}");
    match response {
        OrderedJson::Object(mut entries) => entries.remove(0).1,
        _ => unreachable!("an object has keys"),
    }
}

#[tokio::test]
async fn every_answer_lists_its_keys_in_the_order_of_the_query() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let query = format!("query($vin: String!) {}", selection(GARAGE));
    for _ in 0..20 {
        let response = app.graphql_as(&token, &query, json!({ "vin": vin })).await;
        let depth = assert_in_order(&data(OrderedJson::parse(&response.text), &response.text), GARAGE, "data");
        assert!(depth >= 6, "the answer reaches {depth} objects deep: {}", response.text);
    }
}

#[tokio::test]
async fn each_request_of_a_batch_is_in_the_order_of_its_own_operation() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    // Two operations in one document: the answer follows the one the request names.
    let document = format!(
        "query Record($vin: String!) {} query Me {}",
        selection(GARAGE),
        selection(&[Field("me", &[Field("name", &[])])])
    );
    let batch = json!([
        { "query": document, "operationName": "Record", "variables": { "vin": vin } },
        { "query": format!("query Vehicles {}", selection(&GARAGE[1..])) },
    ]);
    let text = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&token)
        .json(&batch)
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    let OrderedJson::List(responses) = OrderedJson::parse(&text) else { panic!("a batch answer: {text}") };
    let [record, vehicles] = <[OrderedJson; 2]>::try_from(responses).expect("two answers");
    assert!(assert_in_order(&data(record, &text), GARAGE, "[0].data") >= 6, "{text}");
    assert!(assert_in_order(&data(vehicles, &text), &GARAGE[1..], "[1].data") >= 6, "{text}");
}

#[tokio::test]
async fn every_event_of_a_subscription_is_in_the_order_of_the_query() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    let authorization = json!({ "authorization": format!("Bearer {token}") });
    let mut socket = GqlSocket::connect_acked(&app.address, authorization).await;
    let listening = app.subscribers();
    socket.subscribe("1", &format!("subscription {}", selection(NOTIFICATION)), json!({})).await;
    app.wait_for_subscribers(listening + 1).await;
    for _ in 0..10 {
        notify(&app, "customer@demo.caas", "order.stage_reached").await;
        let message = OrderedJson::parse(&socket.next_message_text().await);
        let payload = message.get("payload").expect("a payload");
        let depth = assert_in_order(payload.get("data").expect("data"), NOTIFICATION, "payload.data");
        assert_eq!(depth, 3);
    }
}
