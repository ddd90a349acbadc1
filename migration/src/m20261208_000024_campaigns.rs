//! Fleet campaigns: an admin's action on many cars at once (a free activation, a deactivation, an
//! offer), rolled out in groups with gates, at a rate, after a second admin's approval; each car's
//! part in it from its turn to its outcome.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn campaigns() -> TableCreateStatement {
    table("campaigns")
        .col(string_len("name", 120))
        .col(status("action"))
        .col(uuid("feature_id"))
        .col(integer_null("days"))
        // JSON: models, firmware range, regions, VINs, with or without the feature.
        .col(text("target"))
        .col(at("starts_at"))
        .col(at_null("ends_at"))
        .col(integer("rate_per_minute"))
        .col(integer_null("ramp_factor_percent"))
        .col(integer_null("ramp_every"))
        .col(integer_null("max_rate_per_minute"))
        .col(integer("timeout_seconds"))
        // JSON array of failure kinds.
        .col(text("abort_failure_kinds"))
        .col(integer("abort_min_executed"))
        .col(integer_null("abort_failure_percent"))
        .col(boolean("ask_owners"))
        .col(integer("answer_hours"))
        .col(integer("retry_minutes"))
        .col(status("state"))
        .col(string_len_null("state_reason", 300))
        .col(uuid("created_by"))
        .col(uuid_null("approved_by"))
        // The rate's allowance not yet used, in thousandths of a car, as of `credited_at`.
        .col(big_integer("credit_milli").default(0).take())
        .col(at_null("credited_at"))
        .col(at_null("started_at"))
        .col(at_null("finished_at"))
        .col(at("created_at"))
        .col(at("updated_at"))
        .foreign_key(&mut fk("campaigns", "feature_id", "features", false))
        .take()
}

fn campaign_groups() -> TableCreateStatement {
    table("campaign_groups")
        .col(uuid("campaign_id"))
        .col(integer("position"))
        .col(string_len("name", 80))
        .col(integer_null("car_count"))
        .col(integer_null("percent"))
        .col(uuid_null("region_id"))
        .col(integer("size").default(0).take())
        .col(integer("success_threshold_percent"))
        .col(integer_null("error_threshold_percent"))
        .col(status("state"))
        .col(at_null("started_at"))
        .col(at_null("finished_at"))
        .foreign_key(&mut fk("campaign_groups", "campaign_id", "campaigns", true))
        .take()
}

fn campaign_cars() -> TableCreateStatement {
    table("campaign_cars")
        .col(uuid("campaign_id"))
        .col(uuid("vehicle_id"))
        .col(integer("group_position"))
        .col(status("state"))
        .col(uuid_null("activation_id"))
        .col(integer("tries").default(0).take())
        .col(at_null("due_at"))
        .col(at_null("started_at"))
        .col(at_null("finished_at"))
        .col(string_len_null("outcome", 32))
        .col(string_len_null("detail", 300))
        .foreign_key(&mut fk("campaign_cars", "campaign_id", "campaigns", true))
        .foreign_key(&mut fk("campaign_cars", "vehicle_id", "vehicles", true))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            vec![campaigns(), campaign_groups(), campaign_cars()],
            vec![
                index("campaigns", &["state"]),
                unique("campaign_groups", &["campaign_id", "position"]),
                unique("campaign_cars", &["campaign_id", "vehicle_id"]),
                index("campaign_cars", &["campaign_id", "state", "group_position"]),
                index("campaign_cars", &["activation_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["campaign_cars", "campaign_groups", "campaigns"]).await
    }
}
