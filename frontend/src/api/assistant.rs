//! The assistant's answers read field by field (see `api::workshop`): a turn of a conversation with
//! its sources and offers, the chunks of an answer as it streams in, the customer's conversations,
//! the platform FAQ and the workshops' contacts. Enum values are read as text (`ANSWERING`).

use js_sys::Array;
use wasm_bindgen::JsValue;

use super::json::{Answer, field, flag, list, maybe_text, object, text};

/// What an answer quotes: an FAQ entry or a fact about the car.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// `FAQ` or `CAR_DATA`.
    pub kind: String,
    /// The FAQ entry, for an FAQ source.
    pub faq_entry_id: Option<String>,
    /// The entry's question, or the fact's heading.
    pub title: String,
    /// What the answer took from it.
    pub quote: String,
}

/// A question and its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Turn {
    /// Stable id.
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// What was asked.
    pub question: String,
    /// The answer so far (final once done).
    pub answer: String,
    /// Whether it is still being written.
    pub answering: bool,
    /// `RETRIEVAL`, `MODEL` or `DECLINED`.
    pub mode: String,
    /// What the person should know about the answer, e.g. that it comes from the FAQ alone.
    pub notice: Option<String>,
    /// What it quotes, in order.
    pub sources: Vec<Source>,
    /// `BOOK_SERVICE`, `CONTACT_WORKSHOP`.
    pub offers: Vec<String>,
}

impl Turn {
    /// The turn in `value` (an `AssistantTurn`).
    fn of(value: &JsValue) -> Self {
        let answering = text(value, "status") == "ANSWERING";
        let source = |v: &JsValue| Source {
            kind: text(v, "kind"),
            faq_entry_id: maybe_text(v, "faqEntryId"),
            title: text(v, "title"),
            quote: text(v, "quote"),
        };
        Self {
            id: text(value, "id"),
            conversation_id: text(value, "conversationId"),
            question: text(value, "question"),
            // While the model writes, `answer` is the retrieval answer standing by, not the start of
            // the one streaming in: the streamed one is shown (and the final one, whichever it is).
            answer: if answering { String::new() } else { text(value, "answer") },
            answering,
            mode: text(value, "mode"),
            notice: maybe_text(value, "notice").filter(|notice| !notice.trim().is_empty()),
            sources: list(value, "sources", source),
            offers: list(value, "offers", |v| v.as_string().unwrap_or_default()),
        }
    }
}

/// The turn `askAssistant` started.
impl Answer for Turn {
    fn read(data: &JsValue) -> Option<Self> {
        object(data, "askAssistant").map(|turn| Self::of(&turn))
    }
}

/// A piece of an answer streaming in (`assistantAnswer`).
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    /// The turn it belongs to.
    pub turn_id: String,
    /// The answer so far: a missed piece is made good by the next one.
    pub answer: String,
    /// Whether the answer is complete.
    pub done: bool,
    /// The finished turn (with its sources), on the last piece.
    pub turn: Option<Turn>,
}

impl Answer for Chunk {
    fn read(data: &JsValue) -> Option<Self> {
        let chunk = object(data, "assistantAnswer")?;
        Some(Self {
            turn_id: text(&chunk, "turnId"),
            answer: text(&chunk, "answer"),
            done: flag(&chunk, "done"),
            turn: object(&chunk, "turn").map(|turn| Turn::of(&turn)),
        })
    }
}

/// A conversation with the assistant.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversation {
    /// Stable id.
    pub id: String,
    /// The car it is about, if any.
    pub vin: Option<String>,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// Its questions and answers, in order.
    pub turns: Vec<Turn>,
}

/// The customer's conversations (`myAssistantConversations`).
pub struct Conversations(pub Vec<Conversation>);

impl Answer for Conversations {
    fn read(data: &JsValue) -> Option<Self> {
        let conversation = |v: &JsValue| Conversation {
            id: text(v, "id"),
            vin: maybe_text(v, "vin"),
            started_at: text(v, "startedAt"),
            turns: list(v, "turns", Turn::of),
        };
        Array::is_array(&field(data, "myAssistantConversations"))
            .then(|| Self(list(data, "myAssistantConversations", conversation)))
    }
}

impl Conversations {
    /// The latest conversation about `vin` (about no car in particular for `None`).
    pub fn latest_about(self, vin: Option<&str>) -> Option<Conversation> {
        self.0.into_iter().filter(|c| c.vin.as_deref() == vin).max_by(|a, b| a.started_at.cmp(&b.started_at))
    }
}

/// An entry of the FAQ.
#[derive(Clone, Debug, PartialEq)]
pub struct FaqEntry {
    /// Stable id: the help page's anchor is `faq-<id>`.
    pub id: String,
    /// The question.
    pub question: String,
    /// Its answer.
    pub answer: String,
}

/// The FAQ in one language (`faqEntries`).
pub struct Faq(pub Vec<FaqEntry>);

impl Answer for Faq {
    fn read(data: &JsValue) -> Option<Self> {
        let entry =
            |v: &JsValue| FaqEntry { id: text(v, "id"), question: text(v, "question"), answer: text(v, "answer") };
        Array::is_array(&field(data, "faqEntries")).then(|| Self(list(data, "faqEntries", entry)))
    }
}

/// How to reach a workshop.
#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    /// Stable id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its street address.
    pub address: String,
    /// Its city.
    pub city: String,
    /// Its telephone number.
    pub phone: String,
}

/// The workshops of the customer's region (`WorkshopContacts`' answer).
pub struct Contacts(pub Vec<Contact>);

impl Answer for Contacts {
    fn read(data: &JsValue) -> Option<Self> {
        let contact = |v: &JsValue| Contact {
            id: text(v, "id"),
            name: text(v, "name"),
            address: text(v, "address"),
            city: text(v, "city"),
            phone: text(v, "phone"),
        };
        Array::is_array(&field(data, "workshops")).then(|| Self(list(data, "workshops", contact)))
    }
}

#[cfg(test)]
mod tests {
    use super::{Conversation, Conversations};

    fn conversation(id: &str, vin: Option<&str>, started_at: &str) -> Conversation {
        Conversation { id: id.into(), vin: vin.map(Into::into), started_at: started_at.into(), turns: Vec::new() }
    }

    #[test]
    fn the_latest_conversation_about_the_same_car_is_continued() {
        let all = || {
            Conversations(vec![
                conversation("a", Some("VIN1"), "2026-12-01T09:00:00Z"),
                conversation("b", Some("VIN1"), "2026-12-02T09:00:00Z"),
                conversation("c", Some("VIN2"), "2026-12-03T09:00:00Z"),
                conversation("d", None, "2026-11-30T09:00:00Z"),
            ])
        };
        assert_eq!(all().latest_about(Some("VIN1")).map(|c| c.id), Some("b".into()));
        assert_eq!(all().latest_about(None).map(|c| c.id), Some("d".into()));
        assert_eq!(all().latest_about(Some("VIN3")).map(|c| c.id), None);
    }
}
