//! Catalog administration (ADMIN): features created, edited and retired with their texts in every
//! language, the models they fit, the firmware they need and what OTA sends; prices removed.
//! Retiring takes a feature out of the catalog; what customers bought stays on until it ends.

use chrono::{DateTime, Utc};
use entity::{DurationKind, feature_models, feature_texts, features, prices, regions, vehicle_models};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::domain::Locale;
use crate::error::{ApiError, ApiResult, OnConstraint};

/// A feature's name, description and demo text in one language.
#[derive(Clone, Debug)]
pub struct FeatureText {
    /// The language.
    pub locale: Locale,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// The text of its demo.
    pub demo_text: String,
}

/// Everything an admin sets on a feature.
#[derive(Clone, Debug)]
pub struct FeatureDraft {
    /// Category, e.g. `COMFORT`.
    pub category: String,
    /// Texts: English, German and Spanish, each once.
    pub texts: Vec<FeatureText>,
    /// Where the demo video or picture is.
    pub demo_media_url: Option<String>,
    /// The codes of the models it fits.
    pub model_codes: Vec<String>,
    /// The lowest firmware it runs on, e.g. `2.1.0`.
    pub min_firmware: String,
    /// What the OTA command sends the car (a JSON object).
    pub ota_parameters: Value,
    /// Whether it may be bought only while the car's maintenance is up to date.
    pub requires_maintenance: bool,
    /// From when the catalog shows it as new.
    pub new_since: Option<DateTime<Utc>>,
}

fn check_code(code: &str) -> ApiResult<String> {
    let code = code.trim().to_uppercase();
    let fits = (2..=40).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if fits { Ok(code) } else { Err(ApiError::bad_input("code", "a code has 2 to 40 letters, digits or underscores")) }
}

fn check_draft(draft: &FeatureDraft) -> ApiResult<()> {
    let category = draft.category.trim();
    if category.is_empty() || category.len() > 40 {
        return Err(ApiError::bad_input("category", "a category has 1 to 40 characters"));
    }
    for locale in [Locale::En, Locale::De, Locale::Es] {
        let given = draft.texts.iter().filter(|text| text.locale == locale).count();
        if given != 1 {
            return Err(ApiError::bad_input("texts", "give the texts in English, German and Spanish, each once"));
        }
    }
    for text in &draft.texts {
        let name = text.name.trim().chars().count();
        if name == 0 || name > 80 || text.description.trim().is_empty() || text.description.chars().count() > 2000 {
            return Err(ApiError::bad_input("texts", "each name has 1 to 80 characters, each description 1 to 2,000"));
        }
    }
    let firmware = draft.min_firmware.trim();
    if firmware.is_empty()
        || !firmware.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(ApiError::bad_input("minFirmware", "a firmware version is dotted numbers, e.g. 2.1.0"));
    }
    if !draft.ota_parameters.is_object() {
        return Err(ApiError::bad_input("otaParameters", "the OTA parameters are a JSON object"));
    }
    if let Some(url) = &draft.demo_media_url
        && !(url.starts_with("https://") && url.len() <= 500)
    {
        return Err(ApiError::bad_input("demoMediaUrl", "the demo media is an https address"));
    }
    if draft.model_codes.is_empty() {
        return Err(ApiError::bad_input("modelCodes", "name at least one model the feature fits"));
    }
    Ok(())
}

/// The ids of the models with `codes`; every code must exist.
async fn model_ids(db: &impl ConnectionTrait, codes: &[String]) -> ApiResult<Vec<Uuid>> {
    let wanted: Vec<String> = codes.iter().map(|code| code.trim().to_uppercase()).collect();
    let models =
        vehicle_models::Entity::find().filter(vehicle_models::Column::Code.is_in(wanted.clone())).all(db).await?;
    if models.len() != wanted.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(ApiError::bad_input("modelCodes", "one of the model codes is unknown"));
    }
    Ok(models.into_iter().map(|model| model.id).collect())
}

/// Writes the texts and models of `feature_id`, replacing what was there.
async fn write_parts(db: &impl ConnectionTrait, feature_id: Uuid, draft: &FeatureDraft) -> ApiResult<()> {
    let models = model_ids(db, &draft.model_codes).await?;
    feature_texts::Entity::delete_many().filter(feature_texts::Column::FeatureId.eq(feature_id)).exec(db).await?;
    feature_models::Entity::delete_many().filter(feature_models::Column::FeatureId.eq(feature_id)).exec(db).await?;
    for text in &draft.texts {
        feature_texts::ActiveModel {
            feature_id: Set(feature_id),
            locale: Set(text.locale.tag().to_owned()),
            name: Set(text.name.trim().to_owned()),
            description: Set(text.description.trim().to_owned()),
            demo_text: Set(text.demo_text.trim().to_owned()),
        }
        .insert(db)
        .await?;
    }
    for model_id in models {
        feature_models::ActiveModel { feature_id: Set(feature_id), model_id: Set(model_id) }.insert(db).await?;
    }
    Ok(())
}

/// Creates a feature with code `code`. Audited.
pub async fn create_feature(app: &App, viewer: &Viewer, code: &str, draft: FeatureDraft) -> ApiResult<features::Model> {
    let code = check_code(code)?;
    check_draft(&draft)?;
    let txn = app.db.begin().await?;
    let feature = features::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code.clone()),
        category: Set(draft.category.trim().to_uppercase()),
        requires_maintenance: Set(draft.requires_maintenance),
        min_firmware: Set(draft.min_firmware.trim().to_owned()),
        ota_parameters: Set(draft.ota_parameters.clone()),
        demo_media_url: Set(draft.demo_media_url.clone()),
        available: Set(true),
        created_at: Set(app.clock.now()),
        new_since: Set(draft.new_since),
        retired_at: Set(None),
    }
    .insert(&txn)
    .await
    .on_unique_violation("a feature with this code exists already")?;
    write_parts(&txn, feature.id, &draft).await?;
    let subject = Subject { kind: "feature", id: &code };
    audit::record(app, &txn, viewer, "feature.create", subject, json!({ "models": draft.model_codes })).await?;
    txn.commit().await?;
    Ok(feature)
}

async fn feature_by_code(db: &impl ConnectionTrait, code: &str) -> ApiResult<features::Model> {
    features::Entity::find()
        .filter(features::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("feature"))
}

/// Replaces what an admin sets on feature `code`. Audited.
pub async fn update_feature(app: &App, viewer: &Viewer, code: &str, draft: FeatureDraft) -> ApiResult<features::Model> {
    check_draft(&draft)?;
    let txn = app.db.begin().await?;
    let feature = feature_by_code(&txn, code).await?;
    let mut changed: features::ActiveModel = feature.clone().into();
    changed.category = Set(draft.category.trim().to_uppercase());
    changed.requires_maintenance = Set(draft.requires_maintenance);
    changed.min_firmware = Set(draft.min_firmware.trim().to_owned());
    changed.ota_parameters = Set(draft.ota_parameters.clone());
    changed.demo_media_url = Set(draft.demo_media_url.clone());
    changed.new_since = Set(draft.new_since);
    let updated = changed.update(&txn).await?;
    write_parts(&txn, feature.id, &draft).await?;
    let subject = Subject { kind: "feature", id: &feature.code };
    audit::record(app, &txn, viewer, "feature.update", subject, json!({ "models": draft.model_codes })).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Retires feature `code`: it leaves the catalog, nothing new is sold, what was bought stays on.
/// Retiring twice is one retirement. Audited.
pub async fn retire_feature(app: &App, viewer: &Viewer, code: &str) -> ApiResult<features::Model> {
    let feature = feature_by_code(&app.db, code).await?;
    if feature.retired_at.is_some() {
        return Ok(feature);
    }
    let mut changed: features::ActiveModel = feature.clone().into();
    changed.available = Set(false);
    changed.retired_at = Set(Some(app.clock.now()));
    let txn = app.db.begin().await?;
    let retired = changed.update(&txn).await?;
    audit::record(app, &txn, viewer, "feature.retire", Subject { kind: "feature", id: &feature.code }, json!({}))
        .await?;
    txn.commit().await?;
    Ok(retired)
}

/// Every feature, retired ones too, by code (ADMIN's list).
pub async fn all_features(app: &App) -> ApiResult<Vec<features::Model>> {
    Ok(features::Entity::find().order_by_asc(features::Column::Code).all(&app.db).await?)
}

/// Takes the price of one duration model of a feature in a region off sale (kept for what was
/// bought at it: renewals go on at its terms). Whether there was one on sale. Audited.
pub async fn remove_price(
    app: &App,
    viewer: &Viewer,
    feature_code: &str,
    region_code: &str,
    kind: DurationKind,
    days: i32,
) -> ApiResult<bool> {
    let feature = feature_by_code(&app.db, feature_code).await?;
    let region = regions::Entity::find()
        .filter(regions::Column::Code.eq(region_code.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("region"))?;
    let txn = app.db.begin().await?;
    let removed = prices::Entity::update_many()
        .col_expr(prices::Column::WithdrawnAt, sea_orm::sea_query::Expr::value(app.clock.now()))
        .filter(prices::Column::WithdrawnAt.is_null())
        .filter(prices::Column::FeatureId.eq(feature.id))
        .filter(prices::Column::RegionId.eq(region.id))
        .filter(prices::Column::DurationKind.eq(kind))
        .filter(prices::Column::DurationDays.eq(days))
        .exec(&txn)
        .await?
        .rows_affected;
    let details = json!({ "feature": feature.code, "region": region.code, "kind": kind, "days": days });
    audit::record(app, &txn, viewer, "price.remove", Subject { kind: "feature", id: &feature.code }, details).await?;
    txn.commit().await?;
    Ok(removed > 0)
}

/// How long a feature counts as new after its "new since" date.
pub const NEW_FOR_DAYS: i64 = 30;

/// Whether `feature` is new at `now`.
pub fn is_new(feature: &features::Model, now: DateTime<Utc>) -> bool {
    feature.new_since.is_some_and(|since| since <= now && now - since < chrono::Duration::days(NEW_FOR_DAYS))
}
