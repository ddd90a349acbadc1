//! The VSS's HTTP client.

use std::time::Duration;

use async_trait::async_trait;

use super::{MaintenanceStatus, Vss, VssUnavailable};
use crate::integrations::unreachable_cause;

const SYSTEM: &str = "the maintenance system";

/// Talks to the VSS at `base_url`.
pub struct HttpVss {
    base_url: String,
    http: reqwest::Client,
}

impl HttpVss {
    /// A client for the VSS at `base_url`.
    pub fn new(base_url: &str) -> Self {
        let http =
            reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("a TLS backend is compiled in");
        Self { base_url: base_url.trim_end_matches('/').to_owned(), http }
    }
}

#[async_trait]
impl Vss for HttpVss {
    #[tracing::instrument(skip(self))]
    async fn status(&self, vin: &str) -> Result<MaintenanceStatus, VssUnavailable> {
        let url = format!("{}/vehicles/{vin}/maintenance-status", self.base_url);
        let response =
            self.http.get(url).send().await.map_err(|err| VssUnavailable(unreachable_cause(SYSTEM, &err)))?;
        if !response.status().is_success() {
            return Err(VssUnavailable(unreachable_cause(SYSTEM, &response.status())));
        }
        response.json().await.map_err(|err| VssUnavailable(unreachable_cause(SYSTEM, &err)))
    }
}
