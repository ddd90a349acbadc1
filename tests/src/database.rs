//! A database of its own for each test.

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

/// The test's database; a PostgreSQL one is dropped when the test ends.
pub struct TestDatabase {
    /// URL the server connects to.
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A fresh, empty database: PostgreSQL when `TEST_DATABASE_URL` is set, else SQLite.
    pub async fn create() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => Self::postgres(admin_url).await,
            _ => Self::sqlite(),
        }
    }

    /// Whether this runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}/caas.db?mode=rwc", dir.path().display());
        Self { url, postgres: None, _dir: Some(dir) }
    }

    async fn postgres(admin_url: String) -> Self {
        let name = format!("caas_test_{}", Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
        admin.close().await.ok();
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
        Self { url: format!("{base}/{name}"), postgres: Some((admin_url, name)), _dir: None }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async code: use a short-lived runtime on its own thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let admin = Database::connect(&admin_url).await.ok()?;
                admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropped.join();
    }
}
