//! Asking the assistant: the question checked and rate-limited, the passages found (the FAQ and the
//! car's facts, for a car the asker may read), the retrieval answer composed at once and — when a
//! model is configured and its payer's monthly budget allows — the model's answer streamed over the
//! event bus, the retrieval answer standing in if the model fails or is slow.

use chrono::{DateTime, Utc};
use entity::{AssistantAnswerMode, AssistantTurnStatus, assistant_conversations, assistant_turns, workshops};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::compose::{self, Composed, Offer};
use super::prompt;
use super::retrieval::{self, Hit, Passage, Source};
use super::{answering, budget, car_facts, conversations, faq};
use crate::app::{App, AppState};
use crate::auth::Viewer;
use crate::domain::locale::Locale;
use crate::error::{ApiError, ApiResult};
use crate::platform::rate_limit::{self, Limit};

/// The passages a question is answered from, at most.
const PASSAGES: usize = 4;
/// The longest question.
const MAX_QUESTION_CHARS: usize = 500;
/// The longest quote of a source shown with an answer.
const QUOTE_CHARS: usize = 240;

/// A question as asked.
pub struct Question {
    /// What is asked, 1 to 500 characters.
    pub text: String,
    /// The car it is about (the asker must be allowed to read its history).
    pub vin: Option<String>,
    /// The workshop whose FAQ answers too.
    pub workshop_id: Option<Uuid>,
    /// The conversation it continues (the asker's own).
    pub conversation_id: Option<Uuid>,
}

/// A source an answer cites, as stored with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitedSource {
    /// The FAQ entry, when it is one; `None`: the car's own data.
    pub faq_entry_id: Option<Uuid>,
    /// The car's fact's topic (e.g. `fault-code P0301`), when it is one.
    #[serde(default)]
    pub topic: Option<String>,
    /// Its heading.
    pub title: String,
    /// What of it the answer rests on.
    pub quote: String,
}

/// Asks the assistant. Without a model (or over the payer's budget) the turn is answered at once;
/// with one, it is `ANSWERING` and its answer streams to `assistantAnswer`.
pub async fn ask(app: &AppState, viewer: &Viewer, question: Question) -> ApiResult<assistant_turns::Model> {
    let user = viewer.user()?;
    let text = question.text.trim().to_owned();
    if !(1..=MAX_QUESTION_CHARS).contains(&text.chars().count()) {
        return Err(ApiError::bad_input("question", "ask in 1 to 500 characters"));
    }
    let now = app.clock.now();
    charge_question(app, user.id, now).await?;
    let conversation = match question.conversation_id {
        Some(id) => Some(conversations::own_conversation(app, viewer, id).await?),
        None => None,
    };
    let vin = question.vin.or_else(|| conversation.as_ref().and_then(|c| c.vin.clone()));
    let workshop_id = question.workshop_id.or_else(|| conversation.as_ref().and_then(|c| c.workshop_id));
    if let Some(id) = workshop_id {
        workshops::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("workshop"))?;
    }
    let car = match &vin {
        Some(vin) => Some(car_facts::readable_car(app, viewer, vin).await?),
        None => None,
    };
    let locale = user.locale;
    let mut passages = faq::faq_passages(&app.db, workshop_id, locale).await?;
    if let Some(car) = &car {
        passages.extend(car_facts::car_passages(app, viewer, car, locale).await?);
    }
    let hits = retrieval::retrieve(&text, locale, &passages, PASSAGES);
    let composed = compose::compose(&text, locale, &hits, car.is_some());
    let payer = budget::payer_of(workshop_id);
    let plan = plan(app, &composed, workshop_id, now).await?;
    let conversation = match conversation {
        Some(conversation) => touch(app, conversation, now).await?,
        None => start(app, user.id, car.as_ref().map(|car| car.vin.clone()), workshop_id, now).await?,
    };
    let turn = store_turn(app, &conversation, &text, locale, &composed, &hits, &plan, now).await?;
    if plan == Plan::Model {
        let request = prompt::request(&text, locale, &hits);
        let given: Vec<CitedSource> = hits.iter().map(|hit| cited(hit.passage)).collect();
        tokio::spawn(answering::stream_answer(app.clone(), turn.clone(), request, given, payer));
    }
    Ok(turn)
}

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    /// By retrieval alone: no model is configured, or nothing relevant was found.
    Retrieval,
    /// By retrieval, because the payer's monthly budget for the model is used up (the asker is told).
    OverBudget,
    /// By the model, the retrieval answer standing by.
    Model,
}

async fn plan(app: &App, composed: &Composed, workshop_id: Option<Uuid>, now: DateTime<Utc>) -> ApiResult<Plan> {
    // Nothing relevant: the model is not asked to make something up.
    if app.integrations.llm.is_none() || !composed.answered {
        return Ok(Plan::Retrieval);
    }
    Ok(if budget::of(app, workshop_id, now).await?.used_up() { Plan::OverBudget } else { Plan::Model })
}

async fn charge_question(app: &App, user_id: Uuid, now: DateTime<Utc>) -> ApiResult<()> {
    let per_minute = app.config.assistant_per_minute;
    if per_minute == 0 {
        return Ok(());
    }
    let bucket = format!("assistant:{user_id}");
    match rate_limit::charge(&app.db, &bucket, 1, Limit { per_minute }, now).await? {
        Ok(()) => Ok(()),
        Err(over) => Err(ApiError::RateLimited {
            message: "too many questions to the assistant; ask again in a moment".into(),
            retry_after_seconds: over.retry_after_seconds,
        }),
    }
}

async fn start(
    app: &App,
    user_id: Uuid,
    vin: Option<String>,
    workshop_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> ApiResult<assistant_conversations::Model> {
    let conversation = assistant_conversations::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        vin: Set(vin),
        workshop_id: Set(workshop_id),
        started_at: Set(now),
        updated_at: Set(now),
    };
    Ok(conversation.insert(&app.db).await?)
}

async fn touch(
    app: &App,
    conversation: assistant_conversations::Model,
    now: DateTime<Utc>,
) -> ApiResult<assistant_conversations::Model> {
    let mut conversation: assistant_conversations::ActiveModel = conversation.into();
    conversation.updated_at = Set(now);
    Ok(conversation.update(&app.db).await?)
}

/// The notice of an answer given without the model because its budget is used up.
fn over_budget_notice(locale: Locale) -> &'static str {
    match locale {
        Locale::En => {
            "The assistant's monthly budget is used up: this answer comes from the FAQ and your car's data only."
        }
        Locale::De => {
            "Das Monatsbudget des Assistenten ist aufgebraucht: Diese Antwort stammt nur aus den FAQ und den Daten Ihres Autos."
        }
        Locale::Es => {
            "El presupuesto mensual del asistente está agotado: esta respuesta procede solo de las preguntas frecuentes y de los datos de su coche."
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn store_turn(
    app: &App,
    conversation: &assistant_conversations::Model,
    question: &str,
    locale: Locale,
    composed: &Composed,
    hits: &[Hit<'_>],
    plan: &Plan,
    now: DateTime<Utc>,
) -> ApiResult<assistant_turns::Model> {
    let sources: Vec<CitedSource> = composed
        .cited
        .iter()
        .filter_map(|source| hits.iter().find(|hit| &hit.passage.source == source))
        .map(|hit| cited(hit.passage))
        .collect();
    let answering = *plan == Plan::Model;
    let turn = assistant_turns::ActiveModel {
        id: Set(Uuid::now_v7()),
        conversation_id: Set(conversation.id),
        workshop_id: Set(conversation.workshop_id),
        language: Set(locale.tag().to_owned()),
        question: Set(question.to_owned()),
        answer: Set(composed.text.clone()),
        status: Set(if answering { AssistantTurnStatus::Answering } else { AssistantTurnStatus::Done }),
        mode: Set(if composed.answered { AssistantAnswerMode::Retrieval } else { AssistantAnswerMode::Declined }),
        answered: Set(composed.answered),
        notice: Set((*plan == Plan::OverBudget).then(|| over_budget_notice(locale).to_owned())),
        sources: Set(serde_json::to_string(&sources).unwrap_or_else(|_| "[]".into())),
        offers: Set(offers_text(&composed.offers)),
        model: Set(None),
        prompt_tokens: Set(0),
        completion_tokens: Set(0),
        cost_micros: Set(0),
        asked_at: Set(now),
        answered_at: Set((!answering).then_some(now)),
    };
    Ok(turn.insert(&app.db).await?)
}

fn cited(passage: &Passage) -> CitedSource {
    let quote: String = passage.text.chars().take(QUOTE_CHARS).collect();
    let quote = if passage.text.chars().count() > QUOTE_CHARS { format!("{quote}…") } else { quote };
    match &passage.source {
        Source::Faq { id } => CitedSource { faq_entry_id: Some(*id), topic: None, title: passage.title.clone(), quote },
        Source::Car { topic } => {
            CitedSource { faq_entry_id: None, topic: Some(topic.clone()), title: passage.title.clone(), quote }
        }
    }
}

fn offers_text(offers: &[Offer]) -> String {
    let names: Vec<&str> = offers
        .iter()
        .map(|offer| match offer {
            Offer::BookService => "BOOK_SERVICE",
            Offer::ContactWorkshop => "CONTACT_WORKSHOP",
        })
        .collect();
    names.join(",")
}

/// The sources a turn cites.
pub fn sources_of(turn: &assistant_turns::Model) -> Vec<CitedSource> {
    serde_json::from_str(&turn.sources).unwrap_or_default()
}
