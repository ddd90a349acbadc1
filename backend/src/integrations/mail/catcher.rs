//! The mail catcher: an SMTP server on a local port that accepts every message and keeps it, and an
//! HTTP view of what it caught (`GET /messages`, newest first). The demo sends its e-mails here;
//! tests read them back. Usable alone: `caas simulate mail`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::integrations::delivery;

/// A message the catcher received.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaughtMail {
    /// Envelope sender.
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
    /// Decoded subject.
    pub subject: String,
    /// Decoded plain-text body.
    pub body: String,
    /// The `List-Unsubscribe` header, when the message has one (marketing e-mail).
    pub list_unsubscribe: Option<String>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
}

#[derive(Default)]
struct Inbox {
    messages: Mutex<Vec<CaughtMail>>,
    arrived: Notify,
}

/// A running mail catcher.
#[derive(Clone, Default)]
pub struct MailCatcher {
    inbox: Arc<Inbox>,
}

impl MailCatcher {
    /// An empty catcher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Listens for SMTP on `smtp_address` and serves the view on `http_address` until `stop`;
    /// returns both bound addresses.
    pub async fn start(
        &self,
        smtp_address: SocketAddr,
        http_address: SocketAddr,
        stop: CancellationToken,
    ) -> std::io::Result<(SocketAddr, SocketAddr)> {
        let listener = TcpListener::bind(smtp_address).await?;
        let smtp = listener.local_addr()?;
        let inbox = self.inbox.clone();
        let stop_smtp = stop.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = stop_smtp.cancelled() => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => { tokio::spawn(session(stream, inbox.clone())); }
                        Err(err) => tracing::warn!(error = %err, "mail catcher accept failed"),
                    },
                }
            }
        });
        let view = Router::new().route("/messages", get(list)).with_state(self.inbox.clone());
        let http = delivery::serve(view, http_address, stop).await?;
        Ok((smtp, http))
    }

    /// Every message caught so far, oldest first.
    pub fn messages(&self) -> Vec<CaughtMail> {
        lock(&self.inbox.messages).clone()
    }

    /// Waits until a message for `recipient` matching `predicate` arrives; `None` after `timeout`.
    pub async fn wait_for(
        &self,
        recipient: &str,
        timeout: std::time::Duration,
        predicate: impl Fn(&CaughtMail) -> bool,
    ) -> Option<CaughtMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.inbox.arrived.notified();
            let found = self
                .messages()
                .into_iter()
                .find(|mail| mail.to.iter().any(|to| to.eq_ignore_ascii_case(recipient)) && predicate(mail));
            if found.is_some() {
                return found;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return None;
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn list(State(inbox): State<Arc<Inbox>>) -> Json<Vec<CaughtMail>> {
    let mut messages = lock(&inbox.messages).clone();
    messages.reverse();
    Json(messages)
}

fn address_of(argument: &str) -> String {
    let start = argument.find('<').map_or(0, |i| i + 1);
    let end = argument.rfind('>').unwrap_or(argument.len());
    argument.get(start..end).unwrap_or_default().trim().to_owned()
}

/// One SMTP conversation: enough of RFC 5321 for a client such as `lettre`.
async fn session(stream: TcpStream, inbox: Arc<Inbox>) {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader);
    let mut from = String::new();
    let mut to = Vec::new();
    let reply = |text: &str| format!("{text}\r\n");
    if writer.write_all(reply("220 caas mail catcher ESMTP").as_bytes()).await.is_err() {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_owned();
        let verb = command.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" => "250-caas mail catcher\r\n250-8BITMIME\r\n250 SMTPUTF8".to_owned(),
            "HELO" | "NOOP" => "250 OK".to_owned(),
            "RSET" => {
                from.clear();
                to.clear();
                "250 OK".to_owned()
            }
            "MAIL" => {
                from = address_of(&command);
                "250 OK".to_owned()
            }
            "RCPT" => {
                to.push(address_of(&command));
                "250 OK".to_owned()
            }
            "DATA" => {
                if writer.write_all(reply("354 End data with <CR><LF>.<CR><LF>").as_bytes()).await.is_err() {
                    return;
                }
                let Some(raw) = read_data(&mut lines).await else { return };
                store(&inbox, std::mem::take(&mut from), std::mem::take(&mut to), &raw);
                "250 OK: queued".to_owned()
            }
            "QUIT" => {
                let _ = writer.write_all(reply("221 Bye").as_bytes()).await;
                return;
            }
            _ => "502 Command not implemented".to_owned(),
        };
        if writer.write_all(reply(&answer).as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Reads a message up to the lone dot, undoing dot-stuffing.
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await.ok()? == 0 {
            return None;
        }
        if line == b".\r\n" || line == b".\n" {
            return Some(raw);
        }
        let content = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
        raw.extend_from_slice(content);
    }
}

fn store(inbox: &Inbox, from: String, to: Vec<String>, raw: &[u8]) {
    let parsed = mail_parser::MessageParser::default().parse(raw);
    let subject = parsed.as_ref().and_then(|m| m.subject()).unwrap_or_default().to_owned();
    let body = parsed.as_ref().and_then(|m| m.body_text(0)).map(|b| b.into_owned()).unwrap_or_default();
    let list_unsubscribe =
        parsed.as_ref().and_then(|m| m.header_raw("List-Unsubscribe")).map(|value| value.trim().to_owned());
    lock(&inbox.messages).push(CaughtMail { from, to, subject, body, list_unsubscribe, received_at: Utc::now() });
    inbox.arrived.notify_waiters();
}
