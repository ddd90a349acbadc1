//! `schema.graphql` is generated from the code; this fails when it is stale.

#[test]
fn schema_graphql_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let generated = caas::schema::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).expect("write schema.graphql");
        return;
    }
    assert!(
        current == generated,
        "schema.graphql is stale: run `cargo run --bin caas -- export-schema` (or UPDATE_SCHEMA=1 cargo test schema)"
    );
}
