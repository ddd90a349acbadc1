//! Data rights over GraphQL: exports asked for and listed, erasure asked for and cancelled.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{ExportStatus, account_erasures, data_exports};

use super::{erasure, export};
use crate::app::AppState;
use crate::auth::Allow;
use crate::error::ApiResult;
use crate::graphql::context::{app, viewer};

/// A copy of everything the platform holds about you.
pub struct DataExport(data_exports::Model);

#[Object]
impl DataExport {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// PENDING while it is put together, READY to download, EXPIRED once the link lapsed.
    async fn status(&self) -> ExportStatus {
        self.0.status
    }

    /// When you asked for it.
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }

    /// When it was ready.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }

    /// Until when it can be downloaded; it is deleted then.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// Where to download the JSON document while READY, signed in as yourself (the address takes
    /// the same `Authorization` header as the API).
    async fn download_path(&self) -> Option<String> {
        (self.0.status == ExportStatus::Ready).then(|| format!("/documents/exports/{}.json", self.0.id))
    }
}

/// Your request to have your account erased.
pub struct AccountErasure(account_erasures::Model);

#[Object]
impl AccountErasure {
    /// When you asked.
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }

    /// When the account will be erased, unless you cancel before.
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }

    /// When you cancelled it.
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cancelled_at
    }
}

/// Queries of your data rights.
#[derive(Default)]
pub struct PrivacyQuery;

#[Object]
impl PrivacyQuery {
    /// Your data exports, newest first (the last 10).
    #[graphql(guard = "Allow::any_user()")]
    async fn my_data_exports(&self, ctx: &Context<'_>) -> ApiResult<Vec<DataExport>> {
        let me = viewer(ctx).user()?;
        Ok(export::exports_of(app(ctx), me.id).await?.into_iter().map(DataExport).collect())
    }

    /// The erasure of your account that is waiting, if you asked for one.
    #[graphql(guard = "Allow::any_user()")]
    async fn my_account_erasure(&self, ctx: &Context<'_>) -> ApiResult<Option<AccountErasure>> {
        let me = viewer(ctx).user()?;
        Ok(erasure::pending_of(&app(ctx).db, me.id).await?.map(AccountErasure))
    }
}

/// Mutations of your data rights.
#[derive(Default)]
pub struct PrivacyMutation;

#[Object]
impl PrivacyMutation {
    /// Asks for a copy of everything the platform holds about you, as one JSON document; once a
    /// day. It is put together at once (you are told in the app and by e-mail) and can be
    /// downloaded for 48 hours.
    #[graphql(guard = "Allow::any_user()")]
    async fn request_data_export(&self, ctx: &Context<'_>) -> ApiResult<DataExport> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let requested = export::request(&state, viewer(ctx)).await?;
        let id = requested.id;
        // Built beside the answer; the periodic task builds it if this instance stops first.
        tokio::spawn(async move {
            if let Err(err) = export::build(&state, id).await {
                tracing::warn!(error = ?err, export = %id, "a data export could not be built yet");
            }
        });
        Ok(DataExport(requested))
    }

    /// Asks for your account to be erased, confirmed with your password. It is carried out after
    /// 7 days unless you cancel; refused while a car sale or a repair of yours is open.
    #[graphql(guard = "Allow::any_user()")]
    async fn request_account_erasure(&self, ctx: &Context<'_>, password: String) -> ApiResult<AccountErasure> {
        erasure::request(app(ctx), viewer(ctx), &password).await.map(AccountErasure)
    }

    /// Cancels the erasure of your account that is waiting.
    #[graphql(guard = "Allow::any_user()")]
    async fn cancel_account_erasure(&self, ctx: &Context<'_>) -> ApiResult<AccountErasure> {
        erasure::cancel(app(ctx), viewer(ctx)).await.map(AccountErasure)
    }
}
