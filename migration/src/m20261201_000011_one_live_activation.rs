//! One live activation per vehicle and feature, and one trial per vehicle and feature, enforced by
//! the database: concurrent purchases with different idempotency keys each passed the service's
//! check before any of them had written, and all of them were stored. Partial unique indexes have
//! the same syntax on SQLite and PostgreSQL.
//!
//! Rows that already break the rule (written before it existed) are resolved first: the earliest
//! live activation stays, later live duplicates are marked FAILED with a reason support can search
//! for, and so are later duplicate trials.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const LIVE: &str = "('PENDING', 'ACTIVATING', 'ACTIVE', 'DEACTIVATING')";
const ONE_LIVE: &str = "uq_activations_live_vehicle_feature";
const ONE_TRIAL: &str = "uq_activations_trial_vehicle_feature";
const DUPLICATE: &str = "a duplicate of an earlier purchase of this feature for this vehicle";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "UPDATE activations SET status = 'FAILED', failure_reason = '{DUPLICATE}' \
             WHERE status IN {LIVE} AND EXISTS (SELECT 1 FROM activations earlier \
               WHERE earlier.vehicle_id = activations.vehicle_id AND earlier.feature_id = activations.feature_id \
               AND earlier.status IN {LIVE} AND earlier.id < activations.id)"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "UPDATE activations SET status = 'FAILED', failure_reason = '{DUPLICATE}' \
             WHERE duration_kind = 'TRIAL' AND status <> 'FAILED' AND EXISTS (SELECT 1 FROM activations earlier \
               WHERE earlier.vehicle_id = activations.vehicle_id AND earlier.feature_id = activations.feature_id \
               AND earlier.duration_kind = 'TRIAL' AND earlier.status <> 'FAILED' AND earlier.id < activations.id)"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX {ONE_LIVE} ON activations (vehicle_id, feature_id) WHERE status IN {LIVE}"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX {ONE_TRIAL} ON activations (vehicle_id, feature_id) \
             WHERE duration_kind = 'TRIAL' AND status <> 'FAILED'"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(ONE_TRIAL).table("activations").to_owned()).await?;
        manager.drop_index(Index::drop().name(ONE_LIVE).table("activations").to_owned()).await
    }
}
