//! Money paths when the gateway and our records disagree: a release is decided by what the
//! gateway holds, read back when it refuses, and never recorded as voided over a capture.

use caas::integrations::payments::simulator::PaymentKnobs;
use caas::integrations::payments::{CaptureMode, ChargeRequest};
use caas::payments::service as payment_service;
use caas_tests::{TestApp, spawn_app};
use chrono::Utc;
use entity::{PaymentKind, PaymentStatus, payments, users};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// A feature's charge of 49.90 € made at the gateway directly, under `key`, with `metadata`.
pub(crate) fn feature_charge(key: &str, metadata: Vec<(String, String)>) -> ChargeRequest {
    ChargeRequest {
        amount_minor: 4_990,
        currency: "EUR".into(),
        payment_method: "pm_card_visa".into(),
        customer: None,
        idempotency_key: key.into(),
        description: "CaaS feature".into(),
        metadata,
    }
}

/// An authorisation made at the gateway for Anna, recorded by us as AUTHORIZED.
pub(crate) async fn authorised_charge(app: &TestApp, key: &str) -> payments::Model {
    let gateway = &app.app.integrations.payments;
    let request = feature_charge(key, Vec::new());
    let authorised = gateway.create(&request, CaptureMode::Manual).await.expect("authorised");
    recorded_payment(app, key, PaymentStatus::Authorized, Some(authorised.provider_ref)).await
}

/// A feature payment of 49.90 € for Anna under `key`, recorded by us in `status`.
pub(crate) async fn recorded_payment(
    app: &TestApp,
    key: &str,
    status: PaymentStatus,
    provider_ref: Option<String>,
) -> payments::Model {
    let anna = users::Entity::find()
        .filter(users::Column::Email.eq("customer@demo.caas"))
        .one(&app.app.db)
        .await
        .expect("db")
        .expect("anna");
    let now = Utc::now();
    payments::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(PaymentKind::Feature),
        status: Set(status),
        amount_minor: Set(4_990),
        currency: Set("EUR".into()),
        payer_id: Set(anna.id),
        order_id: Set(None),
        activation_id: Set(None),
        provider_ref: Set(provider_ref),
        idempotency_key: Set(key.into()),
        failure_reason: Set(None),
        failure_code: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        captured_at: Set(None),
        settled_at: Set(None),
        payment_method: Set(Some("pm_card_visa".into())),
        method: Set(entity::PaymentMethodKind::Card),
        transfer_reference: Set(None),
        received_minor: Set(0),
    }
    .insert(&app.app.db)
    .await
    .expect("payment")
}

pub(crate) async fn status_of(app: &TestApp, payment: &payments::Model) -> PaymentStatus {
    payments::Entity::find_by_id(payment.id).one(&app.app.db).await.expect("db").expect("payment").status
}

/// The intent's status, its captures and the amount refunded, as the gateway holds them.
fn at_gateway(app: &TestApp, payment: &payments::Model) -> (String, u32, i64) {
    let reference = payment.provider_ref.clone().expect("reference");
    let simulated = app.simulators.payments.as_ref().expect("gateway").payments();
    let found = simulated.into_iter().find(|p| p.id == reference).expect("at the gateway");
    (found.status, found.captures, found.refunded)
}

#[tokio::test]
async fn a_refused_void_of_a_charge_captured_after_all_is_refunded_not_recorded_as_voided() {
    let app = spawn_app().await;
    let payment = authorised_charge(&app, "captured-behind-our-back").await;
    // The capture reached the gateway, but its answer never reached our records (a crash).
    let reference = payment.provider_ref.clone().expect("reference");
    app.app.integrations.payments.capture(&reference, "lost-capture").await.expect("captured");

    payment_service::release(&app.app, &payment).await.expect("database").expect("released");

    assert_eq!(status_of(&app, &payment).await, PaymentStatus::Refunded);
    // Captured once, and all of it given back.
    let (_, captures, refunded) = at_gateway(&app, &payment);
    assert_eq!((captures, refunded), (1, 4_990));
}

#[tokio::test]
async fn a_void_of_a_charge_already_cancelled_at_the_gateway_is_recorded_as_voided() {
    let app = spawn_app().await;
    let payment = authorised_charge(&app, "cancelled-behind-our-back").await;
    let reference = payment.provider_ref.clone().expect("reference");
    app.app.integrations.payments.void(&reference, "earlier-void").await.expect("voided");

    payment_service::release(&app.app, &payment).await.expect("database").expect("released");

    assert_eq!(status_of(&app, &payment).await, PaymentStatus::Voided);
    assert_eq!(at_gateway(&app, &payment), ("canceled".to_owned(), 0, 0));
}

#[tokio::test]
async fn a_release_while_the_gateway_is_down_changes_nothing_and_works_once_it_is_back() {
    let app = spawn_app().await;
    let payment = authorised_charge(&app, "released-later").await;
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    gateway.set_knobs(PaymentKnobs { unavailable: true, ..PaymentKnobs::default() });

    let refused = payment_service::release(&app.app, &payment).await.expect("database");
    assert!(refused.is_err(), "the gateway is down: the release must be retried");
    assert_eq!(status_of(&app, &payment).await, PaymentStatus::Authorized);

    gateway.set_knobs(PaymentKnobs::default());
    payment_service::release(&app.app, &payment).await.expect("database").expect("released");
    assert_eq!(status_of(&app, &payment).await, PaymentStatus::Voided);
    assert_eq!(at_gateway(&app, &payment), ("canceled".to_owned(), 0, 0));
}
