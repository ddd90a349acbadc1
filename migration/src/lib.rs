//! Database migrations of CaaS, for SQLite and PostgreSQL alike.
//!
//! Migrations describe tables with the schema builder only and never import the entities, so an entity
//! can change without rewriting history. Each file creates one domain's tables; `down` drops them in the
//! reverse order of their foreign keys.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261122_000001_accounts;
mod m20261122_000002_fleet;
mod m20261122_000003_catalog;
mod m20261122_000004_orders;
mod m20261122_000005_activation_billing;
mod m20261122_000006_workshops;
mod m20261122_000007_operations;
mod m20261122_000008_delivery_and_order_errors;
mod m20261122_000009_activation_periods;
mod m20261201_000010_activation_lookup;
mod m20261201_000011_one_live_activation;
mod m20261201_000012_sale_payments_and_yearly_numbers;
mod m20261202_000013_rate_limits;
mod m20261203_000014_failure_codes;
mod m20261204_000015_cluster;
mod m20261205_000016_workshop_operations;
mod m20261206_000017_telemetry;
mod m20261206_000018_operations;
mod m20261206_000019_payment_methods;
mod m20261206_000020_identity;
mod m20261207_000021_remote_control;
mod m20261207_000022_channels;
mod m20261207_000023_assistant;
mod m20261208_000024_campaigns;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261122_000002_fleet::Migration),
            Box::new(m20261122_000003_catalog::Migration),
            Box::new(m20261122_000004_orders::Migration),
            Box::new(m20261122_000005_activation_billing::Migration),
            Box::new(m20261122_000006_workshops::Migration),
            Box::new(m20261122_000007_operations::Migration),
            Box::new(m20261122_000008_delivery_and_order_errors::Migration),
            Box::new(m20261122_000009_activation_periods::Migration),
            Box::new(m20261201_000010_activation_lookup::Migration),
            Box::new(m20261201_000011_one_live_activation::Migration),
            Box::new(m20261201_000012_sale_payments_and_yearly_numbers::Migration),
            Box::new(m20261202_000013_rate_limits::Migration),
            Box::new(m20261203_000014_failure_codes::Migration),
            Box::new(m20261204_000015_cluster::Migration),
            Box::new(m20261205_000016_workshop_operations::Migration),
            Box::new(m20261206_000017_telemetry::Migration),
            Box::new(m20261206_000018_operations::Migration),
            Box::new(m20261206_000019_payment_methods::Migration),
            Box::new(m20261206_000020_identity::Migration),
            Box::new(m20261207_000021_remote_control::Migration),
            Box::new(m20261207_000022_channels::Migration),
            Box::new(m20261207_000023_assistant::Migration),
            Box::new(m20261208_000024_campaigns::Migration),
        ]
    }
}
