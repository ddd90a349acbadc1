//! Reading GraphQL responses.

use reqwest::StatusCode;
use serde_json::Value;

/// A GraphQL response: HTTP status and JSON body.
#[derive(Debug)]
pub struct GqlResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The JSON body (`Null` if it was not JSON).
    pub body: Value,
    /// The body as the server wrote it, for what `body` does not keep (the order of keys).
    pub text: String,
}

impl GqlResponse {
    /// Reads a response.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self { status, headers, body, text }
    }

    /// The `data`, asserting there were no errors.
    pub fn data(&self) -> &Value {
        assert!(self.errors().is_empty(), "unexpected errors: {:#}", self.body);
        &self.body["data"]
    }

    /// The errors (empty when none).
    pub fn errors(&self) -> Vec<Value> {
        self.body["errors"].as_array().cloned().unwrap_or_default()
    }

    /// The `extensions.code` of the first error.
    pub fn error_code(&self) -> Option<String> {
        self.errors().first().and_then(|e| e["extensions"]["code"].as_str().map(str::to_owned))
    }

    /// Asserts the first error has `code` and returns its message.
    pub fn expect_error(&self, code: &str) -> String {
        assert_eq!(self.error_code().as_deref(), Some(code), "expected {code}: {:#}", self.body);
        assert_ne!(self.status.as_u16(), 500, "an error must not be a 500: {:#}", self.body);
        self.errors()[0]["message"].as_str().unwrap_or_default().to_owned()
    }
}
