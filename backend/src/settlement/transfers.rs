//! Bank transfers the gateway reported: recorded once through `payments`, then — paid in full —
//! the purchase they pay for is switched on; part of the amount, the customer is told what is
//! still due; one held for support waits in support's queue.

use entity::{NotificationChannel, payments};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::activation;
use crate::app::App;
use crate::domain::Money;
use crate::error::ApiResult;
use crate::i18n;
use crate::notifications::service::notify;
use crate::payments::transfers::{self, Applied, Received};
use crate::platform::db::begin_write;
use crate::platform::outbox::Outbox;

/// Applies a reported transfer once.
pub async fn received(app: &App, received: &Received) -> ApiResult<()> {
    let txn = begin_write(&app.db).await?;
    let mut outbox = Outbox::new();
    match transfers::apply(&txn, received, app.clock.now()).await? {
        Applied::Duplicate => return Ok(()),
        Applied::Held(_) => {}
        Applied::Partial(payment) => tell_partial(app, &txn, &mut outbox, &payment).await?,
        Applied::Paid(payment) => paid(app, &txn, &mut outbox, &payment).await?,
    }
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(())
}

/// A payment paid in full by transfer: what it pays for goes ahead.
pub async fn paid(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    payment: &payments::Model,
) -> ApiResult<()> {
    activation::purchase::paid_by_transfer(app, db, outbox, payment).await
}

async fn tell_partial(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    payment: &payments::Model,
) -> ApiResult<()> {
    let due = Money::new(payment.amount_minor - payment.received_minor, &payment.currency);
    let received = Money::new(payment.received_minor, &payment.currency);
    let payload = json!({
        "reference": payment.transfer_reference,
        "received": i18n::in_every_language(|locale| received.display(locale)),
        "due": i18n::in_every_language(|locale| due.display(locale)),
    });
    let channels = [NotificationChannel::InApp, NotificationChannel::Email];
    notify(app, db, outbox, payment.payer_id, "payment.transfer_partial", payload, &channels).await
}
