//! The demo data: a small but complete world to try the product with.
//!
//! Three regions, two dealerships, two workshops (with bays, hours, services, bookings and a job
//! in progress), three models, 24 vehicles, 13 features priced for
//! every duration model in every region, the demo users of the README, owned vehicles with their
//! order history, activations, maintenance and invoices, and a partner with an API key.

mod features;
pub mod fleet;
mod telemetry;
mod workshops;
mod world;

use std::fmt;

use entity::{regions, users};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::app::App;
use crate::payments::cards;
use crate::platform::db::begin_write;

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "caas-demo";

/// The demo partner's API key (send it as `X-Api-Key`); production refuses to start while it exists.
pub const DEMO_PARTNER_API_KEY: &str = "caas_demopartner_k3y-for-the-demo-only-never-in-production";

/// The demo accounts, as listed in the README.
pub const DEMO_USERS: [&str; 8] = [
    "admin@demo.caas",
    "support@demo.caas",
    "dealer@demo.caas",
    "dealer2@demo.caas",
    "workshop@demo.caas",
    "workshop2@demo.caas",
    "customer@demo.caas",
    "customer2@demo.caas",
];

/// What was seeded.
#[derive(Debug)]
pub struct SeedSummary {
    /// The demo partner key.
    pub partner_api_key: String,
    /// Vehicles created.
    pub vehicles: usize,
    /// Features created.
    pub features: usize,
}

impl fmt::Display for SeedSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Demo data loaded: 3 regions, 2 dealerships, 2 workshops, 3 models, {} vehicles, {} features.",
            self.vehicles, self.features
        )?;
        writeln!(f, "Demo users (password `{DEMO_PASSWORD}`): {}", DEMO_USERS.join(", "))?;
        write!(f, "Demo partner API key (send as X-Api-Key): {}", self.partner_api_key)
    }
}

/// Whether the database holds no data yet (no region).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(regions::Entity::find().count(db).await? == 0)
}

/// Whether the demo accounts are in the database.
pub async fn demo_present(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(users::Entity::find().filter(users::Column::Email.is_in(DEMO_USERS)).count(db).await? > 0)
}

/// The test card the demo customers have saved (the payment simulator's, and Stripe's test mode's).
const DEMO_CARD: &str = "pm_card_visa";

/// Loads the demo data in one transaction, then saves a card at the payment gateway for each demo
/// customer, as they would in the app.
pub async fn seed_demo(app: &App) -> anyhow::Result<SeedSummary> {
    let txn = begin_write(&app.db).await?;
    let summary = world::build(app, &txn).await?;
    crate::assistant::faq::seed(&txn, app.clock.now()).await?;
    txn.commit().await?;
    let customers = users::Entity::find()
        .filter(users::Column::Email.is_in(DEMO_USERS))
        .filter(users::Column::Role.eq(entity::Role::Customer))
        .all(&app.db)
        .await?;
    for customer in customers {
        if let Err(err) = cards::save_for(app, &customer, DEMO_CARD, "demo-card").await {
            tracing::warn!(error = ?err, user = %customer.id, "the demo customer's card could not be saved");
        }
    }
    Ok(summary)
}
