//! The cars a campaign is for, and how they split into its groups: read once, when it starts, so
//! a car bought or updated later does not change a running campaign.

use std::collections::HashSet;

use entity::{activations, campaign_groups, regions, vehicle_models, vehicles};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::spec::Target;
use crate::catalog::firmware;
use crate::error::ApiResult;
use crate::policy::LIVE_STATUSES;

/// A car of the target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Car {
    /// The vehicle.
    pub vehicle_id: Uuid,
    /// Its VIN (the order the cars take their turns in).
    pub vin: String,
    /// Its region.
    pub region_id: Uuid,
}

type Row = (Uuid, String, Uuid, Uuid, String);

/// Every owned car the target names, by VIN. The filters run here, not in SQL: a list of VINs can
/// be longer than a statement may have parameters.
pub async fn cars(db: &impl ConnectionTrait, target: &Target, feature_id: Uuid) -> ApiResult<Vec<Car>> {
    let rows: Vec<Row> = vehicles::Entity::find()
        .filter(vehicles::Column::OwnerId.is_not_null())
        .select_only()
        .columns([
            vehicles::Column::Id,
            vehicles::Column::Vin,
            vehicles::Column::RegionId,
            vehicles::Column::ModelId,
            vehicles::Column::FirmwareVersion,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let models = match &target.models {
        Some(codes) => Some(ids_of_models(db, codes).await?),
        None => None,
    };
    let regions = match &target.regions {
        Some(codes) => Some(ids_of_regions(db, codes).await?),
        None => None,
    };
    let vins: Option<HashSet<String>> =
        target.vins.as_ref().map(|vins| vins.iter().map(|vin| vin.trim().to_uppercase()).collect());
    let with_feature = match target.has_feature {
        Some(_) => Some(cars_with_feature(db, feature_id).await?),
        None => None,
    };
    let mut cars: Vec<Car> = rows
        .into_iter()
        .filter(|(id, vin, region, model, firmware_version)| {
            models.as_ref().is_none_or(|models| models.contains(model))
                && regions.as_ref().is_none_or(|regions| regions.contains(region))
                && vins.as_ref().is_none_or(|vins| vins.contains(vin))
                && in_range(firmware_version, target)
                && with_feature.as_ref().is_none_or(|with| with.contains(id) == target.has_feature.unwrap_or(true))
        })
        .map(|(vehicle_id, vin, region_id, _, _)| Car { vehicle_id, vin, region_id })
        .collect();
    cars.sort_by(|a, b| a.vin.cmp(&b.vin));
    Ok(cars)
}

fn in_range(version: &str, target: &Target) -> bool {
    target.firmware_from.as_deref().is_none_or(|from| firmware::compare(version, from).is_ge())
        && target.firmware_to.as_deref().is_none_or(|to| firmware::compare(version, to).is_le())
}

async fn ids_of_models(db: &impl ConnectionTrait, codes: &[String]) -> ApiResult<HashSet<Uuid>> {
    let codes: Vec<String> = codes.iter().map(|code| code.trim().to_uppercase()).collect();
    let ids: Vec<Uuid> = vehicle_models::Entity::find()
        .filter(vehicle_models::Column::Code.is_in(codes))
        .select_only()
        .column(vehicle_models::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// The ids of the regions with these codes.
pub async fn ids_of_regions(db: &impl ConnectionTrait, codes: &[String]) -> ApiResult<HashSet<Uuid>> {
    let codes: Vec<String> = codes.iter().map(|code| code.trim().to_uppercase()).collect();
    let ids: Vec<Uuid> = regions::Entity::find()
        .filter(regions::Column::Code.is_in(codes))
        .select_only()
        .column(regions::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

async fn cars_with_feature(db: &impl ConnectionTrait, feature_id: Uuid) -> ApiResult<HashSet<Uuid>> {
    let ids: Vec<Uuid> = activations::Entity::find()
        .filter(activations::Column::FeatureId.eq(feature_id))
        .filter(activations::Column::Status.is_in(LIVE_STATUSES))
        .select_only()
        .column(activations::Column::VehicleId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Splits the target's cars into the groups, in order: a region's group takes that region's cars
/// not yet taken, a count the next cars, a share that share of the whole target (rounded); the
/// cars no group took join the last. Answers each car's group position (1-based).
pub fn split(cars: &[Car], groups: &[campaign_groups::Model]) -> Vec<i32> {
    let mut position_of = vec![0; cars.len()];
    let total = cars.len();
    for group in groups {
        let wanted = match (group.car_count, group.percent) {
            (Some(count), _) => usize::try_from(count).unwrap_or(0),
            (None, Some(percent)) => (total * usize::try_from(percent).unwrap_or(0)).div_ceil(100),
            (None, None) => usize::MAX,
        };
        let mut taken = 0;
        for (car, position) in cars.iter().zip(position_of.iter_mut()) {
            if taken == wanted {
                break;
            }
            if *position == 0 && group.region_id.is_none_or(|region| region == car.region_id) {
                *position = group.position;
                taken += 1;
            }
        }
    }
    let last = groups.last().map_or(1, |group| group.position);
    for position in &mut position_of {
        if *position == 0 {
            *position = last;
        }
    }
    position_of
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::CampaignGroupState;

    fn group(position: i32, count: Option<i32>, percent: Option<i32>, region: Option<Uuid>) -> campaign_groups::Model {
        campaign_groups::Model {
            id: Uuid::now_v7(),
            campaign_id: Uuid::nil(),
            position,
            name: format!("g{position}"),
            car_count: count,
            percent,
            region_id: region,
            size: 0,
            success_threshold_percent: 100,
            error_threshold_percent: None,
            state: CampaignGroupState::Waiting,
            started_at: None,
            finished_at: None,
        }
    }

    #[test]
    fn groups_take_a_count_a_share_or_a_region_in_order_and_the_rest_joins_the_last() {
        let (de, es) = (Uuid::now_v7(), Uuid::now_v7());
        let cars: Vec<Car> = (0..10)
            .map(|n| Car {
                vehicle_id: Uuid::now_v7(),
                vin: format!("V{n:02}"),
                region_id: if n % 2 == 0 { de } else { es },
            })
            .collect();
        let groups = [group(1, Some(2), None, None), group(2, None, None, Some(es)), group(3, None, Some(20), None)];
        let positions = split(&cars, &groups);
        // V00, V01 → 1; the remaining Spanish cars (V03, V05, V07, V09) → 2; 20 % of 10 = 2 → V02, V04;
        // V06, V08 join the last group.
        assert_eq!(positions, vec![1, 1, 3, 2, 3, 2, 3, 2, 3, 2]);
    }
}
