//! Regions as admins run them (ADMIN): created or edited (name, currency, default language), and
//! VAT rates scheduled from the date they apply. The scheduler makes a rate the region's current
//! one once its date has come (`apply_due_vat_rates`), before it bills anything; invoices keep the
//! rate of their lines, so earlier ones never change.

use chrono::{DateTime, Utc};
use entity::{region_vat_rates, regions};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::payment_methods;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::domain::Locale;
use crate::error::{ApiError, ApiResult, OnConstraint};

/// A region as an admin sets it.
pub struct RegionDraft {
    /// Two capital letters, e.g. `FR`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// The language of new accounts there.
    pub default_locale: Locale,
    /// The VAT rate of a new region, in basis points (an existing one changes by schedule).
    pub vat_rate_bp: Option<i32>,
    /// The payment methods offered there; a new region offers cards, an existing one keeps its own
    /// when not given.
    pub payment_methods: Option<Vec<entity::PaymentMethodKind>>,
}

fn check_rate(rate_bp: i32) -> ApiResult<i32> {
    if (0..=5000).contains(&rate_bp) {
        Ok(rate_bp)
    } else {
        Err(ApiError::bad_input("rateBasisPoints", "a VAT rate is 0 to 5000 basis points (0 to 50 %)"))
    }
}

/// Creates the region with `draft.code`, or edits its name, currency and language. Audited.
pub async fn save(app: &App, viewer: &Viewer, draft: RegionDraft) -> ApiResult<regions::Model> {
    let code = draft.code.trim().to_uppercase();
    if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(ApiError::bad_input("code", "a region code is two letters, e.g. FR"));
    }
    let currency = draft.currency.trim().to_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(ApiError::bad_input("currency", "a currency is three letters, e.g. EUR"));
    }
    let name = draft.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(ApiError::bad_input("name", "a region needs a name of 1 to 80 characters"));
    }
    let existing = regions::Entity::find().filter(regions::Column::Code.eq(code.clone())).one(&app.db).await?;
    let saved = match existing {
        Some(region) => {
            let mut edited: regions::ActiveModel = region.into();
            edited.name = Set(name);
            edited.currency = Set(currency);
            edited.default_locale = Set(draft.default_locale.tag().to_owned());
            if let Some(methods) = &draft.payment_methods {
                edited.payment_methods = Set(payment_methods::stored(methods)?);
            }
            edited.update(&app.db).await?
        }
        None => {
            let rate = check_rate(
                draft
                    .vat_rate_bp
                    .ok_or(ApiError::bad_input("vatRateBasisPoints", "a new region needs its VAT rate"))?,
            )?;
            regions::ActiveModel {
                id: Set(Uuid::now_v7()),
                code: Set(code.clone()),
                name: Set(name),
                currency: Set(currency),
                vat_rate_bp: Set(rate),
                default_locale: Set(draft.default_locale.tag().to_owned()),
                created_at: Set(app.clock.now()),
                payment_methods: Set(match &draft.payment_methods {
                    Some(methods) => payment_methods::stored(methods)?,
                    None => "CARD".into(),
                }),
            }
            .insert(&app.db)
            .await
            .on_unique_violation("a region with this code was just created")?
        }
    };
    let details = json!({ "currency": saved.currency, "defaultLocale": saved.default_locale, "paymentMethods": saved.payment_methods });
    audit::record(app, &app.db, viewer, "region.save", Subject { kind: "region", id: &saved.code }, details).await?;
    Ok(saved)
}

/// Schedules `rate_bp` for region `code` from `applies_from` (replacing one scheduled for the same
/// instant); one already due applies at once. Audited.
pub async fn schedule_vat_rate(
    app: &App,
    viewer: &Viewer,
    code: &str,
    rate_bp: i32,
    applies_from: DateTime<Utc>,
) -> ApiResult<region_vat_rates::Model> {
    let rate_bp = check_rate(rate_bp)?;
    let region = regions::Entity::find()
        .filter(regions::Column::Code.eq(code.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("region"))?;
    region_vat_rates::Entity::delete_many()
        .filter(region_vat_rates::Column::RegionId.eq(region.id))
        .filter(region_vat_rates::Column::AppliesFrom.eq(applies_from))
        .exec(&app.db)
        .await?;
    let rate = region_vat_rates::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(region.id),
        rate_bp: Set(rate_bp),
        applies_from: Set(applies_from),
        created_at: Set(app.clock.now()),
    }
    .insert(&app.db)
    .await
    .on_unique_violation("a rate for this date was just scheduled")?;
    let details = json!({ "rateBasisPoints": rate_bp, "appliesFrom": applies_from });
    audit::record(app, &app.db, viewer, "region.vat_rate", Subject { kind: "region", id: &region.code }, details)
        .await?;
    apply_due_vat_rates(app).await?;
    Ok(rate)
}

/// Makes each region's latest rate whose date has come its current one; how many changed.
pub async fn apply_due_vat_rates(app: &App) -> ApiResult<usize> {
    let now = app.clock.now();
    let due = region_vat_rates::Entity::find()
        .filter(region_vat_rates::Column::AppliesFrom.lte(now))
        .order_by_asc(region_vat_rates::Column::AppliesFrom)
        .all(&app.db)
        .await?;
    let mut latest: std::collections::HashMap<Uuid, i32> = std::collections::HashMap::new();
    for rate in due {
        latest.insert(rate.region_id, rate.rate_bp);
    }
    let mut changed = 0;
    for (region_id, rate_bp) in latest {
        let Some(region) = regions::Entity::find_by_id(region_id).one(&app.db).await? else { continue };
        if region.vat_rate_bp != rate_bp {
            let mut updated: regions::ActiveModel = region.into();
            updated.vat_rate_bp = Set(rate_bp);
            updated.update(&app.db).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// A region's scheduled and past rates, by date.
pub async fn vat_rates_of(app: &App, region_id: Uuid) -> ApiResult<Vec<region_vat_rates::Model>> {
    Ok(region_vat_rates::Entity::find()
        .filter(region_vat_rates::Column::RegionId.eq(region_id))
        .order_by_asc(region_vat_rates::Column::AppliesFrom)
        .all(&app.db)
        .await?)
}
