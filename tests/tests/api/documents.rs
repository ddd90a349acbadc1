//! Invoices and credit notes open as PDF documents in the reader's language, through links the
//! API signs for those who may see them; a link cannot be forged, moved to another invoice or used
//! after it expired.

use caas_tests::spawn_app;
use chrono::Duration;
use serde_json::{Value, json};

const INVOICES: &str = "{ invoices(first: 10) { nodes { id number kind gross { amountMinor } pdfUrl } } }";

fn invoices(answer: &Value) -> Vec<Value> {
    answer["invoices"]["nodes"].as_array().expect("invoices").clone()
}

#[tokio::test]
async fn an_invoice_opens_as_a_pdf_with_seller_buyer_lines_and_vat_in_the_readers_language() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    let listed = app.graphql_as(&anna, INVOICES, json!({})).await;
    let invoice = invoices(listed.data()).into_iter().find(|i| i["kind"] == "INVOICE").expect("a seeded invoice");
    let url = invoice["pdfUrl"].as_str().expect("pdfUrl").to_owned();
    assert!(url.starts_with("/documents/invoices/") && url.contains("lang=de"), "{url}");

    let served = app.document(&url).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.content_type, "application/pdf");
    let number = invoice["number"].as_str().expect("number");
    assert_eq!(served.disposition, format!("inline; filename=\"{number}.pdf\""));
    served.keep_as("invoice-de");
    let text = served.text();
    let gross = invoice["gross"]["amountMinor"].as_i64().expect("gross");
    let expected_gross = caas::domain::Money::new(gross, "EUR").display(caas::domain::Locale::De);
    for wanted in [
        "Rechnung",
        number,
        "CaaS Mobility GmbH",
        "USt-IdNr.",
        "RECHNUNGSEMPFÄNGER",
        "Anna Becker",
        "customer@demo.caas",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing in:\n{text}");
    }
    for wanted in ["Beschreibung", "Summe netto", "USt. 19 %", "Gesamtbetrag", expected_gross.as_str()] {
        assert!(text.contains(wanted), "{wanted:?} missing in:\n{text}");
    }
    let saved = app.document(&format!("{url}&download=1")).await;
    assert_eq!(saved.disposition, format!("attachment; filename=\"{number}.pdf\""));

    // In Spanish once Anna reads Spanish.
    app.graphql_as(&anna, "mutation { updateProfile(locale: ES) { locale } }", json!({})).await.data();
    let listed = app.graphql_as(&anna, INVOICES, json!({})).await;
    let spanish = invoices(listed.data()).into_iter().find(|i| i["number"] == number).expect("the same invoice");
    let served = app.document(spanish["pdfUrl"].as_str().expect("url")).await;
    served.keep_as("invoice-es");
    let text = served.text();
    for wanted in ["Factura", "CLIENTE", "IVA 19 %", "Importe total"] {
        assert!(text.contains(wanted), "{wanted:?} missing in:\n{text}");
    }
}

#[tokio::test]
async fn a_document_link_cannot_be_forged_moved_or_used_after_it_expired() {
    let app = spawn_app().await;
    let anna = app.token("customer@demo.caas").await;
    let listed = app.graphql_as(&anna, INVOICES, json!({})).await;
    let invoice = invoices(listed.data()).remove(0);
    let (id, url) = (invoice["id"].as_str().expect("id"), invoice["pdfUrl"].as_str().expect("url").to_owned());
    let refused = |served: caas_tests::documents::Served| {
        assert_eq!(served.status, 403, "{served:?}");
        assert_eq!(served.json()["errors"][0]["extensions"]["code"], "FORBIDDEN");
    };
    let tampered = format!("{}x", url);
    refused(app.document(&tampered).await);
    let other_id = uuid::Uuid::now_v7().to_string();
    refused(app.document(&url.replace(id, &other_id)).await);
    refused(app.document(&url.replace("lang=de", "lang=en")).await);
    refused(app.document(&format!("/documents/invoices/{id}.pdf")).await);
    let not_a_document = app.document("/documents/invoices/nothing.pdf?lang=de&expires=1&signature=x").await;
    assert_eq!(not_a_document.status, 404);
    assert_eq!(not_a_document.json()["errors"][0]["extensions"]["code"], "NOT_FOUND");

    // Good for a quarter of an hour.
    app.clock.advance(Duration::minutes(14));
    assert_eq!(app.document(&url).await.status, 200);
    app.clock.advance(Duration::minutes(2));
    let expired = app.document(&url).await;
    assert!(expired.json()["errors"][0]["message"].as_str().expect("message").contains("expired"));
    refused(expired);
}
