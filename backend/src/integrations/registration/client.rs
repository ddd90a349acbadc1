//! The registration authority's HTTP client.

use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;

use super::{Registration, RegistrationAuthority, RegistrationError, RegistrationRequest};
use crate::integrations::unreachable_cause;

const SYSTEM: &str = "the registration authority";

/// Talks to the authority at `base_url`.
pub struct HttpRegistration {
    base_url: String,
    http: reqwest::Client,
}

impl HttpRegistration {
    /// A client for the authority at `base_url`.
    pub fn new(base_url: &str) -> Self {
        let http =
            reqwest::Client::builder().timeout(Duration::from_secs(15)).build().expect("a TLS backend is compiled in");
        Self { base_url: base_url.trim_end_matches('/').to_owned(), http }
    }
}

#[derive(serde::Deserialize)]
struct Refusal {
    reason: String,
}

#[async_trait]
impl RegistrationAuthority for HttpRegistration {
    #[tracing::instrument(skip(self, request), fields(vin = %request.vin, country = %request.country))]
    async fn register(&self, request: &RegistrationRequest) -> Result<Registration, RegistrationError> {
        let response = self
            .http
            .post(format!("{}/registrations", self.base_url))
            .json(request)
            .send()
            .await
            .map_err(|err| RegistrationError::Unavailable(unreachable_cause(SYSTEM, &err)))?;
        match response.status() {
            status if status.is_success() => {
                response.json().await.map_err(|err| RegistrationError::Unavailable(unreachable_cause(SYSTEM, &err)))
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                let refusal: Refusal =
                    response.json().await.unwrap_or(Refusal { reason: "refused without a reason".into() });
                Err(RegistrationError::Refused(refusal.reason))
            }
            status => Err(RegistrationError::Unavailable(unreachable_cause(SYSTEM, &status))),
        }
    }
}
