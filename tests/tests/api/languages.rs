//! No English sentence and no raw code reaches a German or Spanish reader: the errors and the
//! notifications of the seeded flows (refused purchases, a car refusing a feature, a declined card,
//! a failing settlement, a refund, bad input, a signed-out request) are scanned in each language.

use std::collections::VecDeque;

use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas::integrations::payments::simulator::{DECLINED_CARD, SETTLEMENT_FAILS};
use caas_tests::{GqlResponse, TestApp, spawn_app};
use regex::Regex;
use serde_json::{Value, json};

const PURCHASE: &str = "mutation($input: PurchaseFeatureInput!) { purchaseFeature(input: $input) { id status } }";
const ACTIVATION: &str = "query($id: ID!) { activation(id: $id) { status failureMessage failureCode payments { id status failureMessage } } }";
const NOTIFICATIONS: &str = "{ notifications(first: 50) { nodes { template title body } } }";

/// English words that are no German or Spanish word, for spotting an English sentence.
const ENGLISH: [&str; 20] = [
    "the", "was", "your", "you", "has", "not", "could", "with", "failed", "declined", "this", "please", "try", "again",
    "order", "payment", "card", "found", "must", "only",
];

/// What is wrong with `text` for a reader of a language other than English, if anything.
fn foreign_to_the_reader(text: &str) -> Option<String> {
    let vin = Regex::new(r"\b[A-HJ-NPR-Z0-9]{17}\b").expect("pattern");
    let without_vins = vin.replace_all(text, "");
    if let Some(code) = Regex::new(r"[A-Z_]{6,}").expect("pattern").find(&without_vins) {
        return Some(format!("the raw code {:?}", code.as_str()));
    }
    for technical in ["reqwest", "http://", "https://", "{ $", "status "] {
        if text.contains(technical) {
            return Some(format!("the technical text {technical:?}"));
        }
    }
    let words: Vec<String> =
        Regex::new(r"[\p{L}']+").expect("pattern").find_iter(text).map(|word| word.as_str().to_lowercase()).collect();
    let english: Vec<&String> = words.iter().filter(|word| ENGLISH.contains(&word.as_str())).collect();
    (!english.is_empty()).then(|| format!("the English words {english:?}"))
}

/// Every text a person reads in `response`: the messages of its errors.
fn error_texts(response: &GqlResponse) -> Vec<String> {
    assert!(!response.errors().is_empty(), "expected an error: {:#}", response.body);
    response.errors().iter().map(|error| error["message"].as_str().unwrap_or_default().to_owned()).collect()
}

struct Scan {
    locale: &'static str,
    found: Vec<String>,
    read: usize,
}

impl Scan {
    fn new(locale: &'static str) -> Self {
        Self { locale, found: Vec::new(), read: 0 }
    }

    fn check(&mut self, what: &str, text: &str) {
        self.read += 1;
        if text.trim().is_empty() {
            self.found.push(format!("{}: {what} is empty", self.locale));
        } else if let Some(problem) = foreign_to_the_reader(text) {
            self.found.push(format!("{}: {what} has {problem}: {text:?}", self.locale));
        }
    }

    fn errors(&mut self, what: &str, response: &GqlResponse) {
        for text in error_texts(response) {
            self.check(what, &text);
        }
    }

    fn finish(self, at_least: usize) {
        assert!(self.read >= at_least, "{}: only {} texts read", self.locale, self.read);
        assert!(self.found.is_empty(), "{:#?}", self.found);
    }
}

fn purchase(vin: &str, code: &str, kind: &str, key: &str) -> Value {
    paid_with(vin, code, kind, key, "pm_card_visa")
}

fn paid_with(vin: &str, code: &str, kind: &str, key: &str, card: &str) -> Value {
    let duration = json!({ "kind": kind });
    json!({ "input": { "vin": vin, "featureCode": code, "duration": duration, "idempotencyKey": key, "paymentMethod": card } })
}

/// The features each reader buys: one the car refuses, one whose settlement fails, one refunded.
struct Features {
    refused: &'static str,
    unpaid: &'static str,
    refunded: &'static str,
}

async fn wait_for(app: &TestApp, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    app.eventually(&format!("activation {id} to settle"), || async {
        let current = app.graphql_as(token, ACTIVATION, json!({ "id": id })).await.data()["activation"].clone();
        done(&current).then_some(current)
    })
    .await
}

/// A customer's refused purchases and bad input, and a signed-out request in the language asked.
async fn refusals(app: &TestApp, scan: &mut Scan, token: &str, own_vin: &str, other_vin: &str) {
    let cases = [
        ("another's car", purchase(other_vin, "HEATED_SEATS", "PERMANENT", "l1")),
        ("an unknown feature", purchase(own_vin, "NO_SUCH_FEATURE", "PERMANENT", "l2")),
        ("a malformed VIN", purchase("NOT-A-VIN", "HEATED_SEATS", "PERMANENT", "l3")),
        ("an empty key", purchase(own_vin, "HEATED_SEATS", "PERMANENT", "")),
        ("a declined card", paid_with(own_vin, "LANE_KEEPING", "PERMANENT", "l4", DECLINED_CARD)),
    ];
    for (what, input) in cases {
        let response = app.graphql_as(token, PURCHASE, input).await;
        if response.errors().is_empty() {
            // A declined card is told on the activation, not as an error of the purchase.
            let id = response.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
            let failed = wait_for(app, token, &id, |a| a["status"] == "FAILED").await;
            scan.check(what, failed["failureMessage"].as_str().unwrap_or_default());
        } else {
            scan.errors(what, &response);
        }
    }
    let mut odd_days = purchase(own_vin, "LANE_KEEPING", "FIXED_DAYS", "l5");
    odd_days["input"]["duration"]["days"] = json!(45);
    scan.errors("an unoffered duration", &app.graphql_as(token, PURCHASE, odd_days).await);
    let retry = "mutation { retryActivation(activationId: \"00000000-0000-0000-0000-000000000000\") { status } }";
    scan.errors("a customer retrying", &app.graphql_as(token, retry, json!({})).await);
    scan.errors("an unknown field", &app.graphql_as(token, "{ me { shoeSize } }", json!({})).await);
    let order = "query($id: ID!) { order(id: $id) { number } }";
    scan.errors("a malformed id", &app.graphql_as(token, order, json!({ "id": "nope" })).await);
    let signed_out = app.request("{ me { email } }", json!({}), &[("accept-language", scan.locale)]).await;
    scan.errors("a signed-out request", &signed_out);
    let login = "mutation { login(identifier: \"nobody@demo.caas\", password: \"wrong-password\") { accessToken } }";
    let wrong = app.request(login, json!({}), &[("accept-language", scan.locale)]).await;
    scan.errors("a wrong password", &wrong);
}

/// What a customer reads after a car refused a feature and a card's settlement failed.
async fn failures(app: &TestApp, scan: &mut Scan, token: &str, vin: &str, features: &Features) {
    let fleet = app.simulators.fleet.as_ref().expect("fleet");
    let mut knobs = FleetKnobs::default();
    knobs.script.insert(vin.to_owned(), VecDeque::from([Outcome::Permanent]));
    fleet.set_knobs(knobs);
    let bought = app.graphql_as(token, PURCHASE, purchase(vin, features.refused, "ANNUAL", "f1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let failed = wait_for(app, token, &id, |a| a["status"] == "FAILED").await;
    assert_eq!(failed["failureCode"], "CAR_REFUSED");
    scan.check("a car's refusal", failed["failureMessage"].as_str().unwrap_or_default());

    let input = paid_with(vin, features.unpaid, "PERMANENT", "f2", SETTLEMENT_FAILS);
    let bought = app.graphql_as(token, PURCHASE, input).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let unpaid = wait_for(app, token, &id, |a| a["payments"][0]["status"] == "FAILED").await;
    scan.check("a failed settlement", unpaid["payments"][0]["failureMessage"].as_str().unwrap_or_default());
}

/// Support refunds a charge (in the support agent's language) and gets bad input wrong.
async fn refund(app: &TestApp, scan: &mut Scan, customer: &str, vin: &str, feature: &str, reason: &str) {
    let bought = app.graphql_as(customer, PURCHASE, purchase(vin, feature, "PERMANENT", "r1")).await;
    let id = bought.data()["purchaseFeature"]["id"].as_str().expect("id").to_owned();
    let active = wait_for(app, customer, &id, |a| {
        a["status"] == "ACTIVE" && ["CAPTURED", "SETTLED"].contains(&a["payments"][0]["status"].as_str().unwrap_or(""))
    })
    .await;
    let payment = active["payments"][0]["id"].as_str().expect("payment").to_owned();
    let support = app.token("support@demo.caas").await;
    let locale = scan.locale.to_ascii_uppercase();
    let profile = "mutation($locale: Locale) { updateProfile(locale: $locale) { locale } }";
    app.graphql_as(&support, profile, json!({ "locale": locale })).await.data();
    let refund = "mutation($id: ID!, $reason: String!) { refundPayment(paymentId: $id, idempotencyKey: \"r1\", reason: $reason) { status } }";
    scan.errors(
        "a refund without a reason",
        &app.graphql_as(&support, refund, json!({ "id": payment, "reason": " " })).await,
    );
    app.graphql_as(&support, refund, json!({ "id": payment, "reason": reason })).await.data();
    // The refund switches the feature off: that command is done before the car is told to refuse.
    wait_for(app, customer, &id, |a| a["status"] == "CANCELLED").await;
    let search = "query($text: String!) { searchVehicles(text: $text) { nodes { vin } } }";
    scan.errors("a one-letter search", &app.graphql_as(&support, search, json!({ "text": "a" })).await);
}

async fn notifications(app: &TestApp, scan: &mut Scan, token: &str, expected: &[&str]) {
    let read = app.graphql_as(token, NOTIFICATIONS, json!({})).await;
    let nodes = read.data()["notifications"]["nodes"].as_array().cloned().unwrap_or_default();
    for template in expected {
        assert!(nodes.iter().any(|n| n["template"] == *template), "{}: no {template} in {nodes:#?}", scan.locale);
    }
    for node in nodes {
        let template = node["template"].as_str().unwrap_or_default().to_owned();
        scan.check(&format!("the title of {template}"), node["title"].as_str().unwrap_or_default());
        scan.check(&format!("the text of {template}"), node["body"].as_str().unwrap_or_default());
    }
}

#[test]
fn the_scan_tells_english_and_raw_codes_from_german_and_spanish() {
    assert!(foreign_to_the_reader("Das Auto hat die Änderung nicht angenommen").is_none());
    assert!(foreign_to_the_reader("No encontrado: vehículo.").is_none());
    assert!(foreign_to_the_reader("Ihr Aurora WBA0A0C0AHX000011: in der Lackiererei").is_none());
    assert!(foreign_to_the_reader("the vehicle refused").is_some());
    assert!(foreign_to_the_reader("Zahlung fehlgeschlagen: CARD_DECLINED").is_some());
    assert!(foreign_to_the_reader("Fehler: error sending request (reqwest)").is_some());
    assert!(foreign_to_the_reader("Nicht erreichbar: http://127.0.0.1:9000").is_some());
}

#[tokio::test]
async fn a_german_reader_gets_every_error_and_notification_in_german() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    let vins = app.vins_of("customer@demo.caas").await;
    let other = app.vins_of("customer2@demo.caas").await.remove(0);
    let mut scan = Scan::new("de");
    let features = Features { refused: "PREMIUM_AUDIO", unpaid: "REMOTE_CLIMATE", refunded: "AMBIENT_LIGHTING" };
    refusals(&app, &mut scan, &anna, &vins[0], &other).await;
    refund(&app, &mut scan, &anna, &vins[0], features.refunded, "Kulanz nach Rückfrage").await;
    failures(&app, &mut scan, &anna, &vins[1], &features).await;
    let told = ["activation.failed", "activation.payment_failed", "payment.refunded_in_full"];
    app.eventually("the refund to be told", || async {
        let read = app.graphql_as(&anna, NOTIFICATIONS, json!({})).await;
        read.text.contains("payment.refunded_in_full").then_some(())
    })
    .await;
    notifications(&app, &mut scan, &anna, &told).await;
    // The day the feature is switched off if still unpaid is written the German way.
    let read = app.graphql_as(&anna, NOTIFICATIONS, json!({})).await;
    let nodes = read.data()["notifications"]["nodes"].as_array().cloned().unwrap_or_default();
    let unpaid = nodes.iter().find(|n| n["template"] == "activation.payment_failed").expect("told");
    let german_date = Regex::new(r"am \d{2}\.\d{2}\.\d{4} noch offen").expect("pattern");
    assert!(german_date.is_match(unpaid["body"].as_str().unwrap_or_default()), "{unpaid}");
    scan.finish(25);
}

#[tokio::test]
async fn a_spanish_reader_gets_every_error_and_notification_in_spanish() {
    let app = spawn_app().await;
    let lucia = app.token("customer2@demo.caas").await;
    let vin = app.vins_of("customer2@demo.caas").await.remove(0);
    let other = app.vins_of("customer@demo.caas").await.remove(0);
    let mut scan = Scan::new("es");
    // Her Cirrus runs 3.0.0, is due for maintenance and has premium audio: features without
    // either need that she has not bought.
    let features = Features { refused: "HEATED_SEATS", unpaid: "HEATED_STEERING_WHEEL", refunded: "NAVIGATION_PRO" };
    refusals(&app, &mut scan, &lucia, &vin, &other).await;
    refund(&app, &mut scan, &lucia, &vin, features.refunded, "Cortesía tras la consulta").await;
    failures(&app, &mut scan, &lucia, &vin, &features).await;
    app.eventually("the refund to be told", || async {
        let read = app.graphql_as(&lucia, NOTIFICATIONS, json!({})).await;
        read.text.contains("payment.refunded").then_some(())
    })
    .await;
    notifications(&app, &mut scan, &lucia, &["activation.failed", "activation.payment_failed"]).await;
    scan.finish(25);
}
