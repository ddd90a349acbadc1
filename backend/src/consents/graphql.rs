//! Consents over GraphQL: the owner's grants and revocations, the partners they can choose from,
//! the cars a partner was granted, and `Vehicle.consents`.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{Role, partner_vehicle_grants, partners};
use serde_json::json;

use crate::audit::{self, Subject};
use crate::auth::{Allow, Scope, Viewer};
use crate::domain::Locale;
use crate::error::{ApiError, ApiResult};
use crate::fleet::graphql::Vehicle;
use crate::graphql::context::{app, load_by_id, locale, parse_id, viewer};
use crate::policy;
use crate::sessions::grants;

/// A partner as an owner chooses it: its name only.
pub struct PartnerName(partners::Model);

#[Object]
impl PartnerName {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The organisation's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
}

/// A scope as the owner reads it.
pub struct ScopeDescription {
    scope: Scope,
    locale: Locale,
}

#[Object]
impl ScopeDescription {
    /// The scope.
    async fn scope(&self) -> Scope {
        self.scope
    }

    /// What it lets the partner see, in plain words in the reader's language.
    async fn description(&self) -> String {
        describe(self.scope, self.locale)
    }
}

/// What a scope lets a partner see, in plain words.
fn describe(scope: Scope, locale: Locale) -> String {
    crate::i18n::text(locale, &format!("consent-scope-{}", scope.as_str().replace(':', "-")), &json!({}))
}

/// A partner the owner lets read the car.
pub struct VehicleConsent {
    grant: partner_vehicle_grants::Model,
    locale: Locale,
}

#[Object]
impl VehicleConsent {
    /// The partner.
    async fn partner(&self, ctx: &Context<'_>) -> ApiResult<PartnerName> {
        let partner = load_by_id::<partners::Entity>(ctx, self.grant.partner_id).await?;
        partner.map(PartnerName).ok_or(ApiError::NotFound("partner"))
    }

    /// What it may read.
    async fn scopes(&self) -> Vec<ScopeDescription> {
        policy::grant_scopes(&self.grant)
            .into_iter()
            .map(|scope| ScopeDescription { scope, locale: self.locale })
            .collect()
    }

    /// When it was given (or last changed).
    async fn granted_at(&self) -> DateTime<Utc> {
        self.grant.granted_at
    }

    /// Whether the owner gave it (`false`: an administrator did, before owners consented).
    async fn by_owner(&self) -> bool {
        self.grant.granted_by.is_some()
    }
}

/// `Vehicle.consents`: the partners reading the car (its owner and platform staff).
pub async fn consents_of(ctx: &Context<'_>, car: &entity::vehicles::Model) -> ApiResult<Vec<VehicleConsent>> {
    let viewer = viewer(ctx);
    if !(policy::may_consent(viewer, car) || viewer.is_platform_staff()) {
        return Err(ApiError::Forbidden("only the car's owner sees who reads it".into()));
    }
    let locale = locale(ctx);
    let grants = grants::grants_of_car(app(ctx), car.id).await?;
    Ok(grants.into_iter().map(|grant| VehicleConsent { grant, locale }).collect())
}

/// Queries of consents.
#[derive(Default)]
pub struct ConsentsQuery;

#[Object]
impl ConsentsQuery {
    /// The partners an owner can let read their car, by name.
    #[graphql(guard = "Allow::users(&[Role::Customer, Role::Support, Role::Admin])")]
    async fn consent_partners(&self, ctx: &Context<'_>) -> ApiResult<Vec<PartnerName>> {
        Ok(grants::partners(app(ctx)).await?.into_iter().map(PartnerName).collect())
    }

    /// The scopes an owner can give, each described in the reader's language.
    #[graphql(guard = "Allow::users(&[Role::Customer, Role::Support, Role::Admin])")]
    async fn consent_scopes(&self, ctx: &Context<'_>) -> Vec<ScopeDescription> {
        let locale = locale(ctx);
        grants::READ_SCOPES
            .iter()
            .filter_map(|name| Scope::parse(name))
            .map(|scope| ScopeDescription { scope, locale })
            .collect()
    }

    /// The cars whose owners let this partner read them (partner keys with `vehicles:read`), by VIN.
    #[graphql(guard = "Allow::users(&[]).or_partner(Scope::VehiclesRead)")]
    async fn granted_vehicles(&self, ctx: &Context<'_>) -> ApiResult<Vec<Vehicle>> {
        let Viewer::Partner(partner) = viewer(ctx) else {
            return Err(ApiError::Forbidden("this is for partner API keys".into()));
        };
        let cars = grants::granted_cars(app(ctx), partner.partner_id, Scope::VehiclesRead).await?;
        Ok(cars.into_iter().map(Vehicle::from).collect())
    }
}

/// Mutations of consents.
#[derive(Default)]
pub struct ConsentsMutation;

#[Object]
impl ConsentsMutation {
    /// The owner lets a partner read their car with `scopes` (replacing what they gave it before);
    /// audited.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn grant_vehicle_access(
        &self,
        ctx: &Context<'_>,
        vin: String,
        partner_id: ID,
        scopes: Vec<Scope>,
    ) -> ApiResult<VehicleConsent> {
        let partner_id = parse_id(&partner_id, "partnerId")?;
        let app = app(ctx);
        let (car, grant) = grants::consent(app, viewer(ctx), partner_id, &vin, &scopes).await?;
        let details = json!({ "partnerId": partner_id, "scopes": grant.scopes });
        let subject = Subject { kind: "vehicle", id: &car.id.to_string() };
        audit::record(app, &app.db, viewer(ctx), "consent.grant", subject, details).await?;
        Ok(VehicleConsent { grant, locale: locale(ctx) })
    }

    /// The owner takes a partner's access to their car back; it ends at once. Whether there was one.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn revoke_vehicle_access(&self, ctx: &Context<'_>, vin: String, partner_id: ID) -> ApiResult<bool> {
        let partner_id = parse_id(&partner_id, "partnerId")?;
        let app = app(ctx);
        let (car, revoked) = grants::withdraw(app, viewer(ctx), partner_id, &vin).await?;
        let subject = Subject { kind: "vehicle", id: &car.id.to_string() };
        audit::record(app, &app.db, viewer(ctx), "consent.revoke", subject, json!({ "partnerId": partner_id })).await?;
        Ok(revoked)
    }
}
