//! Migrations run up, down and up again, on SQLite and on PostgreSQL.

use caas::platform::{db, metrics::Metrics};
use caas_tests::TestDatabase;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

async fn table_exists(db: &DatabaseConnection, table: &str) -> bool {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            format!(
                "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
            )
        }
        _ => format!("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
    };
    let row = db.query_one_raw(Statement::from_string(backend, sql)).await.expect("query").expect("row");
    row.try_get::<i64>("", "n").expect("count") == 1
}

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    let database = TestDatabase::create().await;
    let db = db::connect(&database.url, 2, &Metrics::new()).await.expect("connect");
    let tables = [
        "regions",
        "users",
        "vehicles",
        "features",
        "orders",
        "activations",
        "ota_jobs",
        "payments",
        "invoices",
        "maintenance_records",
        "notifications",
        "idempotency_keys",
    ];

    Migrator::up(&db, None).await.expect("up");
    for table in tables {
        assert!(table_exists(&db, table).await, "{table} after up");
    }
    let applied = Migrator::get_applied_migrations(&db).await.expect("status").len();
    assert_eq!(applied, Migrator::migrations().len());

    Migrator::down(&db, None).await.expect("down");
    for table in tables {
        assert!(!table_exists(&db, table).await, "{table} after down");
    }
    assert!(Migrator::get_applied_migrations(&db).await.expect("status").is_empty());

    Migrator::up(&db, None).await.expect("up again");
    for table in tables {
        assert!(table_exists(&db, table).await, "{table} after up again");
    }
}
