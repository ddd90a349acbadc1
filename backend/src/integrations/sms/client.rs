//! The SMS provider's HTTP client.

use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{OutgoingSms, SentSms, SmsError, SmsProvider};
use crate::integrations::unreachable_cause;

const SYSTEM: &str = "the SMS provider";

/// The body of `POST /v1/messages`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MessageRequest {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) body: String,
    pub(super) reference: uuid::Uuid,
    pub(super) status_callback: String,
}

/// The answer to `POST /v1/messages`.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct MessageCreated {
    pub(super) id: String,
    pub(super) status: String,
    pub(super) segments: u32,
    pub(super) encoding: super::SmsEncoding,
}

/// An error answer: `{"error": "invalid_number"}`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct ErrorAnswer {
    pub(super) error: String,
}

/// Talks to the provider's API at `base_url`.
pub struct HttpSms {
    messages_url: String,
    api_key: SecretString,
    from: String,
    http: reqwest::Client,
}

impl HttpSms {
    /// A client for the API at `base_url`, authenticating with `api_key`, sending as `from`
    /// (an alphanumeric sender id of at most 11 characters, or a number).
    pub fn new(base_url: &str, api_key: SecretString, from: &str) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .expect("a TLS backend is compiled in");
        let messages_url = format!("{}/v1/messages", base_url.trim_end_matches('/'));
        Self { messages_url, api_key, from: from.to_owned(), http }
    }
}

#[async_trait]
impl SmsProvider for HttpSms {
    #[tracing::instrument(skip_all, fields(reference = %sms.reference))]
    async fn send(&self, sms: &OutgoingSms) -> Result<SentSms, SmsError> {
        let request = MessageRequest {
            from: self.from.clone(),
            to: sms.to.clone(),
            body: sms.body.clone(),
            reference: sms.reference,
            status_callback: sms.status_callback.clone(),
        };
        let response = self
            .http
            .post(&self.messages_url)
            .bearer_auth(self.api_key.expose_secret())
            .json(&request)
            .send()
            .await
            .map_err(|err| SmsError::Unavailable(unreachable_cause(SYSTEM, &err)))?;
        let status = response.status();
        if status.is_success() {
            let created: MessageCreated =
                response.json().await.map_err(|err| SmsError::Unavailable(unreachable_cause(SYSTEM, &err)))?;
            return Ok(SentSms { provider_id: created.id, segments: created.segments });
        }
        let body = response.text().await.unwrap_or_default();
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(SmsError::Unavailable(unreachable_cause(SYSTEM, &format!("{status}: {body}"))));
        }
        let error = serde_json::from_str::<ErrorAnswer>(&body).unwrap_or_default().error;
        if status == StatusCode::BAD_REQUEST && error == "invalid_number" {
            return Err(SmsError::InvalidNumber);
        }
        tracing::warn!(%status, answer = %body, "the SMS provider refused a message");
        Err(SmsError::Rejected(match error.as_str() {
            "" => format!("the provider answered {}", status.as_u16()),
            // The provider's own error codes are short identifiers; anything else is not repeated.
            code if code.len() <= 40 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => code.to_owned(),
            _ => format!("the provider answered {}", status.as_u16()),
        }))
    }
}
