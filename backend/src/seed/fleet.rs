//! More of the demo world on demand, for load tests and benchmarks: copies of a customer's car,
//! each with features switched on for good.

use chrono::Utc;
use entity::{ActivationStatus, DurationKind, VehicleStatus, activations, features, users, vehicles};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

/// Rows per INSERT: well inside both databases' limits on bound values.
const ROWS_PER_INSERT: usize = 500;

/// Gives the user with `email` `count` more cars (copies of one of theirs), each with the first
/// `features_per_car` features of the catalog active; answers the new cars' VINs.
pub async fn add_cars(
    db: &DatabaseConnection,
    email: &str,
    count: u32,
    features_per_car: usize,
) -> anyhow::Result<Vec<String>> {
    let owner = users::Entity::find().filter(users::Column::Email.eq(email)).one(db).await?;
    let owner = owner.ok_or_else(|| anyhow::anyhow!("no user {email}"))?;
    let template = vehicles::Entity::find().filter(vehicles::Column::OwnerId.eq(owner.id)).one(db).await?;
    let template = template.ok_or_else(|| anyhow::anyhow!("{email} has no car to copy"))?;
    let feature_ids: Vec<Uuid> =
        features::Entity::find().all(db).await?.into_iter().map(|feature| feature.id).take(features_per_car).collect();
    let now = Utc::now();
    // Serial numbers after every car there is, so that repeated calls never collide.
    let first_serial = 500_000 + vehicles::Entity::find().count(db).await?;
    let new_cars: Vec<(Uuid, String)> =
        (0..u64::from(count)).map(|n| (Uuid::now_v7(), format!("WCAAUR1S0TZ{:06}", first_serial + n))).collect();
    let cars: Vec<vehicles::ActiveModel> = new_cars
        .iter()
        .map(|(id, vin)| vehicles::ActiveModel {
            id: Set(*id),
            vin: Set(vin.clone()),
            status: Set(VehicleStatus::Assigned),
            created_at: Set(now),
            updated_at: Set(now),
            ..vehicles::ActiveModel::from(template.clone())
        })
        .collect();
    let switched_on: Vec<activations::ActiveModel> = new_cars
        .iter()
        .flat_map(|(car_id, _)| feature_ids.iter().map(move |feature_id| (*car_id, *feature_id)))
        .map(|(car_id, feature_id)| activations::ActiveModel {
            purchased_by: Set(owner.id),
            starts_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..active_feature(car_id, feature_id)
        })
        .collect();
    // One transaction, many rows per statement: a hundred thousand cars take seconds, not minutes.
    let txn = db.begin().await?;
    for chunk in cars.chunks(ROWS_PER_INSERT) {
        vehicles::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    for chunk in switched_on.chunks(ROWS_PER_INSERT) {
        activations::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(new_cars.into_iter().map(|(_, vin)| vin).collect())
}

fn active_feature(vehicle_id: Uuid, feature_id: Uuid) -> activations::ActiveModel {
    activations::ActiveModel {
        id: Set(Uuid::now_v7()),
        vehicle_id: Set(vehicle_id),
        feature_id: Set(feature_id),
        price_id: Set(None),
        duration_kind: Set(DurationKind::Permanent),
        duration_days: Set(0),
        status: Set(ActivationStatus::Active),
        cancel_at_period_end: Set(false),
        failure_reason: Set(None),
        failure_code: Set(None),
        ends_at: Set(None),
        billed_until: Set(None),
        unpaid_since: Set(None),
        end_reason: Set(None),
        ..Default::default()
    }
}
