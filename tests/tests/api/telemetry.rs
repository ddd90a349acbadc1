//! Vehicle telemetry end to end: readings over HTTP (and MQTT against a real broker when
//! `CAAS_TEST_MQTT_URL` is set) are stored once, move the car's mileage and maintenance status and
//! reach live subscribers; bad readings are refused, counted and never stored; the health rules
//! open one alert per episode and close it when the condition clears; raw readings age into hourly
//! summaries; the simulated fleet reports by itself.

use std::time::Duration;

use caas::integrations::telemetry::{CarKeys, OutgoingReading, signed_message, topic};
use caas::platform::clock::Clock;
use caas_tests::telemetry::{self, DTC_LIST, ODOMETER, STATE_OF_CHARGE, counted, post, send, vin_of};
use caas_tests::ws::GqlSocket;
use caas_tests::{PASSWORD, TestApp, TestOptions, spawn_app, spawn_app_for_time_travel, spawn_app_with};
use chrono::{DateTime, Utc};
use entity::{DiagnosticStatus, diagnostic_sessions, telemetry_readings};
use rumqttc::{AsyncClient, MqttOptions, QoS};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

const LUCIA: &str = "customer2@demo.caas";
const ANNA: &str = "customer@demo.caas";

const HEALTH: &str = "query($vin: String!) { vehicle(vin: $vin) { mileageKm maintenanceStatus { state nextDueKm } \
    latestTelemetry { recordedAt odometerKm stateOfChargePercent faultCodes } \
    healthAlerts { id kind faultCode description open closedAt suggestsWorkshop value } } }";

const LIVE: &str = "subscription($vin: String!) { vehicleTelemetry(vin: $vin) { vin \
    reading { odometerKm stateOfChargePercent faultCodes } alert { kind faultCode open } } }";

async fn health(app: &TestApp, token: &str, vin: &str) -> Value {
    let answer = app.graphql_as(token, HEALTH, json!({ "vin": vin })).await;
    answer.data()["vehicle"].clone()
}

fn alerts_of<'a>(vehicle: &'a Value, kind: &str) -> Vec<&'a Value> {
    vehicle["healthAlerts"].as_array().expect("alerts").iter().filter(|alert| alert["kind"] == kind).collect()
}

/// Readings of the car stored in the database.
async fn stored(app: &TestApp, vin: &str) -> u64 {
    let car = entity::vehicles::Entity::find()
        .filter(entity::vehicles::Column::Vin.eq(vin))
        .one(&app.app.db)
        .await
        .expect("query")
        .expect("car");
    telemetry_readings::Entity::find()
        .filter(telemetry_readings::Column::VehicleId.eq(car.id))
        .count(&app.app.db)
        .await
        .expect("count")
}

/// A moment after the seeded history and the test clock's now.
fn soon(app: &TestApp, seconds: i64) -> DateTime<Utc> {
    app.clock.now() + chrono::Duration::seconds(seconds)
}

async fn live(app: &TestApp, token: &str, vin: &str) -> GqlSocket {
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {token}") })).await;
    let listening = app.subscribers();
    socket.subscribe("health", LIVE, json!({ "vin": vin })).await;
    app.wait_for_subscribers(listening + 1).await;
    socket
}

/// The next update on `socket` that carries a reading (alerts may come first).
async fn next_reading(socket: &mut GqlSocket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(15), socket.next_message()).await.expect("an update");
        assert_eq!(message["type"], "next", "{message}");
        let update = &message["payload"]["data"]["vehicleTelemetry"];
        if !update["reading"].is_null() {
            return update["reading"].clone();
        }
    }
}

#[tokio::test]
async fn a_reading_over_http_is_stored_once_moves_the_mileage_and_reaches_a_live_subscriber() {
    let app = spawn_app().await;
    let vin = vin_of(&app, ANNA, "AURORA").await;
    let token = app.token_for(ANNA, PASSWORD).await;
    let before = health(&app, &token, &vin).await;
    assert_eq!(before["mileageKm"], 12_480);
    let due_km = before["maintenanceStatus"]["nextDueKm"].as_i64().expect("a service mileage");
    assert_ne!(before["maintenanceStatus"]["state"], "OVERDUE");
    let seeded = stored(&app, &vin).await;
    assert!(seeded > 50, "the demo seeds two days of raw readings, found {seeded}");
    let mut socket = live(&app, &token, &vin).await;

    // The car has driven past its service mileage.
    let km = due_km as f64 + 120.4;
    let message = telemetry::message(&vin, 1, soon(&app, 1), json!({ ODOMETER: km, STATE_OF_CHARGE: 64.5 }));
    let (status, answer) = post(&app, &vin, message.clone()).await;
    assert_eq!((status, answer), (202, json!({ "outcome": "stored" })));
    let (status, answer) = post(&app, &vin, message).await;
    assert_eq!((status, answer), (200, json!({ "outcome": "duplicate" })), "sent twice, stored once");
    assert_eq!(stored(&app, &vin).await, seeded + 1);

    let reading = next_reading(&mut socket).await;
    assert_eq!(reading, json!({ "odometerKm": km, "stateOfChargePercent": 64.5, "faultCodes": [] }));
    let after = health(&app, &token, &vin).await;
    assert_eq!(after["mileageKm"], due_km + 120, "the odometer's whole km");
    assert_eq!(after["maintenanceStatus"]["state"], "OVERDUE", "due by mileage now");
    assert_eq!(after["latestTelemetry"]["odometerKm"], km);
    let service = alerts_of(&after, "SERVICE_DUE");
    assert_eq!(service.len(), 1, "{after}");
    assert_eq!((service[0]["open"].clone(), service[0]["suggestsWorkshop"].clone()), (json!(true), json!(true)));

    // An older reading arriving late joins the series but changes neither the present nor the mileage.
    let (status, _) = send(&app, &vin, 0, soon(&app, -600), json!({ ODOMETER: 100.0 })).await;
    assert_eq!(status, 202);
    let later = health(&app, &token, &vin).await;
    assert_eq!(
        (later["mileageKm"].clone(), later["latestTelemetry"]["odometerKm"].clone()),
        (json!(due_km + 120), json!(km))
    );
    assert_eq!(counted(&app, "stored").await, 2.0);
    assert_eq!(counted(&app, "duplicate").await, 1.0);
}

#[tokio::test]
async fn a_fault_code_opens_one_alert_with_one_notice_and_a_workshop_draft_and_closes_when_it_clears() {
    let app = spawn_app().await;
    // Anna's Borealis is booked in at the München workshop (demo data).
    let vin = vin_of(&app, ANNA, "BOREALIS").await;
    let token = app.token_for(ANNA, PASSWORD).await;
    let mut socket = live(&app, &token, &vin).await;
    let (status, _) = send(&app, &vin, 1, soon(&app, 1), json!({ DTC_LIST: ["P0301"], STATE_OF_CHARGE: 70 })).await;
    assert_eq!(status, 202);
    let message = tokio::time::timeout(Duration::from_secs(15), socket.next_message()).await.expect("live");
    let update = &message["payload"]["data"]["vehicleTelemetry"];
    assert_eq!(update["alert"], json!({ "kind": "FAULT_CODE", "faultCode": "P0301", "open": true }), "{message}");

    let car = health(&app, &token, &vin).await;
    let faults = alerts_of(&car, "FAULT_CODE");
    assert_eq!(faults.len(), 1);
    assert_eq!(faults[0]["suggestsWorkshop"], true);
    assert!(faults[0]["description"].as_str().expect("text").starts_with("P0301: "), "{}", faults[0]);
    let mail = app.email(ANNA, "P0301").await;
    assert!(mail.body.contains(&vin), "{}", mail.body);
    let in_car = app.eventually("the notice on the car's display", || async {
        let fleet = app.simulators.fleet.as_ref().expect("simulated fleet");
        fleet.messages(&vin).into_iter().find(|text| text.contains("P0301"))
    });
    in_car.await;
    let draft = diagnostic_sessions::Entity::find()
        .filter(diagnostic_sessions::Column::Status.eq(DiagnosticStatus::Draft))
        .all(&app.app.db)
        .await
        .expect("drafts");
    assert_eq!(draft.len(), 1, "a diagnostic draft at the workshop where the car is booked");
    assert_eq!(draft[0].fault_codes, json!(["P0301"]));
    assert!(draft[0].repair_order_id.is_some(), "the car is checked in: the draft is on its repair order");

    // The fault stays: no second alert, no second notice.
    for seq in 2..=3 {
        send(&app, &vin, seq, soon(&app, seq), json!({ DTC_LIST: ["P0301"] })).await;
    }
    // A reading without the list says nothing about faults.
    send(&app, &vin, 4, soon(&app, 4), json!({ ODOMETER: 20.0 })).await;
    let car = health(&app, &token, &vin).await;
    assert_eq!(alerts_of(&car, "FAULT_CODE").len(), 1, "{car}");
    assert_eq!(alerts_of(&car, "FAULT_CODE")[0]["open"], true);
    let notices =
        app.graphql_as(&token, "{ notifications(first: 50) { edges { node { template } } } }", json!({})).await;
    let fault_notices = notices.data()["notifications"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|edge| edge["node"]["template"] == "health.fault_code")
        .count();
    assert_eq!(fault_notices, 1);

    // The code clears: the alert closes; it coming back is a new episode.
    send(&app, &vin, 5, soon(&app, 5), json!({ DTC_LIST: [] })).await;
    let car = health(&app, &token, &vin).await;
    let faults = alerts_of(&car, "FAULT_CODE");
    assert_eq!((faults.len(), faults[0]["open"].clone()), (1, json!(false)), "{car}");
    assert!(faults[0]["closedAt"].is_string());
    send(&app, &vin, 6, soon(&app, 6), json!({ DTC_LIST: ["p0301", "U0100"] })).await;
    let car = health(&app, &token, &vin).await;
    let open: Vec<_> = alerts_of(&car, "FAULT_CODE").into_iter().filter(|alert| alert["open"] == true).collect();
    assert_eq!(open.len(), 2, "P0301 again and U0100: {car}");
}

#[tokio::test]
async fn bad_readings_are_refused_counted_and_never_stored() {
    let app = spawn_app().await;
    let vin = vin_of(&app, LUCIA, "CIRRUS").await;
    let token = app.token_for(LUCIA, PASSWORD).await;
    let seeded = stored(&app, &vin).await;
    let latest = health(&app, &token, &vin).await["latestTelemetry"].clone();
    let at = soon(&app, 1);
    let forged = signed_message(
        &CarKeys::new(b"a key the carmaker never gave this car"),
        &vin,
        &OutgoingReading { seq: 1, ts: at, signals: [(ODOMETER.to_owned(), json!(9000))].into() },
    );
    let other_car = telemetry::message("WCAAS0000000000X1", 1, at, json!({ ODOMETER: 9000 }));
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("unknown car", other_car, 404, "unknown_vehicle"),
        ("wrong credential", forged, 401, "bad_signature"),
        ("not JSON", b"{\"v\":1,".to_vec(), 400, "malformed"),
        ("another version", br#"{"v":9,"reading":{},"sig":"00"}"#.to_vec(), 400, "malformed"),
        ("out of range", telemetry::message(&vin, 2, at, json!({ STATE_OF_CHARGE: 140 })), 422, "out_of_range"),
        (
            "unknown signal",
            telemetry::message(&vin, 3, at, json!({ "Vehicle.Cabin.Teleporter": 1 })),
            422,
            "unknown_signal",
        ),
        ("bad fault code", telemetry::message(&vin, 4, at, json!({ DTC_LIST: ["Z9999"] })), 422, "out_of_range"),
        ("far future", telemetry::message(&vin, 5, soon(&app, 3600), json!({ ODOMETER: 9000 })), 422, "future"),
        ("too old", telemetry::message(&vin, 6, soon(&app, -8 * 86_400), json!({ ODOMETER: 9000 })), 422, "too_old"),
    ];
    for (what, body, status, outcome) in cases {
        let target = if what == "unknown car" { "WCAAS0000000000X1".to_owned() } else { vin.clone() };
        let answer = post(&app, &target, body).await;
        assert_eq!(answer, (status, json!({ "outcome": outcome })), "{what}");
    }
    // A car catching up sends an array: each reading gets its outcome.
    let good = telemetry::message(&vin, 7, at, json!({ ODOMETER: 8_300.5 }));
    let batch = format!(
        "[{}, {}, {}]",
        String::from_utf8(good.clone()).expect("utf-8"),
        String::from_utf8(good).expect("utf-8"),
        String::from_utf8(telemetry::message(&vin, 8, at, json!({ "Vehicle.Speed": -3 }))).expect("utf-8"),
    );
    let answer = post(&app, &vin, batch.into_bytes()).await;
    assert_eq!(answer, (200, json!({ "outcomes": ["stored", "duplicate", "out_of_range"] })));

    assert_eq!(stored(&app, &vin).await, seeded + 1, "only the one good reading");
    let after = health(&app, &token, &vin).await;
    assert_ne!(after["latestTelemetry"], latest);
    assert_eq!(after["latestTelemetry"]["odometerKm"], 8_300.5);
    assert_eq!(after["healthAlerts"], json!([]), "no bad reading raised an alert");
    for (outcome, count) in [
        ("unknown_vehicle", 1.0),
        ("bad_signature", 1.0),
        ("malformed", 2.0),
        ("out_of_range", 3.0),
        ("unknown_signal", 1.0),
        ("future", 1.0),
        ("too_old", 1.0),
        ("duplicate", 1.0),
        ("stored", 1.0),
    ] {
        assert_eq!(counted(&app, outcome).await, count, "{outcome}");
    }
}

#[tokio::test]
async fn the_battery_alert_has_hysteresis_and_a_silent_car_raises_one_until_it_reports() {
    let app = spawn_app_for_time_travel().await;
    let vin = vin_of(&app, LUCIA, "CIRRUS").await;
    let token = app.token_for(LUCIA, PASSWORD).await;
    for (seq, charge, open) in [(1, 12.0, 1), (2, 9.0, 1), (3, 17.0, 1), (4, 21.0, 0)] {
        send(&app, &vin, seq, soon(&app, seq), json!({ STATE_OF_CHARGE: charge })).await;
        let car = health(&app, &token, &vin).await;
        let battery = alerts_of(&car, "BATTERY_LOW");
        assert_eq!(battery.len(), 1, "one episode: {car}");
        assert_eq!(battery.iter().filter(|alert| alert["open"] == true).count(), open, "at {charge} %");
        assert_eq!(battery[0]["value"], 12.0, "the charge that opened it");
        assert_eq!(battery[0]["description"], "Batería al 12 %", "in Lucía's language");
    }

    // Two days and a bit without a word.
    app.clock.advance(chrono::Duration::hours(49));
    let done = caas::telemetry::housekeeping::tick(&app.app).await.expect("housekeeping");
    assert_eq!(done.silent, 2, "both cars on the road with history, Anna's and Lucía's");
    let again = caas::telemetry::housekeeping::tick(&app.app).await.expect("housekeeping");
    assert_eq!(again.silent, 0, "one alert per episode");
    let car = health(&app, &token, &vin).await;
    let silent = alerts_of(&car, "SILENT");
    assert_eq!((silent.len(), silent[0]["open"].clone()), (1, json!(true)), "{car}");
    app.email(LUCIA, "no da señales").await; // Lucía reads Spanish
    send(&app, &vin, 9, soon(&app, 1), json!({ STATE_OF_CHARGE: 50.0 })).await;
    let car = health(&app, &token, &vin).await;
    assert_eq!(alerts_of(&car, "SILENT")[0]["open"], false, "it reported: {car}");
}

const SERIES: &str = "query($vin: String!, $from: DateTime!, $to: DateTime!, $resolution: TelemetryResolution!) { \
    vehicle(vin: $vin) { telemetry(signal: TRAVELED_DISTANCE, from: $from, to: $to, resolution: $resolution) \
    { at value min max samples } } }";

async fn series(
    app: &TestApp,
    token: &str,
    vin: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    resolution: &str,
) -> Value {
    let variables = json!({ "vin": vin, "from": from, "to": to, "resolution": resolution });
    app.graphql_as(token, SERIES, variables).await.data()["vehicle"]["telemetry"].clone()
}

#[tokio::test]
async fn raw_readings_age_into_hourly_summaries_that_chart_the_same() {
    let app = spawn_app_for_time_travel().await;
    let vin = vin_of(&app, ANNA, "AURORA").await;
    let token = app.token_for(ANNA, PASSWORD).await;
    let now = app.clock.now();
    let month = (now - chrono::Duration::days(30), now);
    let hourly = series(&app, &token, &vin, month, "HOUR").await;
    let hours = hourly.as_array().expect("points");
    assert!(hours.len() >= 24 * 29, "a month of hours, found {}", hours.len());
    let odometers: Vec<f64> = hours.iter().map(|point| point["value"].as_f64().expect("value")).collect();
    assert!(odometers.windows(2).all(|pair| pair[0] <= pair[1]), "the odometer never goes back");
    let raw = series(&app, &token, &vin, (now - chrono::Duration::days(2), now), "RAW").await;
    assert!(raw.as_array().expect("raw").len() >= 90, "half-hourly readings of the last two days");

    // Eight days on, the raw readings are summarised: the same hours, the same values.
    app.clock.advance(chrono::Duration::days(8));
    let done = caas::telemetry::housekeeping::tick(&app.app).await.expect("housekeeping");
    assert!(done.downsampled >= 90, "{done:?}");
    assert_eq!(stored(&app, &vin).await, 0, "no raw reading is older than the days kept");
    assert_eq!(series(&app, &token, &vin, month, "HOUR").await, hourly);
    assert_eq!(series(&app, &token, &vin, (now - chrono::Duration::days(2), now), "RAW").await, json!([]));

    // Bad requests get typed errors.
    let variables = json!({ "vin": vin, "from": now, "to": now - chrono::Duration::hours(1), "resolution": "HOUR" });
    let backwards = app.graphql_as(&token, SERIES, variables).await;
    assert_eq!(backwards.error_code(), Some("BAD_USER_INPUT".to_owned()));
}

#[tokio::test]
async fn the_simulated_fleet_reports_by_itself_over_http() {
    let app = spawn_app_with(TestOptions {
        configure: Box::new(|config| {
            config.telemetry_interval_seconds = 0.1;
            config.telemetry_fault_rate = 0.0;
        }),
        ..TestOptions::default()
    })
    .await;
    let vin = vin_of(&app, LUCIA, "CIRRUS").await;
    let seeded = stored(&app, &vin).await;
    app.eventually("the simulated car's readings", || async { (stored(&app, &vin).await >= seeded + 3).then_some(()) })
        .await;
    assert!(counted(&app, "stored").await >= 3.0);
    assert_eq!(counted(&app, "bad_signature").await, 0.0, "the simulated cars sign with their own keys");
}

/// The broker of `CAAS_TEST_MQTT_URL`, if any.
fn broker() -> Option<String> {
    std::env::var("CAAS_TEST_MQTT_URL").ok().filter(|url| !url.trim().is_empty())
}

async fn spawn_with_broker(url: &str, simulate: bool) -> TestApp {
    let url = url.to_owned();
    spawn_app_with(TestOptions {
        configure: Box::new(move |config| {
            config.mqtt_url = Some(url);
            // A group of its own: tests running beside it on the same broker get their own copies.
            config.mqtt_group = format!("caas-test-{}", uuid::Uuid::now_v7().simple());
            if simulate {
                config.telemetry_interval_seconds = 0.1;
                config.telemetry_fault_rate = 0.0;
            }
        }),
        ..TestOptions::default()
    })
    .await
}

#[tokio::test]
async fn a_reading_over_mqtt_is_stored_once_even_when_delivered_twice_and_shown_live() {
    let Some(url) = broker() else {
        eprintln!("CAAS_TEST_MQTT_URL is not set: the MQTT path is tested where a broker runs (.ci/run sets it)");
        return;
    };
    let app = spawn_with_broker(&url, false).await;
    let vin = vin_of(&app, LUCIA, "CIRRUS").await;
    let token = app.token_for(LUCIA, PASSWORD).await;
    let mut socket = live(&app, &token, &vin).await;
    let seeded = stored(&app, &vin).await;
    let address = caas::integrations::telemetry::client::BrokerAddress::parse(&url).expect("an mqtt:// URL");
    let mut options = MqttOptions::new(format!("car-{}", uuid::Uuid::now_v7().simple()), address.host, address.port);
    options.set_keep_alive(Duration::from_secs(5));
    let (car, mut connection) = AsyncClient::new(options, 16);
    tokio::spawn(async move { while connection.poll().await.is_ok() {} });
    let message = telemetry::message(&vin, 1, soon(&app, 1), json!({ ODOMETER: 8_412.9, DTC_LIST: [] }));
    // The broker delivering twice is the car sending twice: the second copy is dropped.
    for _ in 0..2 {
        car.publish(topic(&vin), QoS::AtLeastOnce, false, message.clone()).await.expect("published");
    }
    let reading = next_reading(&mut socket).await;
    assert_eq!(reading["odometerKm"], 8_412.9);
    app.eventually("both copies handled", || async {
        (counted(&app, "stored").await + counted(&app, "duplicate").await >= 2.0).then_some(())
    })
    .await;
    assert_eq!((counted(&app, "stored").await, counted(&app, "duplicate").await), (1.0, 1.0));
    assert_eq!(stored(&app, &vin).await, seeded + 1);
    assert_eq!(health(&app, &token, &vin).await["mileageKm"], 8_412);
    // A forged reading over MQTT is refused like over HTTP.
    let keys = CarKeys::new(b"not the carmaker's secret");
    let forged = signed_message(
        &keys,
        &vin,
        &OutgoingReading { seq: 2, ts: soon(&app, 2), signals: [(ODOMETER.to_owned(), json!(9_999))].into() },
    );
    car.publish(topic(&vin), QoS::AtLeastOnce, false, forged).await.expect("published");
    app.eventually("the forged reading refused", || async {
        (counted(&app, "bad_signature").await == 1.0).then_some(())
    })
    .await;
    assert_eq!(stored(&app, &vin).await, seeded + 1);
}

#[tokio::test]
async fn the_simulated_fleet_publishes_over_mqtt_when_a_broker_is_set() {
    let Some(url) = broker() else {
        eprintln!("CAAS_TEST_MQTT_URL is not set: the MQTT path is tested where a broker runs (.ci/run sets it)");
        return;
    };
    let app = spawn_with_broker(&url, true).await;
    let vin = vin_of(&app, ANNA, "AURORA").await;
    let seeded = stored(&app, &vin).await;
    app.eventually("readings through the broker", || async { (stored(&app, &vin).await >= seeded + 3).then_some(()) })
        .await;
    assert_eq!(counted(&app, "bad_signature").await, 0.0);
}

#[tokio::test]
async fn a_partner_reads_a_cars_telemetry_only_with_the_scope_and_while_an_admin_grants_it() {
    let app = spawn_app().await;
    let vin = vin_of(&app, LUCIA, "CIRRUS").await;
    let admin = app.token("admin@demo.caas").await;
    let partner = {
        use sea_orm::EntityTrait;
        entity::partners::Entity::find().one(&app.app.db).await.expect("db").expect("demo partner").id
    };
    let telemetry_key = app.create_partner_key("[VEHICLES_READ, TELEMETRY_READ]").await;
    let vehicles_key = app.create_partner_key("[VEHICLES_READ]").await;
    let read = |key: String| {
        let app = &app;
        let vin = vin.clone();
        async move {
            let query = "query($vin: String!) { vehicle(vin: $vin) { vin latestTelemetry { odometerKm } } }";
            let answer = app.graphql_with_key(&key, query, json!({ "vin": vin })).await;
            (answer.body["data"]["vehicle"]["latestTelemetry"]["odometerKm"].as_f64(), answer.error_code())
        }
    };
    assert_eq!(read(telemetry_key.clone()).await, (None, Some("FORBIDDEN".to_owned())), "not granted yet");

    let grant = "mutation($p: ID!, $vin: String!) { grantPartnerVehicle(partnerId: $p, vin: $vin) }";
    let revoke = "mutation($p: ID!, $vin: String!) { revokePartnerVehicle(partnerId: $p, vin: $vin) }";
    let variables = json!({ "p": partner, "vin": vin });
    for _ in 0..2 {
        let granted = app.graphql_as(&admin, grant, variables.clone()).await;
        assert_eq!(granted.data()["grantPartnerVehicle"], true, "granting twice is one grant");
    }
    let (odometer, error) = read(telemetry_key.clone()).await;
    assert!(odometer.is_some_and(|km| km > 8_000.0), "{odometer:?} {error:?}");
    assert_eq!(read(vehicles_key).await.1, Some("FORBIDDEN".to_owned()), "the car, but not what it reports");

    let lucia = app.token_for(LUCIA, PASSWORD).await;
    let refused = app.graphql_as(&lucia, grant, variables.clone()).await;
    assert_eq!(refused.error_code(), Some("FORBIDDEN".to_owned()), "admins grant");
    let unknown = app.graphql_as(&admin, grant, json!({ "p": partner, "vin": "WCAAS0000000000X1" })).await;
    assert_eq!(unknown.error_code(), Some("NOT_FOUND".to_owned()));
    app.graphql_as(&admin, revoke, variables).await;
    assert_eq!(read(telemetry_key).await.1, Some("FORBIDDEN".to_owned()), "revoked at once");
}
