//! Loaders: every relation a list can reach is fetched in one batched query per level of a request
//! ([`BatchLoader`] gathers the keys).
//!
//! `ById<E>` loads rows of any entity by primary key; the `…Of…` keys load the children of a parent,
//! each key type naming exactly one relation.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use sea_orm::sea_query::ValueType;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, ModelTrait, PrimaryKeyToColumn, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::batch::BatchLoader;
use crate::error::ApiError;

/// Loads rows from the database in batches.
pub struct DbLoader {
    db: DatabaseConnection,
}

/// The shared loader (batching without caching, so it is safe to share between requests).
pub type Loaders = BatchLoader<DbLoader>;

/// A loader batching the lookups made in the same pass of a request's resolvers.
pub fn loaders(db: DatabaseConnection) -> Loaders {
    BatchLoader::new(DbLoader { db })
}

/// A loader failure, as the API reports it.
pub fn load_error(err: Arc<DbErr>) -> ApiError {
    ApiError::internal(anyhow::anyhow!("loading related rows: {err}"))
}

/// The key of an `E` row by its UUID primary key.
pub struct ById<E>(pub Uuid, PhantomData<fn() -> E>);

impl<E> ById<E> {
    /// The key of the row with `id`.
    pub fn new(id: Uuid) -> Self {
        Self(id, PhantomData)
    }
}

impl<E> Clone for ById<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for ById<E> {}
impl<E> PartialEq for ById<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for ById<E> {}
impl<E> Hash for ById<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

fn primary_key_column<E: EntityTrait>() -> E::Column {
    E::PrimaryKey::iter().next().map(|key| key.into_column()).expect("every entity has a primary key")
}

impl<E> Loader<ById<E>> for DbLoader
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = E::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, E::Model>, Self::Error> {
        let column = primary_key_column::<E>();
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let rows = E::find().filter(column.is_in(ids)).all(&self.db).await.map_err(Arc::new)?;
        let mut found = HashMap::with_capacity(rows.len());
        for row in rows {
            if let Ok(id) = <Uuid as ValueType>::try_from(row.get(column)) {
                found.insert(ById::new(id), row);
            }
        }
        Ok(found)
    }
}

/// A parent id column, mandatory or optional.
trait ParentKey {
    fn parent_key(self) -> Option<Uuid>;
}

impl ParentKey for Uuid {
    fn parent_key(self) -> Option<Uuid> {
        Some(self)
    }
}

impl ParentKey for Option<Uuid> {
    fn parent_key(self) -> Option<Uuid> {
        self
    }
}

/// Declares a key type loading all `entity` rows whose `column` is the key, in `order`.
macro_rules! children {
    ($(#[$doc:meta])* $key:ident => $entity:ident . $field:ident ($column:ident), by $order:ident $direction:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub Uuid);

        impl Loader<$key> for DbLoader {
            type Value = Vec<entity::$entity::Model>;
            type Error = Arc<DbErr>;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                use entity::$entity::{Column, Entity};
                let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
                let rows = Entity::find()
                    .filter(Column::$column.is_in(ids))
                    .order_by(Column::$order, sea_orm::Order::$direction)
                    .all(&self.db)
                    .await
                    .map_err(Arc::new)?;
                let mut children: HashMap<$key, Self::Value> = keys.iter().map(|key| (*key, Vec::new())).collect();
                for row in rows {
                    if let Some(parent) = ParentKey::parent_key(row.$field) {
                        children.entry($key(parent)).or_default().push(row);
                    }
                }
                Ok(children)
            }
        }
    };
}

children!(
    /// The activations of a vehicle, newest first.
    ActivationsOfVehicle => activations.vehicle_id(VehicleId), by CreatedAt Desc
);
children!(
    /// The texts of a feature in every language.
    TextsOfFeature => feature_texts.feature_id(FeatureId), by Locale Asc
);
children!(
    /// The models a feature is compatible with.
    ModelsOfFeature => feature_models.feature_id(FeatureId), by ModelId Asc
);
children!(
    /// The manuals of a vehicle model.
    ManualsOfModel => model_manuals.model_id(ModelId), by Locale Asc
);
children!(
    /// The sales of a vehicle, newest first.
    OrdersOfVehicle => orders.vehicle_id(VehicleId), by CreatedAt Desc
);
children!(
    /// The manufacturing timeline of an order, in the order it happened.
    EventsOfOrder => manufacturing_events.order_id(OrderId), by OccurredAt Asc
);
children!(
    /// The API keys of a partner, newest first.
    KeysOfPartner => api_keys.partner_id(PartnerId), by CreatedAt Desc
);
children!(
    /// The vehicles a partner was granted, in the order granted.
    GrantsOfPartner => partner_vehicle_grants.partner_id(PartnerId), by GrantedAt Asc
);
children!(
    /// The maintenance history of a vehicle, newest first.
    MaintenanceOfVehicle => maintenance_records.vehicle_id(VehicleId), by PerformedAt Desc
);
children!(
    /// The invoices of a vehicle, newest first.
    InvoicesOfVehicle => invoices.vehicle_id(VehicleId), by IssuedAt Desc
);
children!(
    /// The invoice of a payment and the credit notes of its refunds, oldest first.
    InvoicesOfPayment => invoices.payment_id(PaymentId), by IssuedAt Asc
);
children!(
    /// The lines of an invoice, in position order.
    LinesOfInvoice => invoice_lines.invoice_id(InvoiceId), by Position Asc
);
children!(
    /// The payments of an order, oldest first (ids are time-ordered).
    PaymentsOfOrder => payments.order_id(OrderId), by Id Asc
);
children!(
    /// The payments of an activation, oldest first (ids are time-ordered).
    PaymentsOfActivation => payments.activation_id(ActivationId), by Id Asc
);
children!(
    /// The lines of a repair order, in position order.
    LinesOfRepairOrder => repair_order_lines.repair_order_id(RepairOrderId), by Position Asc
);
children!(
    /// The timeline of a repair order, in the order it happened (ids are time-ordered).
    EventsOfRepairOrder => repair_order_events.repair_order_id(RepairOrderId), by Id Asc
);
children!(
    /// The repair orders of a vehicle, newest first.
    RepairOrdersOfVehicle => repair_orders.vehicle_id(VehicleId), by CreatedAt Desc
);
children!(
    /// The diagnostic sessions of a vehicle, newest first.
    DiagnosticsOfVehicle => diagnostic_sessions.vehicle_id(VehicleId), by CreatedAt Desc
);
children!(
    /// The diagnostic sessions of a repair order, oldest first.
    DiagnosticsOfRepairOrder => diagnostic_sessions.repair_order_id(RepairOrderId), by CreatedAt Asc
);
children!(
    /// The net prices of a service type by region.
    PricesOfServiceType => service_type_prices.service_type_id(ServiceTypeId), by RegionId Asc
);
children!(
    /// The resources a booking holds.
    HoldsOfBooking => resource_bookings.booking_id(BookingId), by StartsAt Asc
);
children!(
    /// The repair order opened for a booking (one at most).
    RepairOrdersOfBooking => repair_orders.booking_id(BookingId), by CreatedAt Asc
);
