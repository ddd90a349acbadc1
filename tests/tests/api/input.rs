//! Bad input always gets a typed error, never a 500.

use caas_tests::{GqlResponse, TestOptions, spawn_app, spawn_app_with};
use serde_json::json;

#[tokio::test]
async fn malformed_vins_are_bad_input_naming_the_field() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    for bad in ["", "TOO-SHORT", "WCAAUR1S3TB00000I", "1M8GDM9A1KP042788", "WCAAUR1S3TB0000011"] {
        let response =
            app.graphql_as(&token, "query($v: String!) { vehicle(vin: $v) { vin } }", json!({ "v": bad })).await;
        response.expect_error("BAD_USER_INPUT");
        assert_eq!(response.errors()[0]["extensions"]["field"], "vin", "{bad}");
    }
    let unknown = app.graphql_as(&token, "{ vehicle(vin: \"WCAAUR1S3TB099999\") { vin } }", json!({})).await;
    unknown.expect_error("NOT_FOUND");
}

#[tokio::test]
async fn malformed_emails_and_identifiers_are_bad_input() {
    let app = spawn_app().await;
    for bad in ["not-an-email@", "a@b", "@demo.caas", "12345"] {
        let response = app.login(bad, "whatever-password").await;
        response.expect_error("BAD_USER_INPUT");
        assert_eq!(response.errors()[0]["extensions"]["field"], "identifier");
    }
}

#[tokio::test]
async fn negative_and_impossible_amounts_are_bad_input() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let set_price = "mutation($kind: DurationKind!, $days: Int!, $net: Int!) { setPrice(input: { featureCode: \"HEATED_SEATS\", regionCode: \"DE\", durationKind: $kind, durationDays: $days, netMinor: $net }) { gross { amountMinor } } }";
    for (kind, days, net, field) in [
        ("PERMANENT", 0, -1, "netMinor"),
        ("MONTHLY", 0, -999, "netMinor"),
        ("TRIAL", 7, 100, "netMinor"),
        ("FIXED_DAYS", 0, 100, "durationDays"),
        ("PERMANENT", 0, 100_000_000_000_i64, "netMinor"),
    ] {
        let response = app.graphql_as(&admin, set_price, json!({ "kind": kind, "days": days, "net": net })).await;
        response.expect_error("BAD_USER_INPUT");
        assert_eq!(response.errors()[0]["extensions"]["field"], field, "{kind} {days} {net}");
    }
    // A valid change goes through, with VAT added for the region.
    let ok = app.graphql_as(&admin, set_price, json!({ "kind": "PERMANENT", "days": 0, "net": 10_000 })).await;
    assert_eq!(ok.data()["setPrice"]["gross"]["amountMinor"], 11_900);
    let unknown = "mutation { setPrice(input: { featureCode: \"NOPE\", regionCode: \"DE\", durationKind: PERMANENT, netMinor: 1 }) { net { amount } } }";
    app.graphql_as(&admin, unknown, json!({})).await.expect_error("NOT_FOUND");
}

#[tokio::test]
async fn bad_pagination_arguments_are_bad_input() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    for query in [
        "{ myVehicles(first: -1) { edges { cursor } } }",
        "{ myVehicles(first: 1000) { edges { cursor } } }",
        "{ myVehicles(after: \"%%%\") { edges { cursor } } }",
        "{ notifications(after: \"bm90LWEtdXVpZA\") { edges { cursor } } }",
    ] {
        app.graphql_as(&token, query, json!({})).await.expect_error("BAD_USER_INPUT");
    }
}

fn assert_bad_input(response: &GqlResponse) {
    response.expect_error("BAD_USER_INPUT");
    assert!(response.status.is_client_error() || response.status.is_success(), "{}", response.status);
}

#[tokio::test]
async fn malformed_graphql_is_bad_input() {
    let app = spawn_app().await;
    let token = app.token("customer@demo.caas").await;
    for query in [
        "{ me { email ",                // syntax
        "{ me { nonsense } }",          // unknown field
        "{ vehicle(vin: 42) { vin } }", // wrong argument type
        "{ vehicle { vin } }",          // missing argument
        "mutation { login(identifier: \"x\") { accessToken } }",
    ] {
        assert_bad_input(&app.graphql_as(&token, query, json!({})).await);
    }
    // A variable of the wrong type.
    let response = app.graphql_as(&token, "query($v: String!) { vehicle(vin: $v) { vin } }", json!({ "v": 12 })).await;
    assert_bad_input(&response);
}

#[tokio::test]
async fn bodies_that_are_not_graphql_requests_are_bad_input() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    for body in ["not json", "{\"nope\": 1}", "[1, 2]", ""] {
        let response =
            app.client.post(&url).header("content-type", "application/json").body(body).send().await.expect("send");
        let response = GqlResponse::read(response).await;
        assert_eq!(response.status, 400, "{body}");
        response.expect_error("BAD_USER_INPUT");
    }
    let get_mutation =
        app.client.get(format!("{url}?query=mutation%7Blogout(refreshToken%3A%22x%22)%7D")).send().await.expect("send");
    let get_mutation = GqlResponse::read(get_mutation).await;
    assert_eq!(get_mutation.status, 405);
    get_mutation.expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn huge_bodies_are_refused_with_a_typed_error() {
    let app = spawn_app().await;
    let padding = "x".repeat(2 * 1024 * 1024);
    let query = format!("{{ features {{ edges {{ cursor }} }} }} # {padding}");
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("send");
    let response = GqlResponse::read(response).await;
    assert_eq!(response.status, 413);
    response.expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn over_deep_and_over_complex_queries_are_refused() {
    let app = spawn_app_with(TestOptions {
        configure: Box::new(|config| {
            config.query_depth = 5;
            config.query_complexity = 500;
        }),
        ..TestOptions::default()
    })
    .await;
    let token = app.token("customer@demo.caas").await;
    let deep = "{ myVehicles { edges { node { activations { feature { compatibleModels { manuals { url } } } } } } } }";
    let response = app.graphql_as(&token, deep, json!({})).await;
    response.expect_error("BAD_USER_INPUT");
    assert_eq!(response.errors()[0]["extensions"]["reason"], "QUERY_TOO_DEEP");

    // Each page of vehicles costs its query and twenty times its selection: 65 here.
    let wide: String = (0..10).map(|i| format!("a{i}: myVehicles {{ edges {{ cursor }} }} ")).collect();
    let response = app.graphql_as(&token, &format!("{{ {wide} }}"), json!({})).await;
    response.expect_error("BAD_USER_INPUT");
    assert_eq!(response.errors()[0]["extensions"]["reason"], "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn the_introspection_query_of_graphiql_fits_the_default_limits() {
    let app = spawn_app().await;
    let response = app.graphql(INTROSPECTION, json!({})).await;
    assert!(response.data()["__schema"]["types"].as_array().expect("types").len() > 20);
}

/// The introspection query GraphiQL sends.
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
"#;

/// `{ ...H0 }` with 30 fragments that each spread the next one twice: a billion selections once
/// expanded, in about 1 KB.
fn doubling_fragments() -> String {
    let mut query = String::from("{ ...H0 }");
    for level in 0..30 {
        query.push_str(&format!(" fragment H{level} on Query {{ ...H{next} ...H{next} }}", next = level + 1));
    }
    query.push_str(" fragment H30 on Query { __typename }");
    query
}

#[tokio::test]
async fn fragments_that_double_per_level_are_refused_before_validation_everywhere() {
    let app = spawn_app().await;
    let attack = doubling_fragments();
    let too_large = |error: &serde_json::Value| {
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
        assert_eq!(error["extensions"]["reason"], "QUERY_TOO_LARGE", "{error}");
    };

    // Over HTTP, anonymous.
    let single = app.graphql(&attack, json!({})).await;
    too_large(&single.errors()[0]);

    // In every element of a batch.
    let batch = json!([{ "query": attack }, { "query": "{ __typename }" }, { "query": attack }]);
    let answers: serde_json::Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&batch)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("a batch answer");
    too_large(&answers[0]["errors"][0]);
    assert_eq!(answers[1]["data"]["__typename"], "Query");
    too_large(&answers[2]["errors"][0]);

    // In a WebSocket subscribe.
    let mut socket = caas_tests::ws::GqlSocket::connect_acked(&app.address, json!({})).await;
    socket.subscribe("attack", &attack, json!({})).await;
    let refused = socket.next_message().await;
    // The engine answers a refused subscription with one `next` carrying the error.
    assert_eq!(refused["type"], "next", "{refused}");
    too_large(&refused["payload"]["errors"][0]);

    // The server still answers at once.
    assert_eq!(app.graphql("{ __typename }", json!({})).await.data()["__typename"], "Query");
}
