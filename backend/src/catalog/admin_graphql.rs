//! Catalog administration over GraphQL (ADMIN): features created, edited and retired; prices
//! taken off sale; every feature listed, retired ones too.

use async_graphql::{Context, InputObject, Json, Object};
use chrono::{DateTime, Utc};
use entity::{DurationKind, Role};
use serde_json::Value;

use super::admin::{self, FeatureDraft, FeatureText};
use super::graphql::Feature;
use crate::auth::Allow;
use crate::domain::Locale;
use crate::error::ApiResult;
use crate::graphql::context::{app, viewer};

/// A feature's texts in one language.
#[derive(InputObject)]
pub struct FeatureTextInput {
    /// The language: EN, DE and ES are each given once.
    pub locale: Locale,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// The text of its demo.
    #[graphql(default)]
    pub demo_text: String,
}

/// Everything an admin sets on a feature.
#[derive(InputObject)]
pub struct FeatureInput {
    /// Category, e.g. `COMFORT`.
    pub category: String,
    /// Texts in English, German and Spanish.
    pub texts: Vec<FeatureTextInput>,
    /// An https address of its demo clip or picture.
    pub demo_media_url: Option<String>,
    /// The codes of the models it fits.
    pub model_codes: Vec<String>,
    /// The oldest firmware that contains it, e.g. `2.1.0`.
    pub min_firmware: String,
    /// What the OTA command sends the car (a JSON object).
    pub ota_parameters: Json<Value>,
    /// Whether it can only be bought while the car's maintenance is up to date.
    #[graphql(default)]
    pub requires_maintenance: bool,
    /// From when the catalog shows it as new (for 30 days).
    pub new_since: Option<DateTime<Utc>>,
}

impl From<FeatureInput> for FeatureDraft {
    fn from(input: FeatureInput) -> Self {
        Self {
            category: input.category,
            texts: input
                .texts
                .into_iter()
                .map(|text| FeatureText {
                    locale: text.locale,
                    name: text.name,
                    description: text.description,
                    demo_text: text.demo_text,
                })
                .collect(),
            demo_media_url: input.demo_media_url.filter(|url| !url.trim().is_empty()),
            model_codes: input.model_codes,
            min_firmware: input.min_firmware,
            ota_parameters: input.ota_parameters.0,
            requires_maintenance: input.requires_maintenance,
            new_since: input.new_since,
        }
    }
}

/// Catalog administration.
#[derive(Default)]
pub struct CatalogAdminMutation;

#[Object]
impl CatalogAdminMutation {
    /// Creates a feature (ADMIN); give it prices with `setPrice`.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn create_feature(&self, ctx: &Context<'_>, code: String, input: FeatureInput) -> ApiResult<Feature> {
        admin::create_feature(app(ctx), viewer(ctx), &code, input.into()).await.map(Feature::from)
    }

    /// Replaces what is set on a feature (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn update_feature(&self, ctx: &Context<'_>, code: String, input: FeatureInput) -> ApiResult<Feature> {
        admin::update_feature(app(ctx), viewer(ctx), &code, input.into()).await.map(Feature::from)
    }

    /// Retires a feature (ADMIN): it leaves the catalog; what customers bought stays on.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn retire_feature(&self, ctx: &Context<'_>, code: String) -> ApiResult<Feature> {
        admin::retire_feature(app(ctx), viewer(ctx), &code).await.map(Feature::from)
    }

    /// Takes a price off sale (ADMIN); what was bought at it keeps its terms. Whether one was on
    /// sale.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn remove_price(
        &self,
        ctx: &Context<'_>,
        feature_code: String,
        region_code: String,
        duration_kind: DurationKind,
        #[graphql(default)] duration_days: i32,
    ) -> ApiResult<bool> {
        admin::remove_price(app(ctx), viewer(ctx), &feature_code, &region_code, duration_kind, duration_days).await
    }
}

/// Catalog queries for administrators.
#[derive(Default)]
pub struct CatalogAdminQuery;

#[Object]
impl CatalogAdminQuery {
    /// Every feature, retired ones too, by code (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn all_features(&self, ctx: &Context<'_>) -> ApiResult<Vec<Feature>> {
        Ok(admin::all_features(app(ctx)).await?.into_iter().map(Feature::from).collect())
    }
}
