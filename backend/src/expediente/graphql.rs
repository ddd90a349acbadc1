//! The `expediente(vin)` query.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object};
use entity::vehicles;

use super::service;
use crate::accounts::graphql::User;
use crate::activation::graphql::Activation;
use crate::auth::{Allow, Scope};
use crate::billing::graphql::Invoice;
use crate::error::ApiResult;
use crate::fleet::graphql::{Manual, Vehicle, owner_of};
use crate::graphql::connection::sliced;
use crate::graphql::context::{app, load_children, viewer};
use crate::graphql::loaders::{
    ActivationsOfVehicle, DiagnosticsOfVehicle, InvoicesOfVehicle, MaintenanceOfVehicle, ManualsOfModel,
    OrdersOfVehicle, RepairOrdersOfVehicle,
};
use crate::orders::graphql::Order;
use crate::policy;
use crate::workshops::graphql::MaintenanceRecord;
use crate::workshops::graphql::diagnostics::DiagnosticSession;
use crate::workshops::graphql::types::RepairOrder;

/// Everything about one vehicle that the caller may see.
pub struct Expediente(pub vehicles::Model);

#[Object]
impl Expediente {
    /// The vehicle.
    async fn vehicle(&self) -> Vehicle {
        Vehicle::from(self.0.clone())
    }

    /// The owner (personal data: the owner, the selling dealership and platform staff only).
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        owner_of(ctx, &self.0).await
    }

    /// Sales of this vehicle visible to you, newest first, with their manufacturing timeline.
    async fn orders(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Order>> {
        let mut rows = load_children(ctx, OrdersOfVehicle(self.0.id)).await?;
        rows.retain(|order| policy::order(viewer(ctx), order));
        sliced(rows, after, first, |order| order.id.to_string(), Order)
    }

    /// Features bought for this vehicle, newest first.
    async fn activations(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Activation>> {
        let mut rows = load_children(ctx, ActivationsOfVehicle(self.0.id)).await?;
        rows.retain(|activation| policy::activation(viewer(ctx), activation, &self.0));
        sliced(rows, after, first, |activation| activation.id.to_string(), Activation)
    }

    /// Maintenance history, newest first.
    async fn maintenance(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, MaintenanceRecord>> {
        let rows = load_children(ctx, MaintenanceOfVehicle(self.0.id)).await?;
        sliced(rows, after, first, |record| record.id.to_string(), MaintenanceRecord)
    }

    /// Diagnostic sessions of this vehicle, newest first, with their fault codes decoded: for its
    /// owner, a workshop working on it and platform staff.
    async fn diagnostics(&self, ctx: &Context<'_>) -> ApiResult<Vec<DiagnosticSession>> {
        if !policy::diagnostics(viewer(ctx)) {
            return Ok(Vec::new());
        }
        let rows = load_children(ctx, DiagnosticsOfVehicle(self.0.id)).await?;
        Ok(rows.into_iter().map(DiagnosticSession).collect())
    }

    /// Repair orders of this vehicle visible to you, newest first: its customer's, a workshop's
    /// own, every one for platform staff.
    async fn repair_orders(&self, ctx: &Context<'_>) -> ApiResult<Vec<RepairOrder>> {
        let mut rows = load_children(ctx, RepairOrdersOfVehicle(self.0.id)).await?;
        rows.retain(|job| policy::repair_order(viewer(ctx), job));
        Ok(rows.into_iter().map(RepairOrder).collect())
    }

    /// Invoices and credit notes for this vehicle visible to you, newest first.
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Invoice>> {
        let mut rows = load_children(ctx, InvoicesOfVehicle(self.0.id)).await?;
        rows.retain(|invoice| policy::invoice(viewer(ctx), invoice));
        sliced(rows, after, first, |invoice| invoice.id.to_string(), Invoice)
    }

    /// Owner's manuals of the vehicle's model.
    async fn manuals(&self, ctx: &Context<'_>) -> ApiResult<Vec<Manual>> {
        let rows = load_children(ctx, ManualsOfModel(self.0.model_id)).await?;
        Ok(rows.into_iter().map(Manual).collect())
    }
}

/// The expediente query.
#[derive(Default)]
pub struct ExpedienteQuery;

#[Object]
impl ExpedienteQuery {
    /// The expediente (purchase record) of the vehicle with `vin`.
    #[graphql(
        guard = "Allow::any_user().or_partner(Scope::ExpedienteRead)",
        complexity = "crate::graphql::connection::LOOKUP_COST + child_complexity"
    )]
    async fn expediente(&self, ctx: &Context<'_>, vin: String) -> ApiResult<Expediente> {
        service::expediente(app(ctx), viewer(ctx), &vin).await.map(Expediente)
    }
}
