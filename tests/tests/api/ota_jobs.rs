//! The OTA job queue on the real database (SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set):
//! a worker claims a batch of due jobs in one statement, earliest first, with jobs whose worker
//! died among them; concurrent workers never take one job twice; the engine's workers run their
//! batches side by side and end the jobs with nothing left to do.

use std::collections::HashSet;

use caas::activation::{engine, jobs};
use caas::platform::clock::Clock;
use caas_tests::{TestApp, TestOptions, spawn_app_with};
use chrono::Duration;
use entity::{ActivationStatus, OtaCommand, OtaJobStatus, activations, ota_jobs, vehicles};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

const CUSTOMER: &str = "customer@demo.caas";

/// A server whose own workers stay idle (`workers` 0) or run batches of `batch`.
async fn app_with_workers(workers: usize, batch: usize) -> TestApp {
    spawn_app_with(TestOptions {
        configure: Box::new(move |config| {
            config.ota_workers = workers;
            config.ota_claim_batch = batch;
        }),
        ..TestOptions::default()
    })
    .await
}

/// `count` ACTIVE activations of new cars of the demo customer, for jobs to point at, and the cars.
async fn active_activations(app: &TestApp, count: usize) -> (Vec<Uuid>, Vec<String>) {
    let cars = u32::try_from(count.div_ceil(3)).expect("few cars");
    let vins = caas::seed::fleet::add_cars(&app.app.db, CUSTOMER, cars, 3).await.expect("cars");
    let car_ids: Vec<Uuid> = vehicles::Entity::find()
        .select_only()
        .column(vehicles::Column::Id)
        .filter(vehicles::Column::Vin.is_in(vins.clone()))
        .into_tuple()
        .all(&app.app.db)
        .await
        .expect("cars");
    let activations = activations::Entity::find()
        .select_only()
        .column(activations::Column::Id)
        .filter(activations::Column::VehicleId.is_in(car_ids))
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .order_by_asc(activations::Column::Id)
        .limit(u64::try_from(count).expect("count"))
        .into_tuple()
        .all(&app.app.db)
        .await
        .expect("activations");
    assert_eq!(activations.len(), count);
    (activations, vins)
}

/// Stores a job for `activation_id` due `due_in` from now.
async fn queue(app: &TestApp, activation_id: Uuid, due_in: Duration) -> ota_jobs::Model {
    let mut job = jobs::new_job(&app.app, activation_id, OtaCommand::Activate);
    job.next_attempt_at = Set(app.clock.now() + due_in);
    job.insert(&app.app.db).await.expect("job")
}

/// Waits until every job of `activations` has ended (neither QUEUED nor RUNNING), and answers them.
async fn ended_jobs(app: &TestApp, activations: &[Uuid]) -> Vec<ota_jobs::Model> {
    app.eventually("every job to end", || async {
        let jobs = ota_jobs::Entity::find()
            .filter(ota_jobs::Column::ActivationId.is_in(activations.iter().copied()))
            .all(&app.app.db)
            .await
            .expect("db");
        jobs.iter().all(|job| !matches!(job.status, OtaJobStatus::Queued | OtaJobStatus::Running)).then_some(jobs)
    })
    .await
}

fn ids(batch: &[ota_jobs::Model]) -> Vec<Uuid> {
    batch.iter().map(|job| job.id).collect()
}

#[tokio::test]
async fn a_claim_takes_a_batch_of_due_jobs_earliest_first_and_leaves_the_rest() {
    let app = app_with_workers(0, 8).await;
    let (targets, _) = active_activations(&app, 13).await;
    // Ten due, oldest first in `due`; two not yet due; one whose worker died long ago.
    let mut due = Vec::new();
    for (n, activation) in targets[..10].iter().enumerate() {
        due.push(queue(&app, *activation, Duration::seconds(i64::try_from(n).expect("n") - 60)).await);
    }
    let later =
        [queue(&app, targets[10], Duration::hours(1)).await, queue(&app, targets[11], Duration::hours(2)).await];
    let mut orphan = queue(&app, targets[12], Duration::seconds(-600)).await;
    let lapsed = ota_jobs::Entity::update_many()
        .col_expr(ota_jobs::Column::Status, OtaJobStatus::Running.into())
        .col_expr(ota_jobs::Column::LeaseOwner, Some("gone/0".to_owned()).into())
        .col_expr(ota_jobs::Column::LeaseExpiresAt, Some(app.clock.now() - Duration::seconds(1)).into())
        .filter(ota_jobs::Column::Id.eq(orphan.id))
        .exec(&app.app.db);
    assert_eq!(lapsed.await.expect("lapse").rows_affected, 1);
    orphan.status = OtaJobStatus::Running;

    let first = jobs::claim(&app.app, "a/0", 4).await.expect("claim");
    assert_eq!(ids(&first), [orphan.id, due[0].id, due[1].id, due[2].id], "the lapsed job and the 3 earliest due");
    for job in &first {
        assert_eq!(job.status, OtaJobStatus::Running);
        assert_eq!(job.lease_owner.as_deref(), Some("a/0"));
        assert!(job.lease_expires_at.is_some_and(|until| until > app.clock.now()), "{job:?}");
    }

    // The next worker gets the rest of what is due, not the jobs held, nor those due later.
    let second = jobs::claim(&app.app, "b/0", 100).await.expect("claim");
    assert_eq!(ids(&second), ids(&due[3..]));
    assert!(jobs::claim(&app.app, "c/0", 100).await.expect("claim").is_empty(), "nothing left is due");

    let waiting = ota_jobs::Entity::find()
        .filter(ota_jobs::Column::Id.is_in(ids(&later)))
        .filter(ota_jobs::Column::Status.eq(OtaJobStatus::Queued))
        .all(&app.app.db)
        .await
        .expect("db");
    assert_eq!(waiting.len(), 2, "the jobs due later wait");
    app.stop().await.expect("stop");
}

#[tokio::test]
async fn concurrent_claims_take_every_due_job_exactly_once() {
    let app = app_with_workers(0, 8).await;
    let (targets, _) = active_activations(&app, 120).await;
    for activation in &targets {
        queue(&app, *activation, Duration::seconds(-1)).await;
    }
    let claimers = (0..6).map(|n| {
        let app = app.app.clone();
        tokio::spawn(async move {
            let worker = format!("claimer/{n}");
            let mut taken = Vec::new();
            loop {
                let batch = jobs::claim(&app, &worker, 7).await.expect("claim");
                if batch.is_empty() {
                    return taken;
                }
                assert!(batch.len() <= 7, "at most the batch size: {}", batch.len());
                assert!(batch.iter().all(|job| job.lease_owner.as_deref() == Some(worker.as_str())));
                taken.extend(ids(&batch));
            }
        })
    });
    let mut every = Vec::new();
    for claimer in claimers {
        every.extend(claimer.await.expect("claimer"));
    }
    let distinct: HashSet<Uuid> = every.iter().copied().collect();
    assert_eq!(every.len(), 120, "each job claimed once");
    assert_eq!(distinct.len(), 120);
    app.stop().await.expect("stop");
}

#[tokio::test]
async fn workers_run_their_batches_and_end_jobs_with_nothing_left_to_do() {
    let app = app_with_workers(2, 8).await;
    let (targets, vins) = active_activations(&app, 40).await;
    // Jobs for activations already ACTIVE: each batch ends them without a word to the car.
    for activation in &targets {
        queue(&app, *activation, Duration::seconds(-1)).await;
    }
    app.app.events.publish(caas::platform::events::DomainEvent::JobQueued).await;
    let jobs = ended_jobs(&app, &targets).await;
    assert_eq!(jobs.len(), 40);
    for job in &jobs {
        assert_eq!(job.status, OtaJobStatus::Succeeded, "{job:?}");
        assert_eq!(job.attempts, 0, "no attempt at the car: {job:?}");
        assert_eq!(job.lease_owner, None);
    }
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    let addressed: HashSet<String> = fleet.vehicles().into_iter().map(|car| car.vin).collect();
    assert!(vins.iter().all(|vin| !addressed.contains(vin)), "no car was sent or asked anything");
    // A step runs through the same path one job at a time.
    assert!(!engine::run_one(&app.app).await.expect("run"), "nothing is due");
    app.stop().await.expect("stop");
}

#[tokio::test]
async fn two_jobs_of_one_activation_in_one_batch_each_find_it() {
    let app = app_with_workers(1, 64).await;
    let (targets, _) = active_activations(&app, 6).await;
    // Seven jobs in one statement, so that the one worker finds them all in one claim: two of
    // them for the same activation.
    let jobs: Vec<ota_jobs::ActiveModel> = targets
        .iter()
        .chain(&targets[..1])
        .map(|activation| jobs::new_job(&app.app, *activation, OtaCommand::Activate))
        .collect();
    ota_jobs::Entity::insert_many(jobs).exec(&app.app.db).await.expect("jobs");
    app.app.events.publish(caas::platform::events::DomainEvent::JobQueued).await;
    let ended = ended_jobs(&app, &targets).await;
    assert_eq!(ended.len(), 7);
    for job in &ended {
        assert_eq!(job.status, OtaJobStatus::Succeeded, "neither is taken for a job whose activation is gone: {job:?}");
        assert_eq!(job.last_error, None);
    }
    app.stop().await.expect("stop");
}
