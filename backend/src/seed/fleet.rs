//! More of the demo world on demand, for load tests and benchmarks: copies of a customer's car,
//! each with features switched on for good.

use chrono::Utc;
use entity::{ActivationStatus, DurationKind, VehicleStatus, activations, features, users, vehicles};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

/// Gives the user with `email` `count` more cars (copies of one of theirs), each with the first
/// `features_per_car` features of the catalog active.
pub async fn add_cars(db: &DatabaseConnection, email: &str, count: u32, features_per_car: usize) -> anyhow::Result<()> {
    let owner = users::Entity::find().filter(users::Column::Email.eq(email)).one(db).await?;
    let owner = owner.ok_or_else(|| anyhow::anyhow!("no user {email}"))?;
    let template = vehicles::Entity::find().filter(vehicles::Column::OwnerId.eq(owner.id)).one(db).await?;
    let template = template.ok_or_else(|| anyhow::anyhow!("{email} has no car to copy"))?;
    let feature_ids: Vec<Uuid> =
        features::Entity::find().all(db).await?.into_iter().map(|feature| feature.id).take(features_per_car).collect();
    let now = Utc::now();
    // Serial numbers after every car there is, so that repeated calls never collide.
    let first_serial = 500_000 + vehicles::Entity::find().count(db).await?;
    for n in 0..u64::from(count) {
        let vehicle = vehicles::ActiveModel {
            id: Set(Uuid::now_v7()),
            vin: Set(format!("WCAAUR1S0TZ{:06}", first_serial + n)),
            status: Set(VehicleStatus::Assigned),
            created_at: Set(now),
            updated_at: Set(now),
            ..vehicles::ActiveModel::from(template.clone())
        }
        .insert(db)
        .await?;
        for feature_id in &feature_ids {
            activations::ActiveModel {
                id: Set(Uuid::now_v7()),
                vehicle_id: Set(vehicle.id),
                feature_id: Set(*feature_id),
                price_id: Set(None),
                duration_kind: Set(DurationKind::Permanent),
                duration_days: Set(0),
                status: Set(ActivationStatus::Active),
                purchased_by: Set(owner.id),
                starts_at: Set(Some(now)),
                ends_at: Set(None),
                cancel_at_period_end: Set(false),
                failure_reason: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                billed_until: Set(None),
                unpaid_since: Set(None),
                end_reason: Set(None),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
