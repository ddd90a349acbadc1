//! Buying a feature, or starting its free trial: every check (ownership, compatibility, an offer at
//! that duration, no second live activation, the trial not used, the maintenance gate), then the
//! activation, its payment and its OTA job in one transaction. A repeated idempotency key returns
//! the first result; the same key with another request is a conflict.

use entity::{
    ActivationStatus, DurationKind, OtaCommand, PaymentKind, PaymentMethodKind, Role, activations, feature_models,
    features, payments, prices, regions, vehicles,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;

use uuid::Uuid;

use super::jobs;
use crate::accounts::payment_methods as methods;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::catalog::firmware;
use crate::catalog::service::{Offer, pricing_region, uses_trial};
use crate::error::{ApiError, ApiResult};
use crate::fleet::service::vehicle_for;
use crate::idempotency::{self, Remembered};
use crate::integrations::vss::MaintenanceState;
use crate::payments::service as payments_service;
use crate::payments::{NewPayment, cards, credit, vouchers};
use crate::platform::db::begin_write;
use crate::platform::events::{ActivationPhase, ActivationState, DomainEvent};
use crate::platform::outbox::Outbox;
use crate::policy::{Access, LIVE_STATUSES};

/// A purchase as the customer asks for it.
#[derive(Clone, Debug)]
pub struct PurchaseInput {
    /// The vehicle.
    pub vin: String,
    /// The feature's code.
    pub feature_code: String,
    /// The duration model.
    pub kind: DurationKind,
    /// Days, for FIXED_DAYS (and TRIAL); the offered number when not given.
    pub days: Option<i32>,
    /// The client's key: the same key is the same purchase.
    pub idempotency_key: String,
    /// A one-off payment method token; the customer's saved card when not given.
    pub payment_method: Option<String>,
    /// How to pay; when not given: credit if it covers the price, else the saved card or mandate.
    pub method: Option<PaymentMethodKind>,
    /// A prepaid voucher to redeem first; the purchase is then paid from credit.
    pub voucher_code: Option<String>,
}

/// What was decided, before anything is stored.
struct Approved {
    vehicle: vehicles::Model,
    feature: features::Model,
    price: prices::Model,
    offer: Offer,
    /// How it is paid and what it is charged to (none for trials).
    payment: Option<(PaymentMethodKind, Option<String>)>,
}

fn request_hash(input: &PurchaseInput) -> String {
    let text = format!(
        "purchase|{}|{}|{:?}|{:?}",
        input.vin.trim().to_uppercase(),
        input.feature_code.trim().to_uppercase(),
        input.kind,
        input.days
    );
    idempotency::request_hash(&text)
}

/// The activation an earlier request with this key produced, if any.
async fn replay(app: &App, owner: Uuid, key: &str, hash: &str) -> ApiResult<Option<activations::Model>> {
    let Some(response) = idempotency::earlier(&app.db, owner, key, hash).await? else { return Ok(None) };
    let Some(id) = response["activationId"].as_str().and_then(|id| id.parse::<Uuid>().ok()) else { return Ok(None) };
    Ok(activations::Entity::find_by_id(id).one(&app.db).await?)
}

/// Buys a feature for a vehicle (or starts its trial, for `DurationKind::Trial`).
#[tracing::instrument(skip(app, viewer, input), fields(vin = %input.vin, feature = %input.feature_code, kind = ?input.kind))]
pub async fn purchase(app: &App, viewer: &Viewer, input: PurchaseInput) -> ApiResult<activations::Model> {
    let customer = viewer.user_with_role(&[Role::Customer])?;
    let key = idempotency::parse_key(&input.idempotency_key)?;
    let hash = request_hash(&input);
    if let Some(earlier) = replay(app, customer.id, &key, &hash).await? {
        return Ok(earlier);
    }
    if let Some(code) = input.voucher_code.as_deref().filter(|code| !code.trim().is_empty()) {
        // Redeemed once whatever happens next: the credit stays if the purchase is refused.
        vouchers::redeem(app, viewer, code, &key).await?;
    }
    let approved = approve(app, viewer, &input).await?;
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let Some(created) = record(app, &txn, &mut outbox, viewer, customer.id, &approved).await? else {
        // A concurrent purchase of the same feature for the same car committed first: the checks,
        // run again, name the rule it now breaks (already active, trial used).
        drop(txn);
        approve(app, viewer, &input).await?;
        return Err(ApiError::Conflict("another purchase of this feature for this vehicle came first".into()));
    };
    let remembered = Remembered {
        owner: customer.id,
        key: &key,
        operation: "purchaseFeature",
        hash: &hash,
        response: json!({ "activationId": created.id }),
    };
    if !idempotency::remember(&txn, remembered, app.clock.now()).await? {
        // The same key raced us: the first request wins, this one returns its result.
        drop(txn);
        return replay(app, customer.id, &key, &hash).await?.ok_or(ApiError::Conflict("try again".into()));
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(created)
}

/// Every check a purchase must pass.
async fn approve(app: &App, viewer: &Viewer, input: &PurchaseInput) -> ApiResult<Approved> {
    let vehicle = vehicle_for(app, viewer, &input.vin, Access::Basic).await?;
    let feature = features::Entity::find()
        .filter(features::Column::Code.eq(input.feature_code.trim().to_uppercase()))
        .filter(features::Column::Available.eq(true))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("feature"))?;
    let fits_model = feature_models::Entity::find_by_id((feature.id, vehicle.model_id)).one(&app.db).await?.is_some();
    if !fits_model || !firmware::satisfies(&vehicle.firmware_version, &feature.min_firmware) {
        return Err(ApiError::Refused {
            reason: "INCOMPATIBLE",
            message: format!(
                "{} needs a compatible model and firmware {} or newer; this vehicle has {}",
                feature.code, feature.min_firmware, vehicle.firmware_version
            ),
        });
    }
    let region = pricing_region(app, &vehicle).await?;
    let offered = prices::Entity::find()
        .filter(prices::Column::FeatureId.eq(feature.id))
        .filter(prices::Column::RegionId.eq(region.id))
        .filter(prices::Column::DurationKind.eq(input.kind))
        .filter(prices::Column::WithdrawnAt.is_null())
        .all(&app.db)
        .await?;
    let price = match input.days {
        Some(days) => offered.into_iter().find(|price| price.duration_days == days),
        None => offered.into_iter().next(),
    }
    .ok_or_else(|| ApiError::bad_input("duration", "this feature is not offered for that duration here"))?;
    let history = activations::Entity::find()
        .filter(activations::Column::VehicleId.eq(vehicle.id))
        .filter(activations::Column::FeatureId.eq(feature.id))
        .all(&app.db)
        .await?;
    if history.iter().any(|activation| LIVE_STATUSES.contains(&activation.status)) {
        return Err(ApiError::Refused {
            reason: "ALREADY_ACTIVE",
            message: format!("{} is already on this vehicle", feature.code),
        });
    }
    if input.kind == DurationKind::Trial && history.iter().any(uses_trial) {
        return Err(ApiError::Refused {
            reason: "TRIAL_USED",
            message: "the trial of this feature was used on this vehicle".into(),
        });
    }
    if feature.requires_maintenance {
        check_maintenance(app, &vehicle).await?;
    }
    let offer = Offer::new(&price, &region);
    let payment = if offer.gross.minor == 0 || price.duration_kind == DurationKind::Trial {
        None
    } else {
        Some(payment_method(app, viewer, input, &offer, price.duration_kind, &region).await?)
    };
    Ok(Approved { vehicle, feature, price, offer, payment })
}

/// How a purchase is paid, among the methods its region offers: the method asked for, else credit
/// when it covers the price (credit is used before the card), else the saved card or SEPA
/// mandate. A subscription is charged later without the customer present, so it needs a saved card
/// or mandate.
async fn payment_method(
    app: &App,
    viewer: &Viewer,
    input: &PurchaseInput,
    offer: &Offer,
    kind: DurationKind,
    region: &regions::Model,
) -> ApiResult<(PaymentMethodKind, Option<String>)> {
    let customer = viewer.user()?.id;
    let credit = credit::balance(&app.db, customer, &offer.gross.currency).await?;
    let covered = credit >= offer.gross.minor && kind != DurationKind::Monthly;
    // The saved method, once read to choose the method: the charge's token comes from it too.
    let mut saved = None;
    let method = match input.method {
        Some(method) => method,
        None if covered && methods::offered(region).contains(&PaymentMethodKind::Credit) => PaymentMethodKind::Credit,
        None if input.voucher_code.is_some() => PaymentMethodKind::Credit,
        None => {
            let found = cards::saved_card(&app.db, customer).await?;
            let method = found.as_ref().map_or(PaymentMethodKind::Card, |method| method.method_kind);
            saved = Some(found);
            method
        }
    };
    methods::check_offered(region, method)?;
    match method {
        PaymentMethodKind::Credit if !covered => Err(ApiError::Refused {
            reason: "INSUFFICIENT_CREDIT",
            message: "your credit does not cover this purchase".into(),
        }),
        PaymentMethodKind::Credit => Ok((method, None)),
        PaymentMethodKind::BankTransfer if kind == DurationKind::Monthly => {
            Err(ApiError::bad_input("method", "a monthly subscription is charged to a saved card or SEPA mandate"))
        }
        PaymentMethodKind::BankTransfer => Ok((method, None)),
        PaymentMethodKind::Card | PaymentMethodKind::SepaDebit => {
            saved_method(app, customer, input, kind, method, saved).await.map(|token| (method, Some(token)))
        }
    }
}

/// The token a card or SEPA purchase is charged to: a one-off card token given, or the saved
/// method of that kind (`saved`, when it was read already).
async fn saved_method(
    app: &App,
    customer: Uuid,
    input: &PurchaseInput,
    kind: DurationKind,
    method: PaymentMethodKind,
    saved: Option<Option<entity::payment_cards::Model>>,
) -> ApiResult<String> {
    let given = input.payment_method.as_deref().map(str::trim).filter(|token| !token.is_empty());
    if method == PaymentMethodKind::Card
        && kind != DurationKind::Monthly
        && let Some(token) = given
    {
        return Ok(token.to_owned());
    }
    let saved = match saved {
        Some(saved) => saved,
        None => cards::saved_card(&app.db, customer).await?,
    };
    let saved = saved.filter(|saved| saved.method_kind == method);
    match (saved.and_then(|saved| saved.payment_method_ref), method) {
        (Some(reference), _) => Ok(reference),
        (None, PaymentMethodKind::SepaDebit) => {
            Err(ApiError::bad_input("method", "set up a SEPA Direct Debit mandate first (setUpSepaMandate)"))
        }
        (None, _) => Err(ApiError::bad_input(
            "paymentMethod",
            "save a payment card first (savePaymentCard): it is charged for purchases and subscriptions",
        )),
    }
}

/// The maintenance gate: an overdue vehicle cannot buy maintenance-linked features.
pub async fn check_maintenance(app: &App, vehicle: &vehicles::Model) -> ApiResult<()> {
    let status = app
        .integrations
        .vss
        .status(&vehicle.vin)
        .await
        .map_err(|err| ApiError::Unavailable(format!("{err}; try again in a moment")))?;
    if status.status == MaintenanceState::Overdue {
        let due = status.next_due_at.map(|at| format!(" (due {})", at.format("%Y-%m-%d"))).unwrap_or_default();
        return Err(ApiError::Refused {
            reason: "MAINTENANCE_OVERDUE",
            message: format!("the vehicle's maintenance is overdue{due}; book a service first"),
        });
    }
    Ok(())
}

/// Stores the activation, its payment (paid durations, charged only once the car confirms) and
/// its OTA job. `None` when the database refuses a second live activation (or a second trial) of
/// the feature on the vehicle: a concurrent purchase stored one first.
async fn record(
    app: &App,
    txn: &DatabaseTransaction,
    outbox: &mut Outbox,
    viewer: &Viewer,
    customer_id: Uuid,
    approved: &Approved,
) -> ApiResult<Option<activations::Model>> {
    let now = app.clock.now();
    let activation = activations::ActiveModel {
        id: Set(Uuid::now_v7()),
        vehicle_id: Set(approved.vehicle.id),
        feature_id: Set(approved.feature.id),
        price_id: Set(Some(approved.price.id)),
        duration_kind: Set(approved.price.duration_kind),
        duration_days: Set(approved.price.duration_days),
        status: Set(ActivationStatus::Pending),
        purchased_by: Set(customer_id),
        starts_at: Set(None),
        ends_at: Set(None),
        cancel_at_period_end: Set(false),
        failure_reason: Set(None),
        failure_code: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        billed_until: Set(None),
        unpaid_since: Set(None),
        end_reason: Set(None),
    }
    .insert(txn)
    .await;
    let activation = match activation {
        Ok(activation) => activation,
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    // Monthly subscriptions are billed at month end for the days used; trials are free.
    let paid_up_front = approved.offer.gross.minor > 0 && approved.price.duration_kind != DurationKind::Monthly;
    let mut waits_for_transfer = false;
    let mut charge_status = None;
    if paid_up_front && let Some((method, token)) = &approved.payment {
        waits_for_transfer = *method == PaymentMethodKind::BankTransfer;
        let charge = NewPayment {
            kind: PaymentKind::Feature,
            amount_minor: approved.offer.gross.minor,
            currency: approved.offer.gross.currency.clone(),
            payer_id: customer_id,
            order_id: None,
            activation_id: Some(activation.id),
            idempotency_key: format!("activation:{}", activation.id),
            payment_method: token.clone(),
            method: *method,
        };
        charge_status = Some(payments_service::open_paid(txn, now, charge).await?.status);
    }
    // A purchase paid by transfer is switched on when the money is in (see `paid_by_transfer`).
    if !waits_for_transfer {
        jobs::enqueue(app, txn, outbox, activation.id, OtaCommand::Activate).await?;
    }
    let details = json!({ "vin": approved.vehicle.vin, "feature": approved.feature.code, "kind": approved.price.duration_kind, "grossMinor": approved.offer.gross.minor });
    audit::record(
        app,
        txn,
        viewer,
        "activation.purchase",
        Subject { kind: "activation", id: &activation.id.to_string() },
        details,
    )
    .await?;
    let state = ActivationState { activation: activation.clone(), charge: charge_status };
    outbox.push(DomainEvent::activation_progressed_to(state, ActivationPhase::Queued, 0));
    Ok(Some(activation))
}

/// How a purchase for the vehicle with `vin` can be paid: its region's methods, the customer's
/// credit in its currency and their saved method.
pub async fn checkout_options(
    app: &App,
    viewer: &Viewer,
    vin: &str,
) -> ApiResult<(Vec<PaymentMethodKind>, crate::domain::Money, Option<entity::payment_cards::Model>)> {
    let customer = viewer.user_with_role(&[Role::Customer])?;
    let vehicle = vehicle_for(app, viewer, vin, Access::Basic).await?;
    if vehicle.owner_id != Some(customer.id) {
        return Err(ApiError::Forbidden("only the vehicle's owner buys for it".into()));
    }
    let region = pricing_region(app, &vehicle).await?;
    let credit = credit::balance(&app.db, customer.id, &region.currency).await?;
    let saved = cards::saved_card(&app.db, customer.id).await?;
    Ok((methods::offered(&region), crate::domain::Money::new(credit, &region.currency), saved))
}

/// The bank transfer of a purchase arrived in full: it is switched on now.
pub async fn paid_by_transfer(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    payment: &payments::Model,
) -> ApiResult<()> {
    let Some(activation_id) = payment.activation_id else { return Ok(()) };
    let Some(activation) = activations::Entity::find_by_id(activation_id).one(db).await? else { return Ok(()) };
    let queued = entity::ota_jobs::Entity::find()
        .filter(entity::ota_jobs::Column::ActivationId.eq(activation.id))
        .count(db)
        .await?;
    if activation.status == ActivationStatus::Pending && queued == 0 {
        jobs::enqueue(app, db, outbox, activation.id, OtaCommand::Activate).await?;
        outbox.push(DomainEvent::activation_progressed(activation.id, ActivationPhase::Queued, 0));
    }
    Ok(())
}

/// Gives up purchases whose bank transfer did not arrive within the days allowed: the activation
/// is cancelled before it ever started, what part of the money came goes to the customer's credit
/// (a transfer arriving later is held for support), and the customer is told.
pub async fn give_up_unpaid_transfers(app: &App) -> ApiResult<usize> {
    let limit = app.clock.now() - chrono::Duration::days(app.config.transfer_wait_days);
    let waiting = payments::Entity::find()
        .filter(payments::Column::Method.eq(PaymentMethodKind::BankTransfer))
        .filter(payments::Column::Status.eq(entity::PaymentStatus::Pending))
        .filter(payments::Column::Kind.eq(PaymentKind::Feature))
        .filter(payments::Column::CreatedAt.lte(limit))
        .all(&app.db)
        .await?;
    let mut given_up = 0;
    for payment in waiting {
        let Some(activation_id) = payment.activation_id else { continue };
        let txn = begin_write(&app.db).await?;
        let mut outbox = Outbox::new();
        let cancelled = activations::Entity::update_many()
            .col_expr(activations::Column::Status, sea_orm::sea_query::Expr::value(ActivationStatus::Cancelled))
            .col_expr(activations::Column::EndReason, sea_orm::sea_query::Expr::value("TRANSFER_NOT_RECEIVED"))
            .col_expr(activations::Column::UpdatedAt, sea_orm::sea_query::Expr::value(app.clock.now()))
            .filter(activations::Column::Id.eq(activation_id))
            .filter(activations::Column::Status.eq(ActivationStatus::Pending))
            .exec(&txn)
            .await?;
        if cancelled.rows_affected == 0 {
            continue;
        }
        let feature = match activations::Entity::find_by_id(activation_id).one(&txn).await? {
            Some(activation) => super::outcome::feature_names(&txn, activation.feature_id).await?,
            None => serde_json::Value::Null,
        };
        let payload = json!({ "feature": feature, "reference": payment.transfer_reference });
        let channels = [entity::NotificationChannel::InApp, entity::NotificationChannel::Email];
        crate::notifications::service::notify(
            app,
            &txn,
            &mut outbox,
            payment.payer_id,
            "activation.transfer_not_received",
            payload,
            &channels,
        )
        .await?;
        outbox.push(DomainEvent::activation_progressed(activation_id, ActivationPhase::Ended, 0));
        outbox.commit(txn, app.events.as_ref()).await?;
        payments_service::release(app, &payment).await?.map_err(|err| ApiError::Unavailable(err.to_string()))?;
        given_up += 1;
    }
    Ok(given_up)
}
