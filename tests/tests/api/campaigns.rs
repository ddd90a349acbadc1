//! Fleet campaigns: four-eyes approval, groups with success and error thresholds over 2,000 cars,
//! the rate and its ramp by the clock, the in-progress timeout, the abort criteria, the emergency
//! stop checked against the fleet's own log, consent, rollback and free of charge everywhere.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use caas::integrations::fleet::FeatureAction;
use caas::integrations::fleet::simulator::{FleetKnobs, FleetSimulator, Outcome};
use caas::integrations::mail::catcher::MailCatcher;
use caas::platform::clock::Clock;
use caas_tests::{Api, TestApp, spawn_app, spawn_app_for_time_travel};
use entity::{OtaJobStatus, activations, campaign_cars, ota_jobs, payments};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const FEATURE: &str = "HEATED_SEATS";

pub(crate) const CREATE: &str = "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id state } }";
pub(crate) const APPROVE: &str = "mutation($id: ID!) { approveCampaign(id: $id) { id state approvedBy createdBy } }";
pub(crate) const PAUSE: &str = "mutation($id: ID!, $reason: String) { pauseCampaign(id: $id, reason: $reason) { withdrawn inFlight campaign { state stateReason } } }";
const RESUME: &str = "mutation($id: ID!) { resumeCampaign(id: $id) { state } }";
const CANCEL: &str = "mutation($id: ID!) { cancelCampaign(id: $id) { withdrawn inFlight campaign { state } } }";
const ROLL_BACK: &str = "mutation($id: ID!) { rollBackCampaign(id: $id) { switchedOff campaign { state } } }";
pub(crate) const VIEW: &str = "query($id: ID!) { campaign(id: $id) { state stateReason currentRatePerMinute estimatedEndAt \
    counts { waiting asked running succeeded alreadyDone failed timedOut skipped withdrawn rolledBack total } \
    groups { position name size state counts { waiting running succeeded failed timedOut } } reasons { reason cars } } }";

fn fleet(app: &TestApp) -> &FleetSimulator {
    app.simulators.fleet.as_ref().expect("fleet simulator")
}

/// A second admin, invited by the first, with a password: approves what the first creates.
pub(crate) async fn second_admin(api: &Api, mail: &MailCatcher) -> String {
    let admin = api.token("admin@demo.caas").await;
    let input = json!({ "input": { "email": "second.admin@demo.caas", "name": "Ines Zweit", "role": "ADMIN", "regionCode": "DE" } });
    api.graphql_as(&admin, "mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { id } }", input)
        .await
        .data();
    let invitation = mail
        .wait_for("second.admin@demo.caas", Duration::from_secs(10), |mail| mail.subject.contains("eingeladen"))
        .await
        .expect("the invitation");
    let token = crate::purchase::link_token(&invitation.body);
    api.graphql(
        "mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }",
        json!({ "t": token, "p": "a-long-second-password" }),
    )
    .await
    .data();
    api.token_for("second.admin@demo.caas", "a-long-second-password").await
}

/// The admins: the demo admin creates, the second approves.
struct Admins {
    creator: String,
    approver: String,
}

async fn admins(app: &TestApp) -> Admins {
    let mail = app.simulators.mail.as_ref().expect("mail catcher");
    Admins { creator: app.token("admin@demo.caas").await, approver: second_admin(app, mail).await }
}

/// `count` new cars of the demo customer, without the feature; their VINs in order.
async fn new_cars(app: &TestApp, count: u32) -> Vec<String> {
    let mut vins = caas::seed::fleet::add_cars(&app.app.db, "customer@demo.caas", count, 0).await.expect("cars");
    vins.sort();
    vins
}

pub(crate) fn campaign_input(vins: &[String], extra: Value) -> Value {
    let mut input = json!({
        "name": "Goodwill month of heated seats",
        "action": "ACTIVATE",
        "featureCode": FEATURE,
        "days": 30,
        "target": { "vins": vins },
        "ratePerMinute": 6000,
        "timeoutSeconds": 600,
    });
    if let (Some(input), Value::Object(extra)) = (input.as_object_mut(), extra) {
        input.extend(extra);
    }
    json!({ "input": input })
}

async fn create(app: &TestApp, admins: &Admins, input: Value) -> String {
    let created = app.graphql_as(&admins.creator, CREATE, input).await;
    let id = created.data()["createCampaign"]["id"].as_str().expect("id").to_owned();
    assert_eq!(created.data()["createCampaign"]["state"], "AWAITING_APPROVAL");
    id
}

async fn approved(app: &TestApp, admins: &Admins, input: Value) -> String {
    let id = create(app, admins, input).await;
    let approved = app.graphql_as(&admins.approver, APPROVE, json!({ "id": id })).await;
    assert_eq!(approved.data()["approveCampaign"]["state"], "SCHEDULED");
    id
}

async fn view(app: &TestApp, admins: &Admins, id: &str) -> Value {
    app.graphql_as(&admins.creator, VIEW, json!({ "id": id })).await.data()["campaign"].clone()
}

async fn tick(app: &TestApp) -> u64 {
    caas::campaigns::runner::tick(&app.app).await.expect("a campaign round")
}

/// Waits until the OTA engine holds no queued or running job.
async fn settle(app: &TestApp) {
    app.eventually("the OTA engine to finish its jobs", || async {
        let busy = ota_jobs::Entity::find()
            .filter(ota_jobs::Column::Status.is_in([OtaJobStatus::Queued, OtaJobStatus::Running]))
            .count(&app.app.db)
            .await
            .expect("jobs");
        (busy == 0).then_some(())
    })
    .await;
}

/// Rounds of the runner, the clock moved by `step` before each and the engine's work awaited after,
/// until `done` holds for the campaign (at most `rounds`).
async fn drive(
    app: &TestApp,
    admins: &Admins,
    id: &str,
    step: chrono::Duration,
    rounds: usize,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..rounds {
        app.clock.advance(step);
        tick(app).await;
        settle(app).await;
        let seen = view(app, admins, id).await;
        if done(&seen) {
            return seen;
        }
    }
    panic!("the campaign did not get there in {rounds} rounds: {:#}", view(app, admins, id).await);
}

fn count(value: &Value) -> i64 {
    value.as_i64().expect("a count")
}

async fn campaign_activations(app: &TestApp, id: &str) -> Vec<Uuid> {
    let id: Uuid = id.parse().expect("uuid");
    campaign_cars::Entity::find()
        .filter(campaign_cars::Column::CampaignId.eq(id))
        .all(&app.app.db)
        .await
        .expect("cars")
        .into_iter()
        .filter_map(|car| car.activation_id)
        .collect()
}

#[tokio::test]
async fn a_campaign_starts_only_once_a_second_admin_approved_it() {
    let app = spawn_app().await;
    let admins = admins(&app).await;
    let vins = new_cars(&app, 5).await;
    let support = app.token("support@demo.caas").await;
    app.graphql_as(&support, CREATE, campaign_input(&vins, json!({}))).await.expect_error("FORBIDDEN");
    let id = create(&app, &admins, campaign_input(&vins, json!({}))).await;
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(tick(&app).await, 0, "nothing starts without approval");
    assert_eq!(view(&app, &admins, &id).await["state"], "AWAITING_APPROVAL");
    assert!(campaign_activations(&app, &id).await.is_empty());
    let own = app.graphql_as(&admins.creator, APPROVE, json!({ "id": id })).await;
    own.expect_error("CONFLICT");
    assert_eq!(own.errors()[0]["extensions"]["reason"], "FOUR_EYES");
    app.graphql_as(&support, APPROVE, json!({ "id": id })).await.expect_error("FORBIDDEN");
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(tick(&app).await, 0, "still nothing");
    let approved = app.graphql_as(&admins.approver, APPROVE, json!({ "id": id })).await;
    let approved = &approved.data()["approveCampaign"];
    assert_eq!(approved["approvedBy"], "second.admin@demo.caas");
    assert_eq!(approved["createdBy"], "admin@demo.caas");
    app.graphql_as(&admins.approver, APPROVE, json!({ "id": id })).await.expect_error("CONFLICT");
    tick(&app).await; // starts it: the cars are split into the groups
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(tick(&app).await, 5);
    settle(&app).await;
    let seen = drive(&app, &admins, &id, chrono::Duration::seconds(1), 5, |c| c["state"] == "COMPLETED").await;
    assert_eq!(count(&seen["counts"]["succeeded"]), 5);
    let audit: Vec<String> = entity::audit_events::Entity::find()
        .filter(entity::audit_events::Column::SubjectId.eq(id.clone()))
        .all(&app.app.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|event| event.action)
        .collect();
    for action in ["campaign.create", "campaign.approve", "campaign.start", "campaign.complete"] {
        assert!(audit.contains(&action.to_owned()), "{action} audited: {audit:?}");
    }
}

#[tokio::test]
async fn three_groups_over_2000_cars_pause_at_the_second_groups_error_threshold_and_complete_once_resumed() {
    let app = spawn_app().await;
    let admins = admins(&app).await;
    let vins = new_cars(&app, 2000).await;
    // 30 % of the second group's cars (VINs 200 to 999) refuse the command.
    let failing: HashSet<String> =
        vins[200..1000].iter().enumerate().filter(|(n, _)| n % 10 < 3).map(|(_, vin)| vin.clone()).collect();
    let script = failing.iter().map(|vin| (vin.clone(), vec![Outcome::Permanent; 50].into())).collect();
    fleet(&app).set_knobs(FleetKnobs { script, ..FleetKnobs::default() });
    let groups = json!([
        { "name": "pilot", "carCount": 200, "successThresholdPercent": 95, "errorThresholdPercent": 10 },
        { "name": "early", "carCount": 800, "successThresholdPercent": 95, "errorThresholdPercent": 10 },
        { "name": "everyone else", "percent": 50, "successThresholdPercent": 100, "errorThresholdPercent": 10 },
    ]);
    let id = approved(&app, &admins, campaign_input(&vins, json!({ "groups": groups }))).await;
    let step = chrono::Duration::seconds(1); // 100 cars a round at 6,000 a minute
    let paused = drive(&app, &admins, &id, step, 60, |c| c["state"] == "PAUSED").await;
    assert!(paused["stateReason"].as_str().expect("reason").contains("group 2"), "{paused:#}");
    let [first, second, third] = [0, 1, 2].map(|n| paused["groups"][n].clone());
    assert_eq!((count(&first["size"]), count(&second["size"]), count(&third["size"])), (200, 800, 1000));
    assert_eq!(count(&first["counts"]["succeeded"]), 200);
    assert!(count(&second["counts"]["failed"]) >= 80, "paused at 10 % of 800: {second:#}");
    assert_eq!(count(&third["counts"]["waiting"]), 1000, "the third group never started: {third:#}");
    // Paused: rounds report what was in flight and start nothing.
    for _ in 0..3 {
        app.clock.advance(step);
        assert_eq!(tick(&app).await, 0);
        settle(&app).await;
    }
    let still = view(&app, &admins, &id).await;
    assert_eq!(still["state"], "PAUSED");
    assert_eq!(count(&still["counts"]["running"]), 0);
    // Every failure the campaign counts is a car the fleet refused.
    let refused_cars: HashSet<String> = app
        .simulators
        .fleet
        .as_ref()
        .expect("fleet")
        .received_commands()
        .into_iter()
        .filter(|command| failing.contains(&command.vin))
        .map(|command| command.vin)
        .collect();
    assert_eq!(count(&still["groups"][1]["counts"]["failed"]), refused_cars.len() as i64);
    // The failure is cleared; resumed, the failed cars go again and the campaign completes.
    fleet(&app).set_knobs(FleetKnobs::default());
    let resumed = app.graphql_as(&admins.creator, RESUME, json!({ "id": id })).await;
    assert_eq!(resumed.data()["resumeCampaign"]["state"], "RUNNING");
    let done = drive(&app, &admins, &id, step, 80, |c| c["state"] == "COMPLETED").await;
    let fleet: HashMap<String, bool> = app
        .simulators
        .fleet
        .as_ref()
        .expect("fleet")
        .vehicles()
        .into_iter()
        .map(|car| (car.vin.clone(), car.features.get(FEATURE).copied().unwrap_or(false)))
        .collect();
    for (n, range) in [(0, 0..200), (1, 200..1000), (2, 1000..2000)] {
        let on_in_fleet = vins[range].iter().filter(|vin| fleet.get(*vin).copied().unwrap_or(false)).count() as i64;
        assert_eq!(count(&done["groups"][n]["counts"]["succeeded"]), on_in_fleet, "group {}", n + 1);
        assert_eq!(done["groups"][n]["state"], "DONE");
    }
    assert_eq!(count(&done["counts"]["succeeded"]), 2000);
    // Free of charge: no payment and no invoice for any of its activations, and no price.
    let activations = campaign_activations(&app, &id).await;
    assert_eq!(activations.len(), 2000);
    let charged = payments::Entity::find()
        .filter(payments::Column::ActivationId.is_in(activations.iter().copied()))
        .count(&app.app.db)
        .await
        .expect("payments");
    assert_eq!(charged, 0, "a free campaign charges nobody");
    let priced = activations::Entity::find()
        .filter(activations::Column::Id.is_in(activations.iter().copied()))
        .filter(activations::Column::PriceId.is_not_null())
        .count(&app.app.db)
        .await
        .expect("activations");
    assert_eq!(priced, 0);
    let invoiced = entity::invoice_lines::Entity::find()
        .filter(entity::invoice_lines::Column::ActivationId.is_in(activations.iter().copied()))
        .count(&app.app.db)
        .await
        .expect("invoice lines");
    assert_eq!(invoiced, 0);
}

/// The cars started in each minute since `start`, by the campaign's own records.
async fn started_per_minute(app: &TestApp, id: &str, start: chrono::DateTime<chrono::Utc>, minutes: i64) -> Vec<usize> {
    let id: Uuid = id.parse().expect("uuid");
    let cars = campaign_cars::Entity::find()
        .filter(campaign_cars::Column::CampaignId.eq(id))
        .all(&app.app.db)
        .await
        .expect("cars");
    (0..minutes)
        .map(|minute| {
            let (from, to) = (start + chrono::Duration::minutes(minute), start + chrono::Duration::minutes(minute + 1));
            cars.iter().filter(|car| car.started_at.is_some_and(|at| at > from && at <= to)).count()
        })
        .collect()
}

#[tokio::test]
async fn the_rate_holds_minute_by_minute_and_the_ramp_grows_it_as_configured() {
    let app = spawn_app().await;
    let admins = admins(&app).await;
    let vins = new_cars(&app, 400).await;
    let steady = approved(&app, &admins, campaign_input(&vins[..300], json!({ "ratePerMinute": 60 }))).await;
    tick(&app).await;
    let start = app.clock.now();
    for _ in 0..(4 * 12) {
        app.clock.advance(chrono::Duration::seconds(5));
        tick(&app).await;
    }
    let per_minute = started_per_minute(&app, &steady, start, 4).await;
    for started in &per_minute {
        assert!((57..=63).contains(started), "60 a minute within 5 %: {per_minute:?}");
    }
    settle(&app).await;
    app.graphql_as(&admins.creator, CANCEL, json!({ "id": steady })).await.data();
    // 10 a minute, doubled every 20 cars done, never past 40.
    let ramp = json!({ "ratePerMinute": 10, "rampFactorPercent": 200, "rampEvery": 20, "maxRatePerMinute": 40 });
    let ramped = approved(&app, &admins, campaign_input(&vins[300..], ramp)).await;
    tick(&app).await;
    let start = app.clock.now();
    let mut rates = vec![view(&app, &admins, &ramped).await["currentRatePerMinute"].as_f64().expect("rate")];
    for _ in 0..4 {
        for _ in 0..12 {
            app.clock.advance(chrono::Duration::seconds(5));
            tick(&app).await;
            settle(&app).await;
        }
        tick(&app).await; // reports the last cars of the minute
        rates.push(view(&app, &admins, &ramped).await["currentRatePerMinute"].as_f64().expect("rate"));
    }
    let per_minute = started_per_minute(&app, &ramped, start, 4).await;
    // 10 done after the first minute, 20 after the second (→ 20 a minute), 40 after the third (→ 40;
    // 80 would be past the ceiling).
    assert_eq!(rates, vec![10.0, 10.0, 20.0, 40.0, 40.0], "{per_minute:?}");
    assert_eq!(per_minute, vec![10, 10, 20, 40]);
}

#[tokio::test]
async fn a_silent_car_times_out_and_the_abort_criteria_stop_the_campaign() {
    let app = spawn_app().await;
    let admins = admins(&app).await;
    let vins = new_cars(&app, 21).await;
    // The silent car takes 3 s of real time to answer; the campaign's clock passes its 30 s timeout
    // first.
    fleet(&app).set_knobs(FleetKnobs { latency_ms: 3_000, ..FleetKnobs::default() });
    let silent = approved(&app, &admins, campaign_input(&vins[..1], json!({ "timeoutSeconds": 30 }))).await;
    tick(&app).await;
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(tick(&app).await, 1);
    app.clock.advance(chrono::Duration::seconds(31));
    tick(&app).await;
    let seen = view(&app, &admins, &silent).await;
    assert_eq!(count(&seen["counts"]["timedOut"]), 1, "{seen:#}");
    assert_eq!(seen["reasons"][0]["reason"], "TIMED_OUT");
    assert_eq!(seen["state"], "COMPLETED");
    fleet(&app).set_knobs(FleetKnobs::default());
    settle(&app).await;
    // Every car refuses; after 5 cars ended their turn with half or more refused, it stops.
    let script = vins[1..].iter().map(|vin| (vin.clone(), vec![Outcome::Permanent; 5].into())).collect();
    fleet(&app).set_knobs(FleetKnobs { script, ..FleetKnobs::default() });
    let abort = json!({ "failureKinds": ["CAR_REFUSED"], "minExecuted": 5, "failurePercent": 50 });
    let input = campaign_input(&vins[1..], json!({ "ratePerMinute": 120, "abort": abort }));
    let aborting = approved(&app, &admins, input).await;
    tick(&app).await;
    let stopped = drive(&app, &admins, &aborting, chrono::Duration::seconds(1), 30, |c| c["state"] == "ABORTED").await;
    assert!(stopped["stateReason"].as_str().expect("reason").contains("abort criteria"), "{stopped:#}");
    let failed = count(&stopped["counts"]["failed"]);
    assert!((5..20).contains(&failed), "stopped after 5, before all 20: {stopped:#}");
    assert_eq!(count(&stopped["counts"]["skipped"]) + failed + count(&stopped["counts"]["withdrawn"]), 20);
    let reasons: Vec<&str> =
        stopped["reasons"].as_array().expect("reasons").iter().filter_map(|r| r["reason"].as_str()).collect();
    assert!(reasons.contains(&"CAR_REFUSED") && reasons.contains(&"STOPPED"), "{reasons:?}");
}

#[tokio::test]
async fn the_emergency_stop_sends_no_command_after_its_commit_and_reports_those_in_flight() {
    let app = spawn_app().await;
    let admins = admins(&app).await;
    let vins = new_cars(&app, 300).await;
    // Each car takes 300 ms to confirm: commands are in flight when the stop comes.
    fleet(&app).set_knobs(FleetKnobs { latency_ms: 300, ..FleetKnobs::default() });
    let id = approved(&app, &admins, campaign_input(&vins, json!({}))).await;
    tick(&app).await;
    app.clock.advance(chrono::Duration::seconds(2));
    assert_eq!(tick(&app).await, 200);
    app.eventually("the first commands to reach the fleet", || async {
        (!fleet(&app).received_commands().is_empty()).then_some(())
    })
    .await;
    let stop = app.graphql_as(&admins.approver, PAUSE, json!({ "id": id, "reason": "wrong firmware range" })).await;
    let stopped_at = chrono::Utc::now();
    let stop = &stop.data()["pauseCampaign"];
    assert_eq!(stop["campaign"]["state"], "PAUSED");
    assert_eq!(stop["campaign"]["stateReason"], "wrong firmware range");
    let (withdrawn, in_flight) = (count(&stop["withdrawn"]), count(&stop["inFlight"]));
    assert_eq!(withdrawn + in_flight, 200);
    assert!(withdrawn > 0, "some commands had not gone out: {stop:#}");
    settle(&app).await;
    app.clock.advance(chrono::Duration::seconds(5));
    assert_eq!(tick(&app).await, 0, "paused: nothing starts");
    tokio::time::sleep(Duration::from_millis(400)).await; // a command sent now would have arrived
    let received = fleet(&app).received_commands();
    let late: HashSet<&str> = received.iter().filter(|c| c.received_at > stopped_at).map(|c| c.vin.as_str()).collect();
    let commanded: HashSet<&str> =
        received.iter().filter(|c| c.action == FeatureAction::Activate).map(|c| c.vin.as_str()).collect();
    assert!(late.len() as i64 <= in_flight, "{} commands after the stop, {in_flight} in flight", late.len());
    assert_eq!(commanded.len() as i64, in_flight, "every command sent was in flight; none withdrawn went out");
    let seen = view(&app, &admins, &id).await;
    assert_eq!(count(&seen["counts"]["running"]), 0);
    assert_eq!(count(&seen["counts"]["succeeded"]), in_flight, "those in flight finished and are reported");
    assert_eq!(count(&seen["counts"]["waiting"]), 300 - in_flight, "the withdrawn go again on resume");
    let withdrawn_jobs = ota_jobs::Entity::find()
        .filter(ota_jobs::Column::LastError.eq("withdrawn before the command went out"))
        .count(&app.app.db)
        .await
        .expect("jobs");
    assert!(withdrawn_jobs > 0);
    // Cancelled for good, it rolls back what it switched on.
    fleet(&app).set_knobs(FleetKnobs::default());
    app.graphql_as(&admins.creator, CANCEL, json!({ "id": id })).await.data();
    let rolled = app.graphql_as(&admins.creator, ROLL_BACK, json!({ "id": id })).await;
    assert_eq!(count(&rolled.data()["rollBackCampaign"]["switchedOff"]), in_flight);
    settle(&app).await;
    let still_on = app
        .simulators
        .fleet
        .as_ref()
        .expect("fleet")
        .vehicles()
        .into_iter()
        .filter(|car| vins.contains(&car.vin) && car.features.get(FEATURE).copied().unwrap_or(false))
        .count();
    assert_eq!(still_on, 0, "rolled back in the cars themselves");
    let seen = view(&app, &admins, &id).await;
    assert_eq!(count(&seen["counts"]["rolledBack"]), in_flight);
    app.graphql_as(&admins.creator, RESUME, json!({ "id": id })).await.expect_error("CONFLICT");
}

#[tokio::test]
async fn owners_are_asked_first_and_those_who_decline_or_stay_silent_are_left_out() {
    let app = spawn_app_for_time_travel().await;
    let admins = admins(&app).await;
    let vins = new_cars(&app, 3).await;
    let input = campaign_input(&vins, json!({ "askOwners": true, "answerHours": 24 }));
    let id = approved(&app, &admins, input).await;
    tick(&app).await;
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(tick(&app).await, 0, "asking is not starting");
    let seen = view(&app, &admins, &id).await;
    assert_eq!(count(&seen["counts"]["asked"]), 3);
    let anna = app.token("customer@demo.caas").await;
    let notices = app.graphql_as(&anna, "{ notifications(first: 10) { edges { node { title } } } }", json!({})).await;
    assert!(notices.text.contains("Dürfen wir"), "asked in the app, in her language: {}", notices.text);
    let answer =
        "mutation($c: ID!, $v: String!, $a: Boolean!) { answerCampaignQuestion(campaignId: $c, vin: $v, agree: $a) }";
    let yes = app.graphql_as(&anna, answer, json!({ "c": id, "v": vins[0], "a": true })).await;
    assert_eq!(yes.data()["answerCampaignQuestion"], "AGREED");
    let no = app.graphql_as(&anna, answer, json!({ "c": id, "v": vins[1], "a": false })).await;
    assert_eq!(no.data()["answerCampaignQuestion"], "SKIPPED");
    let lucia = app.token("customer2@demo.caas").await;
    app.graphql_as(&lucia, answer, json!({ "c": id, "v": vins[2], "a": true })).await.expect_error("NOT_FOUND");
    app.graphql_as(&anna, answer, json!({ "c": id, "v": vins[1], "a": true })).await.expect_error("NOT_FOUND");
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(tick(&app).await, 1, "the one who agreed");
    settle(&app).await;
    app.clock.advance(chrono::Duration::hours(25));
    tick(&app).await;
    let done = drive(&app, &admins, &id, chrono::Duration::seconds(1), 5, |c| c["state"] == "COMPLETED").await;
    assert_eq!(count(&done["counts"]["succeeded"]), 1);
    let reasons: HashMap<String, i64> = done["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| (r["reason"].as_str().expect("reason").to_owned(), count(&r["cars"])))
        .collect();
    assert_eq!(reasons, HashMap::from([("DECLINED".to_owned(), 1), ("NO_ANSWER".to_owned(), 1)]));
    let fleet_on: Vec<String> = app
        .simulators
        .fleet
        .as_ref()
        .expect("fleet")
        .vehicles()
        .into_iter()
        .filter(|car| vins.contains(&car.vin) && car.features.get(FEATURE).copied().unwrap_or(false))
        .map(|car| car.vin)
        .collect();
    assert_eq!(fleet_on, vec![vins[0].clone()]);
}

#[tokio::test]
async fn a_car_that_already_has_the_feature_counts_as_done_and_an_incompatible_one_is_left_out() {
    let app = spawn_app().await;
    let admins = admins(&app).await;
    let mut with_feature = caas::seed::fleet::add_cars(&app.app.db, "customer@demo.caas", 2, 1).await.expect("cars");
    with_feature.sort();
    let vins = new_cars(&app, 2).await;
    // One car on a firmware too old for the feature.
    entity::vehicles::Entity::update_many()
        .col_expr(entity::vehicles::Column::FirmwareVersion, sea_orm::sea_query::Expr::value("1.0.0"))
        .filter(entity::vehicles::Column::Vin.eq(vins[1].clone()))
        .exec(&app.app.db)
        .await
        .expect("firmware");
    let first_feature = entity::features::Entity::find().all(&app.app.db).await.expect("features")[0].code.clone();
    let mut all = with_feature.clone();
    all.extend(vins.clone());
    let mut input = campaign_input(&all, json!({}));
    input["input"]["featureCode"] = json!(first_feature);
    let id = approved(&app, &admins, input).await;
    tick(&app).await;
    let done = drive(&app, &admins, &id, chrono::Duration::seconds(1), 5, |c| c["state"] == "COMPLETED").await;
    assert_eq!(count(&done["counts"]["alreadyDone"]), 2, "{done:#}");
    assert_eq!(count(&done["counts"]["succeeded"]), 1);
    assert_eq!(count(&done["counts"]["skipped"]), 1);
    assert_eq!(done["reasons"][0]["reason"], "INCOMPATIBLE");
    let commanded: HashSet<String> = fleet(&app).received_commands().into_iter().map(|c| c.vin).collect();
    assert!(!commanded.contains(&with_feature[0]) && !commanded.contains(&with_feature[1]), "not changed");
}

#[tokio::test]
async fn a_campaign_that_makes_no_sense_is_refused_with_the_field_at_fault() {
    let app = spawn_app().await;
    let admin = app.token("admin@demo.caas").await;
    let vins = vec!["WCAAUR1S0TZ000001".to_owned()];
    let cases = [
        (json!({ "ratePerMinute": 0 }), "ratePerMinute"),
        (json!({ "rampFactorPercent": 200 }), "rampEvery"),
        (json!({ "groups": [{ "name": "g", "carCount": 5, "percent": 5 }] }), "groups"),
        (json!({ "abort": { "failureKinds": [], "minExecuted": 0, "failurePercent": 0 } }), "abort.failurePercent"),
        (json!({ "action": "DEACTIVATE" }), "days"),
        (json!({ "groups": [{ "name": "g", "region": "XX" }] }), "groups.region"),
    ];
    for (spoiled, field) in cases {
        let answer = app.graphql_as(&admin, CREATE, campaign_input(&vins, spoiled)).await;
        answer.expect_error("BAD_USER_INPUT");
        assert_eq!(answer.errors()[0]["extensions"]["field"], field, "{}", answer.text);
    }
    let mut unknown = campaign_input(&vins, json!({}));
    unknown["input"]["featureCode"] = json!("NO_SUCH_FEATURE");
    app.graphql_as(&admin, CREATE, unknown).await.expect_error("NOT_FOUND");
    let customer = app.token("customer@demo.caas").await;
    app.graphql_as(&customer, "{ campaigns { id } }", json!({})).await.expect_error("FORBIDDEN");
    app.graphql_as(&admin, VIEW, json!({ "id": Uuid::now_v7().to_string() })).await.expect_error("NOT_FOUND");
}
