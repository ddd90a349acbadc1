//! The factory's HTTP client.

use std::time::Duration;

use async_trait::async_trait;

use super::{Factory, FactoryConfirmation, FactoryError, FactoryOrder};
use crate::integrations::unreachable_cause;

const SYSTEM: &str = "the factory";

/// Talks to the factory's order API at `base_url`.
pub struct HttpFactory {
    base_url: String,
    http: reqwest::Client,
}

impl HttpFactory {
    /// A client for the API at `base_url`.
    pub fn new(base_url: &str) -> Self {
        let http =
            reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("a TLS backend is compiled in");
        Self { base_url: base_url.trim_end_matches('/').to_owned(), http }
    }
}

#[async_trait]
impl Factory for HttpFactory {
    #[tracing::instrument(skip(self, order), fields(order = %order.order_number))]
    async fn place_order(&self, order: &FactoryOrder) -> Result<FactoryConfirmation, FactoryError> {
        let response = self
            .http
            .post(format!("{}/orders", self.base_url))
            .json(order)
            .send()
            .await
            .map_err(|err| FactoryError::Unavailable(unreachable_cause(SYSTEM, &err)))?;
        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(|err| FactoryError::Unavailable(unreachable_cause(SYSTEM, &err)));
        }
        let body = response.text().await.unwrap_or_default();
        if status.is_client_error() {
            Err(FactoryError::Rejected(body))
        } else {
            Err(FactoryError::Unavailable(unreachable_cause(SYSTEM, &format!("{status}: {body}"))))
        }
    }
}
