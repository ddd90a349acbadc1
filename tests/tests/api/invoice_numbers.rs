//! Invoice numbers are gapless per region and per year: the first invoice of a year in a region is
//! number 1 of that year, whatever was issued the year before.

use caas_tests::{TestApp, spawn_app};
use chrono::{Datelike, TimeZone, Utc};
use serde_json::json;

use crate::purchase::{RECORD_PAYMENT, REGISTER_SALE, payment, sale_for};

/// Sells a stock car of the Berlin dealership and takes its reservation, which is invoiced at once;
/// answers the reservation invoice's number.
async fn reserve_a_car(app: &TestApp, dealer: &str, buyer: &str, key: &str) -> String {
    let vin = app.stock_vin_at("Autohaus Berlin Mitte").await;
    let sale = app.graphql_as(dealer, REGISTER_SALE, sale_for(buyer, "Käufer", ("stockVin", &vin))).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("order").to_owned();
    app.graphql_as(dealer, RECORD_PAYMENT, payment(&order_id, "RESERVATION", 100_000, "pm_card_visa", key))
        .await
        .data();
    let token = app.token(buyer).await;
    let invoices = app.graphql_as(&token, "{ invoices(first: 1) { edges { node { number issuedAt } } } }", json!({}));
    invoices.await.data()["invoices"]["edges"][0]["node"]["number"].as_str().expect("number").to_owned()
}

#[tokio::test]
async fn the_first_invoice_of_a_year_is_number_one_of_that_year() {
    let app = spawn_app().await;
    // The last minutes of a year no demo invoice was issued in, then the first of the next (tokens
    // are taken at the time the test stands at).
    let year = Utc::now().year() + 5;
    app.clock.set(Utc.with_ymd_and_hms(year, 12, 31, 23, 55, 0).single().expect("time"));
    let dealer = app.token("dealer@demo.caas").await;
    assert_eq!(reserve_a_car(&app, &dealer, "customer@demo.caas", "y1").await, format!("DE-{year}-000001"));
    assert_eq!(reserve_a_car(&app, &dealer, "customer2@demo.caas", "y2").await, format!("DE-{year}-000002"));
    app.clock.set(Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 1).single().expect("time"));
    let next = year + 1;
    assert_eq!(reserve_a_car(&app, &dealer, "customer@demo.caas", "y3").await, format!("DE-{next}-000001"));
}
