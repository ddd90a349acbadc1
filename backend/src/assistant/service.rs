//! Asking the assistant: the question checked and rate-limited, the passages found (the FAQ and the
//! car's facts, for a car the asker may read), the retrieval answer composed at once and — when a
//! model is configured and its payer's monthly budget allows — the model's answer streamed over the
//! event bus, the retrieval answer standing in if the model fails or is slow.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{
    AssistantAnswerMode, AssistantTurnStatus, assistant_conversations, assistant_spend, assistant_turns, workshops,
};
use futures::StreamExt;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::compose::{self, Composed, Offer};
use super::knowledge;
use super::prompt;
use super::retrieval::{self, Hit, Passage, Source};
use crate::app::{App, AppState};
use crate::auth::Viewer;
use crate::domain::locale::Locale;
use crate::error::{ApiError, ApiResult};
use crate::integrations::llm::{ChatEvent, ChatRequest, LlmError, Usage};
use crate::platform::events::DomainEvent;
use crate::platform::rate_limit::{self, Limit};
use crate::policy;

/// The passages a question is answered from, at most.
const PASSAGES: usize = 4;
/// The longest question.
const MAX_QUESTION_CHARS: usize = 500;
/// The longest quote of a source shown with an answer.
const QUOTE_CHARS: usize = 240;
/// Who pays for questions asked of no workshop.
const PLATFORM_PAYER: &str = "platform";

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
        Some(id) => Some(own_conversation(app, viewer, id).await?),
        None => None,
    };
    let vin = question.vin.or_else(|| conversation.as_ref().and_then(|c| c.vin.clone()));
    let workshop_id = question.workshop_id.or_else(|| conversation.as_ref().and_then(|c| c.workshop_id));
    if let Some(id) = workshop_id {
        workshops::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("workshop"))?;
    }
    let car = match &vin {
        Some(vin) => Some(knowledge::readable_car(app, viewer, vin).await?),
        None => None,
    };
    let locale = user.locale;
    let mut passages = knowledge::faq_passages(&app.db, workshop_id, locale).await?;
    if let Some(car) = &car {
        passages.extend(knowledge::car_passages(app, viewer, car, locale).await?);
    }
    let hits = retrieval::retrieve(&text, locale, &passages, PASSAGES);
    let composed = compose::compose(&text, locale, &hits, car.is_some());
    let payer = workshop_id.map_or_else(|| PLATFORM_PAYER.to_owned(), |id| id.to_string());
    let plan = plan(app, &composed, workshop_id, &payer, now).await?;
    let conversation = match conversation {
        Some(conversation) => touch(app, conversation, now).await?,
        None => start(app, user.id, car.as_ref().map(|car| car.vin.clone()), workshop_id, now).await?,
    };
    let turn = store_turn(app, &conversation, &text, locale, &composed, &hits, &plan, now).await?;
    if plan == Plan::Model {
        let request = prompt::request(&text, locale, &hits);
        let given: Vec<CitedSource> = hits.iter().map(|hit| cited(hit.passage)).collect();
        tokio::spawn(stream_answer(app.clone(), turn.clone(), request, given, payer));
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

async fn plan(
    app: &App,
    composed: &Composed,
    workshop_id: Option<Uuid>,
    payer: &str,
    now: DateTime<Utc>,
) -> ApiResult<Plan> {
    // Nothing relevant: the model is not asked to make something up.
    if app.integrations.llm.is_none() || !composed.answered {
        return Ok(Plan::Retrieval);
    }
    let cap_minor = match workshop_id {
        Some(id) => workshops::Entity::find_by_id(id).one(&app.db).await?.and_then(|w| w.assistant_cap_minor),
        None => None,
    }
    .unwrap_or(app.config.assistant_monthly_cap_minor);
    let spent = assistant_spend::Entity::find_by_id((payer.to_owned(), month_of(now)))
        .one(&app.db)
        .await?
        .map_or(0, |spend| spend.cost_micros);
    // Minor units are hundredths; the spend is in millionths.
    Ok(if spent >= cap_minor.saturating_mul(10_000) { Plan::OverBudget } else { Plan::Model })
}

fn month_of(at: DateTime<Utc>) -> String {
    at.format("%Y-%m").to_string()
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

async fn own_conversation(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<assistant_conversations::Model> {
    let conversation = assistant_conversations::Entity::find_by_id(id).one(&app.db).await?;
    // Another person's conversation is as absent as one that never was.
    conversation
        .filter(|conversation| policy::assistant_conversation(viewer, conversation.user_id))
        .ok_or(ApiError::NotFound("conversation"))
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

/// Streams the model's answer to `turn`'s watchers and stores it; on failure, timeout or an empty
/// answer the retrieval answer stored with the turn becomes final (the asker sees no error).
async fn stream_answer(
    app: AppState,
    turn: assistant_turns::Model,
    request: ChatRequest,
    given: Vec<CitedSource>,
    payer: String,
) {
    let limit = Duration::from_millis(app.config.llm_answer_timeout_ms);
    let streamed = tokio::time::timeout(limit, model_answer(&app, turn.id, &request)).await;
    let outcome = match streamed {
        Ok(Ok((answer, usage))) if !answer.trim().is_empty() => Some((answer, usage)),
        Ok(Ok(_)) => None,
        Ok(Err(error)) => {
            tracing::warn!(turn = %turn.id, %error, "the model did not answer; the retrieval answer stands");
            None
        }
        Err(_) => {
            tracing::warn!(turn = %turn.id, "the model's answer took too long; the retrieval answer stands");
            None
        }
    };
    let finished = match outcome {
        Some((answer, usage)) => finish_with_model(&app, turn, answer, usage, &given, &payer).await,
        None => finish_with_retrieval(&app, turn).await,
    };
    match finished {
        Ok(turn) => {
            app.events
                .publish(DomainEvent::AssistantAnswered {
                    turn_id: turn.id,
                    delta: String::new(),
                    answer: turn.answer.clone(),
                    done: true,
                })
                .await
        }
        Err(error) => tracing::error!(?error, "an assistant's answer could not be stored"),
    }
}

/// The model's answer, each piece published as it comes.
async fn model_answer(app: &App, turn_id: Uuid, request: &ChatRequest) -> Result<(String, Usage), LlmError> {
    let Some(model) = app.integrations.llm.clone() else {
        return Err(LlmError::Unavailable("no model".into()));
    };
    let mut stream = model.stream(request).await?;
    let (mut answer, mut usage) = (String::new(), Usage::default());
    while let Some(event) = stream.next().await {
        match event? {
            ChatEvent::Delta(delta) => {
                answer.push_str(&delta);
                let event = DomainEvent::AssistantAnswered { turn_id, delta, answer: answer.clone(), done: false };
                app.events.publish(event).await;
            }
            ChatEvent::Usage(counted) => usage = counted,
        }
    }
    Ok((answer, usage))
}

/// What `usage` costs at the configured prices, in millionths of the currency unit (rounded up).
pub fn cost_micros(app: &App, usage: Usage) -> i64 {
    let price = |tokens: u32, per_1k: i64| (i64::from(tokens) * per_1k + 999) / 1000;
    price(usage.prompt_tokens, app.config.llm_price_input_micros_per_1k)
        + price(usage.completion_tokens, app.config.llm_price_output_micros_per_1k)
}

async fn finish_with_model(
    app: &App,
    turn: assistant_turns::Model,
    answer: String,
    usage: Usage,
    given: &[CitedSource],
    payer: &str,
) -> ApiResult<assistant_turns::Model> {
    let cost = cost_micros(app, usage);
    // The sources the model cited by their markers; all it was given when it cited none.
    let marked: Vec<CitedSource> = given
        .iter()
        .enumerate()
        .filter(|(index, _)| answer.contains(&format!("[S{}]", index + 1)))
        .map(|(_, source)| source.clone())
        .collect();
    let sources = if marked.is_empty() { given.to_vec() } else { marked };
    let now = app.clock.now();
    add_spend(app, payer, usage, cost, now).await?;
    let model = app.integrations.llm.as_ref().map(|model| model.model().to_owned());
    let mut turn: assistant_turns::ActiveModel = turn.into();
    turn.answer = Set(answer);
    turn.status = Set(AssistantTurnStatus::Done);
    turn.mode = Set(AssistantAnswerMode::Model);
    turn.sources = Set(serde_json::to_string(&sources).unwrap_or_else(|_| "[]".into()));
    turn.model = Set(model);
    turn.prompt_tokens = Set(i32::try_from(usage.prompt_tokens).unwrap_or(i32::MAX));
    turn.completion_tokens = Set(i32::try_from(usage.completion_tokens).unwrap_or(i32::MAX));
    turn.cost_micros = Set(cost);
    turn.answered_at = Set(Some(now));
    Ok(turn.update(&app.db).await?)
}

async fn finish_with_retrieval(app: &App, turn: assistant_turns::Model) -> ApiResult<assistant_turns::Model> {
    let mut turn: assistant_turns::ActiveModel = turn.into();
    turn.status = Set(AssistantTurnStatus::Done);
    turn.answered_at = Set(Some(app.clock.now()));
    Ok(turn.update(&app.db).await?)
}

/// Adds a model's answer to its payer's month, in one statement (two instances add without losing
/// either's).
async fn add_spend(app: &App, payer: &str, usage: Usage, cost: i64, now: DateTime<Utc>) -> ApiResult<()> {
    let row = assistant_spend::ActiveModel {
        payer: Set(payer.to_owned()),
        month: Set(month_of(now)),
        prompt_tokens: Set(i64::from(usage.prompt_tokens)),
        completion_tokens: Set(i64::from(usage.completion_tokens)),
        cost_micros: Set(cost),
        updated_at: Set(now),
    };
    let add = |column: &str| Expr::cust(format!("assistant_spend.{column} + excluded.{column}"));
    let on_conflict = OnConflict::columns([assistant_spend::Column::Payer, assistant_spend::Column::Month])
        .value(assistant_spend::Column::PromptTokens, add("prompt_tokens"))
        .value(assistant_spend::Column::CompletionTokens, add("completion_tokens"))
        .value(assistant_spend::Column::CostMicros, add("cost_micros"))
        .update_column(assistant_spend::Column::UpdatedAt)
        .to_owned();
    assistant_spend::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(&app.db).await?;
    Ok(())
}

/// A turn the viewer may follow: one of their own conversations'.
pub async fn own_turn(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<assistant_turns::Model> {
    let turn = assistant_turns::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("answer"))?;
    own_conversation(app, viewer, turn.conversation_id).await?;
    Ok(turn)
}

/// A turn still `ANSWERING` this long after it was asked was left by an instance that stopped: its
/// retrieval answer is final.
pub fn abandoned(app: &App, turn: &assistant_turns::Model) -> bool {
    let grace = i64::try_from(app.config.llm_answer_timeout_ms).unwrap_or(i64::MAX).saturating_add(10_000);
    turn.status == AssistantTurnStatus::Answering
        && app.clock.now() - turn.asked_at > chrono::Duration::milliseconds(grace)
}

/// The signed-in person's conversations, latest first, with their turns in order.
pub async fn my_conversations(
    app: &App,
    viewer: &Viewer,
) -> ApiResult<Vec<(assistant_conversations::Model, Vec<assistant_turns::Model>)>> {
    let user = viewer.user()?;
    let conversations = assistant_conversations::Entity::find()
        .filter(assistant_conversations::Column::UserId.eq(user.id))
        .order_by_desc(assistant_conversations::Column::UpdatedAt)
        .all(&app.db)
        .await?;
    let turns = assistant_turns::Entity::find()
        .filter(assistant_turns::Column::ConversationId.is_in(conversations.iter().map(|c| c.id)))
        .order_by_asc(assistant_turns::Column::AskedAt)
        .all(&app.db)
        .await?;
    Ok(conversations
        .into_iter()
        .map(|conversation| {
            let theirs = turns.iter().filter(|turn| turn.conversation_id == conversation.id).cloned().collect();
            (conversation, theirs)
        })
        .collect())
}

/// Deletes one of the signed-in person's conversations with its turns.
pub async fn delete_conversation(app: &App, viewer: &Viewer, id: Uuid) -> ApiResult<()> {
    let conversation = own_conversation(app, viewer, id).await?;
    assistant_conversations::Entity::delete_by_id(conversation.id).exec(&app.db).await?;
    Ok(())
}

/// The questions asked of a workshop's assistant, without who asked and with anything that could
/// name them (VINs, e-mail addresses, phone numbers) masked: unanswered first, then latest first.
pub async fn questions_asked(
    app: &App,
    viewer: &Viewer,
    workshop_id: Uuid,
    first: u64,
) -> ApiResult<Vec<assistant_turns::Model>> {
    if !policy::assistant_questions(viewer, workshop_id) {
        return Err(ApiError::Forbidden("only the workshop's staff see the questions asked of it".into()));
    }
    let turns = assistant_turns::Entity::find()
        .filter(assistant_turns::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(assistant_turns::Column::Answered)
        .order_by_desc(assistant_turns::Column::AskedAt)
        .paginate(&app.db, first)
        .fetch_page(0)
        .await?;
    Ok(turns)
}

/// `text` with VINs, e-mail addresses and phone numbers (a run of number groups with 7 digits or
/// more) replaced by a mark.
pub fn anonymised(text: &str) -> String {
    let words: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    let bare = |word: &str| -> String {
        word.trim_end().trim_matches(|c: char| matches!(c, ',' | '.' | '?' | '!' | ';' | ':')).to_owned()
    };
    let digits = |word: &str| word.chars().filter(char::is_ascii_digit).count();
    let phone_part = |word: &str| {
        let bare = bare(word);
        digits(&bare) > 0 && bare.chars().all(|c| c.is_ascii_digit() || "+-/()".contains(c))
    };
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < words.len() {
        let run = words[index..].iter().take_while(|word| phone_part(word)).count();
        if run > 0 && words[index..index + run].iter().map(|word| digits(word)).sum::<usize>() >= 7 {
            let last = words[index + run - 1];
            out.push_str(&last.replacen(&bare(last), "[…]", 1));
            index += run;
            continue;
        }
        let word = words[index];
        let core = bare(word);
        let vin = core.len() == 17 && core.chars().all(|c| c.is_ascii_alphanumeric()) && digits(&core) > 0;
        let email = core.contains('@') && core.contains('.');
        out.push_str(&if vin || email { word.replacen(&core, "[…]", 1) } else { word.to_owned() });
        index += 1;
    }
    out
}

use sea_orm::PaginatorTrait as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_lose_what_could_name_who_asked() {
        assert_eq!(
            anonymised("Is WCAAS000000000042 due? Mail anna@example.org or call +49 170 1234567."),
            "Is […] due? Mail […] or call […]."
        );
        assert_eq!(anonymised("Was kostet die Inspektion?"), "Was kostet die Inspektion?");
        assert_eq!(anonymised("P0301 after 2024, at 15000 km"), "P0301 after 2024, at 15000 km");
    }
}
