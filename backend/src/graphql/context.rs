//! What a resolver can take from the request context.

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::loaders::{ById, DbLoader, Loaders, load_error};
use crate::app::{App, AppState};
use crate::auth::Viewer;
use crate::domain::Locale;
use crate::error::{ApiError, ApiResult};

/// The language of the request: the user's, else the `Accept-Language` header's, else English.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestLocale(pub Locale);

/// The client's network address, for brute-force protection.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

/// The client's `User-Agent`.
#[derive(Clone, Debug)]
pub struct UserAgent(pub String);

/// The UUID an `ID` argument named `field` carries, or `BAD_USER_INPUT`.
pub fn parse_id(id: &async_graphql::ID, field: &'static str) -> ApiResult<Uuid> {
    id.parse().map_err(|_| ApiError::bad_input(field, "not a valid id"))
}

/// The application.
pub fn app<'a>(ctx: &'a Context<'_>) -> &'a App {
    ctx.data_unchecked::<AppState>()
}

/// The batched loaders.
pub fn loaders<'a>(ctx: &'a Context<'_>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// The caller.
pub fn viewer<'a>(ctx: &'a Context<'_>) -> &'a Viewer {
    Viewer::of(ctx)
}

/// The language to answer in.
pub fn locale(ctx: &Context<'_>) -> Locale {
    viewer(ctx).locale().or_else(|| ctx.data_opt::<RequestLocale>().map(|l| l.0)).unwrap_or_default()
}

/// The client's browser, `unknown` when it did not tell.
pub fn user_agent(ctx: &Context<'_>) -> String {
    ctx.data_opt::<UserAgent>().map_or_else(|| "unknown".to_owned(), |agent| agent.0.clone())
}

/// The client's address, `unknown` when the transport did not tell.
pub fn client_ip(ctx: &Context<'_>) -> String {
    ctx.data_opt::<ClientIp>().map_or_else(|| "unknown".to_owned(), |ip| ip.0.clone())
}

/// The `E` row with `id`, batched with every other such lookup of the request.
pub async fn load_by_id<E>(ctx: &Context<'_>, id: Uuid) -> ApiResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
    DbLoader: Loader<ById<E>, Value = E::Model, Error = std::sync::Arc<sea_orm::DbErr>>,
{
    loaders(ctx).load_one(ById::<E>::new(id)).await.map_err(load_error)
}

/// The `E` rows with `ids`, in the order of `ids` (missing ones skipped), in one batch.
pub async fn load_many_by_id<E>(ctx: &Context<'_>, ids: impl IntoIterator<Item = Uuid>) -> ApiResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
    DbLoader: Loader<ById<E>, Value = E::Model, Error = std::sync::Arc<sea_orm::DbErr>>,
{
    let keys: Vec<ById<E>> = ids.into_iter().map(ById::new).collect();
    let mut found = loaders(ctx).load_many(keys.iter().copied()).await.map_err(load_error)?;
    Ok(keys.iter().filter_map(|key| found.remove(key)).collect())
}

/// Like [`load_by_id`], for a row that must exist (a foreign key points at it).
pub async fn load_existing<E>(ctx: &Context<'_>, id: Uuid, what: &'static str) -> ApiResult<E::Model>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
    DbLoader: Loader<ById<E>, Value = E::Model, Error = std::sync::Arc<sea_orm::DbErr>>,
{
    load_by_id::<E>(ctx, id).await?.ok_or(ApiError::NotFound(what))
}

/// The children of a parent through one of the `…Of…` loader keys.
pub async fn load_children<K>(ctx: &Context<'_>, key: K) -> ApiResult<<DbLoader as Loader<K>>::Value>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Error = std::sync::Arc<sea_orm::DbErr>>,
    <DbLoader as Loader<K>>::Value: Default,
{
    Ok(loaders(ctx).load_one(key).await.map_err(load_error)?.unwrap_or_default())
}
