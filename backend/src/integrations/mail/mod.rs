//! Outgoing e-mail over SMTP (`lettre`), and a mail catcher: a small SMTP server that keeps what it
//! receives, for the demo and the tests.

pub mod catcher;
pub mod smtp;

use async_trait::async_trait;

/// A rendered e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Recipient address.
    pub to: String,
    /// Recipient name.
    pub to_name: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// A marketing e-mail's one-click unsubscribe address (RFC 8058), sent as `List-Unsubscribe`.
    pub unsubscribe: Option<String>,
}

/// Why a message was not accepted by the mail server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The message could not be built (bad address).
    #[error("the message is malformed: {0}")]
    Malformed(String),
    /// The server refused or could not be reached; worth retrying.
    #[error("the mail server did not take the message: {0}")]
    Transport(String),
}

/// Sends e-mail.
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Hands `mail` to the mail server.
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}
