//! Leases: one instance at a time runs a periodic task (the scheduler, the reconciler, the outbox
//! relay). The holder renews its lease well before it lapses; when it dies, another instance takes
//! the task over once the lease has expired, and a holder shutting down hands it back at once.
//!
//! A lease is a row, taken with one upsert that only overwrites a lapsed lease or the holder's
//! own — atomic on SQLite and PostgreSQL alike, so the embedded default runs the same code. The
//! holder stops believing in its lease a third of the term before the row says it lapses, so two
//! instances never both think they hold it while their clocks agree to within that margin.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::leases;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
use tokio_util::sync::CancellationToken;

use super::metrics::{Metrics, TaskLabels};

/// One task's lease, as one instance sees it.
#[derive(Clone)]
pub struct Lease {
    inner: Arc<Inner>,
}

struct Inner {
    name: &'static str,
    holder: String,
    term: Duration,
    /// Until when this instance may act as the holder.
    held_until: Mutex<Option<Instant>>,
}

impl Lease {
    /// The lease `name` for the instance `holder`, lasting `term` once taken.
    pub fn new(name: &'static str, holder: &str, term: Duration) -> Self {
        let inner = Inner { name, holder: holder.to_owned(), term, held_until: Mutex::new(None) };
        Self { inner: Arc::new(inner) }
    }

    /// The task's name.
    pub fn name(&self) -> &'static str {
        self.inner.name
    }

    /// Whether this instance holds the lease now.
    pub fn is_held(&self) -> bool {
        self.held_until().is_some_and(|until| Instant::now() < until)
    }

    fn held_until(&self) -> Option<Instant> {
        *self.inner.held_until.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set_held_until(&self, until: Option<Instant>) {
        *self.inner.held_until.lock().unwrap_or_else(PoisonError::into_inner) = until;
    }

    /// Takes the lease when it is free or lapsed, or renews it when held: whether it is held now.
    pub async fn take(&self, db: &DatabaseConnection) -> Result<bool, DbErr> {
        let started = Instant::now();
        let now = Utc::now();
        let term = chrono::Duration::from_std(self.inner.term).unwrap_or(chrono::Duration::seconds(10));
        let row = leases::ActiveModel {
            name: Set(self.inner.name.to_owned()),
            holder: Set(self.inner.holder.clone()),
            expires_at: Set(now + term),
        };
        let lapsed = Expr::col((leases::Entity, leases::Column::ExpiresAt)).lt(now);
        let mine = Expr::col((leases::Entity, leases::Column::Holder)).eq(self.inner.holder.clone());
        let upsert = OnConflict::column(leases::Column::Name)
            .update_columns([leases::Column::Holder, leases::Column::ExpiresAt])
            .action_and_where(lapsed.or(mine))
            .to_owned();
        // No row is written when another instance holds it (the upsert's condition is false).
        let held = leases::Entity::insert(row).on_conflict(upsert).exec_without_returning(db).await? > 0;
        self.set_held_until(held.then(|| started + self.inner.term * 2 / 3));
        Ok(held)
    }

    /// Gives the lease back (on shutdown), so another instance takes the task over at once.
    pub async fn release(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        self.set_held_until(None);
        leases::Entity::delete_many()
            .filter(leases::Column::Name.eq(self.inner.name))
            .filter(leases::Column::Holder.eq(self.inner.holder.clone()))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Takes or renews the lease every third of its term until `stop`, then releases it.
    pub async fn keep(self, db: DatabaseConnection, metrics: Metrics, stop: CancellationToken) {
        let gauge = metrics.leases_held.get_or_create(&TaskLabels { task: self.name().to_owned() }).clone();
        let mut was_held = None;
        loop {
            match self.take(&db).await {
                Ok(held) => {
                    if was_held != Some(held) {
                        tracing::info!(task = self.name(), held, "lease taken or lost");
                        gauge.set(i64::from(held));
                    }
                    was_held = Some(held);
                }
                Err(err) => {
                    // Without the database nobody can renew; this instance stops believing in
                    // its lease when the margin runs out.
                    tracing::warn!(task = self.name(), error = %err, "could not renew a lease");
                }
            }
            tokio::select! {
                () = stop.cancelled() => break,
                () = tokio::time::sleep(self.inner.term / 3) => {}
            }
        }
        gauge.set(0);
        if let Err(err) = self.release(&db).await {
            tracing::warn!(task = self.name(), error = %err, "could not release a lease");
        }
    }
}
