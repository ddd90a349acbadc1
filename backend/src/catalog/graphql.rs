//! GraphQL types and queries of the catalog.

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{DurationKind, Role, feature_texts, features, vehicle_models};
use tokio::sync::OnceCell;

use super::maintenance::RecentMaintenance;
use super::service::{self, CatalogEntry, Offer};
use crate::auth::{Allow, Scope};
use crate::domain::{Locale, Money};
use crate::error::ApiResult;
use crate::fleet::graphql::VehicleModel;
use crate::graphql::connection::connection;
use crate::graphql::context::{app, load_children, load_many_by_id, locale, viewer};
use crate::graphql::loaders::{ModelsOfFeature, TextsOfFeature};
use crate::pagination::PageArgs;

/// A feature (opción disponible): already in the firmware, switched on over the air.
pub struct Feature {
    model: features::Model,
    /// Its text in the caller's language, looked up once for its name, description and demo text.
    text: OnceCell<Option<feature_texts::Model>>,
}

impl From<features::Model> for Feature {
    fn from(model: features::Model) -> Self {
        Self { model, text: OnceCell::new() }
    }
}

/// The text of a feature in `locale`, falling back to English, then to any language.
fn text_in(texts: Vec<feature_texts::Model>, locale: Locale) -> Option<feature_texts::Model> {
    let pick = |wanted: &str| texts.iter().position(|text| text.locale == wanted);
    let index = pick(locale.tag()).or_else(|| pick(Locale::En.tag())).or(if texts.is_empty() { None } else { Some(0) });
    index.map(|i| texts[i].clone())
}

impl Feature {
    async fn text(&self, ctx: &Context<'_>) -> ApiResult<Option<&feature_texts::Model>> {
        let text = self
            .text
            .get_or_try_init(|| async {
                let texts = load_children(ctx, TextsOfFeature(self.model.id)).await?;
                ApiResult::Ok(text_in(texts, locale(ctx)))
            })
            .await?;
        Ok(text.as_ref())
    }
}

#[Object]
impl Feature {
    /// Stable code, e.g. `HEATED_SEATS`.
    async fn code(&self) -> &str {
        &self.model.code
    }

    /// Category, e.g. `COMFORT`.
    async fn category(&self) -> &str {
        &self.model.category
    }

    /// Name in the caller's language.
    async fn name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.text(ctx).await?.map_or_else(|| self.model.code.clone(), |text| text.name.clone()))
    }

    /// Description in the caller's language.
    async fn description(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.text(ctx).await?.map(|text| text.description.clone()).unwrap_or_default())
    }

    /// Discovery-mode text: what trying it feels like.
    async fn demo_text(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.text(ctx).await?.map(|text| text.demo_text.clone()).unwrap_or_default())
    }

    /// A short demo clip or picture.
    async fn demo_media_url(&self) -> Option<&str> {
        self.model.demo_media_url.as_deref()
    }

    /// Whether it can only be bought while the vehicle's maintenance is up to date.
    async fn requires_maintenance(&self) -> bool {
        self.model.requires_maintenance
    }

    /// The oldest firmware that contains it.
    async fn min_firmware(&self) -> &str {
        &self.model.min_firmware
    }

    /// The models it is available for.
    async fn compatible_models(&self, ctx: &Context<'_>) -> ApiResult<Vec<VehicleModel>> {
        let links = load_children(ctx, ModelsOfFeature(self.model.id)).await?;
        let models = load_many_by_id::<vehicle_models::Entity>(ctx, links.iter().map(|link| link.model_id)).await?;
        Ok(models.into_iter().map(VehicleModel).collect())
    }

    /// From when the catalog shows it as new.
    async fn new_since(&self) -> Option<DateTime<Utc>> {
        self.model.new_since
    }

    /// Whether it is new: its "new since" date passed less than 30 days ago.
    async fn is_new(&self, ctx: &Context<'_>) -> bool {
        super::admin::is_new(&self.model, app(ctx).clock.now())
    }

    /// When it was retired: out of the catalog, what was bought stays on (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.model.retired_at
    }

    /// What the OTA command sends the car (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn ota_parameters(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.model.ota_parameters.clone())
    }

    /// Its texts in every language, for editing (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn texts(&self, ctx: &Context<'_>) -> ApiResult<Vec<FeatureTextValue>> {
        let mut texts = load_children(ctx, TextsOfFeature(self.model.id)).await?;
        texts.sort_by(|a, b| a.locale.cmp(&b.locale));
        Ok(texts.into_iter().map(FeatureTextValue).collect())
    }

    /// Its prices in the region with `regionCode`, as customers there see them.
    async fn prices(&self, ctx: &Context<'_>, region_code: String) -> ApiResult<Vec<OfferValue>> {
        let offers = service::offers_in_region(app(ctx), self.model.id, &region_code).await?;
        Ok(offers.into_iter().map(OfferValue).collect())
    }
}

/// A feature's texts in one language.
pub struct FeatureTextValue(feature_texts::Model);

#[Object(name = "FeatureText")]
impl FeatureTextValue {
    /// The language.
    async fn locale(&self) -> Locale {
        Locale::from_tag(&self.0.locale).unwrap_or_default()
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What it does.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The text of its demo.
    async fn demo_text(&self) -> &str {
        &self.0.demo_text
    }
}

/// One way to buy a feature.
pub struct OfferValue(pub Offer);

#[Object(name = "Offer")]
impl OfferValue {
    /// The duration model.
    async fn duration_kind(&self) -> DurationKind {
        self.0.kind
    }

    /// Days of FIXED_DAYS and TRIAL; 0 otherwise.
    async fn duration_days(&self) -> i32 {
        self.0.days
    }

    /// Net price.
    async fn net(&self) -> Money {
        self.0.net.clone()
    }

    /// VAT.
    async fn vat(&self) -> Money {
        self.0.vat.clone()
    }

    /// Price with VAT: what the customer pays (per month for MONTHLY, per year for ANNUAL).
    async fn gross(&self) -> Money {
        self.0.gross.clone()
    }

    /// VAT rate in basis points: 1900 is 19 %.
    async fn vat_rate_basis_points(&self) -> i32 {
        self.0.vat_rate_bp
    }
}

// Its own fields are those of `CatalogEntryFields`; the activation domain adds `currentActivation`
// (`#[ComplexObject] impl CatalogEntryValue`), so that the catalog never imports it.
/// A feature in the catalog of one vehicle.
#[derive(SimpleObject)]
#[graphql(name = "CatalogEntry", complex)]
pub struct CatalogEntryValue {
    #[graphql(flatten)]
    fields: CatalogEntryFields,
}

impl CatalogEntryValue {
    /// The entry the catalog computed.
    pub fn entry(&self) -> &CatalogEntry {
        &self.fields.0
    }
}

impl From<CatalogEntry> for CatalogEntryValue {
    fn from(entry: CatalogEntry) -> Self {
        Self { fields: CatalogEntryFields(entry) }
    }
}

/// The fields of a catalog entry that the catalog knows.
pub struct CatalogEntryFields(CatalogEntry);

#[Object]
impl CatalogEntryFields {
    /// The feature.
    async fn feature(&self) -> Feature {
        Feature::from(self.0.feature.clone())
    }

    /// Its offers in the vehicle's currency; the free trial, if any, last.
    async fn offers(&self) -> Vec<OfferValue> {
        self.0.offers.iter().cloned().map(OfferValue).collect()
    }

    /// Whether a free trial can still be started on this vehicle.
    async fn trial_available(&self) -> bool {
        self.0.trial_available
    }

    /// Whether it can be bought now.
    async fn purchasable(&self) -> bool {
        self.0.unavailable.is_none() && self.0.current.is_none()
    }

    /// Why it cannot be bought now (e.g. the vehicle's maintenance is overdue).
    async fn unavailable_reason(&self) -> Option<&str> {
        self.0.unavailable.as_ref().map(|unavailable| unavailable.message.as_str())
    }

    /// Why it cannot be bought now, as a code to explain in the user's language:
    /// `MAINTENANCE_OVERDUE` or `MAINTENANCE_UNKNOWN` (the maintenance system cannot be reached).
    async fn unavailable_code(&self) -> Option<&str> {
        self.0.unavailable.as_ref().map(|unavailable| unavailable.code)
    }
}

/// A new price for one duration model of a feature in a region.
#[derive(InputObject)]
pub struct PriceInput {
    /// The feature's code, e.g. `HEATED_SEATS`.
    pub feature_code: String,
    /// The region's code, e.g. `DE`.
    pub region_code: String,
    /// The duration model priced.
    pub duration_kind: DurationKind,
    /// Days, for FIXED_DAYS and TRIAL; 0 otherwise.
    #[graphql(default = 0)]
    pub duration_days: i32,
    /// Net price in minor units of the region's currency (cents); 0 for a trial.
    pub net_minor: i64,
}

/// Catalog administration.
#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Sets the net price of a duration model of a feature in a region (ADMIN). Returns the offer
    /// as customers will see it.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn set_price(&self, ctx: &Context<'_>, input: PriceInput) -> ApiResult<OfferValue> {
        let change = service::PriceChange {
            feature_code: input.feature_code,
            region_code: input.region_code,
            kind: input.duration_kind,
            days: input.duration_days,
            net_minor: input.net_minor,
        };
        let (price, region) = service::set_price(app(ctx), viewer(ctx), change).await?;
        Ok(OfferValue(Offer::new(&price, &region)))
    }
}

/// Queries of the catalog.
#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// The available features, by code.
    #[graphql(
        guard = "Allow::any_user().or_partner(Scope::CatalogRead)",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn features(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Feature>> {
        let args = PageArgs::parse(after, first)?;
        Ok(connection(service::features_page(app(ctx), &args).await?, Feature::from))
    }

    /// The features that fit the vehicle with `vin`, with gross prices in its owner's currency.
    #[graphql(
        guard = "Allow::any_user().or_partner(Scope::CatalogRead)",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn catalog(
        &self,
        ctx: &Context<'_>,
        vin: String,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, CatalogEntryValue>> {
        let args = PageArgs::parse(after, first)?;
        let recent = ctx.data_unchecked::<std::sync::Arc<RecentMaintenance>>();
        let page = service::catalog(app(ctx), viewer(ctx), recent, &vin, &args).await?;
        Ok(connection(page, CatalogEntryValue::from))
    }
}
