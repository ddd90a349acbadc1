//! Steps the workshop tests share: finding a demo workshop and its services, a free slot, booking
//! it, checking the car in, moving a repair order on.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::{GqlResponse, TestApp};

/// The demo workshop in Madrid (its staff: `workshop2@demo.caas`).
pub const MADRID: &str = "Taller Madrid Norte";
/// The demo workshop in München (its staff: `workshop@demo.caas`).
pub const MUNICH: &str = "Werkstatt München Süd";

/// A demo workshop, as the API shows it to `token`: `{ id name serviceTypes { id name durationMinutes maintenanceKind } }`.
pub async fn workshop(app: &TestApp, token: &str, name: &str) -> Value {
    let query = "{ workshops { id name region { code } serviceTypes { id name durationMinutes maintenanceKind price { gross { amountMinor } } } } }";
    let answer = app.graphql_as(token, query, json!({})).await;
    answer.data()["workshops"]
        .as_array()
        .expect("workshops")
        .iter()
        .find(|workshop| workshop["name"] == name)
        .unwrap_or_else(|| panic!("no workshop {name}: {:#}", answer.body))
        .clone()
}

/// The id of the service of `workshop` whose maintenance kind is `kind` (`INSPECTION`…), or, for
/// `None`, the one that records none (the diagnosis).
pub fn service_id(workshop: &Value, kind: Option<&str>) -> String {
    let wanted = kind.map_or(Value::Null, Value::from);
    workshop["serviceTypes"]
        .as_array()
        .expect("services")
        .iter()
        .find(|service| service["maintenanceKind"] == wanted)
        .and_then(|service| service["id"].as_str())
        .expect("service")
        .to_owned()
}

/// The free slots of a service over the next `days` days (from tomorrow, the server's clock).
pub async fn free_slots(app: &TestApp, token: &str, workshop_id: &str, service_id: &str, days: i64) -> Vec<Value> {
    use caas::platform::clock::Clock;
    let today = app.clock.now().date_naive();
    let query = "query($w: ID!, $s: ID!, $from: NaiveDate!, $to: NaiveDate!) { availableSlots(workshopId: $w, serviceTypeId: $s, from: $from, to: $to) { startsAt endsAt freeResources freeLoanCars } }";
    let variables = json!({
        "w": workshop_id,
        "s": service_id,
        "from": (today + Duration::days(1)).to_string(),
        "to": (today + Duration::days(days)).to_string(),
    });
    let answer = app.graphql_as(token, query, variables).await;
    answer.data()["availableSlots"].as_array().expect("slots").clone()
}

/// Books `starts_at` for `vin` as `token` (a customer, or staff with `extra` such as a bay or a
/// contact); the whole answer.
pub async fn book(
    app: &TestApp,
    token: &str,
    (workshop_id, service_id): (&str, &str),
    vin: &str,
    starts_at: &str,
    extra: Value,
) -> GqlResponse {
    let mut input =
        json!({ "workshopId": workshop_id, "serviceTypeId": service_id, "vin": vin, "startsAt": starts_at });
    if let (Some(input), Value::Object(extra)) = (input.as_object_mut(), extra) {
        input.extend(extra);
    }
    let mutation = "mutation($input: BookServiceInput!) { bookService(input: $input) { id status startsAt endsAt } }";
    app.graphql_as(token, mutation, json!({ "input": input })).await
}

/// The fields of a repair order the workshop tests read.
pub const JOB: &str = "id number status odometerKm approvalPending reapproval overApprovedPercent \
    estimate { net { amountMinor } vat { amountMinor } gross { amountMinor } } \
    approved { net { amountMinor } gross { amountMinor } } \
    lines { description quantity net { amountMinor } status } \
    invoice { number pdfUrl net { amountMinor } vat { amountMinor } gross { amountMinor } lines { description quantity net { amountMinor } } } \
    maintenanceRecord { kind mileageKm nextDueKm } \
    timeline { status note }";

/// Moves repair order `id` to `to` as workshop staff; the repair order after it.
pub async fn move_job(app: &TestApp, staff: &str, id: &str, to: &str) -> Value {
    let mutation =
        format!("mutation($id: ID!, $to: RepairOrderStatus!) {{ moveRepairOrder(id: $id, to: $to) {{ {JOB} }} }}");
    app.graphql_as(staff, &mutation, json!({ "id": id, "to": to })).await.data()["moveRepairOrder"].clone()
}

/// Adds an estimate line as workshop staff; the repair order after it.
pub async fn add_line(app: &TestApp, staff: &str, id: &str, line: Value) -> Value {
    let mutation = format!(
        "mutation($id: ID!, $line: RepairLineInput!) {{ addRepairOrderLine(repairOrderId: $id, input: $line) {{ {JOB} }} }}"
    );
    app.graphql_as(staff, &mutation, json!({ "id": id, "line": line })).await.data()["addRepairOrderLine"].clone()
}

/// The year of the server's clock, as invoice numbers carry it.
pub fn year(app: &TestApp) -> i32 {
    use caas::platform::clock::Clock;
    use chrono::Datelike;
    app.clock.now().year()
}

/// Now on the server's clock.
pub fn now(app: &TestApp) -> chrono::DateTime<Utc> {
    use caas::platform::clock::Clock;
    app.clock.now()
}
