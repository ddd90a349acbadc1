//! Leases and periodic claims on the real database (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set): one holder at a time, take-over once a lease lapsed, a lease handed
//! back is free at once, and a period is claimed once whoever asks.

use std::time::Duration;

use caas::platform::lease::Lease;
use caas::platform::periodic;
use caas_tests::TestDatabase;
use chrono::Utc;
use entity::leases;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Database, DatabaseConnection, EntityTrait, QueryFilter};

async fn database() -> (TestDatabase, DatabaseConnection) {
    let database = TestDatabase::create().await;
    let db = Database::connect(&database.url).await.expect("connect");
    caas::platform::db::migrate(&db).await.expect("migrate");
    (database, db)
}

/// Makes the stored lease `name` lapse, as if its holder had died a term ago.
async fn lapse(db: &DatabaseConnection, name: &str) {
    leases::Entity::update_many()
        .col_expr(leases::Column::ExpiresAt, Expr::value(Utc::now() - chrono::Duration::seconds(1)))
        .filter(leases::Column::Name.eq(name))
        .exec(db)
        .await
        .expect("lapse");
}

#[tokio::test]
async fn one_instance_holds_a_lease_until_it_lapses_or_is_handed_back() {
    let (_database, db) = database().await;
    let term = Duration::from_secs(60);
    let (a, b) = (Lease::new("scheduler", "member-a", term), Lease::new("scheduler", "member-b", term));
    assert!(a.take(&db).await.expect("take"), "a free lease is taken");
    assert!(a.is_held());
    assert!(!b.take(&db).await.expect("take"), "a held lease is not");
    assert!(!b.is_held());
    assert!(a.take(&db).await.expect("renew"), "the holder renews it");
    // Another task's lease is its own.
    assert!(Lease::new("outbox-relay", "member-b", term).take(&db).await.expect("take"));

    lapse(&db, "scheduler").await;
    assert!(b.take(&db).await.expect("take over"), "a lapsed lease is taken over");
    assert!(!a.take(&db).await.expect("take"), "the old holder does not get it back");
    assert!(!a.is_held(), "and stops acting on it");

    b.release(&db).await.expect("release");
    assert!(!b.is_held());
    assert!(a.take(&db).await.expect("take"), "a lease handed back is free at once");
    let row = leases::Entity::find_by_id("scheduler").one(&db).await.expect("query").expect("row");
    assert_eq!(row.holder, "member-a");
}

#[tokio::test]
async fn a_period_is_claimed_once_whoever_asks() {
    let (_database, db) = database().await;
    assert!(periodic::claim(&db, "scheduler", 7, "member-a").await.expect("claim"));
    assert!(!periodic::claim(&db, "scheduler", 7, "member-b").await.expect("claim"), "claimed already");
    assert!(!periodic::claim(&db, "scheduler", 7, "member-a").await.expect("claim"), "even by its claimant");
    assert!(periodic::claim(&db, "scheduler", 8, "member-b").await.expect("claim"), "the next period is free");
    assert!(periodic::claim(&db, "settlement-reconciler", 7, "member-b").await.expect("claim"), "per task");
}
