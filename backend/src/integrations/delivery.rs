//! What the simulators share: serving a router on a local port, and delivering webhooks the way real
//! systems do — retried with backoff until the receiver answers 2xx.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Serves `router` on `address` in the background until `stop` is cancelled; returns the bound address.
pub async fn serve(router: Router, address: SocketAddr, stop: CancellationToken) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(address).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        let served = axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned()).await;
        if let Err(err) = served {
            tracing::warn!(error = %err, %bound, "a simulator stopped serving");
        }
    });
    Ok(bound)
}

/// How often a webhook is tried before it is given up.
pub const MAX_DELIVERY_ATTEMPTS: u32 = 8;

/// POSTs a webhook, signing each attempt afresh with `sign` (which returns the headers), until the
/// receiver answers 2xx; `false` when every attempt failed.
pub async fn deliver(
    http: &reqwest::Client,
    url: &str,
    body: &str,
    sign: impl Fn() -> Vec<(&'static str, String)>,
) -> bool {
    let mut backoff = Duration::from_millis(100);
    for attempt in 1..=MAX_DELIVERY_ATTEMPTS {
        let mut request = http.post(url).header("content-type", "application/json").body(body.to_owned());
        for (name, value) in sign() {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) if response.status().is_success() => return true,
            Ok(response) => tracing::debug!(status = %response.status(), attempt, url, "webhook refused"),
            Err(err) => tracing::debug!(error = %err, attempt, url, "webhook not delivered"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
    tracing::warn!(url, "webhook given up after {MAX_DELIVERY_ATTEMPTS} attempts");
    false
}
