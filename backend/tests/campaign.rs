//! The activation campaign: a thousand purchases over two hundred cars, the fleet failing 20 % of
//! commands transiently and 5 % permanently, the payment gateway slow, failing 3 % of settlements
//! and down for a while twice, while the server is killed with SIGKILL four times and restarted.
//! Once the engine is idle, every invariant of the product must hold; then support refunds a share
//! of the charges, each refund sent twice at once, and the money must add up.
//!
//! The fleet and the payment gateway run as their own processes (`caas simulate …`) so that they
//! keep their state across the server's crashes, as real external systems would.

use std::collections::HashMap;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::{
    ActivationStatus, OtaJobStatus, PaymentStatus, Role, VehicleStatus, activations, idempotency_keys, ota_jobs,
    payments, users, vehicle_models, vehicles,
};
use futures::StreamExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use uuid::Uuid;

const BINARY: &str = env!("CARGO_BIN_EXE_caas");
const VEHICLES: usize = 200;
const FEATURES: [&str; 5] = ["HEATED_SEATS", "PARKING_ASSISTANT", "LANE_KEEPING", "PREMIUM_AUDIO", "DRIVE_RECORDER"];

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn caas(env: &[(&str, String)]) -> Command {
    let mut command = Command::new(BINARY);
    for (key, _) in std::env::vars() {
        if key.starts_with("CAAS_") || key == "DATABASE_URL" {
            command.env_remove(key);
        }
    }
    command.env("CAAS_LOG", "error").stdout(Stdio::null()).stderr(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// A database of the test's own: PostgreSQL under `TEST_DATABASE_URL`, else a SQLite file.
async fn database(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("caas_campaign_{}", Uuid::new_v4().simple());
            let connection = Database::connect(&admin).await.expect("admin connection");
            connection.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base).to_owned();
            (format!("{base}/{name}"), Some((admin, name)))
        }
        _ => (format!("sqlite://{}/campaign.db?mode=rwc", dir.display()), None),
    }
}

async fn wait_until_up(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(url).await.is_err() {
        assert!(Instant::now() < deadline, "{url} did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Two hundred cars for the demo customer, all able to take every feature of the campaign.
async fn add_cars(db: &DatabaseConnection) -> Vec<String> {
    let owner = users::Entity::find()
        .filter(users::Column::Email.eq("customer@demo.caas"))
        .one(db)
        .await
        .expect("db")
        .expect("customer");
    assert_eq!(owner.role, Role::Customer);
    let aurora = vehicle_models::Entity::find()
        .filter(vehicle_models::Column::Code.eq("AURORA"))
        .one(db)
        .await
        .expect("db")
        .expect("model");
    let now = Utc::now();
    let mut vins = Vec::with_capacity(VEHICLES);
    for n in 0..VEHICLES {
        let vin = format!("WCAAUR1S0TC{:06}", 700_000 + n);
        vehicles::ActiveModel {
            id: Set(Uuid::now_v7()),
            vin: Set(vin.clone()),
            model_id: Set(aurora.id),
            firmware_version: Set("3.2.1".into()),
            status: Set(VehicleStatus::Assigned),
            owner_id: Set(Some(owner.id)),
            dealership_id: Set(None),
            region_id: Set(owner.region_id),
            plate: Set(None),
            color: Set("Obsidian Black".into()),
            mileage_km: Set(100),
            service_due_at: Set(Some(now + chrono::Duration::days(365))),
            service_due_km: Set(Some(15_000)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .expect("car");
        vins.push(vin);
    }
    vins
}

struct Server {
    process: Option<Process>,
    env: Vec<(&'static str, String)>,
    health: String,
}

impl Server {
    async fn start(&mut self) {
        let env: Vec<(&str, String)> = self.env.iter().map(|(k, v)| (*k, v.clone())).collect();
        self.process = Some(Process(caas(&env).arg("serve").spawn().expect("server")));
        wait_until_up(&self.health).await;
    }

    fn kill(&mut self) {
        // Process::drop sends SIGKILL: no graceful shutdown, leases and half-done steps stay behind.
        self.process = None;
    }
}

async fn graphql(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    let mut request = client.post(url).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.map_err(|err| err.to_string())?;
    let body: Value = response.json().await.map_err(|err| err.to_string())?;
    if let Some(error) = body["errors"].get(0) {
        return Err(error.to_string());
    }
    Ok(body["data"].clone())
}

/// Buys until the server answers (it may be down for a restart): the key makes repeats harmless.
async fn buy(client: &reqwest::Client, url: &str, token: &str, vin: &str, feature: &str) -> String {
    let mutation = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id } }";
    let input = json!({ "input": { "vin": vin, "featureCode": feature, "duration": { "kind": "PERMANENT" }, "idempotencyKey": format!("campaign-{vin}-{feature}") } });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match graphql(client, url, Some(token), mutation, input.clone()).await {
            Ok(data) => return data["purchaseFeature"]["id"].as_str().expect("id").to_owned(),
            Err(error) => {
                assert!(Instant::now() < deadline, "purchase of {feature} on {vin} never went through: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn engine_idle(db: &DatabaseConnection) -> bool {
    let busy_activations = activations::Entity::find()
        .filter(activations::Column::Status.is_in([ActivationStatus::Pending, ActivationStatus::Activating]))
        .count(db)
        .await
        .expect("count");
    let busy_jobs = ota_jobs::Entity::find()
        .filter(ota_jobs::Column::Status.is_in([OtaJobStatus::Queued, OtaJobStatus::Running]))
        .count(db)
        .await
        .expect("count");
    busy_activations == 0 && busy_jobs == 0
}

/// Every activation and job the engine has not finished, with what it knows of each: what a
/// stalled campaign needs to be understood.
async fn unfinished(db: &DatabaseConnection) -> String {
    let busy_activations = activations::Entity::find()
        .filter(activations::Column::Status.is_in([ActivationStatus::Pending, ActivationStatus::Activating]))
        .all(db)
        .await
        .expect("activations");
    let busy_jobs = ota_jobs::Entity::find()
        .filter(ota_jobs::Column::Status.is_in([OtaJobStatus::Queued, OtaJobStatus::Running]))
        .all(db)
        .await
        .expect("jobs");
    let mut report = format!("{} activations, {} jobs (now {})\n", busy_activations.len(), busy_jobs.len(), Utc::now());
    for activation in &busy_activations {
        report += &format!(
            "activation {} {:?} updated {} reason {:?}\n",
            activation.id, activation.status, activation.updated_at, activation.failure_reason
        );
    }
    for job in &busy_jobs {
        report += &format!(
            "job {} of {} {:?} {:?} attempt {}/{} next {} lease {:?} until {:?} error {:?}\n",
            job.id,
            job.activation_id,
            job.command,
            job.status,
            job.attempts,
            job.max_attempts,
            job.next_attempt_at,
            job.lease_owner,
            job.lease_expires_at,
            job.last_error
        );
    }
    report
}

/// Every payment the gateway simulator holds, with its captures and refunds.
async fn gateway_payments(client: &reqwest::Client, gateway_url: &str) -> Vec<Value> {
    let response = client.get(format!("{gateway_url}/control/payments")).send().await.expect("gateway");
    response.json().await.expect("json")
}

/// Support refunds each of `charges` in full, sending every refund twice at once with one key: each
/// is refunded once at the gateway, REFUNDED with one credit note, and its feature switched off.
async fn refund_a_share(
    client: &reqwest::Client,
    url: &str,
    gateway_url: &str,
    db: &DatabaseConnection,
    charges: &[payments::Model],
) {
    let login = "mutation { login(identifier: \"support@demo.caas\", password: \"caas-demo\") { accessToken } }";
    let token = graphql(client, url, None, login, json!({})).await.expect("login")["login"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let refund = "mutation($id: ID!, $key: String!) { refundPayment(paymentId: $id, idempotencyKey: $key, reason: \"goodwill\") { status } }";
    let requests = charges.iter().flat_map(|charge| {
        let input = json!({ "id": charge.id, "key": format!("refund-{}", charge.id) });
        [input.clone(), input]
    });
    let answers: Vec<Result<Value, String>> = futures::stream::iter(requests)
        .map(|input| graphql(client, url, Some(&token), refund, input))
        .buffer_unordered(8)
        .collect()
        .await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    let gateway = gateway_payments(client, gateway_url).await;
    for charge in charges {
        let reference = charge.provider_ref.as_deref().expect("charged");
        let at_gateway = gateway.iter().find(|p| p["id"] == reference).expect("at the gateway");
        assert_eq!(at_gateway["refunded"].as_i64(), Some(charge.amount_minor), "{reference} refunded once, in full");
        let now = payments::Entity::find_by_id(charge.id).one(db).await.expect("db").expect("payment");
        assert_eq!(now.status, PaymentStatus::Refunded);
        let credit_notes = entity::invoices::Entity::find()
            .filter(entity::invoices::Column::PaymentId.eq(charge.id))
            .filter(entity::invoices::Column::Kind.eq(entity::InvoiceKind::CreditNote))
            .count(db)
            .await
            .expect("count");
        assert_eq!(credit_notes, 1, "{reference}: one credit note");
        let activation = activations::Entity::find_by_id(charge.activation_id.expect("feature"))
            .one(db)
            .await
            .expect("db")
            .expect("activation");
        assert_eq!(activation.end_reason.as_deref(), Some("REFUNDED"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_activations_survive_four_crashes_and_every_invariant_holds() {
    let dir = tempfile::tempdir().expect("dir");
    let (database_url, postgres) = database(dir.path()).await;
    let seeded = caas(&[("DATABASE_URL", database_url.clone())]).arg("seed").status().expect("seed");
    assert!(seeded.success());
    let db = Database::connect(&database_url).await.expect("connect");
    let vins = add_cars(&db).await;

    let (fleet_port, gateway_port, server_port) = (free_port(), free_port(), free_port());
    let fleet_url = format!("http://127.0.0.1:{fleet_port}");
    let gateway_url = format!("http://127.0.0.1:{gateway_port}");
    let _fleet = Process(
        caas(&[]).args(["simulate", "fleet", "--bind", &format!("127.0.0.1:{fleet_port}")]).spawn().expect("fleet"),
    );
    let _gateway = Process(
        caas(&[("CAAS_PAYMENT_SETTLE_SECONDS", "0.5".into())])
            .args([
                "simulate",
                "payments",
                "--bind",
                &format!("127.0.0.1:{gateway_port}"),
                "--webhook-url",
                &format!("http://127.0.0.1:{server_port}/webhooks/payments"),
            ])
            .spawn()
            .expect("gateway"),
    );
    wait_until_up(&format!("{fleet_url}/control")).await;
    wait_until_up(&format!("{gateway_url}/control")).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
    let knobs = json!({ "transientFailureRate": 0.20, "permanentFailureRate": 0.05 });
    assert!(client.put(format!("{fleet_url}/control")).json(&knobs).send().await.expect("knobs").status().is_success());
    let gateway_knobs =
        |unavailable: bool| json!({ "latencyMs": 5, "settlementFailureRate": 0.03, "unavailable": unavailable });
    let set_gateway = {
        let (client, url) = (client.clone(), format!("{gateway_url}/control"));
        move |knobs: Value| {
            let (client, url) = (client.clone(), url.clone());
            async move { assert!(client.put(url).json(&knobs).send().await.expect("knobs").status().is_success()) }
        }
    };
    set_gateway(gateway_knobs(false)).await;

    let server = Arc::new(Mutex::new(Server {
        process: None,
        env: vec![
            ("DATABASE_URL", database_url.clone()),
            ("CAAS_LISTEN", format!("127.0.0.1:{server_port}")),
            ("CAAS_FLEET_URL", fleet_url.clone()),
            ("CAAS_STRIPE_API_BASE", format!("{gateway_url}/")),
            ("CAAS_SEED_DEMO", "false".into()),
            ("CAAS_OTA_WORKERS", "8".into()),
            ("CAAS_OTA_BACKOFF_MS", "20".into()),
            ("CAAS_OTA_BACKOFF_MAX_MS", "200".into()),
            ("CAAS_OTA_MAX_ATTEMPTS", "10".into()),
            ("CAAS_OTA_TIMEOUT_MS", "3000".into()),
            ("CAAS_OTA_LEASE_SECONDS", "3".into()),
            ("CAAS_SCHEDULER_INTERVAL", "3600".into()),
            // A settlement webhook lost while the server was down is looked up at the gateway.
            ("CAAS_SETTLEMENT_CHECK_SECONDS", "2".into()),
            // One client buys a thousand features within a minute: a public deployment's limits
            // per address and user would refuse it.
            ("CAAS_RATE_LIMIT_PER_IP", "0".into()),
            ("CAAS_RATE_LIMIT_PER_USER", "0".into()),
        ],
        health: format!("http://127.0.0.1:{server_port}/healthz"),
    }));
    server.lock().await.start().await;
    let url = format!("http://127.0.0.1:{server_port}/graphql");
    let login = "mutation { login(identifier: \"customer@demo.caas\", password: \"caas-demo\") { accessToken } }";
    let token = graphql(&client, &url, None, login, json!({})).await.expect("login")["login"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    // She saves her card, as a customer does before buying.
    let save = "mutation($input: SavePaymentCardInput!) { savePaymentCard(input: $input) { last4 } }";
    let card = json!({ "input": { "paymentMethod": "pm_card_visa", "idempotencyKey": "campaign-card" } });
    graphql(&client, &url, Some(&token), save, card).await.expect("card saved");

    // A thousand purchases, sixteen at a time; the server is killed after every 250th.
    let done = Arc::new(AtomicUsize::new(0));
    let killer = {
        let (server, done, set_gateway) = (server.clone(), done.clone(), set_gateway.clone());
        tokio::spawn(async move {
            for threshold in [250, 500, 750] {
                while done.load(Ordering::SeqCst) < threshold {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                if threshold != 500 {
                    // The gateway goes down for a second: authorisations and captures wait for it.
                    set_gateway(gateway_knobs(true)).await;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    set_gateway(gateway_knobs(false)).await;
                }
                let mut server = server.lock().await;
                server.kill();
                tokio::time::sleep(Duration::from_millis(300)).await;
                server.start().await;
            }
        })
    };
    let orders: Vec<(String, &str)> =
        vins.iter().flat_map(|vin| FEATURES.iter().map(move |feature| (vin.clone(), *feature))).collect();
    assert_eq!(orders.len(), 1_000);
    let ids: Vec<String> = futures::stream::iter(orders)
        .map(|(vin, feature)| {
            let (client, url, token, done) = (client.clone(), url.clone(), token.clone(), done.clone());
            async move {
                let id = buy(&client, &url, &token, &vin, feature).await;
                done.fetch_add(1, Ordering::SeqCst);
                id
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    killer.await.expect("killer");
    // A fourth crash while the engine is still busy.
    {
        let mut server = server.lock().await;
        server.kill();
        tokio::time::sleep(Duration::from_millis(300)).await;
        server.start().await;
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while !engine_idle(&db).await {
        if Instant::now() >= deadline {
            panic!("the engine did not finish the campaign in 5 minutes; unfinished:\n{}", unfinished(&db).await);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Captures settle half a second later (the gateway's webhook): wait for every one to land.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let unsettled = payments::Entity::find()
            .filter(payments::Column::Status.eq(PaymentStatus::Captured))
            .count(&db)
            .await
            .expect("count");
        if unsettled == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{unsettled} captured payments never settled");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every idempotency key produced exactly one activation.
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 1_000);
    let keys = idempotency_keys::Entity::find()
        .filter(idempotency_keys::Column::Key.starts_with("campaign-"))
        .count(&db)
        .await
        .expect("count");
    assert_eq!(keys, 1_000);
    let campaign: Vec<activations::Model> = activations::Entity::find()
        .filter(activations::Column::Id.is_in(unique.iter().map(|id| id.parse::<Uuid>().expect("uuid"))))
        .all(&db)
        .await
        .expect("activations");
    assert_eq!(campaign.len(), 1_000);

    let fleet: Vec<Value> =
        client.get(format!("{fleet_url}/control/vehicles")).send().await.expect("fleet").json().await.expect("json");
    let on: HashMap<(String, String), bool> = fleet
        .iter()
        .flat_map(|car| {
            let vin = car["vin"].as_str().unwrap_or_default().to_owned();
            car["features"]
                .as_object()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |(code, value)| ((vin.clone(), code), value.as_bool().unwrap_or(false)))
        })
        .collect();
    let gateway = gateway_payments(&client, &gateway_url).await;
    let captures: HashMap<String, (u64, String)> = gateway
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or_default().to_owned(),
                (p["captures"].as_u64().unwrap_or(0), p["status"].as_str().unwrap_or_default().to_owned()),
            )
        })
        .collect();
    assert!(captures.values().all(|(count, _)| *count <= 1), "a payment was captured twice");

    let cars: HashMap<Uuid, String> =
        vehicles::Entity::find().all(&db).await.expect("cars").into_iter().map(|car| (car.id, car.vin)).collect();
    let features: HashMap<Uuid, String> = entity::features::Entity::find()
        .all(&db)
        .await
        .expect("features")
        .into_iter()
        .map(|f| (f.id, f.code))
        .collect();
    let (mut active, mut failed, mut unsettled, mut settled) = (0, 0, 0, Vec::new());
    for activation in &campaign {
        let key = (cars[&activation.vehicle_id].clone(), features[&activation.feature_id].clone());
        let charges = payments::Entity::find()
            .filter(payments::Column::ActivationId.eq(activation.id))
            .all(&db)
            .await
            .expect("payments");
        assert_eq!(charges.len(), 1, "one charge per activation");
        let charge = &charges[0];
        let at_gateway = charge.provider_ref.as_ref().and_then(|reference| captures.get(reference));
        match activation.status {
            ActivationStatus::Active => {
                active += 1;
                assert_eq!(on.get(&key), Some(&true), "{key:?} is ACTIVE but off in the car");
                assert_eq!(at_gateway.map(|(count, _)| *count), Some(1), "{key:?} not captured exactly once");
                match charge.status {
                    PaymentStatus::Settled => settled.push(charge.clone()),
                    // The bank refused the debit: recorded, and the feature is unpaid.
                    PaymentStatus::Failed => {
                        unsettled += 1;
                        assert!(activation.unpaid_since.is_some(), "{key:?}: a failed settlement left it paid");
                    }
                    other => panic!("{key:?} is ACTIVE with its charge {other:?}"),
                }
            }
            ActivationStatus::Failed => {
                failed += 1;
                assert_ne!(on.get(&key), Some(&true), "{key:?} FAILED but on in the car");
                assert!(
                    matches!(charge.status, PaymentStatus::Voided | PaymentStatus::Refunded),
                    "{key:?}: {:?}",
                    charge.status
                );
                if let Some((count, status)) = at_gateway {
                    assert!(
                        *count == 0 && status == "canceled" || status == "refunded",
                        "{key:?} was charged: {count} {status}"
                    );
                }
            }
            other => panic!("{key:?} ended {other:?}"),
        }
    }
    println!("campaign: {active} active ({unsettled} of them unsettled), {failed} failed");
    assert!(active > 800 && failed > 10, "the failure rates did not show: {active} active, {failed} failed");
    assert!(unsettled > 0, "no settlement failed");

    refund_a_share(&client, &url, &gateway_url, &db, &settled[..40.min(settled.len())]).await;

    drop(db);
    server.lock().await.kill();
    if let Some((admin, name)) = postgres {
        let connection = Database::connect(&admin).await.expect("admin");
        let _ = connection.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    }
}
