//! An index for the lookup every purchase makes: a vehicle's activations of one feature. Without
//! it PostgreSQL may intersect the feature's index (every car that ever bought the feature) with
//! the vehicle's while its statistics lag behind a fast-growing table — a scan that grows with the
//! fleet, found by the 100,000-car benchmark campaign.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_activations_vehicle_id_feature_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let index = Index::create().name(INDEX).table("activations").col("vehicle_id").col("feature_id").take();
        manager.create_index(index).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(INDEX).table("activations").to_owned()).await
    }
}
