//! Partner API keys over GraphQL (sign-in and passwords are `accounts::sign_in`).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{Role, api_keys, vehicles};
use serde_json::json;

use super::api_keys as keys;
use super::grants;
use crate::audit::{self, Subject};
use crate::auth::{Allow, Scope};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, load_by_id, load_children, viewer};
use crate::graphql::loaders::{GrantsOfPartner, KeysOfPartner};

/// A partner API key (without its secret).
pub struct ApiKey(api_keys::Model);

#[Object]
impl ApiKey {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// A name to recognise it by.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The public start of the key, to tell keys apart.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    /// What it may read.
    async fn scopes(&self) -> Vec<Scope> {
        keys::scopes_of(&self.0)
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A partner organisation reading the API with keys (ADMIN).
pub struct Partner(entity::partners::Model);

#[Object]
impl Partner {
    /// Stable id (the `partnerId` of its keys and grants).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Its API keys, newest first (revoked ones too).
    async fn api_keys(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiKey>> {
        Ok(load_children(ctx, KeysOfPartner(self.0.id)).await?.into_iter().map(ApiKey).collect())
    }

    /// The VINs of the cars it may read, in the order granted.
    async fn granted_vehicles(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let mut vins = Vec::new();
        for grant in load_children(ctx, GrantsOfPartner(self.0.id)).await? {
            vins.extend(load_by_id::<vehicles::Entity>(ctx, grant.vehicle_id).await?.map(|car| car.vin));
        }
        Ok(vins)
    }
}

/// Queries of partners.
#[derive(Default)]
pub struct PartnersQuery;

#[Object]
impl PartnersQuery {
    /// Every partner, by name (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn partners(&self, ctx: &Context<'_>) -> ApiResult<Vec<Partner>> {
        Ok(grants::partners(app(ctx)).await?.into_iter().map(Partner).collect())
    }
}

/// A key just created, with its secret shown this once.
pub struct CreatedApiKey(keys::CreatedKey);

#[Object]
impl CreatedApiKey {
    /// The stored key.
    async fn api_key(&self) -> ApiKey {
        ApiKey(self.0.model.clone())
    }

    /// The key to give the partner, sent as the `X-Api-Key` header. It is not stored and cannot
    /// be shown again.
    async fn secret(&self) -> &str {
        &self.0.plain_key
    }
}

/// Mutations of partner API keys.
#[derive(Default)]
pub struct ApiKeysMutation;

#[Object]
impl ApiKeysMutation {
    /// Creates an API key for a partner (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        partner_id: ID,
        name: String,
        scopes: Vec<Scope>,
    ) -> ApiResult<CreatedApiKey> {
        let partner_id = partner_id.parse().map_err(|_| ApiError::bad_input("partnerId", "not a partner id"))?;
        let app = app(ctx);
        let created = keys::create(app, &app.db, partner_id, &name, &scopes, None).await?;
        let subject = Subject { kind: "api_key", id: &created.model.id.to_string() };
        audit::record(app, &app.db, viewer(ctx), "api_key.create", subject, json!({ "scopes": created.model.scopes }))
            .await?;
        Ok(CreatedApiKey(created))
    }

    /// Revokes an API key at once (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ApiKey> {
        let id = id.parse().map_err(|_| ApiError::bad_input("id", "not an API key id"))?;
        let app = app(ctx);
        let revoked = keys::revoke(app, id).await?;
        audit::record(
            app,
            &app.db,
            viewer(ctx),
            "api_key.revoke",
            Subject { kind: "api_key", id: &id.to_string() },
            json!({}),
        )
        .await?;
        Ok(ApiKey(revoked))
    }

    /// Registers a partner organisation (ADMIN), to give keys and cars to.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn create_partner(&self, ctx: &Context<'_>, name: String) -> ApiResult<Partner> {
        let app = app(ctx);
        let partner = grants::create_partner(app, &name).await?;
        let subject = Subject { kind: "partner", id: &partner.id.to_string() };
        audit::record(app, &app.db, viewer(ctx), "partner.create", subject, json!({ "name": partner.name })).await?;
        Ok(Partner(partner))
    }

    /// Lets a partner read a vehicle (ADMIN; owners will grant it themselves): the partner's keys
    /// then see the car within their scopes (`telemetry:read` for what it reports). Granting twice
    /// is one grant.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn grant_partner_vehicle(&self, ctx: &Context<'_>, partner_id: ID, vin: String) -> ApiResult<bool> {
        let partner_id = partner_id.parse().map_err(|_| ApiError::bad_input("partnerId", "not a partner id"))?;
        let app = app(ctx);
        let vehicle_id = grants::grant(app, partner_id, &vin).await?;
        let subject = Subject { kind: "vehicle", id: &vehicle_id.to_string() };
        audit::record(app, &app.db, viewer(ctx), "partner_vehicle.grant", subject, json!({ "partnerId": partner_id }))
            .await?;
        Ok(true)
    }

    /// Stops a partner reading a vehicle, at once (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn revoke_partner_vehicle(&self, ctx: &Context<'_>, partner_id: ID, vin: String) -> ApiResult<bool> {
        let partner_id = partner_id.parse().map_err(|_| ApiError::bad_input("partnerId", "not a partner id"))?;
        let app = app(ctx);
        let vehicle_id = grants::revoke(app, partner_id, &vin).await?;
        let subject = Subject { kind: "vehicle", id: &vehicle_id.to_string() };
        audit::record(app, &app.db, viewer(ctx), "partner_vehicle.revoke", subject, json!({ "partnerId": partner_id }))
            .await?;
        Ok(true)
    }
}
