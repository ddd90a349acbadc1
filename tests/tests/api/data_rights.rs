//! Data rights: a person's export holds every kind of record about them, downloads for them only
//! and lapses after 48 hours; an erasure waits 7 days (cancellable), then no table holds the
//! person's name, e-mail or phone, their invoices remain and add up, and the old e-mail signs
//! nobody in.

use caas::privacy::{housekeeping, sealing};
use caas_tests::{PASSWORD, TestApp, spawn_app_for_time_travel};
use chrono::Duration;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};

const EXPORTS: &str = "{ myDataExports { id status expiresAt downloadPath } }";

async fn download(app: &TestApp, token: Option<&str>, path: &str) -> (u16, String) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("download");
    (response.status().as_u16(), response.text().await.expect("body"))
}

async fn exports(app: &TestApp, token: &str) -> Vec<Value> {
    app.graphql_as(token, EXPORTS, json!({})).await.data()["myDataExports"].as_array().expect("exports").clone()
}

#[tokio::test]
async fn an_export_holds_every_kind_of_record_downloads_for_its_person_only_and_lapses() {
    let app = spawn_app_for_time_travel().await;
    let anna = app.token("customer@demo.caas").await;
    let question = "mutation { askAssistant(question: \"Wie lange dauert eine Freischaltung?\") { id } }";
    app.graphql_as(&anna, question, json!({})).await.data();
    let asked = app.graphql_as(&anna, "mutation { requestDataExport { id status } }", json!({})).await;
    assert_eq!(asked.data()["requestDataExport"]["status"], "PENDING");
    let again = app.graphql_as(&anna, "mutation { requestDataExport { id } }", json!({})).await;
    assert_eq!(again.error_code(), Some("CONFLICT".to_owned()), "one export a day");
    let ready = app
        .eventually("the export to be ready", || async {
            exports(&app, &anna).await.into_iter().find(|export| export["status"] == "READY")
        })
        .await;
    let path = ready["downloadPath"].as_str().expect("a download path").to_owned();
    let expires = chrono::DateTime::parse_from_rfc3339(ready["expiresAt"].as_str().expect("expiry")).expect("date");
    // PostgreSQL keeps microseconds.
    let lasts = expires.with_timezone(&chrono::Utc) - app.app.clock.now();
    assert!((lasts - Duration::hours(48)).abs() < Duration::milliseconds(1), "{lasts}");

    let (status, body) = download(&app, Some(&anna), &path).await;
    assert_eq!(status, 200, "{body}");
    let document: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(document["schema"], "caas.data-export/1");
    assert_eq!(document["profile"]["email"], "customer@demo.caas");
    assert!(document["profile"].get("password_hash").is_none(), "no secrets of the platform");
    assert!(document["identities"].is_array(), "the identities linked at the identity provider");
    assert!(document["vehicleCommands"].is_array(), "the remote commands she sent her cars");
    for kind in [
        "vehicles",
        "orders",
        "payments",
        "invoices",
        "invoiceLines",
        "activations",
        "notifications",
        "bookings",
        "repairOrders",
        "consents",
        "auditEntries",
        "assistantConversations",
        "assistantTurns",
    ] {
        let rows = document[kind].as_array().unwrap_or_else(|| panic!("{kind} is a list"));
        assert!(!rows.is_empty(), "Anna has {kind}");
    }
    assert!(!document["telemetry"]["readings"].as_array().expect("readings").is_empty(), "her cars' telemetry");
    let her_id = document["profile"]["id"].clone();
    assert!(document["orders"].as_array().expect("orders").iter().all(|order| order["customer_id"] == her_id));
    assert_eq!(document["assistantTurns"][0]["question"], "Wie lange dauert eine Freischaltung?");

    let lucia = app.token("customer2@demo.caas").await;
    assert_eq!(download(&app, Some(&lucia), &path).await.0, 404, "another person cannot fetch it");
    assert_eq!(download(&app, None, &path).await.0, 401);

    app.clock.advance(Duration::hours(49));
    housekeeping::tick(&app.app).await.expect("housekeeping");
    assert_eq!(download(&app, Some(&anna), &path).await.0, 404, "the link lapsed");
    let lapsed = exports(&app, &anna).await;
    assert_eq!(lapsed[0]["status"], "EXPIRED");
    assert!(lapsed[0]["downloadPath"].is_null());
    let stored = entity::data_exports::Entity::find().all(&app.app.db).await.expect("exports");
    assert!(stored.iter().all(|export| export.document.is_none()), "the document was deleted");
    let next_day = app.graphql_as(&anna, "mutation { requestDataExport { status } }", json!({})).await;
    assert_eq!(next_day.data()["requestDataExport"]["status"], "PENDING", "a new day, a new export");
}

/// Every (table, column) holding text, JSON or anything else cast to text.
async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    let db = &app.app.db;
    let backend = db.get_database_backend();
    let mut columns = Vec::new();
    if backend == DbBackend::Postgres {
        let sql = "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
                   WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')";
        for row in db.query_all_raw(Statement::from_string(backend, sql)).await.expect("columns") {
            columns.push((row.try_get::<String>("", "t").expect("t"), row.try_get::<String>("", "c").expect("c")));
        }
    } else {
        let tables = db
            .query_all_raw(Statement::from_string(backend, "SELECT name FROM sqlite_master WHERE type = 'table'"))
            .await
            .expect("tables");
        for table in tables {
            let table: String = table.try_get("", "name").expect("name");
            let sql = format!("SELECT name FROM pragma_table_info('{table}')");
            for column in db.query_all_raw(Statement::from_string(backend, sql)).await.expect("columns") {
                columns.push((table.clone(), column.try_get::<String>("", "name").expect("name")));
            }
        }
    }
    columns
}

/// The (table, column) pairs where `needle` appears, ignoring case.
async fn where_found(app: &TestApp, columns: &[(String, String)], needle: &str) -> Vec<String> {
    let db = &app.app.db;
    let backend = db.get_database_backend();
    let mut found = Vec::new();
    for (table, column) in columns {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{table}\" WHERE LOWER(CAST(\"{column}\" AS TEXT)) LIKE '%{}%'",
            needle.to_lowercase().replace('\'', "''")
        );
        let row = db.query_one_raw(Statement::from_string(backend, sql)).await.expect("scan").expect("a count");
        let count: i64 = row.try_get("", "n").expect("n");
        if count > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

#[tokio::test]
async fn after_the_grace_period_no_table_holds_the_persons_name_email_or_phone_and_invoices_remain() {
    let app = spawn_app_for_time_travel().await;
    let anna = app.token("customer@demo.caas").await;
    let open_repair = app
        .graphql_as(
            &anna,
            "mutation($p: String!) { requestAccountErasure(password: $p) { dueAt } }",
            json!({ "p": PASSWORD }),
        )
        .await;
    let refusal = open_repair.expect_error("CONFLICT");
    assert!(refusal.contains("Reparatur"), "Anna's Borealis is in the workshop: {refusal}");

    let lucia_user = entity::users::Entity::find()
        .filter(entity::users::Column::Email.eq("customer2@demo.caas"))
        .one(&app.app.db)
        .await
        .expect("db")
        .expect("Lucía");
    let phone = "+34 611 222 333";
    let mut with_phone: entity::users::ActiveModel = lucia_user.clone().into();
    with_phone.phone = sea_orm::Set(Some(phone.to_owned()));
    sea_orm::ActiveModelTrait::update(with_phone, &app.app.db).await.expect("phone");
    let invoices_before = entity::invoices::Entity::find()
        .filter(entity::invoices::Column::CustomerId.eq(lucia_user.id))
        .all(&app.app.db)
        .await
        .expect("invoices");

    let lucia = app.token("customer2@demo.caas").await;
    // Lucía signs in with the identity provider too: her account is linked to an identity there.
    let provider_name = "Lucía at the provider";
    app.identity().add_user(caas_tests::oidc::person("oem-lucia", "customer2@demo.caas", true, provider_name));
    let back = app.oidc_sign_in("oem-lucia", None).await;
    assert_eq!(app.complete_oidc(&back["ticket"]).await.data()["completeOidcSignIn"]["linkRequired"], true);
    let link = "mutation($t: String!) { linkOidcIdentity(ticket: $t) { email } }";
    app.graphql_as(&lucia, link, json!({ "t": back["ticket"] })).await.data();
    // She asked the assistant, naming herself: the conversation goes with her account.
    let ask = "mutation($q: String!) { askAssistant(question: $q) { id } }";
    let question = format!("Soy {}: ¿cómo cancelo una suscripción?", lucia_user.name);
    app.graphql_as(&lucia, ask, json!({ "q": question })).await.data();
    let erase = "mutation($p: String!) { requestAccountErasure(password: $p) { dueAt } }";
    let wrong = app.graphql_as(&lucia, erase, json!({ "p": "not her password" })).await;
    assert_eq!(wrong.error_code(), Some("BAD_USER_INPUT".to_owned()));
    let asked = app.graphql_as(&lucia, erase, json!({ "p": PASSWORD })).await;
    let due =
        chrono::DateTime::parse_from_rfc3339(asked.data()["requestAccountErasure"]["dueAt"].as_str().expect("due"))
            .expect("date");
    let grace = due.with_timezone(&chrono::Utc) - app.app.clock.now();
    assert!((grace - Duration::days(7)).abs() < Duration::milliseconds(1), "{grace}");
    app.email("customer2@demo.caas", "eliminará").await;
    let cancelled = app.graphql_as(&lucia, "mutation { cancelAccountErasure { cancelledAt } }", json!({})).await;
    assert!(cancelled.data()["cancelAccountErasure"]["cancelledAt"].is_string());
    assert!(
        app.graphql_as(&lucia, "{ myAccountErasure { dueAt } }", json!({})).await.data()["myAccountErasure"].is_null()
    );
    app.clock.advance(Duration::days(8));
    assert_eq!(housekeeping::tick(&app.app).await.expect("tick").erased, 0, "a cancelled erasure is not carried out");
    assert!(app.graphql_as(&lucia, "{ me { name } }", json!({})).await.error_code().is_none());

    app.graphql_as(&lucia, erase, json!({ "p": PASSWORD })).await.data();
    app.clock.advance(Duration::days(6));
    assert_eq!(housekeeping::tick(&app.app).await.expect("tick").erased, 0, "still in the grace period");
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    assert_eq!(housekeeping::tick(&app.app).await.expect("tick").erased, 1);

    let columns = text_columns(&app).await;
    assert!(columns.len() > 100, "every text column of every table: {}", columns.len());
    for needle in [lucia_user.name.as_str(), "customer2@demo.caas", phone, provider_name, "oem-lucia"] {
        let found = where_found(&app, &columns, needle).await;
        assert!(found.is_empty(), "{needle:?} is still in {found:?}");
    }

    let invoices_after = entity::invoices::Entity::find()
        .filter(entity::invoices::Column::CustomerId.eq(lucia_user.id))
        .all(&app.app.db)
        .await
        .expect("invoices");
    assert_eq!(invoices_after, invoices_before, "invoices are kept as they were");
    for invoice in &invoices_after {
        let lines = entity::invoice_lines::Entity::find()
            .filter(entity::invoice_lines::Column::InvoiceId.eq(invoice.id))
            .all(&app.app.db)
            .await
            .expect("lines");
        assert_eq!(lines.iter().map(|l| l.net_minor).sum::<i64>(), invoice.net_minor);
        assert_eq!(lines.iter().map(|l| l.vat_minor).sum::<i64>(), invoice.vat_minor);
        assert_eq!(invoice.net_minor + invoice.vat_minor, invoice.gross_minor);
    }
    if !invoices_before.is_empty() {
        let kept = entity::retained_buyers::Entity::find_by_id(lucia_user.id)
            .one(&app.app.db)
            .await
            .expect("db")
            .expect("sealed");
        let opened = sealing::open(&app.app.config.retention_secret, &kept.sealed).expect("opens with the key");
        assert!(opened.contains(&lucia_user.name), "the tax authorities can still learn the buyer");
    }

    let signing_in = app.login("customer2@demo.caas", PASSWORD).await;
    assert_eq!(signing_in.error_code(), Some("UNAUTHENTICATED".to_owned()));
    assert_eq!(
        app.graphql_as(&lucia, "{ me { name } }", json!({})).await.error_code(),
        Some("UNAUTHENTICATED".to_owned())
    );
    let dealer = app.token("dealer@demo.caas").await;
    let reuse = app
        .graphql_as(
            &dealer,
            crate::purchase::REGISTER_SALE,
            crate::purchase::sale_for("customer2@demo.caas", "Lucía García", ("modelCode", "AURORA")),
        )
        .await;
    let refusal = reuse.expect_error("CONFLICT");
    assert!(refusal.contains("gelöschten Konto"), "the tombstone blocks silent re-use: {refusal}");
}
