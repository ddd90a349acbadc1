//! Connecting to the database (SQLite or PostgreSQL), counting statements, running migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::platform::metrics::Metrics;

/// `column` contains `needle` (already lower-case), ignoring case.
pub fn contains(column: impl sea_orm::ColumnTrait, needle: &str) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    Expr::expr(Func::lower(Expr::col(column))).like(format!("%{needle}%"))
}

/// What a person typed into a search, ready for [`contains`]: trimmed, lower-case, without the
/// pattern's wildcards.
pub fn search_needle(text: &str) -> String {
    text.trim().to_lowercase().replace(['%', '_'], "")
}

/// Opens a pool for `url`, reports every statement to `metrics` and tunes SQLite for concurrency.
pub async fn connect(url: &str, max_connections: u32, metrics: &Metrics) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|sqlite| {
            // WAL lets readers run beside the single writer; a writer waits for the lock, not fails.
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    let mut db = Database::connect(options).await?;
    let statements = metrics.db_statements.clone();
    let failures = metrics.db_failures.clone();
    let log = metrics.statement_log.clone();
    db.set_metric_callback(move |info| {
        statements.inc();
        log.record(info.statement);
        // The statement as written, with placeholders: its values are personal data and secrets.
        tracing::trace!(target: "caas::sql", elapsed_us = info.elapsed.as_micros() as u64, sql = %info.statement.sql);
        if info.failed {
            failures.inc();
        }
    });
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so it waits for other writers instead of failing when a read would have to
/// become a write after someone else wrote; on PostgreSQL it is a plain `BEGIN`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options =
        TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() };
    db.begin_with_options(options).await
}
