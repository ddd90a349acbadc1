//! The IoT API's HTTP client.

use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;
use serde_json::json;

use super::{FeatureCommand, Fleet, IotError, RemoteCommand, VehicleState};
use crate::integrations::unreachable_cause;

const SYSTEM: &str = "the vehicle's IoT API";

/// Talks to the IoT API at `base_url`, giving each command `timeout` to be confirmed.
pub struct HttpFleet {
    base_url: String,
    http: reqwest::Client,
}

impl HttpFleet {
    /// A client for the API at `base_url`.
    pub fn new(base_url: &str, timeout: Duration) -> Self {
        let http = reqwest::Client::builder().timeout(timeout).build().expect("a TLS backend is compiled in");
        Self { base_url: base_url.trim_end_matches('/').to_owned(), http }
    }

    async fn answer<T: serde::de::DeserializeOwned>(&self, response: reqwest::Response) -> Result<T, IotError> {
        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(|err| IotError::Transient(unreachable_cause(SYSTEM, &err)));
        }
        let body = response.text().await.unwrap_or_default();
        if status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::NOT_FOUND {
            Err(IotError::Permanent(body))
        } else {
            Err(IotError::Transient(unreachable_cause(SYSTEM, &format!("{status}: {body}"))))
        }
    }
}

fn unreachable(err: reqwest::Error) -> IotError {
    if err.is_timeout() {
        return IotError::Transient("no confirmation in time".to_owned());
    }
    IotError::Transient(unreachable_cause(SYSTEM, &err))
}

#[async_trait]
impl Fleet for HttpFleet {
    #[tracing::instrument(skip(self, command), fields(command = %command.command_id, action = ?command.action))]
    async fn send(&self, vin: &str, command: &FeatureCommand) -> Result<VehicleState, IotError> {
        let url = format!("{}/vehicles/{vin}/commands", self.base_url);
        let response = self.http.post(url).json(command).send().await.map_err(unreachable)?;
        self.answer(response).await
    }

    async fn message(&self, vin: &str, text: &str) -> Result<(), IotError> {
        let url = format!("{}/vehicles/{vin}/messages", self.base_url);
        let response = self.http.post(url).json(&json!({ "text": text })).send().await.map_err(unreachable)?;
        self.answer::<serde_json::Value>(response).await.map(|_| ())
    }

    async fn state(&self, vin: &str) -> Result<VehicleState, IotError> {
        let response = self.http.get(format!("{}/vehicles/{vin}", self.base_url)).send().await.map_err(unreachable)?;
        self.answer(response).await
    }

    #[tracing::instrument(skip(self, command), fields(command = %command.command_id, action = ?command.action))]
    async fn remote(&self, vin: &str, command: &RemoteCommand) -> Result<VehicleState, IotError> {
        let url = format!("{}/vehicles/{vin}/remote", self.base_url);
        let response = self.http.post(url).json(command).send().await.map_err(unreachable)?;
        self.answer(response).await
    }
}
