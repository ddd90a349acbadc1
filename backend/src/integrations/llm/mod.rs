//! An OpenAI-compatible chat model (`/v1/chat/completions`, streamed as server-sent events): the
//! assistant's optional model, with a simulator speaking the same API. See `docs/integrations/llm.md`.

pub mod client;
pub mod simulator;

pub use client::{InvalidBaseUrl, OpenAiCompatible};

/// Who says a message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The rules the model follows.
    System,
    /// The person asking.
    User,
    /// The model's earlier answers.
    Assistant,
}

/// One message of a conversation with the model.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ChatMessage {
    /// Who says it.
    pub role: Role,
    /// What is said.
    pub content: String,
}

impl ChatMessage {
    /// A system message (the rules).
    pub fn system(content: impl Into<String>) -> Self {
        Self { role: Role::System, content: content.into() }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self { role: Role::User, content: content.into() }
    }

    /// An earlier answer of the model.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self { role: Role::Assistant, content: content.into() }
    }
}

/// What the model is asked.
#[derive(Clone, Debug)]
pub struct ChatRequest {
    /// The conversation, the rules first.
    pub messages: Vec<ChatMessage>,
    /// The longest answer, in tokens.
    pub max_tokens: u32,
}

/// The tokens a completion used, as the model's provider bills them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Tokens read (the messages).
    pub prompt_tokens: u32,
    /// Tokens written (the answer).
    pub completion_tokens: u32,
}

/// One item of a streamed completion.
#[derive(Clone, Debug, PartialEq)]
pub enum ChatEvent {
    /// The next piece of the answer's text.
    Delta(String),
    /// What the completion used; comes last.
    Usage(Usage),
}

/// Why the model gave no (complete) answer. The messages never carry URLs or transport errors:
/// those are logged (see [`crate::integrations::unreachable_cause`]).
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The model could not be reached, failed, or sent something unreadable: worth trying later.
    #[error("the model could not be reached: {0}")]
    Unavailable(String),
    /// Too many requests: the provider asks to wait `retry_after` when it says.
    #[error("the model's rate limit was reached")]
    RateLimited {
        /// How long the provider asks to wait.
        retry_after: Option<std::time::Duration>,
    },
    /// The provider refused the request (key, model or request wrong): retrying will not help.
    #[error("the model refused the request: {0}")]
    Refused(String),
    /// No first token within the configured time.
    #[error("the model did not answer in time")]
    Timeout,
}

/// A streamed completion: text pieces as they come, then the usage.
pub type ChatStream = futures::stream::BoxStream<'static, Result<ChatEvent, LlmError>>;

/// A chat model.
#[async_trait::async_trait]
pub trait LanguageModel: Send + Sync + 'static {
    /// The model's name (for the record of what answered).
    fn model(&self) -> &str;
    /// Starts a streamed completion; the stream yields text pieces as they come and the usage last.
    async fn stream(&self, request: &ChatRequest) -> Result<ChatStream, LlmError>;
}
