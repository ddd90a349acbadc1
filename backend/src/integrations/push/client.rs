//! The Web Push client: `web-push` encrypts the payload (`aes128gcm`) and signs the VAPID JWT; the
//! request goes out through our own `reqwest` client, as `web_push::request_builder::build_request`
//! would shape it.

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE};
use web_push::{
    ContentEncoding, PartialVapidSignatureBuilder, SubscriptionInfo, Urgency, VapidSignatureBuilder, WebPushError,
    WebPushMessageBuilder,
};

use super::{PushError, PushMessage, PushService, PushSubscription};
use crate::integrations::unreachable_cause;

const SYSTEM: &str = "the push service";

/// The public half of a base64url VAPID private key, base64url; `None` when it is not a P-256 key.
pub(super) fn vapid_public_key(private_key: &str) -> Option<String> {
    let signer = VapidSignatureBuilder::from_base64_no_sub(private_key.trim()).ok()?;
    Some(URL_SAFE_NO_PAD.encode(signer.get_public_key()))
}

/// Sends Web Push messages signed with one VAPID key.
pub struct WebPushClient {
    signer: PartialVapidSignatureBuilder,
    public_key: String,
    subject: String,
    allow_http: bool,
    http: reqwest::Client,
}

/// A push message ready to be posted: where, with which headers, which bytes.
pub(crate) struct PreparedPush {
    pub(crate) endpoint: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
}

impl WebPushClient {
    /// A client signing with `vapid_private_key_base64url` (a raw P-256 scalar) and naming
    /// `subject` (`mailto:…` or `https:…`) as the contact push services may write to. Only https
    /// endpoints are accepted (see [`WebPushClient::allow_http`]).
    pub fn new(vapid_private_key_base64url: &str, subject: &str) -> anyhow::Result<Self> {
        let signer = VapidSignatureBuilder::from_base64_no_sub(vapid_private_key_base64url.trim())
            .map_err(|_| anyhow::anyhow!("the VAPID private key is not a base64url P-256 private key"))?;
        let subject = subject.trim();
        if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
            anyhow::bail!("the VAPID subject must be a mailto: or https: URL");
        }
        let public_key = URL_SAFE_NO_PAD.encode(signer.get_public_key());
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            // A push service answers; it does not send us elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { signer, public_key, subject: subject.to_owned(), allow_http: false, http })
    }

    /// Also accepts plain-http endpoints, as the push service simulator's are. The endpoint comes
    /// from a browser, that is from a user: in production only https ones are posted to.
    pub fn allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// Encrypts and signs `message` for `subscription`.
    pub(crate) fn prepare(
        &self,
        subscription: &PushSubscription,
        message: &PushMessage,
        ttl_seconds: u32,
    ) -> Result<PreparedPush, PushError> {
        let endpoint = url::Url::parse(&subscription.endpoint)
            .map_err(|_| PushError::Rejected("the subscription's endpoint is not a URL".into()))?;
        let secure = endpoint.scheme() == "https" || (self.allow_http && endpoint.scheme() == "http");
        if !secure || endpoint.host_str().is_none() {
            return Err(PushError::Rejected("the subscription's endpoint is not an https URL".into()));
        }
        let info = SubscriptionInfo::new(&subscription.endpoint, &subscription.p256dh, &subscription.auth);
        // The audience is the endpoint's origin, port included (web-push would leave the port out).
        let audience = endpoint.origin().ascii_serialization();
        let mut vapid = self.signer.clone().add_sub_info(&info);
        vapid.add_claim("sub", self.subject.as_str());
        vapid.add_claim("aud", audience);
        let signature = vapid.build().map_err(refused)?;

        let payload = serde_json::to_vec(message).map_err(|_| PushError::Rejected("unserialisable message".into()))?;
        let mut builder = WebPushMessageBuilder::new(&info);
        builder.set_ttl(ttl_seconds);
        builder.set_urgency(Urgency::Normal);
        builder.set_payload(ContentEncoding::Aes128Gcm, &payload);
        builder.set_vapid_signature(signature);
        let built = builder.build().map_err(refused)?;
        let encrypted = built.payload.ok_or_else(|| PushError::Rejected("no payload".into()))?;

        let mut headers = vec![("TTL", built.ttl.to_string())];
        if let Some(urgency) = built.urgency {
            headers.push(("Urgency", urgency.to_string()));
        }
        if let Some(topic) = built.topic {
            headers.push(("Topic", topic));
        }
        headers.push((CONTENT_ENCODING.as_str(), encrypted.content_encoding.to_str().to_owned()));
        headers.push((CONTENT_TYPE.as_str(), "application/octet-stream".to_owned()));
        // The `Authorization: vapid t=…, k=…` header.
        headers.extend(encrypted.crypto_headers);
        Ok(PreparedPush { endpoint: subscription.endpoint.clone(), headers, body: encrypted.content })
    }

    /// Posts a prepared message and reads the push service's answer.
    pub(crate) async fn post(&self, push: PreparedPush) -> Result<(), PushError> {
        let mut request = self.http.post(&push.endpoint).body(push.body);
        for (name, value) in push.headers {
            request = request.header(name, value);
        }
        // The endpoint is a capability URL: it stays out of logs and messages.
        let response = request
            .send()
            .await
            .map_err(|err| PushError::Unavailable(unreachable_cause(SYSTEM, &err.without_url())))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        match status {
            StatusCode::NOT_FOUND | StatusCode::GONE => Err(PushError::Gone),
            StatusCode::TOO_MANY_REQUESTS => {
                Err(PushError::Unavailable(unreachable_cause(SYSTEM, &format!("{status}: {body}"))))
            }
            status if status.is_server_error() => {
                Err(PushError::Unavailable(unreachable_cause(SYSTEM, &format!("{status}: {body}"))))
            }
            status => {
                tracing::warn!(%status, answer = %body, "the push service refused a message");
                Err(PushError::Rejected(format!("the push service answered {}", status.as_u16())))
            }
        }
    }
}

/// What `web-push` could not build, as a reason that holds no key and no URL.
fn refused(err: WebPushError) -> PushError {
    PushError::Rejected(
        match err {
            WebPushError::InvalidCryptoKeys | WebPushError::MissingCryptoKeys => {
                "the subscription's keys are not valid"
            }
            WebPushError::PayloadTooLarge => "the message is too large",
            WebPushError::InvalidUri => "the subscription's endpoint is not a URL",
            _ => "the message could not be encrypted or signed",
        }
        .to_owned(),
    )
}

#[async_trait]
impl PushService for WebPushClient {
    fn public_key(&self) -> Option<String> {
        Some(self.public_key.clone())
    }

    #[tracing::instrument(skip_all, fields(tag = %message.tag, ttl_seconds))]
    async fn send(
        &self,
        subscription: &PushSubscription,
        message: &PushMessage,
        ttl_seconds: u32,
    ) -> Result<(), PushError> {
        let push = self.prepare(subscription, message, ttl_seconds)?;
        self.post(push).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription(endpoint: &str) -> PushSubscription {
        // Keys a browser gave (from the web-push crate's own tests).
        PushSubscription {
            endpoint: endpoint.to_owned(),
            p256dh: "BLMbF9ffKBiWQLCKvTHb6LO8Nb6dcUh6TItC455vu2kElga6PQvUmaFyCdykxY2nOSSL3yKgfbmFLRTUaGv4yV8".into(),
            auth: "xS03Fi5ErfTNH_l9WHE9Ig".into(),
        }
    }

    fn message() -> PushMessage {
        PushMessage { title: "t".into(), body: "b".into(), url: None, tag: "x".into() }
    }

    #[test]
    fn keys_and_subjects_are_checked_at_construction() {
        let key = super::super::generate_vapid_private_key();
        assert!(WebPushClient::new(&key, "mailto:ops@caas.example").is_ok());
        assert!(WebPushClient::new(&key, "https://caas.example/contact").is_ok());
        assert!(WebPushClient::new(&key, "ops@caas.example").is_err());
        assert!(WebPushClient::new("not-a-key", "mailto:ops@caas.example").is_err());
        assert!(WebPushClient::new(&URL_SAFE_NO_PAD.encode([0u8; 32]), "mailto:ops@caas.example").is_err());
    }

    #[test]
    fn requests_carry_the_web_push_headers() {
        let key = super::super::generate_vapid_private_key();
        let client = WebPushClient::new(&key, "mailto:ops@caas.example").expect("client");
        let push = client.prepare(&subscription("https://push.example:8443/p/1"), &message(), 60).expect("prepared");
        let header = |name: &str| push.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        assert_eq!(header("TTL").map(String::as_str), Some("60"));
        assert_eq!(header("Urgency").map(String::as_str), Some("normal"));
        assert_eq!(header("Content-Encoding").map(String::as_str), Some("aes128gcm"));
        assert_eq!(header("Content-Type").map(String::as_str), Some("application/octet-stream"));
        let authorization = header("Authorization").expect("VAPID");
        let expected_k = format!(", k={}", client.public_key().expect("a key"));
        assert!(authorization.starts_with("vapid t=") && authorization.ends_with(&expected_k), "{authorization}");
    }

    #[test]
    fn plain_http_and_broken_keys_are_refused() {
        let key = super::super::generate_vapid_private_key();
        let client = WebPushClient::new(&key, "mailto:ops@caas.example").expect("client");
        let refused = client.prepare(&subscription("http://127.0.0.1:9/p/1"), &message(), 60).err();
        assert!(matches!(refused, Some(PushError::Rejected(_))));
        let client = client.allow_http();
        assert!(client.prepare(&subscription("http://127.0.0.1:9/p/1"), &message(), 60).is_ok());
        let broken = PushSubscription { p256dh: "AAAA".into(), ..subscription("https://push.example/p/1") };
        assert_eq!(
            client.prepare(&broken, &message(), 60).err(),
            Some(PushError::Rejected("the subscription's keys are not valid".into()))
        );
    }
}
