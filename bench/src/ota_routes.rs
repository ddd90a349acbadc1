//! The OTA engine suite's handles on the server under test.
//!
//! - `POST /bench/ota/cars/{count}`: `count` new cars for the demo customer, no feature on; answers
//!   their VINs.
//! - `POST /bench/ota/noop/{count}`: `count` jobs for activations that are already ACTIVE, queued
//!   in one transaction — the engine claims, loads and ends each without any work (the ceiling);
//!   answers when they were queued (Unix ms).
//! - `GET /bench/ota/status`: jobs still to run, notifications still to send, and when the last job
//!   ended (Unix ms).
//! - `PUT /bench/ota/fleet`: the fleet simulator's knobs (failure rates).
//! - `POST /bench/ota/check`: the invariants of PRODUCT.md over the given cars' activations of a
//!   feature, against the fleet's and the gateway's own records.
//! - `POST /bench/campaigns/approver`: a second admin (`APPROVER`, the demo password), for the
//!   four eyes a campaign needs.
//! - `GET /bench/campaigns/{id}/check`: the cars of a campaign the fleet simulator reports with its
//!   feature on, and the charges held for its activations.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use caas::activation::jobs;
use caas::app::AppState;
use caas::integrations::fleet::simulator::FleetKnobs;
use caas::integrations::simulators::Simulators;
use caas::platform::events::DomainEvent;
use chrono::{DateTime, Utc};
use entity::{
    ActivationStatus, NotificationStatus, OtaCommand, OtaJobStatus, PaymentKind, PaymentStatus, activations, features,
    notifications, ota_jobs, payments, users, vehicles,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The demo customer every car of the suite belongs to.
const CUSTOMER: &str = "customer@demo.caas";
/// Rows per INSERT of queued jobs.
const ROWS_PER_INSERT: usize = 500;

#[derive(Clone)]
struct Engine {
    app: AppState,
    simulators: Arc<OnceLock<Simulators>>,
}

/// The routes; `simulators` is filled in once the server has started them.
pub fn routes(app: AppState, simulators: Arc<OnceLock<Simulators>>) -> Router {
    Router::new()
        .route("/bench/ota/cars/{count}", post(new_cars))
        .route("/bench/ota/noop/{count}", post(queue_noop_jobs))
        .route("/bench/ota/status", get(status))
        .route("/bench/ota/fleet", put(fleet_knobs))
        .route("/bench/ota/check", post(check))
        .route("/bench/campaigns/approver", post(second_admin))
        .route("/bench/campaigns/{id}/check", get(campaign_check))
        .with_state(Engine { app, simulators })
}

fn failed(error: impl std::fmt::Display) -> StatusCode {
    eprintln!("bench OTA route: {error}");
    StatusCode::INTERNAL_SERVER_ERROR
}

async fn new_cars(State(engine): State<Engine>, Path(count): Path<u32>) -> Result<Json<Vec<String>>, StatusCode> {
    let vins = caas::seed::fleet::add_cars(&engine.app.db, CUSTOMER, count, 0).await.map_err(failed)?;
    analyze(&engine.app).await.map_err(failed)?;
    Ok(Json(vins))
}

/// Refreshes PostgreSQL's statistics after a bulk insert, as its autovacuum would (it may be off,
/// as on the benchmark machine): plans made on a table's stale size can scan where an index would
/// probe, and they stay cached for the connection's life.
async fn analyze(app: &AppState) -> anyhow::Result<()> {
    if app.db.get_database_backend() == DbBackend::Postgres {
        app.db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// Up to `count` ACTIVE activations of the demo customer's cars.
async fn active_activations(app: &AppState, count: usize) -> anyhow::Result<Vec<Uuid>> {
    let customer = users::Entity::find().filter(users::Column::Email.eq(CUSTOMER)).one(&app.db).await?;
    let customer = customer.ok_or_else(|| anyhow::anyhow!("the demo customer"))?;
    let cars = Query::select()
        .column(vehicles::Column::Id)
        .from(vehicles::Entity)
        .and_where(vehicles::Column::OwnerId.eq(customer.id))
        .to_owned();
    let ids = activations::Entity::find()
        .select_only()
        .column(activations::Column::Id)
        .filter(activations::Column::VehicleId.in_subquery(cars))
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .limit(count as u64)
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(ids)
}

#[derive(Serialize)]
struct Queued {
    queued_at_ms: i64,
}

async fn queue_noop_jobs(State(engine): State<Engine>, Path(count): Path<usize>) -> Result<Json<Queued>, StatusCode> {
    let app = &engine.app;
    let queue = async {
        let mut ids = active_activations(app, count).await?;
        if ids.len() < count {
            caas::seed::fleet::add_cars(&app.db, CUSTOMER, (count - ids.len()).div_ceil(9) as u32, 9).await?;
            ids = active_activations(app, count).await?;
        }
        // Before the jobs, not after: the workers' poll takes them from the commit on, so time
        // spent analysing afterwards would run beside them, uncounted.
        analyze(app).await?;
        let jobs: Vec<ota_jobs::ActiveModel> =
            ids.into_iter().map(|activation_id| jobs::new_job(app, activation_id, OtaCommand::Activate)).collect();
        let txn = app.db.begin().await?;
        for chunk in jobs.chunks(ROWS_PER_INSERT) {
            ota_jobs::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        }
        let queued_at_ms = Utc::now().timestamp_millis();
        txn.commit().await?;
        app.events.publish(DomainEvent::JobQueued).await;
        anyhow::Ok(Queued { queued_at_ms })
    };
    queue.await.map(Json).map_err(failed)
}

#[derive(Serialize)]
struct Status {
    /// Jobs queued or running.
    busy_jobs: u64,
    /// Notifications waiting to be sent.
    pending_notifications: u64,
    /// When the last job ended, Unix ms.
    last_finished_ms: Option<i64>,
    /// When the last notification was sent, Unix ms.
    last_sent_ms: Option<i64>,
}

async fn status(State(engine): State<Engine>) -> Result<Json<Status>, StatusCode> {
    let db = &engine.app.db;
    let read = async {
        let busy_jobs = ota_jobs::Entity::find()
            .filter(ota_jobs::Column::Status.is_in([OtaJobStatus::Queued, OtaJobStatus::Running]))
            .count(db)
            .await?;
        let pending_notifications = notifications::Entity::find()
            .filter(notifications::Column::Status.eq(NotificationStatus::Pending))
            .count(db)
            .await?;
        let last_finished: Option<DateTime<Utc>> = ota_jobs::Entity::find()
            .select_only()
            .expr(ota_jobs::Column::UpdatedAt.max())
            .filter(ota_jobs::Column::Status.is_in([OtaJobStatus::Succeeded, OtaJobStatus::Failed]))
            .into_tuple()
            .one(db)
            .await?
            .flatten();
        let last_sent: Option<DateTime<Utc>> = notifications::Entity::find()
            .select_only()
            .expr(notifications::Column::SentAt.max())
            .into_tuple()
            .one(db)
            .await?
            .flatten();
        anyhow::Ok(Status {
            busy_jobs,
            pending_notifications,
            last_finished_ms: last_finished.map(|at| at.timestamp_millis()),
            last_sent_ms: last_sent.map(|at| at.timestamp_millis()),
        })
    };
    read.await.map(Json).map_err(failed)
}

async fn fleet_knobs(State(engine): State<Engine>, Json(knobs): Json<FleetKnobs>) -> StatusCode {
    match engine.simulators.get().and_then(|simulators| simulators.fleet.as_ref()) {
        Some(fleet) => {
            fleet.set_knobs(knobs);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::CONFLICT,
    }
}

/// The cars and the feature a check covers.
#[derive(Deserialize)]
pub struct CheckRequest {
    /// The cars.
    pub vins: Vec<String>,
    /// The feature's code.
    pub feature: String,
}

/// What a check found.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct CheckReport {
    /// Activations ACTIVE.
    pub active: u64,
    /// Activations FAILED.
    pub failed: u64,
    /// Invariants broken.
    pub violations: u64,
    /// The first few, described.
    pub examples: Vec<String>,
}

impl CheckReport {
    fn violation(&mut self, what: String) {
        self.violations += 1;
        if self.examples.len() < 10 {
            self.examples.push(what);
        }
    }
}

/// Every car has exactly one activation of the feature, ended ACTIVE or FAILED; an ACTIVE one is on
/// in the car and its charge captured exactly once; a FAILED one is off in the car and its charge
/// never captured (voided, or refunded); no charge anywhere was captured twice.
async fn check(
    State(engine): State<Engine>,
    Json(request): Json<CheckRequest>,
) -> Result<Json<CheckReport>, StatusCode> {
    let simulators = engine.simulators.get().cloned().unwrap_or_default();
    let (Some(fleet), Some(gateway)) = (simulators.fleet, simulators.payments) else {
        return Err(StatusCode::CONFLICT);
    };
    let db = &engine.app.db;
    let load = async {
        let feature = features::Entity::find().filter(features::Column::Code.eq(&request.feature)).one(db).await?;
        let feature = feature.ok_or_else(|| anyhow::anyhow!("no feature {}", request.feature))?;
        // Only the cars asked about, and their charges: the suite checks a campaign in parts.
        let cars: HashMap<Uuid, String> = vehicles::Entity::find()
            .filter(vehicles::Column::Vin.is_in(request.vins.iter().map(String::as_str)))
            .all(db)
            .await?
            .into_iter()
            .map(|car| (car.id, car.vin))
            .collect();
        let campaign: Vec<activations::Model> = activations::Entity::find()
            .filter(activations::Column::FeatureId.eq(feature.id))
            .filter(activations::Column::VehicleId.is_in(cars.keys().copied()))
            .all(db)
            .await?;
        let mut charges: HashMap<Uuid, Vec<payments::Model>> = HashMap::new();
        let charged = payments::Entity::find()
            .filter(payments::Column::Kind.eq(PaymentKind::Feature))
            .filter(payments::Column::ActivationId.is_in(campaign.iter().map(|activation| activation.id)))
            .all(db)
            .await?;
        for charge in charged {
            if let Some(activation_id) = charge.activation_id {
                charges.entry(activation_id).or_default().push(charge);
            }
        }
        anyhow::Ok((feature, cars, campaign, charges))
    };
    let (feature, cars, campaign, charges) = load.await.map_err(failed)?;
    let on_in_car: HashSet<String> = fleet
        .vehicles()
        .into_iter()
        .filter(|car| car.features.get(&feature.code).copied().unwrap_or(false))
        .map(|car| car.vin)
        .collect();
    let captures: HashMap<String, u32> =
        gateway.payments().into_iter().map(|payment| (payment.id, payment.captures)).collect();

    let mut report = CheckReport::default();
    for (reference, count) in &captures {
        if *count > 1 {
            report.violation(format!("payment {reference} captured {count} times"));
        }
    }
    let mut per_car: HashMap<Uuid, u32> = HashMap::new();
    for activation in &campaign {
        *per_car.entry(activation.vehicle_id).or_default() += 1;
        let vin = &cars[&activation.vehicle_id];
        let charge = charges.get(&activation.id).and_then(|all| all.iter().max_by_key(|charge| charge.id));
        let captured_at_gateway = charge
            .and_then(|charge| charge.provider_ref.as_ref())
            .and_then(|reference| captures.get(reference))
            .copied();
        match activation.status {
            ActivationStatus::Active => {
                report.active += 1;
                if !on_in_car.contains(vin) {
                    report.violation(format!("{vin}: ACTIVE but off in the car"));
                }
                let paid = charge.is_some_and(|c| matches!(c.status, PaymentStatus::Captured | PaymentStatus::Settled));
                if !paid || captured_at_gateway != Some(1) {
                    report.violation(format!("{vin}: ACTIVE but not captured exactly once ({charge:?})"));
                }
            }
            ActivationStatus::Failed => {
                report.failed += 1;
                if on_in_car.contains(vin) {
                    report.violation(format!("{vin}: FAILED but on in the car"));
                }
                if charge.is_some_and(|c| matches!(c.status, PaymentStatus::Captured | PaymentStatus::Settled)) {
                    report.violation(format!("{vin}: FAILED but charged"));
                }
            }
            other => report.violation(format!("{vin}: ended {other:?}")),
        }
    }
    for (car, vin) in &cars {
        match per_car.get(car) {
            Some(1) => {}
            other => report.violation(format!("{vin}: {} activations of {}", other.unwrap_or(&0), feature.code)),
        }
    }
    Ok(Json(report))
}

/// The second admin the rollout suite signs in as.
pub const APPROVER: &str = "approver@bench.caas";

async fn second_admin(State(engine): State<Engine>) -> Result<StatusCode, StatusCode> {
    use sea_orm::{ActiveModelTrait, Set};
    let exists = users::Entity::find().filter(users::Column::Email.eq(APPROVER)).one(&engine.app.db).await;
    if exists.map_err(failed)?.is_some() {
        return Ok(StatusCode::NO_CONTENT);
    }
    let admin = users::Entity::find()
        .filter(users::Column::Email.eq("admin@demo.caas"))
        .one(&engine.app.db)
        .await
        .map_err(failed)?
        .ok_or(StatusCode::NOT_FOUND)?;
    let mut second: users::ActiveModel = admin.into();
    second.id = Set(Uuid::now_v7());
    second.email = Set(APPROVER.to_owned());
    second.name = Set("Bench Approver".to_owned());
    second.phone = Set(None);
    second.insert(&engine.app.db).await.map_err(failed)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CampaignCheck {
    fleet_on: usize,
    charged: u64,
}

async fn campaign_check(State(engine): State<Engine>, Path(id): Path<Uuid>) -> Result<Json<CampaignCheck>, StatusCode> {
    let cars = entity::campaign_cars::Entity::find()
        .filter(entity::campaign_cars::Column::CampaignId.eq(id))
        .all(&engine.app.db)
        .await
        .map_err(failed)?;
    let campaign = entity::campaigns::Entity::find_by_id(id).one(&engine.app.db).await.map_err(failed)?;
    let campaign = campaign.ok_or(StatusCode::NOT_FOUND)?;
    let feature = features::Entity::find_by_id(campaign.feature_id).one(&engine.app.db).await.map_err(failed)?;
    let code = feature.ok_or(StatusCode::NOT_FOUND)?.code;
    let vehicle_ids: HashSet<Uuid> = cars.iter().map(|car| car.vehicle_id).collect();
    let mut vins = HashSet::new();
    for chunk in vehicle_ids.iter().copied().collect::<Vec<_>>().chunks(ROWS_PER_INSERT) {
        let found = vehicles::Entity::find()
            .filter(vehicles::Column::Id.is_in(chunk.iter().copied()))
            .all(&engine.app.db)
            .await
            .map_err(failed)?;
        vins.extend(found.into_iter().map(|vehicle| vehicle.vin));
    }
    let simulators = engine.simulators.get().ok_or(StatusCode::SERVICE_UNAVAILABLE)?;
    let fleet = simulators.fleet.as_ref().ok_or(StatusCode::SERVICE_UNAVAILABLE)?;
    let fleet_on = fleet
        .vehicles()
        .into_iter()
        .filter(|car| vins.contains(&car.vin) && car.features.get(&code).copied().unwrap_or(false))
        .count();
    let activations: Vec<Uuid> = cars.iter().filter_map(|car| car.activation_id).collect();
    let mut charged = 0;
    for chunk in activations.chunks(ROWS_PER_INSERT) {
        charged += payments::Entity::find()
            .filter(payments::Column::ActivationId.is_in(chunk.iter().copied()))
            .count(&engine.app.db)
            .await
            .map_err(failed)?;
    }
    Ok(Json(CampaignCheck { fleet_on, charged }))
}
