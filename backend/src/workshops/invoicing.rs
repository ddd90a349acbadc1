//! The end of a job: the invoice with the workshop as seller (numbered gaplessly per workshop, the
//! VAT of its region, the lines the customer approved) and, for service work, the maintenance
//! record — which moves the car's next service and so opens the catalog's maintenance gate again.

use entity::{
    MaintenanceKind, RepairLineKind, RepairOrderStatus, maintenance_records, regions, repair_order_lines,
    repair_orders, vehicle_models, vehicles, workshops,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use super::jobs::{self, Step};
use super::notices;
use crate::app::App;
use crate::billing::invoices::{InvoiceFor, Line, buyer_locale, issue_for_workshop};
use crate::billing::wording::{LineText, describe};
use crate::domain::maintenance::ServiceInterval;
use crate::domain::{Locale, Money};
use crate::error::{ApiError, ApiResult};
use crate::platform::outbox::Outbox;

/// Kinds of maintenance that are the periodic service: they start the next interval.
const PERIODIC: [MaintenanceKind; 2] = [MaintenanceKind::Inspection, MaintenanceKind::OilService];

/// Invoices a finished job inside the caller's transaction and records its maintenance.
pub async fn invoice(
    app: &App,
    db: &impl ConnectionTrait,
    outbox: &mut Outbox,
    (workshop, job): (&workshops::Model, repair_orders::Model),
    (actor, note): (Uuid, &str),
) -> ApiResult<repair_orders::Model> {
    let customer_id =
        job.customer_id.ok_or_else(|| ApiError::Conflict("this car has no owner to send the invoice to".into()))?;
    let vehicle = vehicles::Entity::find_by_id(job.vehicle_id).one(db).await?.ok_or(ApiError::NotFound("vehicle"))?;
    let record = match job.service_kind {
        Some(kind) => Some(record_maintenance(app, db, (workshop, &job, &vehicle), kind, actor).await?),
        None => None,
    };
    let lines = jobs::lines(db, job.id).await?;
    let approved: Vec<&repair_order_lines::Model> = jobs::approved(&lines).collect();
    if approved.is_empty() {
        return Err(ApiError::Conflict("nothing the customer approved is there to invoice".into()));
    }
    let locale = buyer_locale(db, customer_id).await?;
    let region = regions::Entity::find_by_id(workshop.region_id).one(db).await?.ok_or(ApiError::NotFound("region"))?;
    let target = InvoiceFor { customer_id, vehicle_id: Some(vehicle.id), payment_id: None, region };
    let invoice_lines: Vec<Line> = approved.iter().map(|line| invoice_line(locale, line, &job.currency)).collect();
    let invoice = issue_for_workshop(app, db, &target, workshop, &invoice_lines).await?;
    let mut row: repair_orders::ActiveModel = job.into();
    row.invoice_id = Set(Some(invoice.id));
    row.maintenance_record_id = Set(record.map(|record| record.id));
    let job = row.update(db).await?;
    let job = jobs::record_step(app, db, outbox, job, RepairOrderStatus::Invoiced, (Step::Invoiced, note, Some(actor)))
        .await?;
    let extra =
        json!({ "invoice": invoice.number, "amount": Money::new(invoice.gross_minor, &invoice.currency).texts() });
    notices::tell_job_customer(app, db, outbox, (workshop, &job), "repair.invoiced", extra, true).await?;
    Ok(job)
}

/// The invoice's line for a repair order line, written in the buyer's language: labour as hours
/// at the rate, whole pieces by their count, other measures in the description.
fn invoice_line(locale: Locale, line: &repair_order_lines::Model, currency: &str) -> Line {
    let unit = Money::new(line.unit_net_minor, currency).display(locale);
    let whole_pieces = line.kind == RepairLineKind::Part && line.quantity_hundredths % 100 == 0;
    if whole_pieces {
        return Line {
            description: line.description.clone(),
            quantity: line.quantity_hundredths / 100,
            unit_net_minor: line.unit_net_minor,
            activation_id: None,
        };
    }
    let text = match line.kind {
        RepairLineKind::Labour => {
            LineText::Labour { description: &line.description, hours: line.quantity_hundredths, rate: &unit }
        }
        RepairLineKind::Part => {
            LineText::Measured { description: &line.description, quantity: line.quantity_hundredths, price: &unit }
        }
    };
    Line { description: describe(locale, &text), quantity: 1, unit_net_minor: line.net_minor, activation_id: None }
}

/// Writes the maintenance record of a job; a periodic service also sets when the next one is due,
/// by the model's interval from today and the odometer at check-in.
async fn record_maintenance(
    app: &App,
    db: &impl ConnectionTrait,
    (workshop, job, vehicle): (&workshops::Model, &repair_orders::Model, &vehicles::Model),
    kind: MaintenanceKind,
    actor: Uuid,
) -> ApiResult<maintenance_records::Model> {
    let now = app.clock.now();
    let model =
        vehicle_models::Entity::find_by_id(vehicle.model_id).one(db).await?.ok_or(ApiError::NotFound("model"))?;
    let periodic = PERIODIC.contains(&kind);
    let (next_due_at, next_due_km) = if periodic {
        let next = ServiceInterval::new(model.service_interval_months, model.service_interval_km)
            .next_after(now, job.odometer_km);
        (Some(next.0), Some(next.1))
    } else {
        (vehicle.service_due_at, vehicle.service_due_km)
    };
    let record = maintenance_records::ActiveModel {
        id: Set(Uuid::now_v7()),
        vehicle_id: Set(vehicle.id),
        workshop_id: Set(workshop.id),
        kind: Set(kind),
        performed_at: Set(now),
        mileage_km: Set(job.odometer_km),
        notes: Set(format!("{} {}", workshop.name, job.number)),
        next_due_at: Set(next_due_at),
        next_due_km: Set(next_due_km),
        recorded_by: Set(actor),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    if periodic {
        let mut car: vehicles::ActiveModel = vehicle.clone().into();
        car.service_due_at = Set(next_due_at);
        car.service_due_km = Set(next_due_km);
        car.updated_at = Set(now);
        car.update(db).await?;
    }
    Ok(record)
}
