//! Sending through an SMTP server with `lettre`.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{MailError, Mailer, OutgoingMail};

/// Connections kept open to the mail server. Each message waits about 44 ms on loopback whatever
/// the machine's speed: `lettre` writes a message's text and its final dot separately, so the dot
/// waits (Nagle) for the server's acknowledgement of the text, which a Linux server delays by
/// 40 ms while it has nothing to answer yet. Throughput is connections ÷ that wait — 10 (the
/// pool's default) gave ~220 messages a second; the dispatcher sends as many at once as there are
/// connections.
pub const CONNECTIONS: u32 = 32;

/// An SMTP client with a connection pool.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for `url` (`smtp://host:port` plain, `smtp://…?tls=required` with STARTTLS,
    /// `smtps://…` with TLS, credentials as `user:password@`) sending as `from`.
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        let from: Mailbox = from.parse().map_err(|err| MailError::Malformed(format!("sender {from}: {err}")))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| MailError::Malformed(format!("SMTP URL: {err}")))?
            .timeout(Some(Duration::from_secs(20)))
            .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(CONNECTIONS))
            .build();
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    #[tracing::instrument(skip_all)]
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let to = Mailbox::new(
            Some(mail.to_name.clone()),
            mail.to.parse().map_err(|err| MailError::Malformed(format!("recipient {}: {err}", mail.to)))?,
        );
        let mut message = Message::builder().from(self.from.clone()).to(to).subject(mail.subject.clone());
        if let Some(link) = &mail.unsubscribe {
            message = message.header(ListUnsubscribe(format!("<{link}>"))).header(ListUnsubscribePost);
        }
        let message = message
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|err| MailError::Malformed(err.to_string()))?;
        self.transport.send(message).await.map(|_| ()).map_err(|err| MailError::Transport(err.to_string()))
    }
}

/// `List-Unsubscribe: <https://…>` (RFC 2369): mail clients show an unsubscribe button.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(text.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the button unsubscribes with one
/// POST, without a page to confirm on.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}
