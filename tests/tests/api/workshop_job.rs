//! The workshop's whole job, over GraphQL: Lucía's overdue Cirrus is refused a maintenance-gated
//! feature; she books a service at the Madrid workshop; it is checked in (the mileage follows),
//! diagnosed, estimated and approved; the work would run 20 % over, so she is asked again at
//! once and approves through the e-mailed link; the car is ready, invoiced by the workshop, its
//! service recorded — and the catalog lets her buy the feature. She follows it all live.

use caas_tests::workshops::{self, JOB, MADRID, add_line, book, free_slots, move_job, year};
use caas_tests::ws::GqlSocket;
use caas_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";

fn sport_power(vin: &str, key: &str) -> Value {
    json!({ "input": { "vin": vin, "featureCode": "SPORT_POWER", "duration": { "kind": "PERMANENT" }, "idempotencyKey": key } })
}

async fn sport_power_entry(app: &TestApp, token: &str, vin: &str) -> Value {
    let query = "query($v: String!) { catalog(vin: $v, first: 50) { edges { node { feature { code } purchasable unavailableCode } } } }";
    let answer = app.graphql_as(token, query, json!({ "v": vin })).await;
    answer.data()["catalog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|edge| edge["node"]["feature"]["code"] == "SPORT_POWER")
        .expect("sport power")["node"]
        .clone()
}

async fn vehicle(app: &TestApp, token: &str, vin: &str) -> Value {
    let query = "query($v: String!) { vehicle(vin: $v) { mileageKm maintenanceStatus { state nextDueAt nextDueKm } } }";
    app.graphql_as(token, query, json!({ "v": vin })).await.data()["vehicle"].clone()
}

/// The token of the one-time link in the newest e-mail to Lucía whose subject has `subject`.
async fn link_token(app: &TestApp, subject: &str) -> String {
    let mail = app.email("customer2@demo.caas", subject).await;
    let word = mail.body.split_whitespace().find(|word| word.contains("/estimate?token=")).expect("a link");
    word.split("token=").nth(1).expect("token").trim().to_owned()
}

fn amount(value: &Value) -> i64 {
    value["amountMinor"].as_i64().expect("amount")
}

#[tokio::test]
async fn lucias_overdue_cirrus_is_serviced_end_to_end_and_the_catalog_opens_again() {
    let app = spawn_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let staff = app.token("workshop2@demo.caas").await;
    let cirrus = app.vins_of("customer2@demo.caas").await.remove(0);

    // Overdue: the gated feature is refused, and the car says why.
    assert_eq!(sport_power_entry(&app, &lucia, &cirrus).await["unavailableCode"], "MAINTENANCE_OVERDUE");
    let refused = app.graphql_as(&lucia, PURCHASE, sport_power(&cirrus, "before-service")).await;
    refused.expect_error("CONFLICT");
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "MAINTENANCE_OVERDUE");
    let before = vehicle(&app, &lucia, &cirrus).await;
    assert_eq!(before["maintenanceStatus"]["state"], "OVERDUE");
    assert_eq!(before["mileageKm"], 8_200);

    // She finds the Madrid workshop among Spain's, and books its inspection in a free slot.
    let workshop = workshops::workshop(&app, &lucia, MADRID).await;
    assert_eq!(workshop["region"]["code"], "ES");
    let (workshop_id, inspection) =
        (workshop["id"].as_str().expect("id"), workshops::service_id(&workshop, Some("INSPECTION")));
    let slots = free_slots(&app, &lucia, workshop_id, &inspection, 10).await;
    let slot = slots.first().expect("a free slot").clone();
    let booked = book(
        &app,
        &lucia,
        (workshop_id, &inspection),
        &cirrus,
        slot["startsAt"].as_str().expect("start"),
        json!({ "notes": "Revisión anual" }),
    )
    .await;
    let booking = booked.data()["bookService"].clone();
    assert_eq!(booking["status"], "REQUESTED");
    let booking_id = booking["id"].as_str().expect("id");
    let confirmed = app
        .graphql_as(&staff, "mutation($id: ID!) { confirmBooking(id: $id) { status } }", json!({ "id": booking_id }))
        .await;
    assert_eq!(confirmed.data()["confirmBooking"]["status"], "CONFIRMED");
    app.email("customer2@demo.caas", "Su cita en Taller Madrid Norte").await;

    // Checked in with 9,100 km on the odometer: the car's mileage follows.
    let check_in = format!(
        "mutation($b: ID!) {{ checkInVehicle(input: {{ bookingId: $b, odometerKm: 9100, complaint: \"Ruido al frenar\" }}) {{ {JOB} }} }}"
    );
    let job = app.graphql_as(&staff, &check_in, json!({ "b": booking_id })).await.data()["checkInVehicle"].clone();
    assert_eq!(job["status"], "CHECKED_IN");
    let job_id = job["id"].as_str().expect("id").to_owned();
    assert_eq!(vehicle(&app, &lucia, &cirrus).await["mileageKm"], 9_100);

    // She follows the job live from here.
    let mut socket =
        GqlSocket::connect_acked(&app.address, json!({ "authorization": format!("Bearer {lucia}") })).await;
    let listening = app.subscribers();
    socket
        .subscribe(
            "job",
            "subscription($id: ID!) { repairOrderProgress(repairOrderId: $id) { status note } }",
            json!({ "id": job_id }),
        )
        .await;
    app.wait_for_subscribers(listening + 1).await;
    let first = socket.next_message().await;
    assert_eq!(first["payload"]["data"]["repairOrderProgress"]["status"], "CHECKED_IN", "{first}");

    // Inspected, with an OBD-II session reading a generic and a manufacturer-specific code.
    move_job(&app, &staff, &job_id, "INSPECTED").await;
    let session = app
        .graphql_as(
            &staff,
            "mutation($id: ID!) { recordDiagnosticSession(repairOrderId: $id, input: { sessionType: OBD2, faultCodes: [\"p0301\", \"P1234\"], symptoms: \"Tirones al acelerar\", technicianNotes: \"Bujía del cilindro 1 gastada\", costEstimateMinor: 12000 }) { faultCodes { code } } }",
            json!({ "id": job_id }),
        )
        .await;
    let codes: Vec<&str> = session.data()["recordDiagnosticSession"]["faultCodes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|code| code["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["P0301", "P1234"]);
    let expediente = app
        .graphql_as(
            &lucia,
            "query($v: String!) { expediente(vin: $v) { diagnostics { sessionType technicianNotes costEstimate { amountMinor } faultCodes { code system origin subsystem description } } } }",
            json!({ "v": cirrus }),
        )
        .await;
    let diagnostics = expediente.data()["expediente"]["diagnostics"][0].clone();
    assert_eq!(diagnostics["sessionType"], "OBD2");
    let (generic, maker) = (&diagnostics["faultCodes"][0], &diagnostics["faultCodes"][1]);
    assert_eq!((generic["system"].as_str(), generic["origin"].as_str()), (Some("POWERTRAIN"), Some("GENERIC")));
    let description = generic["description"].as_str().expect("a generic code is described");
    assert!(description.contains("cilindro 1"), "in Spanish: {description}");
    assert!(generic["subsystem"].as_str().expect("subsystem").contains("encendido"), "{generic}");
    assert_eq!(maker["origin"], "MANUFACTURER");
    assert_eq!(maker["description"], Value::Null, "no invented text for a maker's code");
    assert!(maker["subsystem"].as_str().expect("subsystem").contains("fabricante"), "{maker}");

    // The estimate: 1.5 h of labour at 95.00 and a set of spark plugs, with Spain's 21 % VAT.
    add_line(
        &app,
        &staff,
        &job_id,
        json!({ "kind": "LABOUR", "description": "Revisión y bujías", "quantity": 1.5, "unitNetMinor": 9500 }),
    )
    .await;
    let estimated = add_line(
        &app,
        &staff,
        &job_id,
        json!({ "kind": "PART", "description": "Bujía", "quantity": 4, "unitNetMinor": 1200 }),
    )
    .await;
    assert_eq!(amount(&estimated["estimate"]["net"]), 14_250 + 4_800);
    assert_eq!(amount(&estimated["estimate"]["vat"]), 2_993 + 1_008);
    let sent = move_job(&app, &staff, &job_id, "ESTIMATED").await;
    assert_eq!(sent["approvalPending"], true);
    app.email("customer2@demo.caas", "Su presupuesto de Taller Madrid Norte").await;

    // She approves in the app.
    let approved = app
        .graphql_as(
            &lucia,
            &format!("mutation($id: ID!) {{ decideEstimate(repairOrderId: $id, approve: true) {{ {JOB} }} }}"),
            json!({ "id": job_id }),
        )
        .await
        .data()["decideEstimate"]
        .clone();
    assert_eq!(approved["status"], "APPROVED");
    assert_eq!(amount(&approved["approved"]["net"]), 19_050);
    move_job(&app, &staff, &job_id, "IN_PROGRESS").await;

    // The brake discs are worn too: 20 % more than approved. The work waits; she is asked at once.
    let over = add_line(
        &app,
        &staff,
        &job_id,
        json!({ "kind": "PART", "description": "Pastillas de freno", "quantity": 1, "unitNetMinor": 3810 }),
    )
    .await;
    assert_eq!(over["status"], "ESTIMATED");
    assert_eq!(over["reapproval"], true);
    assert_eq!(over["overApprovedPercent"], 20);
    let ready_too_soon = app
        .graphql_as(
            &staff,
            "mutation($id: ID!) { moveRepairOrder(id: $id, to: READY) { status } }",
            json!({ "id": job_id }),
        )
        .await;
    ready_too_soon.expect_error("CONFLICT");
    let notices =
        app.graphql_as(&lucia, "{ notifications(first: 5) { edges { node { template } } } }", json!({})).await;
    let templates: Vec<&Value> = notices.data()["notifications"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"]["template"])
        .collect();
    assert!(templates.contains(&&json!("repair.reapproval_needed")), "told at once: {templates:?}");

    // She approves through the e-mailed link, without signing in; the link works once.
    let token = link_token(&app, "necesita de nuevo su aprobación").await;
    let by_link = app.graphql("query($t: String!) { estimateByLink(token: $t) { number workshopName reapproval estimate { gross { amountMinor } } approved { gross { amountMinor } } } }", json!({ "t": token })).await;
    let shown = by_link.data()["estimateByLink"].clone();
    assert_eq!((shown["workshopName"].as_str(), shown["reapproval"].as_bool()), (Some(MADRID), Some(true)));
    let decide = "mutation($t: String!) { decideEstimateByLink(token: $t, approve: true) { number } }";
    app.graphql(decide, json!({ "t": token })).await.data();
    app.graphql(decide, json!({ "t": token })).await.expect_error("NOT_FOUND");
    let job = app
        .graphql_as(&lucia, &format!("query($id: ID!) {{ repairOrder(id: $id) {{ {JOB} }} }}"), json!({ "id": job_id }))
        .await
        .data()["repairOrder"]
        .clone();
    assert_eq!(job["status"], "IN_PROGRESS", "the work goes on where it stood");
    assert_eq!(amount(&job["approved"]["net"]), 22_860);

    // Ready, invoiced by the workshop (its own number, Spain's VAT), the service recorded.
    move_job(&app, &staff, &job_id, "READY").await;
    app.email("customer2@demo.caas", "Su vehículo está listo").await;
    let invoiced = move_job(&app, &staff, &job_id, "INVOICED").await;
    let invoice = &invoiced["invoice"];
    assert_eq!(invoice["number"], format!("MADN-{}-000001", year(&app)));
    assert_eq!(amount(&invoice["net"]), 22_860);
    assert_eq!(amount(&invoice["gross"]), 22_860 + 2_993 + 1_008 + 800);
    assert!(invoice["lines"][0]["description"].as_str().expect("line").contains("1,5 h × 95,00 €"), "{invoice}");
    assert_eq!(invoice["lines"][1]["quantity"], 4);
    let pdf = app.document(invoice["pdfUrl"].as_str().expect("pdf")).await.text();
    for wanted in ["Factura", MADRID, "Calle de Bravo Murillo 101", "Lucía García", "IVA 21 %", "Se paga en el taller"]
    {
        assert!(pdf.contains(wanted), "{wanted:?} missing in the workshop's invoice:\n{pdf}");
    }
    assert!(!pdf.contains("CaaS Mobility"), "the workshop sells its work, not the platform");
    assert_eq!(invoiced["maintenanceRecord"]["kind"], "INSPECTION");
    assert_eq!(invoiced["maintenanceRecord"]["mileageKm"], 9_100);
    assert_eq!(invoiced["maintenanceRecord"]["nextDueKm"], 24_100);
    move_job(&app, &staff, &job_id, "CLOSED").await;

    // Serviced: up to date, and the feature can be bought.
    assert_eq!(vehicle(&app, &lucia, &cirrus).await["maintenanceStatus"]["state"], "UP_TO_DATE");
    assert_eq!(sport_power_entry(&app, &lucia, &cirrus).await["purchasable"], true);
    let bought = app.graphql_as(&lucia, PURCHASE, sport_power(&cirrus, "after-service")).await;
    assert!(bought.data()["purchaseFeature"]["id"].is_string());

    // What she saw live: every step, in order, the re-approval among them.
    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("CLOSED") {
        let message = socket.next_message().await;
        seen.push(message["payload"]["data"]["repairOrderProgress"]["status"].as_str().expect("status").to_owned());
    }
    assert_eq!(
        seen,
        [
            "INSPECTED",
            "ESTIMATED",
            "APPROVED",
            "IN_PROGRESS",
            "ESTIMATED",
            "IN_PROGRESS",
            "READY",
            "INVOICED",
            "CLOSED"
        ]
    );
}
