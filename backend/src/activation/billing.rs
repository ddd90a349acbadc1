//! Money after the purchase: renewals and month-end bills of subscriptions, settlement results,
//! and the ways an activation ends (its time is up, the customer cancelled, it went unpaid, the car
//! changed hands) — each ending through an OTA switch-off.

use chrono::{DateTime, Duration, Utc};
use entity::{
    ActivationStatus, DurationKind, NotificationChannel, OtaCommand, PaymentKind, PaymentMethodKind, PaymentStatus,
    activations, payments, prices, regions, users, vehicles,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::end_reason::EndReason;
use super::jobs;
use super::outcome::feature_names;
use super::periods::{days_between, days_in_month, prorated};
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::billing::invoices::{self, InvoiceFor, Line};
use crate::billing::wording::{LineText, date, describe};
use crate::domain::Locale;
use crate::domain::money::vat_of;
use crate::error::{ApiError, ApiResult};
use crate::i18n::{self, failures::FailureCode};
use crate::notifications::service::notify;
use crate::payments::service as payments_service;
use crate::payments::{Answer, NewPayment, cards};
use crate::platform::db::begin_write;
use crate::platform::events::{ActivationPhase, DomainEvent};
use crate::platform::outbox::Outbox;

/// Starts switching an activation off, for `reason`.
pub async fn start_deactivation(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    activation: activations::Model,
    reason: EndReason,
) -> ApiResult<activations::Model> {
    let mut ending: activations::ActiveModel = activation.into();
    ending.status = Set(ActivationStatus::Deactivating);
    ending.end_reason = Set(Some(reason.as_str().to_owned()));
    ending.updated_at = Set(app.clock.now());
    let ending = ending.update(db).await?;
    jobs::enqueue(app, db, outbox, ending.id, OtaCommand::Deactivate).await?;
    outbox.push(DomainEvent::activation_progressed(ending.id, ActivationPhase::Deactivating, 0));
    Ok(ending)
}

/// The customer cancels: subscriptions and fixed durations end at the end of the period already
/// paid for; a trial ends now; a permanent feature stays with the car.
pub async fn cancel(app: &App, viewer: &Viewer, activation_id: Uuid) -> ApiResult<activations::Model> {
    let customer = viewer.user_with_role(&[entity::Role::Customer])?;
    let activation =
        activations::Entity::find_by_id(activation_id).one(&app.db).await?.ok_or(ApiError::NotFound("activation"))?;
    let vehicle =
        vehicles::Entity::find_by_id(activation.vehicle_id).one(&app.db).await?.ok_or(ApiError::NotFound("vehicle"))?;
    if vehicle.owner_id != Some(customer.id) {
        return Err(ApiError::Forbidden("this activation is on someone else's vehicle".into()));
    }
    if activation.status != ActivationStatus::Active {
        return Err(ApiError::Conflict(format!("a {:?} activation cannot be cancelled", activation.status)));
    }
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let cancelled = match activation.duration_kind {
        DurationKind::Permanent => {
            return Err(ApiError::Refused {
                reason: "PERMANENT",
                message: "a permanent feature stays with the car".into(),
            });
        }
        DurationKind::Trial => start_deactivation(app, &txn, &mut outbox, activation, EndReason::Cancelled).await?,
        _ => {
            let mut at_period_end: activations::ActiveModel = activation.into();
            at_period_end.cancel_at_period_end = Set(true);
            at_period_end.updated_at = Set(app.clock.now());
            at_period_end.update(&txn).await?
        }
    };
    audit::record(
        app,
        &txn,
        viewer,
        "activation.cancel",
        Subject { kind: "activation", id: &cancelled.id.to_string() },
        json!({}),
    )
    .await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(cancelled)
}

/// A car changed hands: its subscriptions, trials and fixed durations end; permanent features stay.
pub async fn owner_changed(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    vehicle_id: Uuid,
) -> ApiResult<usize> {
    let live = activations::Entity::find()
        .filter(activations::Column::VehicleId.eq(vehicle_id))
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .filter(activations::Column::DurationKind.ne(DurationKind::Permanent))
        .all(db)
        .await?;
    let count = live.len();
    for activation in live {
        start_deactivation(app, db, outbox, activation, EndReason::OwnerChanged).await?;
    }
    Ok(count)
}

/// Bills a monthly subscription for `[from, to)` (within one month), in arrears.
pub async fn bill_month(
    app: &App,
    activation: &activations::Model,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> ApiResult<Option<payments::Model>> {
    let Some(price_id) = activation.price_id else { return Ok(None) };
    let price = prices::Entity::find_by_id(price_id).one(&app.db).await?.ok_or(ApiError::NotFound("price"))?;
    let days = days_between(from, to);
    let month_days = days_in_month(from);
    let net = prorated(price.net_minor, days, month_days);
    let key = format!("period:{}:{}", activation.id, from.format("%Y-%m-%d"));
    charge_period(app, activation, &price, net, Billed::Month { from, days, month_days }, &key, true).await
}

/// Renews an annual subscription for the coming year, paid up front.
pub async fn renew_year(
    app: &App,
    activation: &activations::Model,
    period_start: DateTime<Utc>,
) -> ApiResult<Option<payments::Model>> {
    let Some(price_id) = activation.price_id else { return Ok(None) };
    let price = prices::Entity::find_by_id(price_id).one(&app.db).await?.ok_or(ApiError::NotFound("price"))?;
    let key = format!("period:{}:{}", activation.id, period_start.format("%Y-%m-%d"));
    charge_period(app, activation, &price, price.net_minor, Billed::Year { from: period_start }, &key, true).await
}

/// Which period of a subscription is charged.
#[derive(Clone, Copy, Debug)]
enum Billed {
    /// `days` of the month starting at `from`, which has `month_days`.
    Month { from: DateTime<Utc>, days: i64, month_days: i64 },
    /// The year starting at `from`.
    Year { from: DateTime<Utc> },
    /// The period starting at `from` (charged again after a failure).
    Period { from: DateTime<Utc> },
}

/// Charges a subscription period (once per `key`) and invoices it; a declined charge marks the
/// subscription unpaid and tells the customer. It is billed in the currency and at the VAT of the
/// price it was bought at (that price's region): a later change of the customer's region never
/// turns euro cents into pence. With the gateway down the period's payment stays PENDING and the
/// error is returned, so the caller does not count the period billed; the next run takes the same
/// payment up again (the gateway sees the same key) until it is charged or declined.
async fn charge_period(
    app: &App,
    activation: &activations::Model,
    price: &prices::Model,
    net: i64,
    billed: Billed,
    key: &str,
    invoice: bool,
) -> ApiResult<Option<payments::Model>> {
    let existing = payments_service::by_key(&app.db, key).await?;
    if existing.as_ref().is_some_and(|payment| payment.status != PaymentStatus::Pending) {
        return Ok(None);
    }
    let payer =
        users::Entity::find_by_id(activation.purchased_by).one(&app.db).await?.ok_or(ApiError::NotFound("customer"))?;
    let region =
        regions::Entity::find_by_id(price.region_id).one(&app.db).await?.ok_or(ApiError::NotFound("region"))?;
    if net <= 0 {
        return Ok(None);
    }
    let payment = match existing {
        Some(pending) => pending,
        None => new_period_payment(app, activation, &payer, &region, net, key).await?,
    };
    let answer = payments_service::charge(app, &payment, "CaaS subscription".into(), Vec::new()).await?;
    if let Answer::Unavailable(message) = answer {
        return Err(ApiError::Unavailable(message));
    }
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    let recorded =
        payments_service::record_answer(&txn, &payment, &answer, PaymentStatus::Captured, app.clock.now()).await?;
    match &answer {
        Answer::Refused { reason, .. } => {
            mark_unpaid(app, &txn, &mut outbox, activation, reason, "activation.payment_failed").await?;
        }
        _ if invoice => invoice_period(app, &txn, activation, &payer, region, &recorded, net, billed).await?,
        _ => {}
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(payments::Entity::find_by_id(payment.id).one(&app.db).await?)
}

/// The invoice of a charged period.
#[allow(clippy::too_many_arguments)]
async fn invoice_period(
    app: &App,
    db: &impl ConnectionTrait,
    activation: &activations::Model,
    payer: &users::Model,
    region: regions::Model,
    payment: &payments::Model,
    net: i64,
    billed: Billed,
) -> ApiResult<()> {
    let locale = Locale::from_tag(&payer.locale).unwrap_or_default();
    let names = feature_names(db, activation.feature_id).await?;
    let feature = names[locale.tag()].as_str().or_else(|| names["en"].as_str()).unwrap_or_default().to_owned();
    let vehicle =
        vehicles::Entity::find_by_id(activation.vehicle_id).one(db).await?.ok_or(ApiError::NotFound("vehicle"))?;
    let (feature, vin) = (feature.as_str(), vehicle.vin.as_str());
    let what = match billed {
        Billed::Month { from, days, month_days } => LineText::Month { feature, vin, from, days, month_days },
        Billed::Year { from } => LineText::Year { feature, vin, from },
        Billed::Period { from } => LineText::Period { feature, vin, from },
    };
    let line = Line {
        description: describe(locale, &what),
        quantity: 1,
        unit_net_minor: net,
        activation_id: Some(activation.id),
    };
    let target =
        InvoiceFor { customer_id: payer.id, vehicle_id: Some(vehicle.id), payment_id: Some(payment.id), region };
    invoices::issue(app, db, &target, &[line], None).await?;
    Ok(())
}

/// The PENDING payment of a period, before the gateway is asked.
async fn new_period_payment(
    app: &App,
    activation: &activations::Model,
    payer: &users::Model,
    region: &regions::Model,
    net: i64,
    key: &str,
) -> ApiResult<payments::Model> {
    let method = charged_method(app, payer.id).await?;
    let gross = net + vat_of(net, region.vat_rate_bp);
    let period = NewPayment {
        kind: PaymentKind::SubscriptionPeriod,
        amount_minor: gross,
        currency: region.currency.clone(),
        payer_id: payer.id,
        order_id: None,
        activation_id: Some(activation.id),
        idempotency_key: key.to_owned(),
        method: method.as_ref().map_or(PaymentMethodKind::Card, |(_, kind)| *kind),
        payment_method: method.map(|(reference, _)| reference),
    };
    Ok(payments_service::open(&app.db, app.clock.now(), period).await?)
}

/// What a period is charged to: the payer's saved card or SEPA mandate (the one they have now, if
/// they replaced it). Without one the gateway refuses the charge and the subscription goes unpaid.
async fn charged_method(app: &App, payer_id: Uuid) -> ApiResult<Option<(String, PaymentMethodKind)>> {
    let saved = cards::saved_card(&app.db, payer_id).await?;
    Ok(saved.and_then(|card| Some((card.payment_method_ref?, card.method_kind))))
}

/// Marks a subscription unpaid (from now, unless it already was) and tells the customer.
async fn mark_unpaid(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    activation: &activations::Model,
    reason: &str,
    template: &str,
) -> ApiResult<()> {
    let current =
        activations::Entity::find_by_id(activation.id).one(db).await?.ok_or(ApiError::NotFound("activation"))?;
    if current.unpaid_since.is_none() {
        let mut unpaid: activations::ActiveModel = current.into();
        unpaid.unpaid_since = Set(Some(app.clock.now()));
        unpaid.update(db).await?;
    }
    let grace_ends = app.clock.now() + Duration::days(app.config.settlement_grace_days);
    let feature = feature_names(db, activation.feature_id).await?;
    // Written in each language, as the notification is read in its reader's.
    let grace_ends = i18n::in_every_language(|locale| date(locale, grace_ends));
    let payload = json!({ "feature": feature, "reason": FailureCode::of_payment(reason).texts(), "detail": reason, "graceEnds": grace_ends });
    let channels = [NotificationChannel::InApp, NotificationChannel::Email];
    notify(app, db, outbox, activation.purchased_by, template, payload, &channels).await
}

/// A settlement result for a payment of an activation (the payment row is already updated).
pub async fn settled(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    payment: &payments::Model,
    succeeded: bool,
    reason: &str,
) -> ApiResult<()> {
    let Some(activation_id) = payment.activation_id else { return Ok(()) };
    let Some(activation) = activations::Entity::find_by_id(activation_id).one(db).await? else { return Ok(()) };
    if !succeeded {
        // A returned debit is not presented again by itself: the notice says so.
        let template = if payment.method == PaymentMethodKind::SepaDebit {
            "activation.debit_returned"
        } else {
            "activation.payment_failed"
        };
        return mark_unpaid(app, db, outbox, &activation, reason, template).await;
    }
    let still_failed = payments::Entity::find()
        .filter(payments::Column::ActivationId.eq(activation.id))
        .filter(payments::Column::Status.eq(PaymentStatus::Failed))
        .filter(payments::Column::Id.gt(payment.id))
        .count(db)
        .await?;
    if activation.unpaid_since.is_some() && still_failed == 0 {
        let mut paid: activations::ActiveModel = activation.into();
        paid.unpaid_since = Set(None);
        paid.update(db).await?;
    }
    Ok(())
}

/// Charges again a failed payment of a subscription still in its grace period.
pub async fn retry_failed(app: &App, failed: &payments::Model, attempt: u64) -> ApiResult<()> {
    let Some(activation_id) = failed.activation_id else { return Ok(()) };
    let Some(activation) = activations::Entity::find_by_id(activation_id).one(&app.db).await? else { return Ok(()) };
    let Some(price_id) = activation.price_id else { return Ok(()) };
    let price = prices::Entity::find_by_id(price_id).one(&app.db).await?.ok_or(ApiError::NotFound("price"))?;
    let region =
        regions::Entity::find_by_id(price.region_id).one(&app.db).await?.ok_or(ApiError::NotFound("region"))?;
    let net = crate::billing::invoices::net_of_gross(failed.amount_minor, region.vat_rate_bp);
    let key = format!("{}#retry{attempt}", failed.idempotency_key);
    // A period already invoiced is not invoiced again; a charge declined outright never was.
    let invoiced = entity::invoices::Entity::find()
        .filter(entity::invoices::Column::PaymentId.eq(failed.id))
        .count(&app.db)
        .await?
        > 0;
    // The period the failed payment was for, from its key (`period:<activation>:<first day>`).
    let from = failed
        .idempotency_key
        .rsplit(':')
        .next()
        .and_then(|day| chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(failed.created_at, |start| start.and_utc());
    charge_period(app, &activation, &price, net, Billed::Period { from }, &key, !invoiced).await?;
    Ok(())
}
