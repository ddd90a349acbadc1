//! Telemetry ingestion over MQTT: cars publish signed readings (QoS 1) to the broker as fast as it
//! takes them, the server reads them through its shared subscription and stores them in batches;
//! the rate is readings stored per second from the first publish to the last stored, and every
//! reading is accounted for (stored, and counted stored by the server and in the database). Then
//! the query of a 30-day hourly chart, as the health page asks it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use caas::config::DEMO_TELEMETRY_SECRET;
use caas::integrations::telemetry::client::BrokerAddress;
use caas::integrations::telemetry::{CarKeys, OutgoingReading, signed_message, topic};
use chrono::Utc;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

use crate::child::{BenchDatabase, Child};
use crate::load::median;

/// Readings per second the ingestion must sustain on this 2-core machine.
pub const TARGET_PER_SECOND: f64 = 20_000.0;
/// The chart query's target, median ms.
pub const CHART_TARGET_MS: f64 = 50.0;

/// What a run measured.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TelemetryResult {
    /// The database.
    pub database: String,
    /// Cars publishing.
    pub cars: usize,
    /// Readings published.
    pub published: u64,
    /// Readings the server counted stored.
    pub stored: u64,
    /// Rows in the database afterwards.
    pub rows: u64,
    /// Stored per second (median of the runs).
    pub per_second: f64,
    /// Each run's rate.
    pub runs: Vec<f64>,
    /// The 30-day hourly chart: median and 99th percentile, ms.
    pub chart_ms: (f64, f64),
    /// Points in that chart.
    pub chart_points: usize,
}

/// A Mosquitto of the suite's own, configured as `deploy/mosquitto.conf` recommends (the defaults
/// drop QoS 1 messages beyond 1,000 queued per subscriber connection: a burst would be lost in the
/// broker, not in the server).
struct OwnBroker {
    process: tokio::process::Child,
    address: BrokerAddress,
    _dir: tempfile::TempDir,
}

impl OwnBroker {
    async fn start() -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let dir = tempfile::tempdir()?;
        let config = dir.path().join("mosquitto.conf");
        std::fs::write(
            &config,
            format!(
                "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n\
                 max_inflight_messages 1000\nmax_queued_messages 100000\n"
            ),
        )?;
        let binary = ["mosquitto", "/usr/sbin/mosquitto"]
            .into_iter()
            .find(|candidate| std::process::Command::new(candidate).arg("-h").output().is_ok())
            .context("mosquitto is not installed")?;
        let process = tokio::process::Command::new(binary)
            .arg("-c")
            .arg(&config)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("mosquitto did not start on port {port}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(Self { process, address: BrokerAddress { host: "127.0.0.1".into(), port }, _dir: dir })
    }
}

/// The broker: `BENCH_MQTT_URL`'s when set, else a Mosquitto of the suite's own.
async fn broker() -> anyhow::Result<(BrokerAddress, Option<OwnBroker>)> {
    if let Ok(url) = std::env::var("BENCH_MQTT_URL") {
        let address = BrokerAddress::parse(&url).context("BENCH_MQTT_URL must look like mqtt://host:port")?;
        return Ok((address, None));
    }
    let own = OwnBroker::start().await?;
    Ok((own.address.clone(), Some(own)))
}

/// Runs the suite on `database` (the caller passes PostgreSQL); `None` without a broker.
pub async fn run(
    database: &BenchDatabase,
    cars: usize,
    readings: usize,
    runs: usize,
) -> anyhow::Result<Option<TelemetryResult>> {
    let (broker, own) = match broker().await {
        Ok(found) => found,
        Err(error) => {
            eprintln!("telemetry: no MQTT broker ({error}); skipped");
            return Ok(None);
        }
    };
    let url = format!("mqtt://{}:{}", broker.host, broker.port);
    let group = format!("caas-bench-{}", std::process::id());
    let env = [
        ("CAAS_MQTT_URL", url.as_str()),
        ("CAAS_MQTT_GROUP", group.as_str()),
        ("CAAS_TELEMETRY_INTERVAL_SECONDS", "0"),
    ];
    let server = Child::start(&database.url, &env).await?;
    // The demo customer's Aurora, whose month of history the chart shows (found before the
    // suite's cars join her list).
    let chart_car = aurora(&server).await?;
    let vins = crate::ota::new_cars(&server, cars).await?;
    let db = Database::connect(&database.url).await?;
    let rows_before = count_rows(&db).await?;
    let mut rates = Vec::new();
    let (mut published, mut first_sequence) = (0_u64, 1_i64);
    for run in 0..runs {
        let before = server.metric("caas_telemetry_readings_total{outcome=\"stored\"}").await.unwrap_or(0.0);
        let (seconds, sent) = publish_and_wait(&server, &broker, &vins, readings, first_sequence, before).await?;
        eprintln!("telemetry: run {}: {sent} readings stored in {seconds:.2} s", run + 1);
        rates.push(sent as f64 / seconds);
        published += sent;
        first_sequence += (readings / vins.len() + 1) as i64;
    }
    let stored = server.metric("caas_telemetry_readings_total{outcome=\"stored\"}").await? as u64;
    let rows = count_rows(&db).await? - rows_before;
    if stored != published || rows != published {
        bail!("readings lost: {published} published, {stored} counted stored, {rows} rows");
    }
    let (chart_ms, chart_points) = chart(&server, &chart_car).await?;
    server.stop().await;
    if let Some(mut own) = own {
        let _ = own.process.kill().await;
    }
    Ok(Some(TelemetryResult {
        database: database.label.clone(),
        cars,
        published,
        stored,
        rows,
        per_second: median(&rates),
        runs: rates,
        chart_ms,
        chart_points,
    }))
}

/// The messages of `readings` readings spread over the cars, signed beforehand (the cars' work).
fn messages(vins: &[String], readings: usize, first_sequence: i64) -> Vec<(String, Vec<u8>)> {
    let keys = CarKeys::new(DEMO_TELEMETRY_SECRET.as_bytes());
    let now = Utc::now();
    (0..readings)
        .map(|index| {
            let vin = &vins[index % vins.len()];
            let seq = first_sequence + (index / vins.len()) as i64;
            let signals = BTreeMap::from([
                ("Vehicle.TraveledDistance".to_owned(), json!(100.0 + seq as f64 * 0.1)),
                ("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current".to_owned(), json!(60.0)),
                ("Vehicle.Speed".to_owned(), json!(50)),
            ]);
            let reading = OutgoingReading { seq, ts: now + chrono::Duration::milliseconds(seq), signals };
            (topic(vin), signed_message(&keys, vin, &reading))
        })
        .collect()
}

/// Publishers sharing the work.
const PUBLISHERS: usize = 4;

/// Publishes the readings from several connections, QoS 1, and waits until the server counted
/// them stored; the seconds from the first publish to then, and how many.
async fn publish_and_wait(
    server: &Child,
    broker: &BrokerAddress,
    vins: &[String],
    readings: usize,
    first_sequence: i64,
    stored_before: f64,
) -> anyhow::Result<(f64, u64)> {
    let all = messages(vins, readings, first_sequence);
    let mut shares: Vec<Vec<(String, Vec<u8>)>> = (0..PUBLISHERS).map(|_| Vec::new()).collect();
    for (index, message) in all.into_iter().enumerate() {
        shares[index % PUBLISHERS].push(message);
    }
    let started = Instant::now();
    let publishers: Vec<_> = shares
        .into_iter()
        .enumerate()
        .map(|(index, share)| tokio::spawn(publish(broker.clone(), index, share)))
        .collect();
    for publisher in publishers {
        publisher.await??;
    }
    let target = stored_before + readings as f64;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let stored = server.metric("caas_telemetry_readings_total{outcome=\"stored\"}").await.unwrap_or(0.0);
        if stored >= target {
            return Ok((started.elapsed().as_secs_f64(), readings as u64));
        }
        if Instant::now() > deadline {
            bail!("only {} of {readings} readings stored after 300 s", stored - stored_before);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One car fleet's connection: publishes its share and returns once the broker acknowledged all.
async fn publish(broker: BrokerAddress, index: usize, share: Vec<(String, Vec<u8>)>) -> anyhow::Result<()> {
    let mut options =
        MqttOptions::new(format!("caas-bench-cars-{}-{index}", std::process::id()), broker.host, broker.port);
    options.set_keep_alive(Duration::from_secs(30)).set_inflight(1_000);
    let (client, mut events) = AsyncClient::new(options, 4_096);
    let expected = share.len();
    let sender = tokio::spawn(async move {
        for (topic, payload) in share {
            client.publish(topic, QoS::AtLeastOnce, false, payload).await?;
        }
        anyhow::Ok(client)
    });
    let mut acknowledged = 0;
    while acknowledged < expected {
        if let Event::Incoming(Packet::PubAck(_)) = events.poll().await? {
            acknowledged += 1;
        }
    }
    let client = sender.await??;
    let _ = client.disconnect().await;
    Ok(())
}

/// Rows of `telemetry_readings`.
async fn count_rows(db: &sea_orm::DatabaseConnection) -> anyhow::Result<u64> {
    let statement =
        sea_orm::Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM telemetry_readings");
    let row = db.query_one_raw(statement).await?.context("a count")?;
    Ok(row.try_get::<i64>("", "n")? as u64)
}

/// The demo customer's Aurora.
async fn aurora(server: &Child) -> anyhow::Result<String> {
    let token = server.token("customer@demo.caas").await?;
    let cars = server.graphql(Some(&token), "{ myVehicles { nodes { vin model { code } } } }", json!({})).await?;
    cars["myVehicles"]["nodes"]
        .as_array()
        .and_then(|cars| cars.iter().find(|car| car["model"]["code"] == "AURORA"))
        .and_then(|car| car["vin"].as_str())
        .map(str::to_owned)
        .context("the Aurora")
}

/// The health page's 30-day hourly mileage chart of `vin`, 200 times in a row: median and 99th
/// percentile, ms, and its points.
async fn chart(server: &Child, vin: &str) -> anyhow::Result<((f64, f64), usize)> {
    let token = server.token("customer@demo.caas").await?;
    let now = Utc::now();
    let query = "query($vin: String!, $from: DateTime!, $to: DateTime!) { vehicle(vin: $vin) { \
        telemetry(signal: TRAVELED_DISTANCE, from: $from, to: $to, resolution: HOUR) { at value min max } } }";
    let variables = json!({ "vin": vin, "from": now - chrono::Duration::days(30), "to": now });
    let mut times = Vec::new();
    let mut points = 0;
    for _ in 0..200 {
        let started = Instant::now();
        let data = server.graphql(Some(&token), query, variables.clone()).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        points = data["vehicle"]["telemetry"].as_array().map_or(0, Vec::len);
    }
    times.sort_by(f64::total_cmp);
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    Ok(((median(&times), p99), points))
}
