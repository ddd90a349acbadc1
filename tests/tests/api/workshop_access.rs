//! Who reads a car's history at a workshop: the workshop the customer booked, while the booking or
//! its repair order is open, and only what the job needs — never another workshop, a workshop
//! without a booking, or a partner the owner did not grant the car to.

use caas_tests::workshops::{self, MADRID, book, free_slots};
use caas_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

const HISTORY: &str = "query($v: String!) { expediente(vin: $v) { owner { name email } maintenance { edges { node { kind } } } diagnostics { id } activations { edges { node { id } } } invoices { edges { node { id } } } orders { edges { node { id } } } } }";
const OWNER: &str = "query($v: String!) { vehicle(vin: $v) { vin owner { name } } }";

async fn lucia_books_madrid(app: &TestApp, vin: &str) -> String {
    let lucia = app.token("customer2@demo.caas").await;
    let workshop = workshops::workshop(app, &lucia, MADRID).await;
    let (workshop_id, service) = (workshop["id"].as_str().expect("id"), workshops::service_id(&workshop, None));
    let slot = free_slots(app, &lucia, workshop_id, &service, 10).await.remove(0);
    let booked =
        book(app, &lucia, (workshop_id, &service), vin, slot["startsAt"].as_str().expect("start"), json!({})).await;
    booked.data()["bookService"]["id"].as_str().expect("id").to_owned()
}

fn denied(answer: &caas_tests::GqlResponse) {
    assert_eq!(answer.error_code().as_deref(), Some("FORBIDDEN"), "{:#}", answer.body);
}

#[tokio::test]
async fn only_the_booked_workshop_reads_the_cars_history_and_only_what_the_job_needs() {
    let app = spawn_app().await;
    let cirrus = app.vins_of("customer2@demo.caas").await.remove(0);
    let madrid = app.token("workshop2@demo.caas").await;
    let munich = app.token("workshop@demo.caas").await;
    let partner = app.create_partner_key("[VEHICLES_READ, CATALOG_READ, EXPEDIENTE_READ]").await;
    let vin = json!({ "v": cirrus });

    // Before any booking: basic data for any workshop, no history, no owner.
    for staff in [&madrid, &munich] {
        denied(&app.graphql_as(staff, HISTORY, vin.clone()).await);
        denied(&app.graphql_as(staff, OWNER, vin.clone()).await);
        let basic = app
            .graphql_as(
                staff,
                "query($v: String!) { vehicle(vin: $v) { vin mileageKm maintenanceStatus { state } } }",
                vin.clone(),
            )
            .await;
        assert_eq!(basic.data()["vehicle"]["maintenanceStatus"]["state"], "OVERDUE");
    }

    // Lucía books Madrid: Madrid reads the owner, the service history and diagnostics — not her
    // purchases, invoices or sales. München and the partner still read nothing of it.
    let booking = lucia_books_madrid(&app, &cirrus).await;
    let history = app.graphql_as(&madrid, HISTORY, vin.clone()).await;
    let expediente = &history.data()["expediente"];
    assert_eq!(expediente["owner"]["name"], "Lucía García");
    assert_eq!(expediente["maintenance"]["edges"][0]["node"]["kind"], "OIL_SERVICE");
    for hidden in ["activations", "invoices", "orders"] {
        assert_eq!(expediente[hidden]["edges"], json!([]), "{hidden} is not the job's business");
    }
    assert_eq!(app.graphql_as(&madrid, OWNER, vin.clone()).await.data()["vehicle"]["owner"]["name"], "Lucía García");
    let activations =
        app.graphql_as(&madrid, "query($v: String!) { vehicle(vin: $v) { activations { id } } }", vin.clone()).await;
    assert_eq!(activations.data()["vehicle"]["activations"], json!([]));

    denied(&app.graphql_as(&munich, HISTORY, vin.clone()).await);
    denied(&app.graphql_as(&munich, OWNER, vin.clone()).await);
    let booking_query = "query($id: ID!) { booking(id: $id) { status contactName } }";
    denied(&app.graphql_as(&munich, booking_query, json!({ "id": booking })).await);
    denied(&app.graphql_with_key(&partner, HISTORY, vin.clone()).await);
    let partner_booking = app.graphql_with_key(&partner, booking_query, json!({ "id": booking })).await;
    assert!(matches!(partner_booking.error_code().as_deref(), Some("FORBIDDEN")), "{:#}", partner_booking.body);

    // München cannot act on Madrid's booking either.
    let confirm = "mutation($id: ID!) { confirmBooking(id: $id) { status } }";
    denied(&app.graphql_as(&munich, confirm, json!({ "id": booking })).await);
    let check_in = "mutation($b: ID!) { checkInVehicle(input: { bookingId: $b, odometerKm: 9000 }) { id } }";
    denied(&app.graphql_as(&munich, check_in, json!({ "b": booking })).await);

    // Once the booking is cancelled, Madrid's access ends with it.
    let lucia = app.token("customer2@demo.caas").await;
    let cancel = "mutation($id: ID!) { cancelBooking(id: $id) { status } }";
    assert_eq!(
        app.graphql_as(&lucia, cancel, json!({ "id": booking })).await.data()["cancelBooking"]["status"],
        "CANCELLED"
    );
    denied(&app.graphql_as(&madrid, HISTORY, vin.clone()).await);
    denied(&app.graphql_as(&madrid, OWNER, vin).await);
}

#[tokio::test]
async fn a_repair_order_is_read_by_its_customer_and_workshop_only() {
    let app = spawn_app().await;
    let cirrus = app.vins_of("customer2@demo.caas").await.remove(0);
    let madrid = app.token("workshop2@demo.caas").await;
    let booking = lucia_books_madrid(&app, &cirrus).await;
    let check_in = "mutation($b: ID!) { checkInVehicle(input: { bookingId: $b, odometerKm: 9000 }) { id } }";
    let job = app.graphql_as(&madrid, check_in, json!({ "b": booking })).await.data()["checkInVehicle"]["id"].clone();
    let query = "query($id: ID!) { repairOrder(id: $id) { number customer { name } vehicle { vin } } }";
    let read = |token: String| {
        let job = job.clone();
        let app = &app;
        async move { app.graphql_as(&token, query, json!({ "id": job })).await }
    };
    for allowed in ["customer2@demo.caas", "workshop2@demo.caas", "support@demo.caas"] {
        let answer = read(app.token(allowed).await).await;
        assert_eq!(answer.data()["repairOrder"]["customer"]["name"], "Lucía García", "{allowed}");
    }
    for refused in ["customer@demo.caas", "workshop@demo.caas", "dealer2@demo.caas"] {
        denied(&read(app.token(refused).await).await);
    }
    let board: Value = app
        .graphql_as(&app.token("workshop@demo.caas").await, "{ repairOrders { id } }", json!({}))
        .await
        .data()["repairOrders"]
        .clone();
    assert!(!board.as_array().expect("board").iter().any(|row| row["id"] == job), "not on another workshop's board");
}
