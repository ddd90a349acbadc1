//! The workshop side in both apps: Lucía books her overdue Cirrus in at the Madrid workshop and
//! decides on its estimates in the app and through the e-mailed link; München's staff find a
//! booking on their calendar, check the car in and take its repair order through every step to
//! the invoice; every new page fits a phone and labels its controls.

use caas_tests::browser::{Browser, BrowserOptions};
use caas_tests::link::{LinkState, NetworkLink};
use caas_tests::workshops::{self, JOB, MADRID, MUNICH, add_line, book, free_slots, move_job};
use caas_tests::{PASSWORD, TestApp};
use serde_json::{Value, json};

use super::pages::check_page;
use super::spawn_web_app;

const CONFIRM: &str = "mutation($id: ID!) { confirmBooking(id: $id) { status } }";
const DECIDE: &str =
    "mutation($id: ID!, $approve: Boolean!) { decideEstimate(repairOrderId: $id, approve: $approve) { status } }";

fn spanish() -> BrowserOptions {
    BrowserOptions { language: "es-ES".into(), ..BrowserOptions::default() }
}

/// Checks the car of booking `booking` in as workshop staff; the repair order's id.
async fn check_in(app: &TestApp, staff: &str, booking: &str, odometer_km: i64) -> String {
    let mutation = format!(
        "mutation($b: ID!, $km: Int!) {{ checkInVehicle(input: {{ bookingId: $b, odometerKm: $km, complaint: \"Revisión anual\" }}) {{ {JOB} }} }}"
    );
    let job = app.graphql_as(staff, &mutation, json!({ "b": booking, "km": odometer_km })).await;
    job.data()["checkInVehicle"]["id"].as_str().expect("a repair order").to_owned()
}

/// The repair order as the API shows it to `token`.
async fn repair_order(app: &TestApp, token: &str, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ repairOrder(id: $id) {{ {JOB} }} }}");
    app.graphql_as(token, &query, json!({ "id": id })).await.data()["repairOrder"].clone()
}

/// The path of the one-time estimate link in the newest e-mail to `recipient` about `subject`.
async fn estimate_link(app: &TestApp, recipient: &str, subject: &str) -> String {
    let mail = app.email(recipient, subject).await;
    let link = mail.body.split_whitespace().find(|word| word.contains("/estimate?token=")).expect("a link");
    link[link.find("/estimate?token=").expect("the path")..].trim_end_matches(['.', ',', ')']).to_owned()
}

/// The München workshop as `token` sees it.
async fn munich_of(app: &TestApp, token: &str) -> Value {
    workshops::workshop(app, token, MUNICH).await
}

/// The local time of day (`HH:MM`) of an instant, as the browser sees it.
/// A screenshot with `css` scrolled to the top of the screen.
async fn shot(browser: &Browser, css: &str, name: &str) {
    browser.js(&format!("document.querySelector({css:?}).scrollIntoView({{ block: 'start' }}); return true;")).await;
    browser.screenshot(name).await;
}

/// The local calendar day (`YYYY-MM-DD`) of an instant, as the browser sees it.
async fn local_day(browser: &Browser, instant: &str) -> String {
    let script = format!("return new Date({instant:?}).toLocaleDateString('sv');");
    browser.js(&script).await.as_str().expect("a day").to_owned()
}

#[tokio::test]
async fn lucia_books_her_overdue_cirrus_in_and_approves_its_estimates_in_the_app_and_by_the_emailed_link() {
    let app = spawn_web_app().await;
    let cirrus = app.vins_of("customer2@demo.caas").await.remove(0);
    let (lucia, staff) = (app.token("customer2@demo.caas").await, app.token("workshop2@demo.caas").await);
    let browser = Browser::open_with(&app.address, spanish()).await;
    browser.sign_in("customer2@demo.caas", PASSWORD).await;

    // Her car's file says the service is overdue, and when and at what mileage it was due.
    browser.goto(&format!("/vehicles/{cirrus}")).await;
    let status = browser.wait_text("#maintenance-status", "Revisión vencida").await;
    assert!(status.contains("16.100 km"), "{status}");
    shot(&browser, "#maintenance-status", "workshop-customer-vehicle-overdue").await;

    // She books the inspection at the Madrid workshop in the first free time.
    browser.click(&format!("#maintenance-status a[href='/vehicles/{cirrus}/book']")).await;
    browser.wait_text("#workshop", MADRID).await;
    let services = browser.wait_text("#services", "Revisión").await;
    assert!(services.contains("2 h") && services.contains("217,26 €"), "duration and gross price: {services}");
    browser.click("#services input[data-kind='INSPECTION']").await;
    browser.wait_text("#slots", "Madrid").await;
    browser.click("#slots input[name='slot']").await;
    browser.fill("#notes", "Revisión anual; ruido al frenar").await;
    shot(&browser, "#services", "workshop-customer-book").await;
    browser.click("#book").await;
    browser.wait_text("#booking-done", "El taller la confirmará pronto").await;
    browser.screenshot("workshop-customer-booked").await;
    let bookings = app.graphql_as(&lucia, "{ myBookings { id status workshop { name } } }", json!({})).await;
    let booking = bookings.data()["myBookings"][0].clone();
    assert_eq!((booking["status"].as_str(), booking["workshop"]["name"].as_str()), (Some("REQUESTED"), Some(MADRID)));
    let booking = booking["id"].as_str().expect("id").to_owned();

    // The workshop confirms and checks the car in: her bookings lead to the repair order.
    app.graphql_as(&staff, CONFIRM, json!({ "id": booking })).await.data();
    let job = check_in(&app, &staff, &booking, 9_100).await;
    browser.click("header nav a[href='/bookings']").await;
    let card = format!("li.booking[data-id='{booking}']");
    browser.wait_text(&card, "Coche en el taller").await;
    browser.screenshot("workshop-customer-bookings").await;
    browser.click(&format!("{card} a[href='/repair-orders/{job}']")).await;
    browser.wait_text("#repair-status", "Recibido").await;

    // While she looks, the workshop inspects the car and sends an estimate: it shows up live.
    let line = json!({ "kind": "LABOUR", "description": "Revisión y bujías", "quantity": 1.5, "unitNetMinor": 9500 });
    add_line(&app, &staff, &job, line).await;
    move_job(&app, &staff, &job, "INSPECTED").await;
    move_job(&app, &staff, &job, "ESTIMATED").await;
    browser.wait_text("#repair-status", "Presupuesto enviado").await;
    browser.wait_text("#decision", "Apruébalo").await;
    let estimate = browser.wait_text("#estimate", "172,43 €").await;
    assert!(estimate.contains("142,50 €") && estimate.contains("29,93 €"), "net, VAT and gross: {estimate}");
    browser.wait_text("#lines", "1,5 h × 95,00 €").await;
    shot(&browser, "#decision", "workshop-customer-estimate").await;
    browser.click("#approve").await;
    browser.wait_text("#repair-status", "Aprobado").await;
    assert_eq!(repair_order(&app, &lucia, &job).await["status"], "APPROVED");

    // The work would cost more than 15 % over what she approved: she is asked again, by e-mail too.
    move_job(&app, &staff, &job, "IN_PROGRESS").await;
    let brakes = json!({ "kind": "PART", "description": "Pastillas de freno", "quantity": 1, "unitNetMinor": 3810 });
    let over = add_line(&app, &staff, &job, brakes).await;
    assert_eq!((over["status"].as_str(), over["reapproval"].as_bool()), (Some("ESTIMATED"), Some(true)));
    browser.wait_text("#decision", "un 27 % más").await;
    shot(&browser, "#decision", "workshop-customer-reapproval").await;

    // She opens the e-mailed link on another device, signed out, and approves there.
    let path = estimate_link(&app, "customer2@demo.caas", "necesita de nuevo su aprobación").await;
    let visitor = Browser::open_with(&app.address, spanish()).await;
    visitor.goto(&path).await;
    let shown = visitor.wait_text("#estimate-card", MADRID).await;
    assert!(shown.contains("Pastillas de freno") && shown.contains("Cirrus"), "{shown}");
    visitor.wait_text("#reapproval", "en lugar de los 172,43 €").await;
    assert!(!visitor.has("header nav").await, "nobody is signed in");
    visitor.screenshot("workshop-estimate-link").await;
    visitor.click("#approve").await;
    visitor.wait_text("#estimate-decided", "Presupuesto aprobado").await;
    visitor.screenshot("workshop-estimate-link-approved").await;
    let approved = repair_order(&app, &staff, &job).await;
    assert_eq!(approved["status"], "IN_PROGRESS", "the work goes on");
    assert_eq!(approved["approved"]["net"]["amountMinor"], 14_250 + 3_810);
    // The link works once.
    visitor.goto(&path).await;
    visitor.wait_text("#estimate-gone", "ya no es válido").await;
    visitor.screenshot("workshop-estimate-link-used").await;
    assert!(visitor.severe_logs().await.is_empty(), "{:?}", visitor.severe_logs().await);
    visitor.close().await;

    // Her page followed it all.
    browser.wait_text("#repair-status", "En reparación").await;
    browser.wait_text("#timeline", "Aprobado").await;
    assert!(!browser.has("#decision").await, "nothing waits for her any more");
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

#[tokio::test]
async fn munich_checks_a_booked_car_in_and_takes_its_repair_order_from_the_estimate_to_the_invoice() {
    let app = spawn_web_app().await;
    let anna = app.token("customer@demo.caas").await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let munich = workshops::workshop(&app, &anna, MUNICH).await;
    let (munich_id, inspection) =
        (munich["id"].as_str().expect("id"), workshops::service_id(&munich, Some("INSPECTION")));
    let slot = free_slots(&app, &anna, munich_id, &inspection, 10).await.remove(0);
    let starts_at = slot["startsAt"].as_str().expect("start");
    let notes = json!({ "notes": "Bremsen quietschen beim Anfahren" });
    let booked = book(&app, &anna, (munich_id, &inspection), &aurora, starts_at, notes).await;
    let booking = booked.data()["bookService"]["id"].as_str().expect("a booking").to_owned();

    let browser = Browser::open(&app.address).await;
    browser.sign_in("workshop@demo.caas", PASSWORD).await;
    // The calendar of that day: Anna's request on a bay, in German.
    let day = local_day(&browser, starts_at).await;
    browser.goto(&format!("/staff/?day={day}")).await;
    let card = format!("li.booking[data-id='{booking}']");
    let shown = browser.wait_text(&card, "Angefragt").await;
    for part in ["Inspektion", "Anna Becker", "Aurora", "Bremsen quietschen"] {
        assert!(shown.contains(part), "{part:?} on the calendar: {shown}");
    }
    browser.wait_text(&format!("section.resource:has({card}) h3"), "Platz").await;
    browser.screenshot("workshop-calendar-day").await;
    browser.click(&format!("{card} button.confirm-booking")).await;
    browser.wait_text(&card, "Bestätigt").await;

    // The week view shows it too.
    browser.click("#view-week").await;
    browser.wait_text(&format!("section.cal-day[data-day='{day}'] {card}"), "Bestätigt").await;
    shot(&browser, &format!("section.cal-day[data-day='{day}']"), "workshop-calendar-week").await;

    // Checked in with its odometer: the repair order opens.
    let car =
        app.graphql_as(&anna, "query($v: String!) { vehicle(vin: $v) { mileageKm } }", json!({ "v": aurora })).await;
    let odometer = car.data()["vehicle"]["mileageKm"].as_i64().expect("mileage") + 480;
    browser.click(&format!("{card} button.check-in-booking")).await;
    browser.fill(&format!("{card} .odometer"), &odometer.to_string()).await;
    browser.click(&format!("{card} button.confirm-check-in")).await;
    browser.wait_text("#repair-status", "Angenommen").await;
    let path = browser.js("return location.pathname;").await;
    let job = path
        .as_str()
        .and_then(|p| p.strip_prefix("/staff/repair-orders/"))
        .expect("the repair order's page")
        .to_owned();
    browser.wait_text("main", "Bremsen quietschen").await;
    browser.screenshot("workshop-repair-order-checked-in").await;

    // Inspected; an estimate line; the estimate goes to Anna.
    browser.click("button.move[data-to='INSPECTED']").await;
    browser.wait_text("#repair-status", "Geprüft").await;

    // A diagnostic session: each fault code is decoded as soon as it is typed, before it is saved.
    browser.click("details.diagnosis summary").await;
    browser.fill("#fault-codes", "p0301, P1234\u{E004}").await;
    let decoded = browser.wait_text("#decoded-codes", "P1234").await;
    assert!(decoded.contains("Zylinder 1: Fehlzündung erkannt"), "a generic code is described: {decoded}");
    assert!(decoded.contains("nicht beschrieben (herstellerspezifisch)"), "a maker's code is not: {decoded}");
    browser.fill("#symptoms", "Ruckeln beim Beschleunigen").await;
    shot(&browser, "#diagnosis-form", "workshop-diagnosis").await;
    browser.fill("#cost-estimate", "120\u{E007}").await;
    let diagnostics = browser.wait_text("#diagnostics", "Zylinder 1: Fehlzündung erkannt").await;
    assert!(diagnostics.contains("OBD-II-Auslesung") && diagnostics.contains("Ruckeln"), "{diagnostics}");
    browser.fill("#line-description", "Bremsbeläge vorne erneuern").await;
    browser.fill("#line-quantity", "1,5").await;
    browser.fill("#line-unit", "95,00").await;
    browser.click("#add-line").await;
    browser.wait_text("#lines", "Bremsbeläge vorne erneuern").await;
    browser.wait_text("#estimate", "169,58 €").await;
    shot(&browser, "#lines", "workshop-repair-order-estimate").await;
    browser.click("button.move[data-to='ESTIMATED']").await;
    browser.wait_text("#repair-status", "Kostenvoranschlag gesendet").await;
    browser.wait_text("#approval-wait", "Wartet auf die Freigabe").await;
    assert!(!browser.has("#line-form").await, "the lines wait while the customer decides");

    // Anna approves in her app; the workshop's page follows live, and the work goes on.
    app.graphql_as(&anna, DECIDE, json!({ "id": job, "approve": true })).await.data();
    browser.wait_text("#repair-status", "Freigegeben").await;
    for (to, status) in [("IN_PROGRESS", "In Arbeit"), ("READY", "Abholbereit"), ("INVOICED", "Berechnet")] {
        browser.click(&format!("button.move[data-to='{to}']")).await;
        browser.wait_text("#repair-status", status).await;
    }
    let invoiced = repair_order(&app, &anna, &job).await;
    let number = invoiced["invoice"]["number"].as_str().expect("an invoice").to_owned();
    browser.wait_text("#invoice", &number).await;
    shot(&browser, "#job-actions", "workshop-repair-order-invoiced").await;
    browser.click("button.move[data-to='CLOSED']").await;
    browser.wait_text("#repair-status", "Abgeschlossen").await;
    browser.wait_text("#timeline", "Berechnet").await;
    assert_eq!(repair_order(&app, &anna, &job).await["status"], "CLOSED");

    // The board: the demo's job in progress in its column, this one among the closed.
    browser.click("header nav a[href='/staff/workshop/board']").await;
    browser.wait_text("#board section[data-status='IN_PROGRESS']", "Borealis").await;
    browser.click("details.done summary").await;
    browser.wait_text("details.done", "Abgeschlossen").await;
    browser.screenshot("workshop-board").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

#[tokio::test]
async fn the_workshop_pages_fit_a_phone_and_label_their_controls() {
    let app = spawn_web_app().await;
    let anna = app.token("customer@demo.caas").await;
    let vins = app.vins_of("customer@demo.caas").await;
    let jobs = app.graphql_as(&anna, "{ repairOrders { id } }", json!({})).await;
    let job = jobs.data()["repairOrders"][0]["id"].as_str().expect("the demo's repair order").to_owned();

    let customer = Browser::open(&app.address).await;
    customer.sign_in("customer@demo.caas", PASSWORD).await;
    for (path, name) in [
        (format!("/vehicles/{}", vins[1]), "workshop-customer-expediente"),
        (format!("/vehicles/{}/book", vins[0]), "workshop-customer-book-de"),
        ("/bookings".to_owned(), "workshop-customer-bookings-none"),
        (format!("/repair-orders/{job}"), "workshop-customer-repair-order"),
    ] {
        check_page(&customer, &path, name).await;
    }
    customer.wait_text("#repair-status", "In Arbeit").await;
    customer.close().await;

    // Without a connection the booking page says that booking needs one, and books nothing.
    let link = NetworkLink::to(&app.address).await;
    let offline = Browser::open(&link.address).await;
    offline.sign_in("customer@demo.caas", PASSWORD).await;
    offline.goto(&format!("/vehicles/{}/book", vins[0])).await;
    offline.click("#services input[data-kind='INSPECTION']").await;
    offline.find("#slots input[name='slot']").await;
    link.set(LinkState::Down);
    offline.click("#later").await;
    offline.wait_text("#booking-offline", "Zum Buchen brauchen Sie eine Verbindung").await;
    assert_eq!(offline.js("return document.getElementById('book').disabled;").await, json!(true));
    shot(&offline, "#booking-offline", "workshop-customer-book-offline").await;
    link.set(LinkState::Up);
    offline.close().await;

    let staff = Browser::open(&app.address).await;
    staff.sign_in("workshop@demo.caas", PASSWORD).await;
    for (path, name) in [
        ("/staff/?view=week".to_owned(), "workshop-week"),
        ("/staff/workshop/board".to_owned(), "workshop-board-phone"),
        ("/staff/workshop/setup".to_owned(), "workshop-setup"),
        (format!("/staff/repair-orders/{job}"), "workshop-repair-order"),
    ] {
        check_page(&staff, &path, name).await;
    }
    // A booking taken on the phone, in a free time of the day it is asked for, confirmed at once.
    let brakes = workshops::service_id(&munich_of(&app, &anna).await, Some("BRAKES"));
    let munich_id = munich_of(&app, &anna).await["id"].as_str().expect("id").to_owned();
    let free = free_slots(&app, &anna, &munich_id, &brakes, 10).await.remove(0);
    let day = local_day(&staff, free["startsAt"].as_str().expect("start")).await;
    staff.goto("/staff/").await;
    staff.click("details.phone-booking summary").await;
    staff.fill("#phone-vin", &vins[1]).await;
    let pick_day = format!(
        "const day = document.getElementById('phone-day'); day.value = '{day}'; day.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"
    );
    staff.js(&pick_day).await;
    // Times are the workshop's own: the API writes them with its offset, the page as written.
    let start = free["startsAt"].as_str().expect("start");
    staff.wait_text("#phone-form", &start[11..16]).await;
    staff.fill("#phone-name", "Erika Musterfrau").await;
    staff.fill("#phone-phone", "+49 170 5550199\u{E007}").await;
    staff.wait_text("#phone-form", "Gebucht und bestätigt").await;
    staff.goto(&format!("/staff/?day={day}")).await;
    let taken = staff.wait_text("#calendar", "Erika Musterfrau").await;
    assert!(taken.contains("Bremsen") && taken.contains("Hebebühne"), "on the lift: {taken}");
    shot(&staff, "li.booking:last-of-type", "workshop-phone-booking").await;

    // The set-up: a new bay is on the calendar at once.
    staff.goto("/staff/workshop/setup").await;
    staff.fill("#new-resource-name", "Platz 3\u{E007}").await;
    staff.wait_text("#resources-setup", "Gespeichert").await;
    staff.goto(&format!("/staff/?day={day}")).await;
    staff.wait_text("#calendar .resources", "Platz 3 · Arbeitsplatz").await;

    // The set-up: a service's price changes for customers of the region.
    staff.goto("/staff/workshop/setup").await;
    let service = "form.service-form[data-service='Ölservice']";
    // Enter in the price field saves its form.
    staff.fill(&format!("{service} input[id$='-price']"), "99,00\u{E007}").await;
    staff.wait_text(service, "Leistung gespeichert").await;
    let munich = workshops::workshop(&app, &anna, MUNICH).await;
    let oil = munich["serviceTypes"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["maintenanceKind"] == "OIL_SERVICE")
        .cloned();
    assert_eq!(oil.expect("oil service")["price"]["gross"]["amountMinor"], 11_781, "99,00 € net with 19 % VAT");
    assert!(staff.severe_logs().await.is_empty(), "{:?}", staff.severe_logs().await);
    staff.close().await;
}
