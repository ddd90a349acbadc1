//! The workshop domain's GraphQL: set-up, bookings, repair orders with diagnostics, and the
//! maintenance records of the expediente.

pub mod bookings;
pub mod diagnostics;
pub mod maintenance;
pub mod repairs;
pub mod setup;
pub mod types;

use async_graphql::{MergedObject, MergedSubscription};

pub use maintenance::MaintenanceRecord;

/// The workshop domain's queries.
#[derive(MergedObject, Default)]
pub struct WorkshopsQuery(setup::SetupQuery, bookings::BookingsQuery, repairs::RepairsQuery);

/// The workshop domain's mutations.
#[derive(MergedObject, Default)]
pub struct WorkshopsMutation(setup::SetupMutation, bookings::BookingsMutation, repairs::RepairsMutation);

/// The workshop domain's subscriptions.
#[derive(MergedSubscription, Default)]
pub struct WorkshopsSubscription(repairs::RepairsSubscription);
