//! A client of one server's API over HTTP.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{GqlResponse, PASSWORD};

/// Where a server listens and the client that talks to it.
#[derive(Clone)]
pub struct Api {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The HTTP client.
    pub client: reqwest::Client,
}

impl Api {
    /// A client of the server at `address`.
    pub fn new(address: String) -> Self {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        Self { address, client }
    }

    /// Sends a GraphQL request with optional headers.
    pub async fn request(&self, query: &str, variables: Value, headers: &[(&str, &str)]) -> GqlResponse {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.json(&json!({ "query": query, "variables": variables })).send().await.expect("request");
        GqlResponse::read(response).await
    }

    /// An anonymous GraphQL request.
    pub async fn graphql(&self, query: &str, variables: Value) -> GqlResponse {
        self.request(query, variables, &[]).await
    }

    /// A GraphQL request with an access token.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> GqlResponse {
        self.request(query, variables, &[("authorization", &format!("Bearer {token}"))]).await
    }

    /// A GraphQL request with a partner API key.
    pub async fn graphql_with_key(&self, key: &str, query: &str, variables: Value) -> GqlResponse {
        self.request(query, variables, &[("x-api-key", key)]).await
    }

    /// Signs in and returns the whole `login` payload.
    pub async fn login(&self, identifier: &str, password: &str) -> GqlResponse {
        self.graphql(
            "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken refreshToken expiresIn user { email role } } }",
            json!({ "i": identifier, "p": password }),
        )
        .await
    }

    /// The access token of a demo user.
    pub async fn token(&self, email: &str) -> String {
        let response = self.login(email, PASSWORD).await;
        response.data()["login"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("login of {email}: {response:?}"))
            .to_owned()
    }

    /// Signs in with a password and returns the access token.
    pub async fn token_for(&self, email: &str, password: &str) -> String {
        let response = self.login(email, password).await;
        response.data()["login"]["accessToken"].as_str().expect("token").to_owned()
    }

    /// The VINs of a demo customer's vehicles.
    pub async fn vins_of(&self, email: &str) -> Vec<String> {
        let token = self.token(email).await;
        let response = self.graphql_as(&token, "{ myVehicles { edges { node { vin } } } }", json!({})).await;
        response.data()["myVehicles"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|edge| edge["node"]["vin"].as_str().expect("vin").to_owned())
            .collect()
    }

    /// Polls `check` every 20 ms until it returns `Some`, for at most 15 s.
    pub async fn eventually<T, F, Fut>(&self, what: &str, check: F) -> T
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(value) = check().await {
                return value;
            }
            assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The value of a counter or gauge in `/metrics` (summed over its labels).
    pub async fn metric(&self, name: &str) -> f64 {
        self.metric_labelled(name, "").await
    }

    /// The sum of the metric `name` over the series whose labels contain `label` (e.g.
    /// `outcome="hash_only"`).
    pub async fn metric_labelled(&self, name: &str, label: &str) -> f64 {
        let text = self
            .client
            .get(format!("{}/metrics", self.address))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        text.lines()
            .filter(|line| !line.starts_with('#'))
            .filter(|line| line.split(['{', ' ']).next() == Some(name))
            .filter(|line| line.contains(label))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}
