//! Sending through an SMTP server with `lettre`.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{MailError, Mailer, OutgoingMail};

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
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|err| MailError::Malformed(err.to_string()))?;
        self.transport.send(message).await.map(|_| ()).map_err(|err| MailError::Transport(err.to_string()))
    }
}
