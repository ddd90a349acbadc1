//! Bookings: a bay is never booked twice for overlapping times, however many requests race for it
//! (the database refuses the second hold on SQLite and PostgreSQL alike); reminders go out when the
//! `Clock` says, once, and never for a cancelled booking; bad requests get typed errors.

use caas::workshops::reminders;
use caas_tests::workshops::{self, MUNICH, book, free_slots, now};
use caas_tests::{TestApp, spawn_app, spawn_app_for_time_travel};
use chrono::{DateTime, Duration, Utc};
use entity::{NotificationChannel, notifications, resource_bookings, users, vehicles};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

/// München's staff token, the workshop, its oil service and its first bay.
async fn munich(app: &TestApp) -> (String, Value, String, String) {
    let staff = app.token("workshop@demo.caas").await;
    let workshop = workshops::workshop(app, &staff, MUNICH).await;
    let oil = workshops::service_id(&workshop, Some("OIL_SERVICE"));
    let resources = app
        .graphql_as(
            &staff,
            "query($id: ID!) { workshop(id: $id) { resources { id name kind } } }",
            json!({ "id": workshop["id"] }),
        )
        .await;
    let bay = resources.data()["workshop"]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|resource| resource["name"] == "Platz 1")
        .expect("bay 1")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    (staff, workshop, oil, bay)
}

async fn stock_vins(app: &TestApp, count: u64) -> Vec<String> {
    use sea_orm::QuerySelect;
    let cars = vehicles::Entity::find()
        .filter(vehicles::Column::OwnerId.is_null())
        .limit(count)
        .all(&app.app.db)
        .await
        .expect("db");
    assert_eq!(cars.len() as u64, count, "enough cars in stock");
    cars.into_iter().map(|car| car.vin).collect()
}

#[tokio::test]
async fn twenty_concurrent_bookings_of_one_bay_and_slot_make_one_booking_and_nineteen_conflicts() {
    let app = spawn_app().await;
    let (staff, workshop, oil, bay) = munich(&app).await;
    let workshop_id = workshop["id"].as_str().expect("id").to_owned();
    let slots = free_slots(&app, &staff, &workshop_id, &oil, 10).await;
    let starts_at = slots
        .iter()
        .find(|slot| slot["freeResources"].as_i64() == Some(2))
        .expect("a slot with both bays free")["startsAt"]
        .as_str()
        .expect("start")
        .to_owned();
    let vins = stock_vins(&app, 20).await;
    let attempts = vins.iter().enumerate().map(|(n, vin)| {
        let extra = json!({ "resourceId": bay, "contact": { "name": format!("Walk-in {n}"), "phone": "+49 89 555" } });
        book(&app, &staff, (&workshop_id, &oil), vin, &starts_at, extra)
    });
    let answers = futures::future::join_all(attempts).await;
    let booked = answers.iter().filter(|answer| answer.errors().is_empty()).count();
    let conflicts = answers.iter().filter(|answer| answer.error_code().as_deref() == Some("CONFLICT")).count();
    assert_eq!((booked, conflicts), (1, 19), "{:#?}", answers.iter().map(|a| &a.body).collect::<Vec<_>>());
    for refused in answers.iter().filter(|answer| !answer.errors().is_empty()) {
        // In the staff member's language: "this slot was just taken".
        assert!(refused.expect_error("CONFLICT").contains("gerade vergeben"), "{:#}", refused.body);
    }
    let start: DateTime<Utc> = starts_at.parse().expect("instant");
    let holds = resource_bookings::Entity::find()
        .filter(resource_bookings::Column::ResourceId.eq(bay.parse::<Uuid>().expect("uuid")))
        .filter(resource_bookings::Column::StartsAt.lt(start + Duration::hours(1)))
        .filter(resource_bookings::Column::EndsAt.gt(start))
        .count(&app.app.db)
        .await
        .expect("db");
    assert_eq!(holds, 1);

    // The other bay is still free at that time: a booking without a chosen bay takes it.
    let other = book(
        &app,
        &staff,
        (&workshop_id, &oil),
        &vins[19],
        &starts_at,
        json!({ "contact": { "name": "Late caller" } }),
    )
    .await;
    assert_eq!(other.data()["bookService"]["status"], "CONFIRMED");
    let full =
        book(&app, &staff, (&workshop_id, &oil), &vins[18], &starts_at, json!({ "contact": { "name": "Too late" } }))
            .await;
    full.expect_error("CONFLICT");
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_hold_that_overlaps() {
    let app = spawn_app().await;
    let (staff, workshop, oil, bay) = munich(&app).await;
    let workshop_id = workshop["id"].as_str().expect("id").to_owned();
    let slot = free_slots(&app, &staff, &workshop_id, &oil, 10).await.remove(0);
    let vin = stock_vins(&app, 1).await.remove(0);
    let extra = json!({ "resourceId": bay, "contact": { "name": "Walk-in" } });
    let booked = book(&app, &staff, (&workshop_id, &oil), &vin, slot["startsAt"].as_str().expect("start"), extra).await;
    let booking_id: Uuid = booked.data()["bookService"]["id"].as_str().expect("id").parse().expect("uuid");
    // Written past the service, as a second instance with a stale read might: half an hour into
    // the held hour.
    let start: DateTime<Utc> = slot["startsAt"].as_str().expect("start").parse().expect("instant");
    let overlapping = resource_bookings::ActiveModel {
        id: Set(Uuid::now_v7()),
        resource_id: Set(bay.parse().expect("uuid")),
        booking_id: Set(booking_id),
        starts_at: Set(start + Duration::minutes(30)),
        ends_at: Set(start + Duration::minutes(90)),
    };
    let refused = overlapping.clone().insert(&app.app.db).await.expect_err("an overlapping hold");
    assert!(refused.to_string().contains("resource_bookings_overlap"), "{refused}");
    // Right after the held hour is free.
    let adjacent = resource_bookings::ActiveModel {
        id: Set(Uuid::now_v7()),
        starts_at: Set(start + Duration::minutes(60)),
        ends_at: Set(start + Duration::minutes(120)),
        ..overlapping
    };
    adjacent.insert(&app.app.db).await.expect("a hold that only touches the first");
}

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    users::Entity::find().filter(users::Column::Email.eq(email)).one(&app.app.db).await.expect("db").expect("user").id
}

/// The notifications of `user` with `template` about `booking_id`.
async fn notices_about(app: &TestApp, user: Uuid, template: &str, booking_id: &str) -> Vec<notifications::Model> {
    let rows = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::Template.eq(template))
        .all(&app.app.db)
        .await
        .expect("db");
    rows.into_iter().filter(|row| row.payload["bookingId"] == booking_id).collect()
}

#[tokio::test]
async fn reminders_go_out_a_day_and_an_hour_before_once_and_never_for_a_cancelled_booking() {
    let app = spawn_app_for_time_travel().await;
    let anna = app.token("customer@demo.caas").await;
    let (staff, workshop, oil, _) = munich(&app).await;
    let workshop_id = workshop["id"].as_str().expect("id").to_owned();
    let vins = app.vins_of("customer@demo.caas").await;
    // Two appointments at least two days ahead, on two bays at once; she cancels the second.
    let slots = free_slots(&app, &anna, &workshop_id, &oil, 14).await;
    let slot = slots
        .iter()
        .find(|slot| {
            let start: DateTime<Utc> = slot["startsAt"].as_str().expect("start").parse().expect("instant");
            start > now(&app) + Duration::days(2) && slot["freeResources"].as_i64() == Some(2)
        })
        .expect("a slot two days ahead");
    let starts_at = slot["startsAt"].as_str().expect("start");
    let start: DateTime<Utc> = starts_at.parse().expect("instant");
    let kept =
        book(&app, &anna, (&workshop_id, &oil), &vins[0], starts_at, json!({})).await.data()["bookService"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
    let cancelled = book(&app, &anna, (&workshop_id, &oil), &vins[1], starts_at, json!({})).await.data()["bookService"]
        ["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.graphql_as(&staff, "mutation($id: ID!) { confirmBooking(id: $id) { status } }", json!({ "id": kept }))
        .await
        .data();
    let cancel = "mutation($id: ID!) { cancelBooking(id: $id, reason: \"Doch nicht nötig\") { status } }";
    assert_eq!(
        app.graphql_as(&anna, cancel, json!({ "id": cancelled })).await.data()["cancelBooking"]["status"],
        "CANCELLED"
    );

    // A minute too early for either reminder: nothing.
    app.clock.set(start - Duration::hours(24) - Duration::minutes(1));
    assert_eq!(reminders::tick(&app.app).await.expect("tick").day_before, 0);
    // A day before: the e-mail, once.
    app.clock.set(start - Duration::hours(24) + Duration::minutes(1));
    let tick = reminders::tick(&app.app).await.expect("tick");
    assert_eq!((tick.day_before, tick.hour_before), (1, 0));
    assert_eq!(reminders::tick(&app.app).await.expect("tick").day_before, 0, "sent once");
    let mail = app.email("customer@demo.caas", "Morgen: Ihr Termin bei Werkstatt München Süd").await;
    assert!(mail.body.contains("Ölservice"), "{}", mail.body);
    // An hour before: the note in the app, once.
    app.clock.set(start - Duration::minutes(59));
    let tick = reminders::tick(&app.app).await.expect("tick");
    assert_eq!((tick.day_before, tick.hour_before), (0, 1));
    assert_eq!(reminders::tick(&app.app).await.expect("tick").hour_before, 0, "sent once");

    let anna_id = user_id(&app, "customer@demo.caas").await;
    let day = notices_about(&app, anna_id, "booking.reminder_day", &kept).await;
    assert_eq!(day.iter().map(|n| n.channel).collect::<Vec<_>>(), [NotificationChannel::Email]);
    let hour = notices_about(&app, anna_id, "booking.reminder_hour", &kept).await;
    assert_eq!(hour.iter().map(|n| n.channel).collect::<Vec<_>>(), [NotificationChannel::InApp]);
    for template in ["booking.reminder_day", "booking.reminder_hour"] {
        assert!(
            notices_about(&app, anna_id, template, &cancelled).await.is_empty(),
            "{template} for a cancelled booking"
        );
    }
}

#[tokio::test]
async fn owners_hear_once_when_a_service_falls_due_and_again_when_it_is_overdue() {
    let app = spawn_app_for_time_travel().await;
    let lucia = user_id(&app, "customer2@demo.caas").await;
    let anna = user_id(&app, "customer@demo.caas").await;
    let count = |user: Uuid, template: &'static str| {
        let db = app.app.db.clone();
        async move {
            notifications::Entity::find()
                .filter(notifications::Column::UserId.eq(user))
                .filter(notifications::Column::Template.eq(template))
                .filter(notifications::Column::Channel.eq(NotificationChannel::InApp))
                .count(&db)
                .await
                .expect("db")
        }
    };
    // Lucía's Cirrus is overdue already; Anna's Aurora is due in 245 days (12,480 of 26,900 km).
    reminders::tick(&app.app).await.expect("tick");
    assert_eq!(count(lucia, "maintenance.overdue").await, 1);
    assert_eq!(count(anna, "maintenance.due").await, 0);
    reminders::tick(&app.app).await.expect("tick");
    assert_eq!(count(lucia, "maintenance.overdue").await, 1, "once per due date");

    // By mileage: the Aurora reaches 26,000 km, within 1,000 km of its service.
    let aurora =
        vehicles::Entity::find().filter(vehicles::Column::OwnerId.eq(anna)).all(&app.app.db).await.expect("db");
    let aurora = aurora.into_iter().find(|car| car.mileage_km > 1_000).expect("aurora");
    let due_km = aurora.service_due_km.expect("due km");
    let mut driven: vehicles::ActiveModel = aurora.clone().into();
    driven.mileage_km = Set(due_km - 900);
    let aurora = driven.update(&app.app.db).await.expect("update");
    reminders::tick(&app.app).await.expect("tick");
    assert_eq!(count(anna, "maintenance.due").await, 1);
    // By date: past its due date, it is overdue — told once more.
    app.clock.set(aurora.service_due_at.expect("due") + Duration::days(1));
    reminders::tick(&app.app).await.expect("tick");
    reminders::tick(&app.app).await.expect("tick");
    assert_eq!((count(anna, "maintenance.due").await, count(anna, "maintenance.overdue").await), (1, 1));
}

#[tokio::test]
async fn bad_workshop_requests_get_typed_errors() {
    let app = spawn_app().await;
    let (staff, workshop, oil, bay) = munich(&app).await;
    let anna = app.token("customer@demo.caas").await;
    let workshop_id = workshop["id"].as_str().expect("id").to_owned();
    let slot = free_slots(&app, &staff, &workshop_id, &oil, 10).await.remove(0);
    let start: DateTime<Utc> = slot["startsAt"].as_str().expect("start").parse().expect("instant");
    let lucia_vin = app.vins_of("customer2@demo.caas").await.remove(0);
    let anna_vin = app.vins_of("customer@demo.caas").await.remove(0);
    let off_grid = (start + Duration::minutes(7)).to_rfc3339();
    let cases = [
        (book(&app, &anna, (&workshop_id, &oil), &lucia_vin, &start.to_rfc3339(), json!({})).await, "FORBIDDEN"),
        (book(&app, &anna, (&workshop_id, &oil), &anna_vin, &off_grid, json!({})).await, "BAD_USER_INPUT"),
        (book(&app, &anna, (&workshop_id, &oil), "NOT-A-VIN", &start.to_rfc3339(), json!({})).await, "BAD_USER_INPUT"),
        (
            book(&app, &anna, (&workshop_id, &oil), &anna_vin, &start.to_rfc3339(), json!({ "resourceId": bay })).await,
            "FORBIDDEN",
        ),
        (
            book(&app, &staff, (&workshop_id, &Uuid::now_v7().to_string()), &anna_vin, &start.to_rfc3339(), json!({}))
                .await,
            "NOT_FOUND",
        ),
        (
            book(
                &app,
                &staff,
                (&workshop_id, &oil),
                &anna_vin,
                &start.to_rfc3339(),
                json!({ "contact": { "name": "" } }),
            )
            .await,
            "BAD_USER_INPUT",
        ),
    ];
    for (n, (answer, code)) in cases.iter().enumerate() {
        assert_eq!(answer.error_code().as_deref(), Some(*code), "case {n}: {:#}", answer.body);
    }
    let slots = "query($w: ID!, $s: ID!) { availableSlots(workshopId: $w, serviceTypeId: $s, from: \"2030-01-01\", to: \"2030-03-01\") { startsAt } }";
    app.graphql_as(&anna, slots, json!({ "w": workshop_id, "s": oil })).await.expect_error("BAD_USER_INPUT");
    let code = app.graphql_as(&anna, "{ faultCode(code: \"P4301\") { code } }", json!({})).await;
    assert!(code.expect_error("BAD_USER_INPUT").contains("P0301"));
    let check_in = "mutation($v: String!) { checkInVehicle(input: { vin: $v, odometerKm: 100 }) { id } }";
    let lower = app.graphql_as(&staff, check_in, json!({ "v": anna_vin })).await;
    assert!(lower.expect_error("BAD_USER_INPUT").contains("12480 km"), "the car's last mileage");
    // Setting up is for the workshop's administrators.
    let hours = "mutation($w: ID!) { setOpeningHours(workshopId: $w, hours: [{ weekday: MONDAY, opens: \"18:00\", closes: \"08:00\" }]) { opens } }";
    app.graphql_as(&staff, hours, json!({ "w": workshop_id })).await.expect_error("BAD_USER_INPUT");
    let other = app.token("workshop2@demo.caas").await;
    app.graphql_as(&other, hours, json!({ "w": workshop_id })).await.expect_error("FORBIDDEN");
    // A platform admin sets up any workshop — one that exists.
    let admin = app.token("admin@demo.caas").await;
    let bay =
        "mutation($w: ID!) { saveWorkshopResource(workshopId: $w, input: { kind: BAY, name: \"Bay 9\" }) { id } }";
    app.graphql_as(&admin, bay, json!({ "w": Uuid::now_v7() })).await.expect_error("NOT_FOUND");
    app.graphql_as(&admin, bay, json!({ "w": workshop_id })).await.data();
}
