//! Opening the documents the API links to (invoices as PDF) and reading them with a PDF parser of
//! its own, as a viewer would.

use crate::TestApp;

/// A document as it was served.
#[derive(Debug)]
pub struct Served {
    /// The HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// `Content-Disposition`.
    pub disposition: String,
    /// The body.
    pub bytes: Vec<u8>,
}

impl Served {
    /// The text of the document's first page, read by `lopdf`; panics unless it is a PDF.
    pub fn text(&self) -> String {
        let document = lopdf::Document::load_mem(&self.bytes).expect("a PDF document");
        assert_eq!(document.get_pages().len(), 1, "one page");
        document.extract_text(&[1]).expect("its text")
    }

    /// Keeps the document in `test-artifacts/<name>.pdf`, for a person to look at.
    pub fn keep_as(&self, name: &str) {
        let path = crate::browser::artifacts_dir().join(format!("{name}.pdf"));
        std::fs::write(path, &self.bytes).expect("artifact written");
    }

    /// The body as JSON (an error answer).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes).expect("a JSON body")
    }
}

impl TestApp {
    /// GETs `path` (as `Invoice.pdfUrl` gives it, relative to the server), without any token.
    pub async fn document(&self, path: &str) -> Served {
        let response = self.client.get(format!("{}{path}", self.address)).send().await.expect("GET");
        let header = |name: &str| {
            response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned()
        };
        let (status, content_type, disposition) =
            (response.status().as_u16(), header("content-type"), header("content-disposition"));
        let bytes = response.bytes().await.expect("body").to_vec();
        Served { status, content_type, disposition, bytes }
    }
}
