//! The schema: every domain's queries, mutations and subscriptions merged, with limits.

use std::sync::Arc;

use async_graphql::{MergedObject, MergedSubscription, SDLExportOptions, Schema, SchemaBuilder};

use crate::accounts::graphql::{AccountsMutation, AccountsQuery};
use crate::accounts::identity_graphql::{IdentityMutation, IdentityQuery};
use crate::accounts::sign_in::SignInMutation;
use crate::accounts::staff_graphql::{StaffMutation, StaffQuery};
use crate::activation::graphql::{ActivationMutation, ActivationQuery, ActivationSubscription};
use crate::activation::live::ProgressReads;
use crate::analytics::graphql::{AnalyticsMutation, AnalyticsQuery};
use crate::app::AppState;
use crate::assistant::graphql::{AssistantMutation, AssistantQuery, AssistantSubscription};
use crate::billing::graphql::BillingQuery;
use crate::campaigns::graphql::{CampaignsMutation, CampaignsQuery, CampaignsSubscription};
use crate::catalog::admin_graphql::{CatalogAdminMutation, CatalogAdminQuery};
use crate::catalog::graphql::{CatalogMutation, CatalogQuery};
use crate::catalog::maintenance::RecentMaintenance;
use crate::consents::graphql::{ConsentsMutation, ConsentsQuery};
use crate::expediente::graphql::ExpedienteQuery;
use crate::fleet::graphql::FleetQuery;
use crate::graphql::loaders::loaders;
use crate::notifications::graphql::{NotificationsMutation, NotificationsQuery, NotificationsSubscription};
use crate::notifications::settings_graphql::{NotificationSettingsMutation, NotificationSettingsQuery};
use crate::orders::graphql::{OrdersMutation, OrdersQuery, OrdersSubscription};
use crate::payments::graphql::{PaymentsMutation, PaymentsQuery};
use crate::privacy::graphql::{PrivacyMutation, PrivacyQuery};
use crate::remote::graphql::{RemoteMutation, RemoteQuery, RemoteSubscription};
use crate::sessions::graphql::{ApiKeysMutation, PartnersQuery};
use crate::settlement::graphql::{TransfersMutation, TransfersQuery};
use crate::support::graphql::{SupportMutation, SupportQuery};
use crate::telemetry::graphql::TelemetrySubscription;
use crate::workshops::graphql::{WorkshopsMutation, WorkshopsQuery, WorkshopsSubscription};

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    AccountsQuery,
    IdentityQuery,
    FleetQuery,
    CatalogQuery,
    ExpedienteQuery,
    OrdersQuery,
    ActivationQuery,
    BillingQuery,
    PaymentsQuery,
    TransfersQuery,
    NotificationsQuery,
    NotificationSettingsQuery,
    WorkshopsQuery,
    PartnersQuery,
    ConsentsQuery,
    StaffQuery,
    CatalogAdminQuery,
    PrivacyQuery,
    AnalyticsQuery,
    SupportQuery,
    RemoteQuery,
    AssistantQuery,
    CampaignsQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    SignInMutation,
    IdentityMutation,
    AccountsMutation,
    ApiKeysMutation,
    CatalogMutation,
    OrdersMutation,
    ActivationMutation,
    PaymentsMutation,
    TransfersMutation,
    NotificationsMutation,
    NotificationSettingsMutation,
    WorkshopsMutation,
    ConsentsMutation,
    StaffMutation,
    CatalogAdminMutation,
    PrivacyMutation,
    AnalyticsMutation,
    SupportMutation,
    RemoteMutation,
    AssistantMutation,
    CampaignsMutation,
);

/// Every subscription.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    OrdersSubscription,
    ActivationSubscription,
    NotificationsSubscription,
    WorkshopsSubscription,
    TelemetrySubscription,
    RemoteSubscription,
    AssistantSubscription,
    CampaignsSubscription,
);

/// The CaaS GraphQL schema.
pub type CaasSchema = Schema<Query, Mutation, Subscription>;

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription::default())
}

/// The schema serving `app`, with its query limits; requests reach it through
/// [`GraphqlPipeline`](crate::pipeline::GraphqlPipeline).
pub fn build_schema(app: AppState) -> CaasSchema {
    let config = &app.config;
    let mut builder = builder();
    if !config.introspection_enabled() {
        // Without the schema, "Did you mean …?" would tell it field by field.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder
        .limit_depth(config.query_depth)
        .limit_complexity(config.query_complexity)
        .limit_recursive_depth(64)
        // @skip and @include, and a few more at most: graphql-cop's "directive overloading" sends 10.
        .limit_directives(4)
        .data(loaders(app.db.clone()))
        // Shared by every subscription of this server watching the same activation.
        .data(Arc::new(ProgressReads::default()))
        // The VSS's recent answers, for the catalog's maintenance gate.
        .data(Arc::new(RecentMaintenance::default()))
        .data(app)
        .finish()
}

/// The schema in SDL, sorted so that it only changes when the API does.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_arguments().sorted_enum_items())
}
