//! What a vehicle can have and what it costs: compatibility by model and firmware, prices per region
//! and duration model, trials left, and what is already on.

use std::collections::HashMap;

use entity::{ActivationStatus, DurationKind, activations, feature_models, features, prices, regions, users, vehicles};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::firmware;
use super::maintenance::RecentMaintenance;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::domain::Money;
use crate::domain::money::vat_of;
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::fleet::service::vehicle_for;
use crate::integrations::vss::MaintenanceState;
use crate::pagination::{Page, PageArgs, keyset};
use crate::policy::{Access, LIVE_STATUSES};

/// One way to buy a feature: a duration model and its price with VAT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The stored price.
    pub price_id: Uuid,
    /// The duration model.
    pub kind: DurationKind,
    /// Days of FIXED_DAYS and TRIAL.
    pub days: i32,
    /// Net price.
    pub net: Money,
    /// VAT on it.
    pub vat: Money,
    /// What the customer pays.
    pub gross: Money,
    /// The VAT rate applied, in basis points.
    pub vat_rate_bp: i32,
}

impl Offer {
    /// The offer of a stored price in `region`.
    pub fn new(price: &prices::Model, region: &regions::Model) -> Self {
        let vat = vat_of(price.net_minor, region.vat_rate_bp);
        Self {
            price_id: price.id,
            kind: price.duration_kind,
            days: price.duration_days,
            net: Money::new(price.net_minor, &region.currency),
            vat: Money::new(vat, &region.currency),
            gross: Money::new(price.net_minor + vat, &region.currency),
            vat_rate_bp: region.vat_rate_bp,
        }
    }
}

/// A feature as the catalog of one vehicle shows it.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    /// The feature.
    pub feature: features::Model,
    /// Its offers in the vehicle's pricing region, trial last.
    pub offers: Vec<Offer>,
    /// Whether a free trial can still be started on this vehicle.
    pub trial_available: bool,
    /// The activation currently on (or being switched on or off), if any.
    pub current: Option<activations::Model>,
    /// Why it cannot be bought now (maintenance overdue, maintenance system down), if so.
    pub unavailable: Option<Unavailable>,
}

/// Why a feature cannot be bought now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unavailable {
    /// For clients to explain in their language: `MAINTENANCE_OVERDUE` or `MAINTENANCE_UNKNOWN`.
    pub code: &'static str,
    /// The explanation in English.
    pub message: String,
}

/// Whether an activation used up the vehicle's one trial of its feature. A trial that could not be
/// switched on (FAILED) was never had; the database's unique index on trials follows the same rule.
pub fn uses_trial(activation: &activations::Model) -> bool {
    activation.duration_kind == DurationKind::Trial && activation.status != ActivationStatus::Failed
}

/// The region whose currency and VAT apply to a vehicle: its owner's, else where it is sold.
pub async fn pricing_region(app: &App, vehicle: &vehicles::Model) -> ApiResult<regions::Model> {
    if let Some(owner_id) = vehicle.owner_id {
        // The owner's row and their region in one statement: every catalog view and purchase asks.
        let owners_region =
            users::Entity::find().select_only().column(users::Column::RegionId).filter(users::Column::Id.eq(owner_id));
        let found = regions::Entity::find()
            .filter(regions::Column::Id.in_subquery(owners_region.into_query()))
            .one(&app.db)
            .await?;
        if let Some(region) = found {
            return Ok(region);
        }
    }
    regions::Entity::find_by_id(vehicle.region_id).one(&app.db).await?.ok_or(ApiError::NotFound("region"))
}

/// The features that fit `vehicle`'s model and firmware, by code.
pub async fn compatible_features(app: &App, vehicle: &vehicles::Model) -> ApiResult<Vec<features::Model>> {
    let of_the_model = feature_models::Entity::find()
        .select_only()
        .column(feature_models::Column::FeatureId)
        .filter(feature_models::Column::ModelId.eq(vehicle.model_id));
    let features = features::Entity::find()
        .filter(features::Column::Id.in_subquery(of_the_model.into_query()))
        .filter(features::Column::Available.eq(true))
        .order_by_asc(features::Column::Code)
        .all(&app.db)
        .await?;
    Ok(features
        .into_iter()
        .filter(|feature| firmware::satisfies(&vehicle.firmware_version, &feature.min_firmware))
        .collect())
}

/// The catalog of the vehicle with `vin`, as `viewer` may see it.
#[tracing::instrument(skip(app, viewer, recent))]
pub async fn catalog(
    app: &App,
    viewer: &Viewer,
    recent: &RecentMaintenance,
    vin: &str,
    args: &PageArgs,
) -> ApiResult<Page<CatalogEntry>> {
    let vehicle = vehicle_for(app, viewer, vin, Access::Basic).await?;
    let region = pricing_region(app, &vehicle).await?;
    let features = compatible_features(app, &vehicle).await?;
    let feature_ids: Vec<Uuid> = features.iter().map(|feature| feature.id).collect();
    let mut prices_by_feature: HashMap<Uuid, Vec<prices::Model>> = HashMap::new();
    for price in prices::Entity::find()
        .filter(prices::Column::RegionId.eq(region.id))
        .filter(prices::Column::FeatureId.is_in(feature_ids))
        .filter(prices::Column::WithdrawnAt.is_null())
        .order_by_asc(prices::Column::NetMinor)
        .all(&app.db)
        .await?
    {
        prices_by_feature.entry(price.feature_id).or_default().push(price);
    }
    let history = activations::Entity::find()
        .filter(activations::Column::VehicleId.eq(vehicle.id))
        .order_by_desc(activations::Column::CreatedAt)
        .all(&app.db)
        .await?;
    let gate = if features.iter().any(|feature| feature.requires_maintenance) {
        maintenance_gate(app, recent, &vehicle).await
    } else {
        None
    };
    let entries: Vec<CatalogEntry> = features
        .into_iter()
        .map(|feature| {
            let offers = offers_of(prices_by_feature.remove(&feature.id).unwrap_or_default(), &region);
            let mut entry = entry(feature, offers, &history);
            if entry.feature.requires_maintenance {
                entry.unavailable = gate.clone();
                entry.trial_available &= gate.is_none();
            }
            entry
        })
        .collect();
    Ok(Page::slice(entries, args, |entry| entry.feature.code.clone()))
}

/// Why maintenance-linked features cannot be bought now, as the VSS sees the vehicle (an answer of
/// a moment ago for the same records will do: see [`RecentMaintenance`]).
async fn maintenance_gate(app: &App, recent: &RecentMaintenance, vehicle: &vehicles::Model) -> Option<Unavailable> {
    match recent.status(app, vehicle).await {
        Ok(status) if status.status == MaintenanceState::Overdue => {
            let due = status.next_due_at.map(|at| format!(" since {}", at.format("%Y-%m-%d"))).unwrap_or_default();
            let message = format!("maintenance overdue{due}: book a service first");
            Some(Unavailable { code: "MAINTENANCE_OVERDUE", message })
        }
        Ok(_) => None,
        Err(_) => Some(Unavailable {
            code: "MAINTENANCE_UNKNOWN",
            message: "the maintenance system cannot be reached right now; try again later".into(),
        }),
    }
}

fn offers_of(mut prices: Vec<prices::Model>, region: &regions::Model) -> Vec<Offer> {
    // Paid offers by price, the free trial last.
    prices.sort_by_key(|price| (price.duration_kind == DurationKind::Trial, price.net_minor));
    prices.iter().map(|price| Offer::new(price, region)).collect()
}

fn entry(feature: features::Model, offers: Vec<Offer>, history: &[activations::Model]) -> CatalogEntry {
    let of_feature = || history.iter().filter(|activation| activation.feature_id == feature.id);
    let trial_used = of_feature().any(uses_trial);
    let has_trial = offers.iter().any(|offer| offer.kind == DurationKind::Trial);
    let current = of_feature().find(|activation| LIVE_STATUSES.contains(&activation.status)).cloned();
    CatalogEntry {
        trial_available: has_trial && !trial_used && current.is_none(),
        current,
        offers,
        feature,
        unavailable: None,
    }
}

/// A page of the available features, by code.
pub async fn features_page(app: &App, args: &PageArgs) -> ApiResult<Page<features::Model>> {
    let select = features::Entity::find().filter(features::Column::Available.eq(true));
    let rows = keyset(select, features::Column::Code, Order::Asc, args.after.clone(), args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |feature| feature.code.clone()))
}

/// The offers of a feature in the region with `region_code`, by duration model.
pub async fn offers_in_region(app: &App, feature_id: Uuid, region_code: &str) -> ApiResult<Vec<Offer>> {
    let region = regions::Entity::find()
        .filter(regions::Column::Code.eq(region_code.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("region"))?;
    let mut prices = prices::Entity::find()
        .filter(prices::Column::FeatureId.eq(feature_id))
        .filter(prices::Column::RegionId.eq(region.id))
        .filter(prices::Column::WithdrawnAt.is_null())
        .all(&app.db)
        .await?;
    // For good first, the free trial last.
    let rank = |kind: DurationKind| match kind {
        DurationKind::Permanent => 0,
        DurationKind::Annual => 1,
        DurationKind::Monthly => 2,
        DurationKind::FixedDays => 3,
        DurationKind::Trial => 4,
    };
    prices.sort_by_key(|price| (rank(price.duration_kind), price.duration_days));
    Ok(prices.iter().map(|price| Offer::new(price, &region)).collect())
}

/// A new price for a feature in a region (ADMIN).
#[derive(Clone, Debug)]
pub struct PriceChange {
    /// The feature's code.
    pub feature_code: String,
    /// The region's code, e.g. `DE`.
    pub region_code: String,
    /// The duration model priced.
    pub kind: DurationKind,
    /// Days, for FIXED_DAYS and TRIAL.
    pub days: i32,
    /// Net amount in minor units.
    pub net_minor: i64,
}

/// The largest net price we accept: a million in major units.
const MAX_NET_MINOR: i64 = 100_000_000;

fn validate_price(change: &PriceChange) -> ApiResult<()> {
    if change.net_minor < 0 {
        return Err(ApiError::bad_input("netMinor", "a price cannot be negative"));
    }
    if change.net_minor > MAX_NET_MINOR {
        return Err(ApiError::bad_input("netMinor", "a price cannot exceed 1,000,000.00"));
    }
    match change.kind {
        DurationKind::Trial if change.net_minor != 0 => Err(ApiError::bad_input("netMinor", "a trial is free")),
        DurationKind::Trial if !(1..=90).contains(&change.days) => {
            Err(ApiError::bad_input("durationDays", "a trial lasts 1 to 90 days"))
        }
        DurationKind::FixedDays if !(1..=3650).contains(&change.days) => {
            Err(ApiError::bad_input("durationDays", "a fixed duration lasts 1 to 3650 days"))
        }
        DurationKind::Permanent | DurationKind::Monthly | DurationKind::Annual if change.days != 0 => {
            Err(ApiError::bad_input("durationDays", "only FIXED_DAYS and TRIAL take a number of days"))
        }
        _ => Ok(()),
    }
}

/// Sets (creates or replaces) the price of one duration model of a feature in a region.
pub async fn set_price(app: &App, viewer: &Viewer, change: PriceChange) -> ApiResult<(prices::Model, regions::Model)> {
    viewer.user_with_role(&[entity::Role::Admin])?;
    validate_price(&change)?;
    let feature = features::Entity::find()
        .filter(features::Column::Code.eq(change.feature_code.trim()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("feature"))?;
    let region = regions::Entity::find()
        .filter(regions::Column::Code.eq(change.region_code.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("region"))?;
    let existing = prices::Entity::find()
        .filter(prices::Column::FeatureId.eq(feature.id))
        .filter(prices::Column::RegionId.eq(region.id))
        .filter(prices::Column::DurationKind.eq(change.kind))
        .filter(prices::Column::DurationDays.eq(change.days))
        .one(&app.db)
        .await?;
    let price = match existing {
        Some(price) => {
            let mut active: prices::ActiveModel = price.into();
            active.net_minor = Set(change.net_minor);
            active.withdrawn_at = Set(None);
            active.update(&app.db).await?
        }
        None => prices::ActiveModel {
            id: Set(Uuid::now_v7()),
            feature_id: Set(feature.id),
            region_id: Set(region.id),
            duration_kind: Set(change.kind),
            duration_days: Set(change.days),
            net_minor: Set(change.net_minor),
            created_at: Set(app.clock.now()),
            withdrawn_at: Set(None),
        }
        .insert(&app.db)
        .await
        .on_unique_violation("this price was just created by someone else; try again")?,
    };
    let subject = Subject { kind: "price", id: &price.id.to_string() };
    let details = serde_json::json!({ "feature": feature.code, "region": region.code, "netMinor": change.net_minor });
    audit::record(app, &app.db, viewer, "price.set", subject, details).await?;
    Ok((price, region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: DurationKind, days: i32, net_minor: i64) -> PriceChange {
        PriceChange { feature_code: "X".into(), region_code: "DE".into(), kind, days, net_minor }
    }

    #[test]
    fn prices_are_validated() {
        assert!(validate_price(&change(DurationKind::Permanent, 0, 39_900)).is_ok());
        assert!(validate_price(&change(DurationKind::Trial, 7, 0)).is_ok());
        let code = |c: PriceChange| validate_price(&c).err().map(|e| e.code());
        assert_eq!(code(change(DurationKind::Monthly, 0, -1)), Some("BAD_USER_INPUT"));
        assert_eq!(code(change(DurationKind::Trial, 7, 100)), Some("BAD_USER_INPUT"));
        assert_eq!(code(change(DurationKind::FixedDays, 0, 100)), Some("BAD_USER_INPUT"));
        assert_eq!(code(change(DurationKind::Annual, 30, 100)), Some("BAD_USER_INPUT"));
        assert_eq!(code(change(DurationKind::Permanent, 0, MAX_NET_MINOR + 1)), Some("BAD_USER_INPUT"));
    }
}
