//! Invoices and credit notes as PDF documents in the reader's language — seller and buyer, number
//! and date, lines, VAT and totals; a credit note names the invoice it corrects — and the signed,
//! short-lived links that open them. Whoever may see an invoice gets its link (the policy decides
//! that where the invoice is read); the link alone then opens the document, so a browser can
//! open or download it without the access token.

use chrono::Duration;
use entity::{InvoiceKind, dealerships, invoice_lines, invoices, orders, payments, users, vehicles, workshops};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::pdf::{Page, WIDTH, Weight};
use super::wording::{date, vat_rate};
use crate::app::App;
use crate::domain::{Locale, Money};
use crate::error::{ApiError, ApiResult};
use crate::i18n::text;

/// How long a link to a document works.
pub const LINK_MINUTES: i64 = 15;

/// A rendered document.
pub struct Document {
    /// The name to save it under, e.g. `DE-2026-000007.pdf`.
    pub file_name: String,
    /// The PDF.
    pub bytes: Vec<u8>,
}

/// Who sells: the dealership for a car sale, the workshop for its work, the platform's operator for
/// features.
struct Seller {
    name: String,
    address: Vec<String>,
    vat_id: Option<String>,
}

/// What a link to a document says; the signature covers all of it.
fn link_message(invoice_id: Uuid, locale: Locale, expires: i64) -> String {
    format!("invoice-pdf|{invoice_id}|{}|{expires}", locale.tag())
}

/// The path that opens invoice `invoice_id` as a PDF in `locale` for the next minutes.
pub fn link(app: &App, invoice_id: Uuid, locale: Locale) -> String {
    let expires = (app.clock.now() + Duration::minutes(LINK_MINUTES)).timestamp();
    let signature = app.link_signer.sign(&link_message(invoice_id, locale, expires));
    format!("/documents/invoices/{invoice_id}.pdf?lang={}&expires={expires}&signature={signature}", locale.tag())
}

/// Checks a link's parts: genuine and not expired.
pub fn check_link(app: &App, invoice_id: Uuid, locale: Locale, expires: i64, signature: &str) -> ApiResult<()> {
    if !app.link_signer.verify(&link_message(invoice_id, locale, expires), signature) {
        return Err(ApiError::Forbidden("this link is not valid".into()));
    }
    if app.clock.now().timestamp() > expires {
        return Err(ApiError::Forbidden("this link has expired; open the invoice again from the app".into()));
    }
    Ok(())
}

/// Invoice `invoice_id` as a PDF in `locale`.
pub async fn invoice_pdf(app: &App, invoice_id: Uuid, locale: Locale) -> ApiResult<Document> {
    let invoice = invoices::Entity::find_by_id(invoice_id).one(&app.db).await?.ok_or(ApiError::NotFound("invoice"))?;
    let lines = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(invoice.id))
        .order_by_asc(invoice_lines::Column::Position)
        .all(&app.db)
        .await?;
    let buyer =
        users::Entity::find_by_id(invoice.customer_id).one(&app.db).await?.ok_or(ApiError::NotFound("customer"))?;
    let vin = match invoice.vehicle_id {
        Some(id) => vehicles::Entity::find_by_id(id).one(&app.db).await?.map(|car| car.vin),
        None => None,
    };
    let corrected = match invoice.credits_invoice_id {
        Some(id) => invoices::Entity::find_by_id(id).one(&app.db).await?,
        None => None,
    };
    let seller = seller_of(app, &invoice).await?;
    let sheet = Sheet { locale, invoice: &invoice, lines: &lines, buyer: &buyer, vin, corrected, seller };
    Ok(Document { file_name: format!("{}.pdf", invoice.number), bytes: sheet.render() })
}

async fn seller_of(app: &App, invoice: &invoices::Model) -> ApiResult<Seller> {
    if let Some(id) = invoice.workshop_id
        && let Some(workshop) = workshops::Entity::find_by_id(id).one(&app.db).await?
    {
        let address = [workshop.address, workshop.city].into_iter().filter(|line| !line.is_empty()).collect();
        return Ok(Seller { name: workshop.name, address, vat_id: None });
    }
    let payment = match invoice.payment_id {
        Some(id) => payments::Entity::find_by_id(id).one(&app.db).await?,
        None => None,
    };
    let order = match payment.and_then(|payment| payment.order_id) {
        Some(id) => orders::Entity::find_by_id(id).one(&app.db).await?,
        None => None,
    };
    if let Some(order) = order
        && let Some(dealership) = dealerships::Entity::find_by_id(order.dealership_id).one(&app.db).await?
    {
        return Ok(Seller { name: dealership.name, address: vec![dealership.city], vat_id: None });
    }
    let config = &app.config;
    let address = config.seller_address.split(';').map(str::trim).filter(|line| !line.is_empty()).map(String::from);
    let vat_id = Some(config.seller_vat_id.trim().to_owned()).filter(|id| !id.is_empty());
    Ok(Seller { name: config.seller_name.clone(), address: address.collect(), vat_id })
}

/// Everything one document shows.
struct Sheet<'a> {
    locale: Locale,
    invoice: &'a invoices::Model,
    lines: &'a [invoice_lines::Model],
    buyer: &'a users::Model,
    vin: Option<String>,
    corrected: Option<invoices::Model>,
    seller: Seller,
}

const LEFT: f32 = 50.0;
const RIGHT: f32 = WIDTH - 50.0;
/// The right edges of the quantity, unit price and amount columns.
const QUANTITY: f32 = 360.0;
const UNIT: f32 = 455.0;
/// Room for a line's description before it wraps.
const DESCRIPTION_WIDTH: f32 = 250.0;
/// The last baseline lines may use before the totals and the footer.
const LAST_LINE: f32 = 690.0;

impl Sheet<'_> {
    fn label(&self, id: &str) -> String {
        text(self.locale, &format!("invoice-{id}"), &json!({}))
    }

    fn money(&self, minor: i64) -> String {
        Money::new(minor, &self.invoice.currency).display(self.locale)
    }

    fn title(&self) -> String {
        match self.invoice.kind {
            InvoiceKind::Invoice => self.label("title"),
            InvoiceKind::CreditNote => self.label("credit_note_title"),
        }
    }

    fn render(&self) -> Vec<u8> {
        let mut page = Page::new();
        page.text(LEFT, 70.0, 20.0, Weight::Bold, &self.title());
        self.seller_block(&mut page);
        self.buyer_block(&mut page);
        self.facts_block(&mut page);
        let after_lines = self.line_table(&mut page, 250.0);
        self.totals(&mut page, after_lines + 10.0);
        self.footer(&mut page);
        page.finish(&format!("{} {}", self.title(), self.invoice.number))
    }

    fn seller_block(&self, page: &mut Page) {
        page.text_right(RIGHT, 60.0, 11.0, Weight::Bold, &self.seller.name);
        let mut top = 74.0;
        for line in &self.seller.address {
            page.text_right(RIGHT, top, 9.0, Weight::Regular, line);
            top += 12.0;
        }
        if let Some(vat_id) = &self.seller.vat_id {
            page.text_right(RIGHT, top, 9.0, Weight::Regular, &format!("{} {vat_id}", self.label("vat_id")));
        }
    }

    fn buyer_block(&self, page: &mut Page) {
        page.text(LEFT, 140.0, 8.0, Weight::Bold, &self.label("buyer"));
        page.text(LEFT, 154.0, 10.0, Weight::Regular, &self.buyer.name);
        page.text(LEFT, 167.0, 10.0, Weight::Regular, &self.buyer.email);
    }

    fn facts_block(&self, page: &mut Page) {
        let mut facts = vec![
            (self.label("number"), self.invoice.number.clone()),
            (self.label("date"), date(self.locale, self.invoice.issued_at)),
        ];
        if let Some(vin) = &self.vin {
            facts.push((self.label("vehicle"), vin.clone()));
        }
        if let Some(corrected) = &self.corrected {
            let corrects = format!("{} ({})", corrected.number, date(self.locale, corrected.issued_at));
            facts.push((self.label("corrects"), corrects));
        }
        let mut top = 140.0;
        for (label, value) in facts {
            page.text(330.0, top, 9.0, Weight::Bold, &label);
            page.text_right(RIGHT, top, 9.0, Weight::Regular, &value);
            top += 14.0;
        }
    }

    /// Writes the lines from `top`; returns where they end.
    fn line_table(&self, page: &mut Page, top: f32) -> f32 {
        page.text(LEFT, top, 9.0, Weight::Bold, &self.label("description"));
        page.text_right(QUANTITY, top, 9.0, Weight::Bold, &self.label("quantity"));
        page.text_right(UNIT, top, 9.0, Weight::Bold, &self.label("unit_net"));
        page.text_right(RIGHT, top, 9.0, Weight::Bold, &self.label("net"));
        page.rule(LEFT, RIGHT, top + 5.0);
        let mut baseline = top + 20.0;
        for line in self.lines {
            let wrapped = wrap(&line.description, DESCRIPTION_WIDTH, 10.0);
            if baseline + 14.0 * (wrapped.len() as f32 - 1.0) > LAST_LINE {
                page.text(LEFT, baseline, 10.0, Weight::Regular, "…");
                baseline += 14.0;
                break;
            }
            page.text_right(QUANTITY, baseline, 10.0, Weight::Regular, &line.quantity.to_string());
            page.text_right(UNIT, baseline, 10.0, Weight::Regular, &self.money(line.unit_net_minor));
            page.text_right(RIGHT, baseline, 10.0, Weight::Regular, &self.money(line.net_minor));
            for part in wrapped {
                page.text(LEFT, baseline, 10.0, Weight::Regular, &part);
                baseline += 14.0;
            }
        }
        page.rule(LEFT, RIGHT, baseline - 8.0);
        baseline
    }

    fn totals(&self, page: &mut Page, top: f32) {
        let rate = self.lines.first().map_or(0, |line| line.vat_rate_bp);
        let vat_label = text(self.locale, "invoice-vat", &json!({ "rate": vat_rate(self.locale, rate) }));
        let rows = [
            (self.label("total_net"), self.invoice.net_minor, Weight::Regular),
            (vat_label, self.invoice.vat_minor, Weight::Regular),
            (self.label("total_gross"), self.invoice.gross_minor, Weight::Bold),
        ];
        let mut baseline = top;
        for (label, minor, weight) in rows {
            page.text_right(UNIT, baseline, 10.0, weight, &label);
            page.text_right(RIGHT, baseline, 10.0, weight, &self.money(minor));
            baseline += 15.0;
        }
        let note = match self.invoice.kind {
            InvoiceKind::Invoice if self.invoice.workshop_id.is_some() => self.label("workshop_note"),
            InvoiceKind::Invoice => self.label("paid_note"),
            InvoiceKind::CreditNote => self.label("refund_note"),
        };
        page.text(LEFT, baseline + 15.0, 9.0, Weight::Regular, &note);
    }

    fn footer(&self, page: &mut Page) {
        let mut parts = vec![self.seller.name.clone()];
        parts.extend(self.seller.address.iter().cloned());
        if let Some(vat_id) = &self.seller.vat_id {
            parts.push(format!("{} {vat_id}", self.label("vat_id")));
        }
        page.rule(LEFT, RIGHT, 790.0);
        page.text(LEFT, 803.0, 7.5, Weight::Regular, &parts.join(" · "));
    }
}

/// `text` broken into lines no wider than `width` at `size` points, at spaces.
fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
        if !current.is_empty() && super::pdf::width(&candidate, size) > width {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_wrap_at_spaces() {
        let text = "Adaptive cruise control for the whole year, billed once, switched on over the air";
        let lines = wrap(text, 150.0, 10.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|line| super::super::pdf::width(line, 10.0) <= 150.0), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("", 100.0, 10.0), vec![String::new()]);
    }
}
