//! Issuing invoices and credit notes with gapless numbers per region and year (`ES-2027-000001`),
//! or, for a workshop's work, per workshop and year (`MUCS-2027-000001`, the workshop as seller).
//!
//! The number is taken from the counter of the year inside the caller's transaction: the counter row is
//! updated first (which locks it on PostgreSQL; SQLite transactions here hold the write lock), so two
//! invoices never share a number, and a rolled-back invoice gives its number back.

use chrono::Datelike;
use entity::{
    InvoiceKind, Role, invoice_lines, invoice_sequences, invoices, payments, regions, users, workshop_sequences,
    workshops,
};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::wording::{LineText, describe};
use crate::app::App;
use crate::auth::Viewer;
use crate::domain::Locale;
use crate::domain::money::vat_of;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageArgs, keyset};

/// A line to invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// What was sold, for people.
    pub description: String,
    /// How many units.
    pub quantity: i32,
    /// Net price of one, in minor units (negative on credit notes).
    pub unit_net_minor: i64,
    /// The activation it bills, if any.
    pub activation_id: Option<Uuid>,
}

/// Who and what an invoice is for.
#[derive(Clone, Debug)]
pub struct InvoiceFor {
    /// The customer billed.
    pub customer_id: Uuid,
    /// The vehicle concerned.
    pub vehicle_id: Option<Uuid>,
    /// The payment it documents.
    pub payment_id: Option<Uuid>,
    /// The region whose VAT, currency and numbering apply.
    pub region: regions::Model,
}

/// The next sequence of `region_id` in `year`, taken inside the caller's transaction. The counter's
/// row stays locked until that transaction ends (numbers are gapless), so callers take it as late
/// as they can; one statement bumps and reads it. The first invoice of a year starts the year's
/// counter (a racing first invoice finds it started and waits for its row).
async fn take_sequence(db: &impl ConnectionTrait, region_id: Uuid, year: i32) -> ApiResult<i64> {
    if let Some(sequence) = bump_sequence(db, region_id, year).await? {
        return Ok(sequence);
    }
    let counter = invoice_sequences::ActiveModel { region_id: Set(region_id), year: Set(year), next_sequence: Set(1) };
    let key = [invoice_sequences::Column::RegionId, invoice_sequences::Column::Year];
    invoice_sequences::Entity::insert(counter)
        .on_conflict(OnConflict::columns(key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    bump_sequence(db, region_id, year).await?.ok_or_else(|| ApiError::Conflict("no invoice counter".into()))
}

async fn bump_sequence(db: &impl ConnectionTrait, region_id: Uuid, year: i32) -> ApiResult<Option<i64>> {
    let bumped = invoice_sequences::Entity::update_many()
        .col_expr(invoice_sequences::Column::NextSequence, Expr::col(invoice_sequences::Column::NextSequence).add(1))
        .filter(invoice_sequences::Column::RegionId.eq(region_id))
        .filter(invoice_sequences::Column::Year.eq(year))
        .exec_with_returning(db)
        .await?;
    Ok(bumped.first().map(|counter| counter.next_sequence - 1))
}

/// The next sequence of a workshop's counter of `kind` (`INVOICE`, `JOB`) in `year`, taken inside
/// the caller's transaction like the regions' ([`take_sequence`]).
pub async fn take_workshop_sequence(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    kind: &str,
    year: i32,
) -> ApiResult<i64> {
    let bump = || async {
        let bumped = workshop_sequences::Entity::update_many()
            .col_expr(
                workshop_sequences::Column::NextSequence,
                Expr::col(workshop_sequences::Column::NextSequence).add(1),
            )
            .filter(workshop_sequences::Column::WorkshopId.eq(workshop_id))
            .filter(workshop_sequences::Column::Kind.eq(kind))
            .filter(workshop_sequences::Column::Year.eq(year))
            .exec_with_returning(db)
            .await?;
        Ok::<_, ApiError>(bumped.first().map(|counter| counter.next_sequence - 1))
    };
    if let Some(sequence) = bump().await? {
        return Ok(sequence);
    }
    let counter = workshop_sequences::ActiveModel {
        workshop_id: Set(workshop_id),
        kind: Set(kind.to_owned()),
        year: Set(year),
        next_sequence: Set(1),
    };
    let key =
        [workshop_sequences::Column::WorkshopId, workshop_sequences::Column::Kind, workshop_sequences::Column::Year];
    workshop_sequences::Entity::insert(counter)
        .on_conflict(OnConflict::columns(key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    bump().await?.ok_or_else(|| ApiError::Conflict("no invoice counter".into()))
}

/// Issues an invoice (or, with `credits`, a credit note) with the region's next number. Takes the
/// number inside `db`'s transaction: issue it last, just before the commit.
pub async fn issue(
    app: &App,
    db: &impl ConnectionTrait,
    target: &InvoiceFor,
    lines: &[Line],
    credits: Option<Uuid>,
) -> ApiResult<invoices::Model> {
    let year = app.clock.now().year();
    let sequence = take_sequence(db, target.region.id, year).await?;
    let number = format!("{}-{year}-{sequence:06}", target.region.code);
    write(app, db, target, lines, credits, (sequence, number), None).await
}

/// Issues `workshop`'s invoice for its work: the workshop is the seller, the number its own next
/// (`MUCS-2026-000001`), the VAT of `target.region` (the workshop's). Issue it last in the
/// transaction.
pub async fn issue_for_workshop(
    app: &App,
    db: &impl ConnectionTrait,
    target: &InvoiceFor,
    workshop: &workshops::Model,
    lines: &[Line],
) -> ApiResult<invoices::Model> {
    let year = app.clock.now().year();
    let sequence = take_workshop_sequence(db, workshop.id, "INVOICE", year).await?;
    let number = format!("{}-{year}-{sequence:06}", workshop.code);
    write(app, db, target, lines, None, (sequence, number), Some(workshop.id)).await
}

async fn write(
    app: &App,
    db: &impl ConnectionTrait,
    target: &InvoiceFor,
    lines: &[Line],
    credits: Option<Uuid>,
    (sequence, number): (i64, String),
    workshop_id: Option<Uuid>,
) -> ApiResult<invoices::Model> {
    let region = &target.region;
    let now = app.clock.now();
    let priced: Vec<(i64, i64)> = lines
        .iter()
        .map(|line| {
            let net = line.unit_net_minor * i64::from(line.quantity);
            (net, vat_of(net, region.vat_rate_bp))
        })
        .collect();
    let net: i64 = priced.iter().map(|(net, _)| net).sum();
    let vat: i64 = priced.iter().map(|(_, vat)| vat).sum();
    let invoice = invoices::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(region.id),
        sequence: Set(sequence),
        number: Set(number),
        kind: Set(if credits.is_some() { InvoiceKind::CreditNote } else { InvoiceKind::Invoice }),
        credits_invoice_id: Set(credits),
        customer_id: Set(target.customer_id),
        vehicle_id: Set(target.vehicle_id),
        payment_id: Set(target.payment_id),
        currency: Set(region.currency.clone()),
        net_minor: Set(net),
        vat_minor: Set(vat),
        gross_minor: Set(net + vat),
        issued_at: Set(now),
        workshop_id: Set(workshop_id),
    }
    .insert(db)
    .await?;
    for (position, (line, (net, vat))) in lines.iter().zip(priced).enumerate() {
        invoice_lines::ActiveModel {
            id: Set(Uuid::now_v7()),
            invoice_id: Set(invoice.id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX) + 1),
            description: Set(line.description.chars().take(300).collect()),
            quantity: Set(line.quantity),
            unit_net_minor: Set(line.unit_net_minor),
            net_minor: Set(net),
            vat_rate_bp: Set(region.vat_rate_bp),
            vat_minor: Set(vat),
            gross_minor: Set(net + vat),
            activation_id: Set(line.activation_id),
        }
        .insert(db)
        .await?;
    }
    Ok(invoice)
}

/// The net amount that makes `gross` with `vat_bp` (rounded so that net + VAT = gross).
pub fn net_of_gross(gross: i64, vat_bp: i32) -> i64 {
    let net = (i128::from(gross) * 10_000 + i128::from(10_000 + vat_bp) / 2) / i128::from(10_000 + vat_bp);
    let net = i64::try_from(net).unwrap_or(i64::MAX);
    // Rounding can leave net + VAT a cent away from the gross charged: take that cent into the net.
    net + (gross - net - vat_of(net, vat_bp))
}

/// A page of the invoices `viewer` may see, newest first: a customer's own, everything for staff.
pub async fn page(app: &App, viewer: &Viewer, args: &PageArgs) -> ApiResult<Page<invoices::Model>> {
    let user = viewer.user()?;
    let mut select = invoices::Entity::find();
    select = match user.role {
        Role::Customer => select.filter(invoices::Column::CustomerId.eq(user.id)),
        Role::Support | Role::Admin => select,
        _ => return Err(ApiError::Forbidden("invoices are for their customers and platform staff".into())),
    };
    let rows = keyset(select, invoices::Column::Id, Order::Desc, args.after_uuid()?, args).all(&app.db).await?;
    Ok(Page::from_fetched(rows, args, |invoice| invoice.id.to_string()))
}

/// The language invoices for `customer_id` are written in: theirs.
pub async fn buyer_locale(db: &impl ConnectionTrait, customer_id: Uuid) -> ApiResult<Locale> {
    let buyer = users::Entity::find_by_id(customer_id).one(db).await?;
    Ok(buyer.and_then(|buyer| Locale::from_tag(&buyer.locale)).unwrap_or_default())
}

/// The invoices and credit notes of the payments of sale `order_id`, oldest first (the caller has
/// checked that the viewer may see the sale).
pub async fn of_order(db: &impl ConnectionTrait, order_id: Uuid) -> ApiResult<Vec<invoices::Model>> {
    let payments_of_order = sea_orm::sea_query::Query::select()
        .column(payments::Column::Id)
        .from(payments::Entity)
        .and_where(payments::Column::OrderId.eq(order_id))
        .to_owned();
    Ok(invoices::Entity::find()
        .filter(invoices::Column::PaymentId.in_subquery(payments_of_order))
        .order_by_asc(invoices::Column::Id)
        .all(db)
        .await?)
}

/// A credit note over `gross_minor` of the invoice documenting `payment`, if there is one.
pub async fn credit_note(
    app: &App,
    db: &impl ConnectionTrait,
    payment: &entity::payments::Model,
    gross_minor: i64,
) -> ApiResult<Option<invoices::Model>> {
    let Some(original) = invoices::Entity::find()
        .filter(invoices::Column::PaymentId.eq(payment.id))
        .filter(invoices::Column::Kind.eq(InvoiceKind::Invoice))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let region = regions::Entity::find_by_id(original.region_id).one(db).await?.ok_or(ApiError::NotFound("region"))?;
    let net = net_of_gross(gross_minor, region.vat_rate_bp);
    let locale = buyer_locale(db, original.customer_id).await?;
    let line = Line {
        description: describe(locale, &LineText::Refund { invoice: &original.number }),
        quantity: 1,
        unit_net_minor: -net,
        activation_id: payment.activation_id,
    };
    let target = InvoiceFor {
        customer_id: original.customer_id,
        vehicle_id: original.vehicle_id,
        payment_id: Some(payment.id),
        region,
    };
    Ok(Some(issue(app, db, &target, &[line], Some(original.id)).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_of_gross_adds_back_up() {
        for (gross, bp) in [(47_599, 1900), (1_999, 2100), (1, 2000), (100_000, 1900), (0, 1900), (12_345, 700)] {
            let net = net_of_gross(gross, bp);
            assert_eq!(net + vat_of(net, bp), gross, "{gross} at {bp}");
        }
    }
}
